import Foundation
import Testing
import FlexGen
@testable import FlexGenService

private let problemsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("problems")

/// `POST /v1/validate`: the built-in digits model re-measures a solution, with bounded sampling.
@Suite struct ValidateRouteTests {
    /// problems/digits-small.json with its measured profile inline, and the flexgen solver's solution.
    static func digitsSmall() throws -> (problem: Problem, body: [String: Any]) {
        let problem = try ProblemFile.load(path: problemsFolder.appendingPathComponent("digits-small.json").path)
        let solution = try VariantSolver(.flexgen).solve(problem)
        let body: [String: Any] = ["problem": try Fixtures.object(try Fixtures.json(problem)),
                                   "solution": try Fixtures.object(try FlexGenJSON.encode(solution))]
        return (problem, body)
    }

    @Test func validatesASolvedDigitsProblem() async throws {
        let (problem, digits) = try Self.digitsSmall()
        var body = digits
        body["seeds"] = 2
        body["samplesPerSeed"] = 32
        try await withServer { server in
            let reply = try await server.post("/v1/validate", try Fixtures.data(body))
            #expect(reply.status == 200, "\(reply.text)")
            let report = try reply.decode(ValidationReport.self)
            #expect(report.problem == problem.name)
            #expect(report.metric == QualityEvaluator.metric)
            #expect(report.samplesPerSeed == 32)
            #expect(report.seeds == [5000, 5001])
            #expect(report.timingSource == nil)
            #expect(reply.headers["flexgen-timing"]?.hasPrefix("none") == true)
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
        let solution = try VariantSolver(.flexgen).solve(problem)
        let body: [String: Any] = ["problem": try Fixtures.object(try Fixtures.json(problem)),
                                   "solution": try Fixtures.object(try FlexGenJSON.encode(solution))]
        try await withServer { server in
            let reply = try await server.post("/v1/validate", try Fixtures.data(body))
            #expect(reply.status == 422, "\(reply.text)")
            #expect(reply.error?.path == "problem.profile.metric")
            #expect(reply.error?.reason.contains("FD-digits") == true)
        }
    }

    @Test func refusesTooMuchSampling() async throws {
        var body = try Self.digitsSmall().body
        try await withServer { server in
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
