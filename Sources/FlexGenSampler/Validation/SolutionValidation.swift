import Foundation
import FlexGenModel
import FlexGenNumerics

/// Settings of `flexgen validate`; every default documented.
public struct ValidationSettings: Sendable, Equatable {
    /// Images per seed and configuration (default 1000, as calibration: FD has a 1/N bias, so
    /// validating with the calibration's N compares like with like).
    public var samplesPerSeed = 1000
    /// Repeated seeds (default 5: 95 % Student-t CI with 4 dof).
    public var seedCount = 5
    /// First seed (default 5000: disjoint from calibration's 1000…, so validation is an
    /// independent re-measurement, not a replay).
    public var baseSeed: UInt64 = 5000
    /// DDIM η (default 0, as calibration).
    public var eta = 0.0
    /// Relative tolerance on requirements (default 1e-6, the contract's).
    public var relativeTolerance = 1e-6
    /// Wall-clock limit (s) of one `validate` call, warm-up included, checked before every batch
    /// (one seed of one configuration). Default +∞ (no limit). A batch that has started is finished,
    /// so a call can overrun the limit by at most one batch; reaching it throws
    /// `ValidationInterrupted` (`.timeLimit`), never a partial report.
    public var timeLimitS = Double.infinity

    public init() {}

    public var problem: String? {
        if samplesPerSeed < 2 { return "samples: must be ≥ 2, got \(samplesPerSeed)" }
        if seedCount < 1 { return "seeds: must be ≥ 1, got \(seedCount)" }
        if !(eta.isFinite && eta >= 0) { return "eta: must be ≥ 0, got \(eta)" }
        if !(timeLimitS > 0) { return "timeLimitS: must be > 0, got \(timeLimitS)" }
        return nil
    }
}

/// A validation stopped before its report was complete: the outcome of reaching
/// `ValidationSettings.timeLimitS` or of the caller's `shouldStop` (cancellation). Not bad input:
/// the same request may succeed with more time or fewer images.
public struct ValidationInterrupted: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable, Equatable {
        /// `ValidationSettings.timeLimitS` was reached.
        case timeLimit = "time_limit"
        /// The caller's `shouldStop` returned true (client gone, shutdown, …).
        case stopped
    }
    public var reason: Reason
    /// Batches (seed × configuration) finished before the stop, and how many the report needed.
    public var completedBatches: Int
    public var totalBatches: Int
    /// Wall time from the start of `validate` to the stop (s).
    public var elapsedS: Double

    public init(reason: Reason, completedBatches: Int, totalBatches: Int, elapsedS: Double) {
        self.reason = reason
        self.completedBatches = completedBatches
        self.totalBatches = totalBatches
        self.elapsedS = elapsedS
    }

    public var description: String {
        let what = reason == .timeLimit ? "reached its time limit" : "was stopped"
        return "validation \(what) after \(String(format: "%.3f", elapsedS)) s, with \(completedBatches) of \(totalBatches) batches done"
    }
}

/// How a realised quality compares with a requirement, given its 95 % CI half-width h and the
/// margin m (positive: on the good side, in the metric's direction).
public enum QualityVerdict: String, Codable, Sendable {
    /// m ≥ h: met even at the unfavourable end of the CI.
    case met
    /// 0 ≤ m < h: the measured mean meets it, but the CI reaches the wrong side.
    case metWithinNoise = "met-within-noise"
    /// −h ≤ m < 0: the mean misses it by less than the CI: not a significant violation.
    case missedWithinNoise = "missed-within-noise"
    /// m < −h: missed beyond the CI: a violation (exit 1).
    case violated
    /// The client states no requirement.
    case noRequirement = "no-requirement"

    static func judge(margin: Double, halfWidth: Double) -> QualityVerdict {
        if margin >= halfWidth { return .met }
        if margin >= 0 { return .metWithinNoise }
        if margin >= -halfWidth { return .missedWithinNoise }
        return .violated
    }
}

/// The validation of one solution against reality.
public struct ValidationReport: Codable, Sendable {
    public struct ConfigurationResult: Codable, Sendable {
        public var width: Double
        public var steps: Int
        public var flopsPerImage: Double
        /// The profile's (calibrated) quality for this configuration.
        public var profileQuality: Double
        public var qualityBySeed: [Double]
        public var qualityMean: Double
        public var qualityCI95: Double
        public var labelAccuracy: Double
        public var meanConfidence: Double
        /// Measured wall time per image now: fastest over seeds of batch time / batch size (as calibration).
        public var measuredSecondsPerImage: Double
        /// The calibrated rate used for the prediction (FLOP/s) and where it came from; nil without timing data.
        public var calibratedFlopsPerS: Double?
        public var calibratedRateSource: String?
        /// flopsPerImage / calibratedFlopsPerS.
        public var predictedSecondsPerImage: Double?
    }

    public struct ClientResult: Codable, Sendable {
        public var id: String
        public var width: Double
        public var steps: Int
        public var requirement: Double?
        public var realisedQuality: Double
        public var realisedCI95: Double
        public var verdict: QualityVerdict
        public var measuredComputeS: Double
        public var predictedComputeS: Double?
        /// C_k / f_k from the solution: the compute time the solver planned on the problem's server.
        public var plannedComputeS: Double
    }

    public struct TargetResult: Codable, Sendable {
        public var index: Int
        public var clients: [String]
        public var target: Double
        public var realisedMean: Double
        /// Conservative CI of the group mean: the mean of the members' half-widths (a CI of a sum is
        /// at most the sum of the CIs, whatever the correlation between shared configurations).
        public var realisedCI95: Double
        public var verdict: QualityVerdict
    }

    public var problem: String
    public var metric: QualityMetric
    public var samplesPerSeed: Int
    public var seeds: [UInt64]
    public var timingSource: String?
    public var configurations: [ConfigurationResult]
    public var clients: [ClientResult]
    public var serviceTargets: [TargetResult]

    /// Any client or target missed beyond its CI.
    public var hasViolation: Bool {
        clients.contains { $0.verdict == .violated } || serviceTargets.contains { $0.verdict == .violated }
    }
}

/// Bad input to validation (exit 2 in the CLI).
public struct ValidationInputError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Re-measures every distinct configuration a solution uses, with fresh seeds, and compares the
/// realised quality with each client's requirement and each service target, and the measured
/// compute time with the one predicted from the calibration.
public struct SolutionValidator {
    public let sampler: any Sampler
    public let evaluator: any SampleScorer
    /// Timing from `flexgen calibrate` (nil: no predicted times).
    public let timing: CalibrationTiming?
    public let timingSource: String?

    public init(sampler: any Sampler, evaluator: QualityEvaluator, timing: CalibrationTiming?, timingSource: String? = nil) {
        self.init(sampler: sampler, scorer: evaluator, timing: timing, timingSource: timingSource)
    }

    /// Any quality judge: `FashionQualityEvaluator` for problems on the fashion-measured profile.
    public init(sampler: any Sampler, scorer: any SampleScorer, timing: CalibrationTiming?, timingSource: String? = nil) {
        self.sampler = sampler
        self.evaluator = scorer
        self.timing = timing
        self.timingSource = timingSource
    }

    /// The metrics validation can re-measure: FD-digits (the built-in digits model) and FD-fashion
    /// (the Fashion-MNIST U-Net, profile written by `flexgen calibrate --model fashion`).
    public static let measurableMetrics = [QualityEvaluator.metric, FashionQualityEvaluator.metric]

    /// Input checks shared by the CLI: the metric must be one validation measures, the
    /// solution must be for this problem, name its clients and use configurations of the profile.
    public static func check(problem: Problem, solution: Solution) throws {
        guard measurableMetrics.contains(problem.profile.metric) else {
            throw ValidationInputError("profile.metric: validate measures \(QualityEvaluator.metric.name) (the built-in digits model) or \(FashionQualityEvaluator.metric.name) (the Fashion-MNIST model), lower is better; this problem's profile uses \(problem.profile.metric.name) (\(problem.profile.metric.better.rawValue)) — use a profile written by `flexgen calibrate`")
        }
        guard solution.problem == problem.name else {
            throw ValidationInputError("problem: the solution is for \"\(solution.problem)\", the problem is \"\(problem.name)\"")
        }
        guard !solution.clients.isEmpty else {
            throw ValidationInputError("clients: the solution (status \(solution.status.rawValue)) has no client decisions to validate")
        }
        let index = problem.clientIndex
        for (k, decision) in solution.clients.enumerated() {
            guard index[decision.id] != nil else {
                throw ValidationInputError("clients[\(k)].id: \"\(decision.id)\" is not a client of the problem")
            }
            guard problem.profile.configuration(decision.configurationKey) != nil else {
                throw ValidationInputError("clients[\(k)]: configuration \(decision.configurationKey) is not in the profile")
            }
            guard decision.computeRateFlopsPerS.isFinite, decision.computeRateFlopsPerS > 0 else {
                throw ValidationInputError("clients[\(k)].computeRateFlopsPerS: must be > 0, got \(decision.computeRateFlopsPerS)")
            }
        }
    }

    /// Samples `settings.seedCount` batches of `settings.samplesPerSeed` images for every distinct
    /// configuration of `solution`, scores them and judges every client and service target.
    ///
    /// Cooperative cancellation: before each batch (and before the warm-up) the call stops with
    /// `ValidationInterrupted` when `shouldStop()` returns true (`.stopped`) or when
    /// `settings.timeLimitS` has elapsed since the call began (`.timeLimit`). `shouldStop` is
    /// called on the validating thread, once per batch: it must be cheap and thread-safe (e.g.
    /// read a flag another thread sets).
    /// - Throws: `ValidationInputError` for bad input or settings, `SamplerError`/classifier
    ///   errors from the sampler, `ValidationInterrupted` when stopped.
    public func validate(problem: Problem, solution: Solution, settings: ValidationSettings = .init(),
                         progress: ((Int, Int, String) -> Void)? = nil,
                         shouldStop: () -> Bool = { false }) throws -> ValidationReport {
        let clock = ContinuousClock()
        let start = clock.now
        if let p = settings.problem { throw ValidationInputError(p) }
        try Self.check(problem: problem, solution: solution)
        let metric = problem.profile.metric
        var keys: [Configuration.Key] = []
        for d in solution.clients where !keys.contains(d.configurationKey) { keys.append(d.configurationKey) }
        let seeds = (0..<settings.seedCount).map { settings.baseSeed + UInt64($0) }
        var done = 0
        /// Throws if the caller asked to stop or the time limit has passed; called before each batch.
        func checkpoint() throws {
            let reason: ValidationInterrupted.Reason? = shouldStop() ? .stopped
                : (clock.now - start).seconds >= settings.timeLimitS ? .timeLimit : nil
            if let reason {
                throw ValidationInterrupted(reason: reason, completedBatches: done, totalBatches: keys.count * seeds.count,
                                            elapsedS: (clock.now - start).seconds)
            }
        }
        try checkpoint()
        // Warm-up, untimed (page faults, BLAS threads).
        _ = try sampler.generate(SampleRequest(width: 1, steps: 1, count: 16, seed: 0))
        var results: [Configuration.Key: ValidationReport.ConfigurationResult] = [:]
        for key in keys {
            let profileEntry = problem.profile.configuration(key)!
            var fds: [Double] = [], acc: [Double] = [], conf: [Double] = []
            var perImageBySeed: [Double] = []
            var flops = profileEntry.flops
            for seed in seeds {
                try checkpoint()
                let request = SampleRequest(width: key.width, steps: key.steps, count: settings.samplesPerSeed, seed: seed, eta: settings.eta)
                let batch = try sampler.generate(request)
                guard let samples = batch.samples else {
                    throw SamplerError.malformedResponse("validation needs samples to measure FD-digits")
                }
                let score = try evaluator.score(samples, requestedLabels: request.effectiveLabels)
                fds.append(score.frechetDistance); acc.append(score.labelAccuracy); conf.append(score.meanConfidence)
                perImageBySeed.append(batch.secondsPerImage(count: request.count))
                if let f = batch.flopsPerImage { flops = f }
                done += 1
                progress?(done, keys.count * seeds.count, String(format: "w %g s %d FD %.3f", key.width, key.steps, score.frechetDistance))
            }
            let perImage = perImageBySeed.min()! // as calibration: other processes only slow batches down
            let rate = timing?.rate(width: key.width, steps: key.steps)
            results[key] = .init(width: key.width, steps: key.steps, flopsPerImage: flops, profileQuality: profileEntry.quality,
                                 qualityBySeed: fds, qualityMean: Statistics.mean(fds),
                                 qualityCI95: Statistics.confidenceHalfWidth95(fds),
                                 labelAccuracy: Statistics.mean(acc), meanConfidence: Statistics.mean(conf),
                                 measuredSecondsPerImage: perImage, calibratedFlopsPerS: rate?.flopsPerS,
                                 calibratedRateSource: rate?.source, predictedSecondsPerImage: rate.map { flops / $0.flopsPerS })
        }
        let problemIndex = problem.clientIndex
        var clientResults: [ValidationReport.ClientResult] = []
        var realised: [String: (mean: Double, ci: Double)] = [:]
        for d in solution.clients {
            let r = results[d.configurationKey]!
            let requirement = problem.clients[problemIndex[d.id]!].qualityRequirement
            let tolerance = settings.relativeTolerance * abs(requirement ?? 0)
            let verdict = requirement.map {
                QualityVerdict.judge(margin: metric.margin(r.qualityMean, requirement: $0) + tolerance, halfWidth: r.qualityCI95)
            } ?? .noRequirement
            realised[d.id] = (r.qualityMean, r.qualityCI95)
            clientResults.append(.init(id: d.id, width: d.width, steps: d.steps, requirement: requirement,
                                       realisedQuality: r.qualityMean, realisedCI95: r.qualityCI95, verdict: verdict,
                                       measuredComputeS: r.measuredSecondsPerImage, predictedComputeS: r.predictedSecondsPerImage,
                                       plannedComputeS: d.flops / d.computeRateFlopsPerS))
        }
        var targetResults: [ValidationReport.TargetResult] = []
        for (t, target) in problem.serviceTargets.enumerated() {
            let members = target.clients ?? problem.clients.map(\.id)
            let values = members.compactMap { realised[$0] }
            guard values.count == members.count, !values.isEmpty else {
                throw ValidationInputError("serviceTargets[\(t)]: the solution has no decision for some of its clients")
            }
            let mean = values.reduce(0) { $0 + $1.mean } / Double(values.count)
            let ci = values.reduce(0) { $0 + $1.ci } / Double(values.count)
            let tolerance = settings.relativeTolerance * abs(target.meanQualityTarget)
            targetResults.append(.init(index: t, clients: members, target: target.meanQualityTarget, realisedMean: mean, realisedCI95: ci,
                                       verdict: .judge(margin: metric.margin(mean, requirement: target.meanQualityTarget) + tolerance, halfWidth: ci)))
        }
        return ValidationReport(problem: problem.name, metric: metric, samplesPerSeed: settings.samplesPerSeed, seeds: seeds,
                                timingSource: timingSource, configurations: keys.map { results[$0]! },
                                clients: clientResults, serviceTargets: targetResults)
    }
}
