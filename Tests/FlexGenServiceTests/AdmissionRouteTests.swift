import Foundation
import Testing
import FlexGen
@testable import FlexGenService

/// `POST /v1/solve?admission=max-served` on an overloaded problem: a 200 whose solution admits a
/// subset, says why the others are out, and checks out against the problem (the check re-derives
/// the admitted problem and the quality/deadline reasons itself).
@Suite struct AdmissionRouteTests {
    static func overloaded() -> Problem {
        var problem = Fixtures.paperDefault(seed: 4)
        problem.server.bandwidthHz /= 40
        problem.server.computeRateFlopsPerS /= 4
        return problem
    }

    @Test func admissionServesASubsetThatChecksOut() async throws {
        let problem = Self.overloaded()
        let body = try Fixtures.json(problem)
        try await withServer { server in
            let plain = try await server.post("/v1/solve", body)
            #expect(plain.status == 200)
            let verdict = try SolutionFile.decode(plain.body)
            #expect(verdict.status == .infeasible && verdict.admission == nil)

            let reply = try await server.post("/v1/solve?admission=max-served", body)
            #expect(reply.status == 200, "\(reply.text)")
            let solution = try SolutionFile.decode(reply.body)
            let admission = try #require(solution.admission)
            #expect(admission.admittedCount == solution.clients.count)
            #expect(admission.admittedCount + admission.rejected.count == problem.clients.count)
            #expect(admission.admittedCount > 0 && !admission.rejected.isEmpty)
            #expect(admission.admittedPriorityUpperBound >= admission.admittedPriority)
            let evaluation = Evaluation(problem: problem, solution: solution)
            #expect(evaluation.isFeasible, "\(evaluation.violations)")
        }
    }

    @Test func unknownModeAndUnsupportedVariantAreRefused() async throws {
        let body = try Fixtures.json(Self.overloaded())
        try await withServer { server in
            let unknown = try await server.post("/v1/solve?admission=most", body)
            #expect(unknown.status == 400)
            #expect(unknown.text.contains("query.admission"))
            let unsupported = try await server.post("/v1/solve?solver=equal-share&admission=max-served", body)
            #expect(unsupported.status == 422, "\(unsupported.text)")
        }
    }
}
