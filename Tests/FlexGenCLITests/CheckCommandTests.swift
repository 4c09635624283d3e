import Foundation
import Testing

/// `flexgen check` on the hand-computed 2-client fixture: exit 0 for the valid solution, exit 1
/// naming the violated constraint for each mutation.
@Suite struct CheckCommandTests {
    private func check(problem: Any = CLIFixture.problem, solution: Any,
                       extra: [String] = []) throws -> (status: Int32, stdout: String, stderr: String) {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let p = try writeFile(CLIFixture.jsonText(problem), "problem.json", in: folder)
        let s = try writeFile(CLIFixture.jsonText(solution), "solution.json", in: folder)
        return try runFlexgen(["check", p, s] + extra)
    }

    static var valid: [String: Any] { CLIFixture.solution([CLIFixture.decisionA, CLIFixture.decisionB]) }

    @Test func validSolutionPasses() throws {
        let result = try check(solution: Self.valid)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("OK: every constraint holds"))
        #expect(result.stdout.contains("15.01606"))  // total energy, hand-computed 15.016058 J
        #expect(!result.stdout.lowercased().contains("nan"))
    }

    @Test func jsonReportAgreesWithHandComputation() throws {
        let result = try check(solution: Self.valid, extra: ["--json"])
        #expect(result.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(report["passes"] as? Bool == true)
        #expect(report["feasible"] as? Bool == true)
        let totals = try #require(report["totals"] as? [String: Any])
        let total = try #require(totals["totalEnergyJ"] as? Double)
        #expect(abs(total - 15.016058) <= 1e-9 * 15.016058)
        let clients = try #require(report["clients"] as? [[String: Any]])
        let a = clients[0], b = clients[1]
        for (value, expected) in [(a["latencyS"], 1.15), (a["deliveredBits"], 2e5), (a["computeEnergyJ"], 11.0),
                                  (a["txEnergyJ"], 3e-5), (b["latencyS"], 2.3), (b["deliveredBits"], 1.2e6),
                                  (b["computeEnergyJ"], 4.016), (b["txEnergyJ"], 2.8e-5)] {
            let x = try #require(value as? Double)
            #expect(abs(x - expected) <= 1e-9 * expected, "\(x) vs \(expected)")
        }
    }

    /// One mutation per violation kind; each must exit 1 and print the kind's name.
    nonisolated(unsafe) static let mutations: [(String, [Any], Any?)] = [
        ("latency", ["clients", 0, "computeRateFlopsPerS"], 5e12),
        ("delivery", ["clients", 0, "txPowerW"], 1e-4),
        ("computeBudget", ["clients", 0, "computeRateFlopsPerS"], 1.9e13),
        ("bandwidthBudget", ["clients", 1, "bandwidthHz"], 3.5e6),
        ("power", ["clients", 0, "txPowerW"], 1.5),
        ("positivity", ["clients", 1, "txTimeS"], -0.2),
        ("configuration", ["clients", 0, "width"], 0.6),
        ("reportedValue", ["clients", 0, "computeEnergyJ"], 12.0),
        ("missingClient", ["clients", 1], nil),
        ("unknownClient", ["clients", 1, "id"], "ghost"),
    ]

    @Test(arguments: mutations.indices)
    func eachViolationKindFailsWithItsName(index: Int) throws {
        let (kind, path, value) = Self.mutations[index]
        var solution: Any = Self.valid
        if kind == "missingClient" {
            solution = setting(solution, ["clients"], to: [CLIFixture.decisionA])
        } else {
            solution = setting(solution, path, to: value)
        }
        let result = try check(solution: solution)
        #expect(result.status == 1, "\(kind): exit \(result.status) \(result.stderr)")
        #expect(result.stdout.contains("VIOLATED"))
        #expect(result.stdout.contains("\(kind) ") || result.stdout.contains("\(kind):"), "\(kind): \(result.stdout)")
        #expect(!result.stdout.lowercased().contains("nan"))
        let json = try check(solution: solution, extra: ["--json"])
        #expect(json.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((report["violatedKinds"] as? [String])?.contains(kind) == true, "\(kind): \(json.stdout)")
    }

    @Test func qualityAndServiceTargetViolations() throws {
        // Client a (requires FID ≤ 16) on (0.5, 20) with FID 20; figures kept consistent.
        var a = CLIFixture.decisionA
        a["width"] = 0.5; a["steps"] = 20; a["flops"] = 4e12; a["quality"] = 20.0
        a["latencyS"] = 0.05 + 0.4 + 0.1
        a["computeEnergyJ"] = 4e12 * (1e-12 + 1e-39 * 1e26)
        let quality = CLIFixture.solution([a, CLIFixture.decisionB], total: 4.4 + 3e-5 + 4.016 + 2.8e-5)
        let r1 = try check(solution: quality)
        #expect(r1.status == 1)
        #expect(r1.stdout.contains("quality [a]"), "\(r1.stdout)")
        // Client b (requires ≤ 30) on (0.25, 10) with FID 30: the mean (15 + 30)/2 = 22.5 misses the target 18.
        var b = CLIFixture.decisionB
        b["width"] = 0.25; b["steps"] = 10; b["flops"] = 2e12; b["quality"] = 30.0
        b["latencyS"] = 0.1 + 1 + 0.2
        b["computeEnergyJ"] = 2e12 * (1e-12 + 1e-39 * 4e24)
        let service = CLIFixture.solution([CLIFixture.decisionA, b], total: 11 + 3e-5 + 2.008 + 2.8e-5)
        let r2 = try check(solution: service)
        #expect(r2.status == 1)
        #expect(r2.stdout.contains("serviceTarget"), "\(r2.stdout)")
        #expect(!r2.stdout.contains("quality ["))
    }

    @Test func infeasibleStatusIsNothingToCheck() throws {
        let solution: [String: Any] = [
            "format": "flexgen-solution/1", "problem": "hand-2", "solver": "x", "status": "infeasible",
            "solveTimeS": 0.0, "clients": [Any](),
            "diagnostics": [["constraint": "latency", "clients": ["a"], "message": "too tight"]]]
        let result = try check(solution: solution)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("no allocation to check"))
    }
}

@Suite struct CheckProblemOnlyTests {
    @Test func shippedProblemsValidate() throws {
        for name in ["paper-default", "tiny-3", "service-target-20", "infeasible-deadline", "infeasible-budget"] {
            let result = try runFlexgen(["check", "problems/\(name).json"])
            #expect(result.status == 0, "\(name): \(result.stderr)")
            #expect(result.stdout.contains("problem \(name): valid"))
        }
    }

    @Test func infeasibleDeadlineClientIsPointedOut() throws {
        let result = try runFlexgen(["check", "problems/infeasible-deadline.json"])
        #expect(result.stdout.contains("miss their deadline: u1"), "\(result.stdout)")
        #expect(!(try runFlexgen(["check", "problems/paper-default.json"])).stdout.contains("miss their deadline"))
    }
}
