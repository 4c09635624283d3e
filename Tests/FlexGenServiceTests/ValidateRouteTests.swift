import Foundation
import Testing
import Logging
import FlexGen
import FlexGenSampler
@testable import FlexGenService

private let problemsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("problems")

/// `POST /v1/validate`: the built-in digits model re-measures a solution, with bounded sampling.
@Suite struct ValidateRouteTests {
    /// problems/digits-small.json with its measured profile inline, and the flexgen solver's solution.
    static func digitsSmall() throws -> (problem: Problem, body: [String: Any]) {
        let problem = try ProblemFile.load(path: problemsFolder.appendingPathComponent("digits-small.json").path)
        let solution = try FlexGenSolver(.flexgen).solve(problem)
        let body: [String: Any] = ["problem": try Fixtures.object(try Fixtures.json(problem)),
                                   "solution": try Fixtures.object(try FlexGenJSON.encode(solution))]
        return (problem, body)
    }

    @Test func validatesASolvedDigitsProblem() async throws {
        let (problem, digits) = try Self.digitsSmall()
        var body = digits
        body["seeds"] = 2
        body["samplesPerSeed"] = 32
        // A generous limit: a debug build on a loaded machine must not turn this into a 503.
        try await withServer(ServiceConfiguration(timeLimitS: 300)) { server in
            let reply = try await server.post("/v1/validate", try Fixtures.data(body))
            #expect(reply.status == 200, "\(reply.text)")
            let report = try reply.decode(ValidationReport.self)
            #expect(report.problem == problem.name)
            #expect(report.metric == QualityEvaluator.metric)
            #expect(report.samplesPerSeed == 32)
            #expect(report.seeds == [5000, 5001])
            #expect(report.timingSource == nil)
            #expect(reply.headers["flexgen-timing"]?.hasPrefix("none") == true)
            #expect(reply.headers["connection"] == "close")
            #expect(Set(report.clients.map(\.id)) == Set(problem.clients.map(\.id)))
            #expect(report.serviceTargets.count == problem.serviceTargets.count)
            for client in report.clients {
                #expect(client.realisedQuality.isFinite && client.realisedQuality > 0)
                #expect(client.realisedCI95.isFinite && client.realisedCI95 >= 0)
                #expect(client.predictedComputeS == nil)
                let requirement = problem.clients.first { $0.id == client.id }?.qualityRequirement
                #expect(client.requirement == requirement)
                #expect((client.verdict == .noRequirement) == (requirement == nil))
            }
            for configuration in report.configurations {
                #expect(configuration.qualityBySeed.count == 2)
                #expect(configuration.predictedSecondsPerImage == nil)
            }
        }
    }

    @Test func refusesAProfileThatIsNotTheDigitsModels() async throws {
        let problem = try ProblemFile.load(path: problemsFolder.appendingPathComponent("paper-default.json").path)
        let solution = try FlexGenSolver(.flexgen).solve(problem)
        let body: [String: Any] = ["problem": try Fixtures.object(try Fixtures.json(problem)),
                                   "solution": try Fixtures.object(try FlexGenJSON.encode(solution))]
        try await withServer { server in
            let reply = try await server.post("/v1/validate", try Fixtures.data(body))
            #expect(reply.status == 422, "\(reply.text)")
            #expect(reply.error?.path == "problem.profile.metric")
            #expect(reply.error?.reason.contains("FD-digits") == true)
            #expect(reply.error?.reason.contains("FD-fashion") == true)
        }
    }

    /// problems/digits-small.json's server and clients on the Fashion-MNIST profile (one loose
    /// requirement, no service target), and the flexgen solver's solution.
    static func fashionSmall() throws -> (problem: Problem, body: [String: Any]) {
        let text = """
        {"format": "flexgen-problem/1", "name": "fashion-small", "profile": "profiles/fashion-measured.json",
         "server": {"bandwidthHz": 1000000, "computeRateFlopsPerS": 20000000000, "dvfsCoefficient": 1e-30,
                    "energyPerFlopJ": 1e-11, "maxTxPowerW": 1, "noisePsdWPerHz": 3.98e-21},
         "clients": [
           {"id": "f1", "deadlineS": 0.05, "uplinkDelayS": 0.002, "channelGainDb": -95, "imageBits": 6272, "qualityRequirement": 400},
           {"id": "f2", "deadlineS": 0.05, "uplinkDelayS": 0.004, "channelGainDb": -90, "imageBits": 6272}]}
        """
        let problem = try ProblemFile.decode(Data(text.utf8), baseDirectory: problemsFolder)
        let solution = try FlexGenSolver(.flexgen).solve(problem)
        let body: [String: Any] = ["problem": try Fixtures.object(try Fixtures.json(problem)),
                                   "solution": try Fixtures.object(try FlexGenJSON.encode(solution))]
        return (problem, body)
    }

    /// An FD-fashion problem is no longer refused for its metric: with Debian's
    /// dataset-fashion-mnist installed the Fashion-MNIST model validates it (a report in
    /// FD-fashion whose realised qualities are finite and positive); without it (a CI machine
    /// without the package) the answer is a 503 naming the missing test images, never a 422 on
    /// problem.profile.metric.
    @Test func validatesAFashionProblemOrNamesTheMissingDataSet() async throws {
        let (problem, fashion) = try Self.fashionSmall()
        #expect(problem.profile.metric == FashionQualityEvaluator.metric)
        var body = fashion
        body["seeds"] = 2
        body["samplesPerSeed"] = 16
        let installed = ["", ".gz"].contains { FileManager.default.fileExists(atPath: FashionMNIST.defaultDirectory + "/t10k-images-idx3-ubyte" + $0) }
        try await withServer(ServiceConfiguration(timeLimitS: 600)) { server in
            // Loaded before the request when the data is there (the classifier over 10 000 test
            // images takes a while in a debug build), so that the client's timeout covers sampling.
            if installed { _ = try ValidationResources.fashionCache.get() }
            let reply = try await server.send(.POST, "/v1/validate", body: try Fixtures.data(body), timeout: .seconds(300))
            #expect(reply.error?.path != "problem.profile.metric", "\(reply.text)")
            if installed {
                #expect(reply.status == 200, "\(reply.text)")
                let report = try reply.decode(ValidationReport.self)
                #expect(report.metric == FashionQualityEvaluator.metric)
                #expect(report.samplesPerSeed == 16)
                #expect(Set(report.clients.map(\.id)) == ["f1", "f2"])
                for client in report.clients {
                    #expect(client.realisedQuality.isFinite && client.realisedQuality > 0)
                }
            } else {
                #expect(reply.status == 503, "\(reply.text)")
                #expect(reply.error?.reason.contains("t10k-images-idx3-ubyte") == true, "\(reply.text)")
            }
        }
    }

    @Test func refusesSamplingOverTheHardCaps() async throws {
        var body = try Self.digitsSmall().body
        try await withServer(ServiceConfiguration(timeLimitS: 300)) { server in
            body["samplesPerSeed"] = ValidationLimits.maxSamplesPerSeed + 1
            let samples = try await server.post("/v1/validate", try Fixtures.data(body))
            #expect(samples.status == 422, "\(samples.text)")
            #expect(samples.error?.path == "samplesPerSeed")
            body["samplesPerSeed"] = nil
            body["seeds"] = ValidationLimits.maxSeeds + 1
            let seeds = try await server.post("/v1/validate", try Fixtures.data(body))
            #expect(seeds.status == 422, "\(seeds.text)")
            #expect(seeds.error?.path == "seeds")
            body["seeds"] = 0
            let zero = try await server.post("/v1/validate", try Fixtures.data(body))
            #expect(zero.status == 422, "\(zero.text)")
            #expect(zero.error?.path == "seeds")
        }
    }

    /// At an assumed 1 MFLOP/s the default sampling (2 seeds × 100 images of each configuration)
    /// costs far more than half of the 10 s limit: 422 naming the field, the estimate and the limit.
    /// The FLOP figure in the message is checked against the hand sum over the solution's
    /// distinct configurations of 200 · F_c.
    @Test func refusesSamplingThatCannotFinishWithinTheTimeLimit() async throws {
        let (_, body) = try Self.digitsSmall()
        let solution = try SolutionFile.decode(try Fixtures.data(try #require(body["solution"])))
        let model = try FlexibleDiffusionModel.loadShipped()
        var seen: [Configuration.Key] = [], totalFlops = 0.0
        for decision in solution.clients where !seen.contains(decision.configurationKey) {
            seen.append(decision.configurationKey)
            totalFlops += 200 * Double(decision.steps) * (try model.flopsPerStep(width: decision.width))
        }
        try await withServer(ServiceConfiguration(timeLimitS: 10, validationFlopsPerS: 1e6)) { server in
            let reply = try await server.post("/v1/validate", try Fixtures.data(body))
            #expect(reply.status == 422, "\(reply.text)")
            let error = try #require(reply.error)
            #expect(["samplesPerSeed", "seeds", "solution.clients"].contains(error.path))
            #expect(error.reason.contains(String(format: "%.3g FLOP", totalFlops)), "\(error.reason)")
            #expect(error.reason.contains("0.001 GFLOP/s"))
            #expect(error.reason.contains("exceed the 5 s this server admits"))
            #expect(error.reason.contains("10 s time limit"))
        }
    }

    /// Admitted (an assumed 10 PFLOP/s and free scoring: the estimate is ~0) but far more work
    /// than the 1 s limit allows on this machine (6 batches of 1000 images, seconds each in a
    /// debug build): the validator stops at its first batch boundary after the deadline and the
    /// answer is a 503 saying so (the error table's status for a time limit reached without an answer).
    @Test func validationOverTheTimeLimitIs503() async throws {
        var body = try Self.digitsSmall().body
        body["seeds"] = 2
        body["samplesPerSeed"] = 1000
        let configuration = ServiceConfiguration(timeLimitS: 1, validationFlopsPerS: 1e16, validationScoringSecondsPerBatch: 0)
        try await withServer(configuration) { server in
            let reply = try await server.post("/v1/validate", try Fixtures.data(body))
            #expect(reply.status == 503, "\(reply.text)")
            #expect(reply.error?.reason.contains("time limit of 1.0 s (--time-limit)") == true, "\(reply.text)")
            #expect(reply.headers["connection"] == "close")
        }
    }

    /// A client that gives up closes its connection; the server must stop validating for it.
    /// Without cancellation the request would run all 10 seeds × 400 images of each of the 3
    /// configurations (tens of seconds in a debug build) and log a 200; with it, the log shows a
    /// 503 within a batch of the disconnect.
    @Test func clientDisconnectStopsTheValidation() async throws {
        var body = try Self.digitsSmall().body
        body["seeds"] = ValidationLimits.maxSeeds
        body["samplesPerSeed"] = 400
        let records = LogRecords()
        let logger = Logger(label: "flexgen.test") { _ in
            var handler = CapturingLogHandler(records: records)
            handler.logLevel = .debug
            return handler
        }
        let configuration = ServiceConfiguration(timeLimitS: 3_600, validationFlopsPerS: 1e16, validationScoringSecondsPerBatch: 0)
        try await withServer(configuration, logger: logger) { server in
            // Loaded before the request so that the client's 1 s covers sampling, not loading.
            _ = try ValidationResources.cache.get()
            await #expect(throws: (any Error).self) {
                _ = try await server.send(.POST, "/v1/validate", body: try Fixtures.data(body), timeout: .seconds(1))
            }
            let clock = ContinuousClock(), start = clock.now
            while clock.now - start < .seconds(120), !records.all.contains(where: { $0.metadata["path"] == "/v1/validate" }) {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let line = try #require(records.all.first { $0.message == "request" && $0.metadata["path"] == "/v1/validate" })
        #expect(line.metadata["status"] == "503")
        // The validator itself was stopped (not merely the response dropped after a full run).
        let stop = try #require(records.all.first { $0.message == "validation interrupted" })
        // "withdrawn": still queued behind other work (a busy test run) when the client left.
        #expect(stop.metadata["reason"] == "stopped" || stop.metadata["reason"] == "withdrawn")
        let done = try #require(Int(stop.metadata["completed_batches"] ?? "")), total = try #require(Int(stop.metadata["total_batches"] ?? ""))
        #expect(total == 30 && done < total)
    }

    /// The weights are loaded once per process: every `get` returns the copy loaded first (the
    /// throughput probe, a timing, would differ on a reload), also when asked concurrently.
    @Test func modelAndClassifierAreLoadedOnce() async throws {
        let rates = try await withThrowingTaskGroup(of: Double.self) { group in
            for _ in 0..<4 { group.addTask { try ValidationResources.cache.get().measuredFlopsPerS } }
            return try await group.reduce(into: [Double]()) { $0.append($1) }
        }
        #expect(Set(rates).count == 1)
        let first = try #require(rates.first)
        #expect(first.isFinite && first > 0)
        #expect(ValidationResources.cache.ifLoaded?.measuredFlopsPerS == first)
    }

    @Test func malformedRequestsAre400() async throws {
        var body = try Self.digitsSmall().body
        try await withServer { server in
            let notJSON = try await server.post("/v1/validate", Data("{\"problem\": ".utf8))
            #expect(notJSON.status == 400, "\(notJSON.text)")
            body["seeds"] = "two"
            let wrongType = try await server.post("/v1/validate", try Fixtures.data(body))
            #expect(wrongType.status == 400, "\(wrongType.text)")
            #expect(wrongType.error?.path == "seeds")
            body["seeds"] = nil
            body["extra"] = 1
            let unknown = try await server.post("/v1/validate", try Fixtures.data(body))
            #expect(unknown.status == 400, "\(unknown.text)")
            #expect(unknown.error?.path == "extra")
            body["extra"] = nil
            body["solution"] = nil
            let missing = try await server.post("/v1/validate", try Fixtures.data(body))
            #expect(missing.status == 400, "\(missing.text)")
            #expect(missing.error?.path == "solution")
        }
    }
}

/// The admission rule as a pure function, against hand computations of
/// estimate = 16·F₁/R + seeds · Σ_c (n·F_c/R + S).
@Suite struct ValidationAdmissionTests {
    /// R = 10 GFLOP/s, S = 10 ms, warm-up 16 images of 1 MFLOP (1.6 ms).
    static let cost = ValidationLimits.Cost(flopsPerS: 1e10, scoringSecondsPerBatch: 0.01, warmUpFlopsPerImage: 1e6)

    /// Configurations of the given FLOPs per image, one step each (α = 0 makes steps irrelevant).
    static func unitSteps(_ flops: [Double]) -> [ValidationLimits.ConfigurationCost] {
        flops.map { ValidationLimits.ConfigurationCost(flopsPerImage: $0, steps: 1) }
    }

    static func reason(_ body: () throws -> ValidationSettings) -> (path: String, reason: String)? {
        do { _ = try body(); return nil } catch let error as APIError {
            return (error.issues[0].path, error.issues[0].reason)
        } catch { return ("unexpected", "\(error)") }
    }

    @Test func estimateIsTheHandSum() {
        // 0.0016 + 2 · (7 · 0.4 + 0.02) = 5.6416 s
        let estimate = ValidationLimits.estimatedSeconds(Self.unitSteps([1e9, 3e9]), seeds: 2, samplesPerSeed: 7, cost: Self.cost)
        #expect(abs(estimate - 5.6416) < 1e-12)
    }

    /// With a fixed time per image-step α = 1 ms, configurations of (1 GFLOP, 10 steps) and
    /// (3 GFLOP, 40 steps) cost 0.1 + 0.01 and 0.3 + 0.04 s per image; the warm-up 16 · (1e-4 + 1e-3):
    /// 0.0176 + 2 · (5 · 0.45 + 0.02) = 4.5576 s.
    @Test func fixedTimePerImageStepIsCharged() {
        var cost = Self.cost
        cost.secondsPerImageStep = 1e-3
        let configurations = [ValidationLimits.ConfigurationCost(flopsPerImage: 1e9, steps: 10),
                              ValidationLimits.ConfigurationCost(flopsPerImage: 3e9, steps: 40)]
        let estimate = ValidationLimits.estimatedSeconds(configurations, seeds: 2, samplesPerSeed: 5, cost: cost)
        #expect(abs(estimate - 4.5576) < 1e-12)
        let refused = Self.reason {
            try ValidationLimits.settings(seeds: 2, samplesPerSeed: 6, configurations: configurations, cost: cost, timeLimitS: 10)
        }
        #expect(refused?.reason.contains("10 GFLOP/s + 1e+03 µs per image and step") == true, "\(refused?.reason ?? "")")
    }

    /// The probe fit: two exact points of t = α + F/R give back α and R; noisy points that would
    /// give a negative slope or intercept fall back to the slower pure rate with α = 0.
    @Test func probeFitIsExactOnALineAndConservativeOtherwise() {
        // α = 4 µs, R = 100 GFLOP/s: F = 5e4 → 4.5 µs; F = 6e5 → 10 µs.
        let line = ValidationResources.fit(narrow: (4.5e-6, 5e4), wide: (10e-6, 6e5))
        #expect(abs(line.flopsPerS / 1e11 - 1) < 1e-9 && abs(line.secondsPerImageStep / 4e-6 - 1) < 1e-9)
        // Wide faster per image than narrow: slope < 0 → the slower rate, 5e4 / 8e-6 = 6.25 GFLOP/s.
        let noisy = ValidationResources.fit(narrow: (8e-6, 5e4), wide: (6e-6, 6e5))
        #expect(noisy.secondsPerImageStep == 0 && abs(noisy.flopsPerS / 6.25e9 - 1) < 1e-9)
        // Negative intercept (narrow relatively cheap): rates 5e4/1e-7 = 500 G and 6e5/1e-5 = 60 G → 60 GFLOP/s.
        let steep = ValidationResources.fit(narrow: (1e-7, 5e4), wide: (1e-5, 6e5))
        #expect(steep.secondsPerImageStep == 0 && abs(steep.flopsPerS / 6e10 - 1) < 1e-9)
    }

    /// Two configurations of 1 and 3 GFLOP/image, 2 seeds, limit 10 s (budget 5 s):
    /// 0.0416 + 0.8 n ≤ 5 ⇔ n ≤ 6.198, so 6 images per seed are admitted and 7 are not.
    @Test func budgetBoundaryOnSamplesPerSeed() throws {
        let fits = try ValidationLimits.settings(seeds: 2, samplesPerSeed: 6, configurations: Self.unitSteps([1e9, 3e9]), cost: Self.cost, timeLimitS: 10)
        #expect(fits.samplesPerSeed == 6 && fits.seedCount == 2)
        let refused = try #require(Self.reason {
            try ValidationLimits.settings(seeds: 2, samplesPerSeed: 7, configurations: Self.unitSteps([1e9, 3e9]), cost: Self.cost, timeLimitS: 10)
        })
        #expect(refused.path == "samplesPerSeed")
        #expect(refused.reason.contains("2 configurations × 2 seeds × 7 images = 5.6e+10 FLOP, estimated 5.64 s"), "\(refused.reason)")
        #expect(refused.reason.contains("exceed the 5 s this server admits (50% of its 10 s time limit, --time-limit)"))
        #expect(refused.reason.contains("samplesPerSeed ≤ 6 with 2 seeds"))
        // Twice the time limit admits twice the work: 0.0416 + 0.8 n ≤ 10 ⇔ n ≤ 12.448.
        #expect(throws: Never.self) {
            try ValidationLimits.settings(seeds: 2, samplesPerSeed: 12, configurations: Self.unitSteps([1e9, 3e9]), cost: Self.cost, timeLimitS: 20)
        }
        #expect(Self.reason {
            try ValidationLimits.settings(seeds: 2, samplesPerSeed: 13, configurations: Self.unitSteps([1e9, 3e9]), cost: Self.cost, timeLimitS: 20)
        }?.reason.contains("samplesPerSeed ≤ 12") == true)
    }

    /// 1 s per image: even 2 images per seed cost 2.01 s a seed, so 5 seeds cannot fit in 5 s but
    /// 2 can (0.0016 + 2 · 2.01 = 4.0216): the field to lower is `seeds`.
    @Test func tooManySeedsEvenAtTwoImages() {
        let refused = Self.reason {
            try ValidationLimits.settings(seeds: 5, samplesPerSeed: 2, configurations: Self.unitSteps([1e10]), cost: Self.cost, timeLimitS: 10)
        }
        #expect(refused?.path == "seeds")
        #expect(refused?.reason.contains("seeds ≤ 2") == true, "\(refused?.reason ?? "")")
    }

    /// 10 s per image: nothing fits; the configurations themselves are the cost.
    @Test func configurationsTooCostlyForAnySampling() {
        let refused = Self.reason {
            try ValidationLimits.settings(seeds: 1, samplesPerSeed: 2, configurations: Self.unitSteps([1e11]), cost: Self.cost, timeLimitS: 10)
        }
        #expect(refused?.path == "solution.clients")
    }

    @Test func hardCapsHoldWhateverTheTimeLimit() {
        let cheap = ValidationLimits.Cost(flopsPerS: 1e300, scoringSecondsPerBatch: 0, warmUpFlopsPerImage: 1)
        #expect(Self.reason {
            try ValidationLimits.settings(seeds: ValidationLimits.maxSeeds + 1, samplesPerSeed: 2, configurations: Self.unitSteps([1]), cost: cheap, timeLimitS: 1e9)
        }?.path == "seeds")
        #expect(Self.reason {
            try ValidationLimits.settings(seeds: 1, samplesPerSeed: ValidationLimits.maxSamplesPerSeed + 1, configurations: Self.unitSteps([1]), cost: cheap, timeLimitS: 1e9)
        }?.path == "samplesPerSeed")
        // 30 configurations × 10 seeds × 200 images = 60 000 > 50 000.
        let many = Self.reason {
            try ValidationLimits.settings(seeds: 10, samplesPerSeed: 200, configurations: Self.unitSteps(Array(repeating: 1, count: 30)), cost: cheap, timeLimitS: 1e9)
        }
        #expect(many?.path == "samplesPerSeed" && many?.reason.contains("60000 images exceed") == true)
        #expect(Self.reason {
            try ValidationLimits.settings(seeds: 1, samplesPerSeed: 1, configurations: Self.unitSteps([1]), cost: cheap, timeLimitS: 1e9)
        }?.path == "samplesPerSeed")  // < 2 images: no FD
        let defaults = try? ValidationLimits.settings(seeds: nil, samplesPerSeed: nil, configurations: Self.unitSteps([1]), cost: cheap, timeLimitS: 1)
        #expect(defaults?.seedCount == ValidationLimits.defaultSeeds && defaults?.samplesPerSeed == ValidationLimits.defaultSamplesPerSeed)
    }
}
