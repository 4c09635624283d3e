import Foundation
import FlexGenModel
import FlexGenNumerics
import FlexGenLinearAlgebra

/// One measured configuration of the calibration grid.
public struct CalibrationPoint: Sendable, Equatable, Codable {
    public var width: Double
    public var steps: Int
    /// Analytic FLOP per image (the sampler's count).
    public var flopsPerImage: Double
    /// FD-digits of each seed's batch.
    public var frechetBySeed: [Double]
    /// Mean FD-digits over the seeds.
    public var frechetMean: Double
    /// Half-width of its 95 % Student-t confidence interval (0 with one seed).
    public var frechetCI95: Double
    /// Fraction of images the classifier assigns to the requested digit (mean over seeds).
    public var labelAccuracy: Double
    /// Half-width of the 95 % Student-t CI of the label accuracy over seeds (0 with one seed).
    public var labelAccuracyCI95: Double = 0
    /// Mean classifier confidence (softmax probability of its prediction).
    public var meanConfidence: Double
    /// Fastest over seeds of (batch wall time / batch size) (s), batches of `samplesPerSeed`. The
    /// minimum, as for any benchmark on a shared machine: other processes only ever slow a batch
    /// down, so the fastest batch is the best estimate of the configuration's own cost.
    public var secondsPerImage: Double
    /// flopsPerImage / secondsPerImage: the rate this machine reached for this configuration.
    public var achievedFlopsPerS: Double
}

/// The outcome of a calibration run.
public struct CalibrationResult: Sendable {
    public var settings: CalibrationSettings
    public var samplerName: String
    /// Number of real (held-out) images the FD compares against.
    public var referenceCount: Int
    public var points: [CalibrationPoint]
    /// The fit of q∞ + a·w^(−α) + c·s^(−β) to the mean FDs (nil with fewer than 6 points or no spread).
    public var law: QualityLawFit?
    public var lawFailure: String?
    /// Pearson correlation of time per image with counted FLOP per image.
    public var timeFlopsCorrelation: Double
    /// The single rate R minimising Σ (t_c − C_c/R)²: 1/R = Σ C t / Σ C² (FLOP/s).
    public var overallFlopsPerS: Double
    /// Measured sgemm peak of this machine (FLOP/s), if measured.
    public var sgemmPeakFlopsPerS: Double?
    /// Wall time of the whole run (s).
    public var wallTimeS: Double
    /// Held-out accuracy of the feature classifier (set by `CalibrationRun`, for the report).
    public var classifierHeldOutAccuracy: Double?
    /// The quality metric of the scorer that produced `points`.
    public var metric: QualityMetric = QualityEvaluator.metric
    /// What the report says about the model and its reference set.
    public var subject: CalibrationSubject = .digits
    /// FD between two disjoint halves of the real reference set, when the scorer can measure it.
    public var realFloor: Double?
    /// /proc/loadavg when the run ended (timings on a loaded machine are pessimistic).
    /// CPU time of the whole process during the run (s), every thread: with parallel batches it
    /// exceeds the wall time; the gap to wall × batches is time the machine gave to other processes.
    public var cpuTimeS: Double?
    /// Batches that actually ran at once (1 when the sampler is not a `ConcurrentSampler`).
    public var parallelBatches = 1
    public var loadAverage: String? = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))
        .map { $0.split(separator: " ").prefix(3).joined(separator: " ") }

    /// The measured profile (metric FD-digits, lower is better).
    public func profile(name: String = "digits-measured") -> Profile {
        Profile(name: name, metric: metric, configs: points.map {
            Configuration(width: $0.width, steps: $0.steps, flops: $0.flopsPerImage, quality: $0.frechetMean)
        })
    }

    /// Pairs of neighbouring grid points where quality gets *worse* with more width (fixed steps)
    /// or more steps (fixed width) by more than the two CIs together allow.
    public var monotonicityViolations: [String] { neighbourRises(beyondCI: true) }

    /// Neighbouring pairs where FD rises at all but by no more than the two CIs (plateaus).
    public var risesWithinCI: [String] { neighbourRises(beyondCI: false) }

    func neighbourRises(beyondCI: Bool) -> [String] {
        var out: [String] = []
        func lookup(_ w: Double, _ s: Int) -> CalibrationPoint? { points.first { $0.width == w && $0.steps == s } }
        let widths = settings.widths.sorted(), steps = settings.steps.sorted()
        for s in steps { for (w0, w1) in zip(widths, widths.dropFirst()) {
            if let p = lookup(w0, s), let q = lookup(w1, s), Self.rises(p, q, beyondCI: beyondCI) {
                out.append(String(format: "steps %d: FD rises from %.3f (w %g) to %.3f (w %g)", s, p.frechetMean, w0, q.frechetMean, w1))
            }
        } }
        for w in widths { for (s0, s1) in zip(steps, steps.dropFirst()) {
            if let p = lookup(w, s0), let q = lookup(w, s1), Self.rises(p, q, beyondCI: beyondCI) {
                out.append(String(format: "width %g: FD rises from %.3f (s %d) to %.3f (s %d)", w, p.frechetMean, s0, q.frechetMean, s1))
            }
        } }
        return out
    }

    static func rises(_ p: CalibrationPoint, _ q: CalibrationPoint, beyondCI: Bool) -> Bool {
        let rise = q.frechetMean - p.frechetMean, allowance = p.frechetCI95 + q.frechetCI95
        return beyondCI ? rise > allowance : (rise > 0 && rise <= allowance)
    }
}

/// Runs the calibration grid: for every (width, steps) and seed, one batch from the sampler,
/// timed, scored against the reference images.
///
/// Parallelism (`CalibrationSettings.parallelBatches`): the (configuration, seed) batches are
/// independent (batch i of a configuration always uses seed baseSeed + i), so with a
/// `ConcurrentSampler` up to that many run at once, each on its own thread; OpenBLAS runs one
/// thread per call throughout the grid (in a sequential run too), so a batch's wall time is one
/// core's and the time columns mean the same whatever the setting. The results are identical to the
/// sequential run's except for the measured times (a test checks it). A sampler that is not a
/// `ConcurrentSampler` (an external worker answers one request at a time) runs sequentially.
public struct Calibrator {
    public let sampler: any Sampler
    public let evaluator: any SampleScorer

    public init(sampler: any Sampler, evaluator: QualityEvaluator) {
        self.sampler = sampler
        self.evaluator = evaluator
    }

    /// Any quality judge (e.g. `FashionQualityEvaluator`).
    public init(sampler: any Sampler, scorer: any SampleScorer) {
        self.sampler = sampler
        self.evaluator = scorer
    }

    /// One timed, scored batch.
    struct BatchOutcome: Sendable {
        var score: QualityEvaluator.Score
        var secondsPerImage: Double
        var flopsPerImage: Double?
    }

    static func measure(_ request: SampleRequest, sampler: any Sampler, scorer: any SampleScorer) throws -> BatchOutcome {
        let batch = try sampler.generate(request)
        guard let samples = batch.samples else {
            throw SamplerError.malformedResponse("calibration needs samples; the sampler returned only a quality")
        }
        let score = try scorer.score(samples, requestedLabels: request.effectiveLabels)
        return BatchOutcome(score: score, secondsPerImage: batch.secondsPerImage(count: request.count), flopsPerImage: batch.flopsPerImage)
    }

    /// The batches of the grid in the sequential order (widths ascending, then steps ascending, then
    /// seeds), each with its configuration's index in that order.
    static func batches(_ settings: CalibrationSettings) -> [(configuration: Int, request: SampleRequest)] {
        var out: [(Int, SampleRequest)] = []
        var configuration = 0
        for width in settings.widths.sorted() {
            for steps in settings.steps.sorted() {
                for i in 0..<settings.seedCount {
                    out.append((configuration, SampleRequest(width: width, steps: steps, count: settings.samplesPerSeed,
                                                             seed: settings.baseSeed + UInt64(i), eta: settings.eta)))
                }
                configuration += 1
            }
        }
        return out
    }

    /// - Parameter progress: called on the calling thread after every batch with (done, total, last point description).
    public func run(_ settings: CalibrationSettings, measureSgemmPeak: Bool = true,
                    progress: ((Int, Int, String) -> Void)? = nil) throws -> CalibrationResult {
        if let problem = settings.problem { throw SamplerError.badRequest(problem) }
        let start = ContinuousClock.now, cpuStart = ProcessCPUTime.seconds()
        return try BLAS.withThreadCount(1) {
            // Warm-up: the first batch pays for page faults and BLAS start-up; not timed.
            _ = try sampler.generate(SampleRequest(width: settings.widths.max()!, steps: 1, count: 16, seed: 0))
            let batches = Self.batches(settings)
            var outcomes = [BatchOutcome?](repeating: nil, count: batches.count)
            var done = 0
            let record = { (index: Int, outcome: BatchOutcome) in
                outcomes[index] = outcome
                done += 1
                let request = batches[index].request
                progress?(done, batches.count, String(format: "w %g s %d FD %.3f", request.width, request.steps, outcome.score.frechetDistance))
            }
            let concurrent = sampler as? any ConcurrentSampler
            if let concurrent, settings.parallelBatches > 1 {
                // Longest first (cost ∝ w²·s, stable), so that the last batches to finish are short ones.
                let order = batches.indices.sorted { a, b in
                    let ca = batches[a].request.width * batches[a].request.width * Double(batches[a].request.steps)
                    let cb = batches[b].request.width * batches[b].request.width * Double(batches[b].request.steps)
                    return ca != cb ? ca > cb : a < b
                }
                let requests = batches.map(\.request), scorer = evaluator
                try BoundedWorkerPool.run(order: order, workers: settings.parallelBatches,
                                          body: { try Self.measure(requests[$0], sampler: concurrent, scorer: scorer) },
                                          completed: record)
            } else {
                for (index, batch) in batches.enumerated() {
                    record(index, try Self.measure(batch.request, sampler: sampler, scorer: evaluator))
                }
            }
            var points: [CalibrationPoint] = []
            for configuration in 0..<(settings.widths.count * settings.steps.count) {
                let indices = batches.indices.filter { batches[$0].configuration == configuration }
                let seeds = indices.map { outcomes[$0]! }
                let request = batches[indices[0]].request
                guard let flopsPerImage = seeds.last?.flopsPerImage else {
                    throw SamplerError.malformedResponse("calibration needs the sampler's FLOP count per image")
                }
                let fds = seeds.map(\.score.frechetDistance), accuracies = seeds.map(\.score.labelAccuracy)
                let perImage = seeds.map(\.secondsPerImage).min()!
                points.append(CalibrationPoint(
                    width: request.width, steps: request.steps, flopsPerImage: flopsPerImage, frechetBySeed: fds,
                    frechetMean: Statistics.mean(fds), frechetCI95: Statistics.confidenceHalfWidth95(fds),
                    labelAccuracy: Statistics.mean(accuracies),
                    labelAccuracyCI95: Statistics.confidenceHalfWidth95(accuracies),
                    meanConfidence: Statistics.mean(seeds.map(\.score.meanConfidence)),
                    secondsPerImage: perImage, achievedFlopsPerS: flopsPerImage / perImage))
            }
            var law: QualityLawFit?, lawFailure: String?
            do {
                law = try QualityLawFit.fit(widths: points.map(\.width), steps: points.map { Double($0.steps) },
                                            qualities: points.map(\.frechetMean))
            } catch {
                lawFailure = "\(error)"
            }
            let times = points.map(\.secondsPerImage), counted = points.map(\.flopsPerImage)
            let ct = zip(counted, times).reduce(0) { $0 + $1.0 * $1.1 }, cc = counted.reduce(0) { $0 + $1 * $1 }
            var result = CalibrationResult(
                settings: settings, samplerName: sampler.name, referenceCount: evaluator.referenceCount, points: points, law: law, lawFailure: lawFailure,
                timeFlopsCorrelation: Statistics.pearson(counted, times), overallFlopsPerS: cc / ct,
                sgemmPeakFlopsPerS: measureSgemmPeak ? SgemmBenchmark.peakFlopsPerSecond() : nil,
                wallTimeS: (ContinuousClock.now - start).seconds)
            result.cpuTimeS = ProcessCPUTime.seconds() - cpuStart
            result.parallelBatches = concurrent == nil ? 1 : min(settings.parallelBatches, batches.count)
            result.metric = evaluator.metric
            return result
        }
    }
}
