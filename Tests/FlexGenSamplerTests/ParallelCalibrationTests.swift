import Foundation
import Testing
import FlexGenModel
@testable import FlexGenSampler
import FlexGenNumerics

/// `KnownSampler`'s images and clock, as a `ConcurrentSampler` that logs every request and the
/// most calls it saw in flight at once. With `awaitOverlap` the first call waits (up to 60 s)
/// until a second one is running, so a pool that never runs two batches at once fails the test
/// instead of passing by luck.
final class RecordingConcurrentSampler: ConcurrentSampler, @unchecked Sendable {
    let images: [[Float]]
    let awaitOverlap: Bool
    private let condition = NSCondition()
    private var inFlight = 0
    private(set) var maxInFlight = 0
    private(set) var requests: [SampleRequest] = []
    var name: String { "recording" }

    init(awaitOverlap: Bool) throws {
        images = try DigitsDataset.loadShipped().heldOut.map(\.pixels)
        self.awaitOverlap = awaitOverlap
    }

    func generate(_ request: SampleRequest) throws -> SampleBatch {
        condition.lock()
        inFlight += 1
        maxInFlight = max(maxInFlight, inFlight)
        requests.append(request)
        condition.broadcast()
        if awaitOverlap && request.seed != 0 {  // seed 0 is the calibration's warm-up
            let deadline = Date().addingTimeInterval(60)
            while maxInFlight < 2 && condition.wait(until: deadline) {}
        }
        condition.unlock()
        defer { condition.lock(); inFlight -= 1; condition.unlock() }
        var rng = Xoshiro256(seed: request.seed)
        let sigma = KnownSampler.noise(width: request.width, steps: request.steps)
        let samples = (0..<request.count).map { i in
            images[(i * 7 + Int(request.seed % 13)) % images.count].map { min(max($0 + sigma * rng.nextNormal(), 0), 16) }
        }
        let flops = KnownSampler.flops(width: request.width, steps: request.steps)
        return SampleBatch(samples: samples, wallTimeS: flops / 1e9 * Double(request.count), flopsPerImage: flops)
    }
}

/// A judge that needs no data set: FD := the sum of all pixels of the batch (in Double), label
/// accuracy := the fraction of images whose pixel sum exceeds the batch's median. Two batches score
/// the same exactly when (up to a coincidence of sums) they hold the same pixels.
struct PixelSumScorer: SampleScorer {
    var metric: QualityMetric { QualityMetric(name: "pixel-sum", better: .lower) }
    var referenceCount: Int { 0 }
    func score(_ images: [[Float]], requestedLabels: [Int]) throws -> QualityEvaluator.Score {
        let sums = images.map { $0.reduce(0.0) { $0 + Double($1) } }
        let median = sums.sorted()[sums.count / 2]
        return QualityEvaluator.Score(frechetDistance: sums.reduce(0, +),
                                      labelAccuracy: Double(sums.filter { $0 > median }.count) / Double(sums.count),
                                      meanConfidence: sums.max() ?? 0)
    }
}

/// The calibration's parallel batches give the sequential run's results: the same requests (each
/// configuration's seeds baseSeed…baseSeed + n − 1), the same points, only faster.
@Suite struct ParallelCalibrationTests {
    static func settings(parallel: Int) -> CalibrationSettings {
        var s = CalibrationTests.smallSettings()
        s.samplesPerSeed = 60
        s.parallelBatches = parallel
        return s
    }

    /// With the deterministic clock of `KnownSampler` every field, times included, must match.
    @Test func twoWorkersGiveTheSequentialPointsAndRequests() throws {
        let sequentialSampler = try RecordingConcurrentSampler(awaitOverlap: false)
        let parallelSampler = try RecordingConcurrentSampler(awaitOverlap: true)
        let evaluator = try QualityEvaluator.shipped()
        let sequential = try Calibrator(sampler: sequentialSampler, evaluator: evaluator).run(Self.settings(parallel: 1), measureSgemmPeak: false)
        var reported: [Int] = []
        let parallel = try Calibrator(sampler: parallelSampler, evaluator: evaluator)
            .run(Self.settings(parallel: 2), measureSgemmPeak: false) { done, total, _ in
                reported.append(done)
                #expect(total == 27)
            }
        #expect(parallel.points == sequential.points)
        #expect(sequentialSampler.maxInFlight == 1 && parallelSampler.maxInFlight == 2)
        #expect(sequential.parallelBatches == 1 && parallel.parallelBatches == 2)
        #expect(reported == Array(1...27))
        // The same 27 batch requests plus the warm-up, in another order.
        let key = { (r: SampleRequest) in "\(r.width) \(r.steps) \(r.seed) \(r.count)" }
        #expect(parallelSampler.requests.map(key).sorted() == sequentialSampler.requests.map(key).sorted())
        #expect(parallelSampler.requests.count == 28)
        // Each configuration's seeds are baseSeed + 0…2 (settings.baseSeed 1000).
        for p in sequential.points {
            let seeds = parallelSampler.requests.filter { $0.width == p.width && $0.steps == p.steps && $0.seed != 0 }.map(\.seed).sorted()
            #expect(seeds == [1000, 1001, 1002])
        }
    }

    /// The shipped models sampled on two threads draw exactly the images they draw on one (the
    /// pixel sums of every batch agree to the last bit): no state is shared between batches.
    @Test(arguments: ["digits", "fashion"])
    func shippedModelsSampleTheSameImagesInParallel(model: String) throws {
        let sampler: any Sampler = model == "digits" ? try BuiltinSampler() : FashionSampler(model: try .loadShipped())
        var s = CalibrationSettings()
        s.widths = [0.25, 1]
        s.steps = model == "digits" ? [2, 4] : [1, 2]
        s.samplesPerSeed = model == "digits" ? 30 : 6
        s.seedCount = 2
        let one = try Calibrator(sampler: sampler, scorer: PixelSumScorer()).run(s, measureSgemmPeak: false)
        s.parallelBatches = 2
        let two = try Calibrator(sampler: sampler, scorer: PixelSumScorer()).run(s, measureSgemmPeak: false)
        #expect(two.parallelBatches == 2)
        #expect(two.points.map(\.frechetBySeed) == one.points.map(\.frechetBySeed))
        #expect(two.points.map(\.labelAccuracy) == one.points.map(\.labelAccuracy))
        #expect(two.points.map(\.meanConfidence) == one.points.map(\.meanConfidence))
        #expect(two.points.map(\.flopsPerImage) == one.points.map(\.flopsPerImage))
        // Not vacuous: the configurations differ from each other.
        #expect(Set(one.points.flatMap(\.frechetBySeed)).count == 8)
    }

    /// A sampler that is not a `ConcurrentSampler` runs one batch at a time whatever the setting.
    @Test func aPlainSamplerRunsSequentially() throws {
        let result = try Calibrator(sampler: KnownSampler(), evaluator: .shipped()).run(Self.settings(parallel: 2), measureSgemmPeak: false)
        #expect(result.parallelBatches == 1)
    }

    @Test func parallelBatchesBelowOneIsRefused() {
        var s = CalibrationSettings()
        s.parallelBatches = 0
        #expect(s.problem?.hasPrefix("parallelBatches") == true)
    }
}

/// The pool's contract, directly.
@Suite struct BoundedWorkerPoolTests {
    @Test(arguments: [1, 2, 3])
    func everyJobRunsOnceAndResultsLandByIndex(workers: Int) throws {
        let order = Array((0..<40).reversed())
        var results = [Int?](repeating: nil, count: 40)
        try BoundedWorkerPool.run(order: order, workers: workers, body: { $0 * $0 }, completed: { results[$0] = $1 })
        #expect(results == (0..<40).map { $0 * $0 })
    }

    struct Failure: Error, Equatable { let job: Int }

    /// After a failure no further job starts, and the lowest-indexed failure is rethrown.
    @Test func aFailureStopsTheQueueAndTheLowestIndexedErrorIsRethrown() {
        let started = Counter()
        #expect(throws: Failure(job: 3)) {
            try BoundedWorkerPool.run(order: Array(0..<1000), workers: 2, body: { job -> Int in
                started.increment()
                if job == 3 || job == 5 { throw Failure(job: job) }
                return job
            }, completed: { _, _ in })
        }
        // Each of the two workers finishes at most the job it holds when the failure is posted.
        #expect(started.value < 1000)
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func increment() { lock.lock(); count += 1; lock.unlock() }
        var value: Int { lock.lock(); defer { lock.unlock() }; return count }
    }
}
