import Foundation
import Testing
import FlexGenModel
@testable import FlexGenSampler

/// A sampler that counts its calls and may sleep in each: the validator's stop checks are seen
/// from outside (how many batches ran) without depending on the real model's speed.
final class CountingSampler: Sampler, @unchecked Sendable {
    var name: String { "counting" }
    let images: [[Float]]
    let sleepS: Double
    private(set) var calls = 0
    init(sleepS: Double = 0) throws {
        images = Array(try DigitsDataset.loadShipped().heldOut.map(\.pixels).prefix(40))
        self.sleepS = sleepS
    }
    func generate(_ request: SampleRequest) throws -> SampleBatch {
        calls += 1
        if sleepS > 0 { Thread.sleep(forTimeInterval: sleepS) }
        let samples = (0..<request.count).map { images[$0 % images.count] }
        return SampleBatch(samples: samples, wallTimeS: 1e-3, flopsPerImage: 1)
    }
}

@Suite struct ValidatorCancellationTests {
    /// Two clients on two configurations of an FD-digits profile: 2 configurations × 3 seeds = 6 batches.
    static func problemAndSolution() -> (Problem, Solution) {
        let profile = Profile(name: "digits", metric: QualityEvaluator.metric, configs: [
            Configuration(width: 0.5, steps: 10, flops: 1, quality: 20),
            Configuration(width: 1, steps: 20, flops: 2, quality: 10),
        ])
        let server = Server(bandwidthHz: 1e6, noisePsdWPerHz: 3.98e-21, maxTxPowerW: 1, computeRateFlopsPerS: 2e10,
                            energyPerFlopJ: 1e-11, dvfsCoefficient: 1e-30)
        let clients = [Client(id: "a", deadlineS: 1, channelGain: .decibels(-90), imageBits: 2048, qualityRequirement: 30),
                       Client(id: "b", deadlineS: 1, channelGain: .decibels(-90), imageBits: 2048)]
        let problem = Problem(name: "p", server: server, profile: profile, clients: clients, serviceTargets: [])
        func decision(_ id: String, _ w: Double, _ s: Int, _ flops: Double) -> ClientDecision {
            ClientDecision(id: id, width: w, steps: s, flops: flops, quality: 1, computeRateFlopsPerS: 1e8,
                           bandwidthHz: 1e5, txPowerW: 0.1, txTimeS: 0.01, latencyS: 0.02, computeEnergyJ: 1e-5, txEnergyJ: 1e-3)
        }
        let solution = Solution(problem: "p", solver: "hand", status: .feasible, totalEnergyJ: 1, solveTimeS: 0,
                                clients: [decision("a", 0.5, 10, 1), decision("b", 1, 20, 2)])
        return (problem, solution)
    }

    static func settings() -> ValidationSettings {
        var settings = ValidationSettings()
        settings.seedCount = 3
        settings.samplesPerSeed = 20
        return settings
    }

    @Test func runsEveryBatchWhenNotStopped() throws {
        let (problem, solution) = Self.problemAndSolution()
        let sampler = try CountingSampler()
        let report = try SolutionValidator(sampler: sampler, evaluator: try QualityEvaluator.shipped(), timing: nil)
            .validate(problem: problem, solution: solution, settings: Self.settings())
        #expect(sampler.calls == 1 + 6)  // warm-up + 2 configurations × 3 seeds
        #expect(report.configurations.count == 2)
    }

    /// `shouldStop` turning true after k batches stops before batch k + 1: exactly k batches (plus
    /// the warm-up) reach the sampler, and the error says k of 6.
    @Test(arguments: [0, 1, 4])
    func stopsBeforeTheNextBatchOnceAsked(afterBatches k: Int) throws {
        let (problem, solution) = Self.problemAndSolution()
        let sampler = try CountingSampler()
        let validator = SolutionValidator(sampler: sampler, evaluator: try QualityEvaluator.shipped(), timing: nil)
        var thrown: ValidationInterrupted?
        do {
            _ = try validator.validate(problem: problem, solution: solution, settings: Self.settings(),
                                       shouldStop: { sampler.calls >= 1 + k })
        } catch let error as ValidationInterrupted {
            thrown = error
        }
        let error = try #require(thrown)
        #expect(error.reason == .stopped)
        #expect(error.completedBatches == k && error.totalBatches == 6)
        #expect(sampler.calls == 1 + k)
    }

    @Test func stopRequestedBeforeTheStartRunsNothing() throws {
        let (problem, solution) = Self.problemAndSolution()
        let sampler = try CountingSampler()
        #expect(throws: ValidationInterrupted.self) {
            try SolutionValidator(sampler: sampler, evaluator: try QualityEvaluator.shipped(), timing: nil)
                .validate(problem: problem, solution: solution, settings: Self.settings(), shouldStop: { true })
        }
        #expect(sampler.calls == 0)
    }

    /// Each call sleeps 50 ms and the limit is 10 ms: the check before the warm-up passes (0 s
    /// elapsed), the one before the first batch sees ≥ 50 ms and stops; no sleep-length assumption
    /// beyond "a sleep lasts at least as long as asked".
    @Test func timeLimitStopsAtTheNextBatch() throws {
        let (problem, solution) = Self.problemAndSolution()
        let sampler = try CountingSampler(sleepS: 0.05)
        var settings = Self.settings()
        settings.timeLimitS = 0.01
        var thrown: ValidationInterrupted?
        do {
            _ = try SolutionValidator(sampler: sampler, evaluator: try QualityEvaluator.shipped(), timing: nil)
                .validate(problem: problem, solution: solution, settings: settings)
        } catch let error as ValidationInterrupted {
            thrown = error
        }
        let error = try #require(thrown)
        #expect(error.reason == .timeLimit)
        #expect(error.completedBatches == 0 && sampler.calls == 1)
        #expect(error.elapsedS >= 0.05)
        #expect(error.description.contains("time limit"))
    }

    @Test(arguments: [0.0, -1, .nan])
    func nonPositiveTimeLimitIsBadSettings(limit: Double) throws {
        let (problem, solution) = Self.problemAndSolution()
        var settings = Self.settings()
        settings.timeLimitS = limit
        #expect(settings.problem?.hasPrefix("timeLimitS:") == true)
        #expect(throws: ValidationInputError.self) {
            try SolutionValidator(sampler: try CountingSampler(), evaluator: try QualityEvaluator.shipped(), timing: nil)
                .validate(problem: problem, solution: solution, settings: settings)
        }
    }
}
