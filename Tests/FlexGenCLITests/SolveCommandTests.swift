import Foundation
import Testing

/// `flexgen solve` end to end on the committed problems: the written solution is accepted by
/// `flexgen check`, infeasible problems exit 1 with diagnostics, bad input exits 2.
@Suite struct SolveCommandTests {
    /// Every committed feasible problem without service targets (read from problems/ at test time,
    /// so a new instance is covered without editing this list).
    static let problemsWithoutTargets: [String] = {
        let folder = URL(fileURLWithPath: repoRoot).appendingPathComponent("problems")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix("infeasible") }.sorted().filter { name in
            guard let data = try? Data(contentsOf: folder.appendingPathComponent(name)),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
            return (object["serviceTargets"] as? [Any])?.isEmpty ?? true
        }
    }()

    @Test func committedProblemsAreFound() {
        #expect(Self.problemsWithoutTargets.contains("paper-default.json"))
    }

    @Test(arguments: problemsWithoutTargets)
    func solvesAndPassesCheck(_ name: String) throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("solution.json").path
        let problem = "problems/\(name)"
        let solve = try runFlexgen(["solve", problem, "-o", output])
        #expect(solve.status == 0, "\(solve.stdout)\(solve.stderr)")
        #expect(solve.stdout.contains("status       optimal"))
        #expect(!solve.stdout.lowercased().contains("nan"))
        let check = try runFlexgen(["check", problem, output])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let solution = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output)))
                                    as? [String: Any])
        #expect(solution["format"] as? String == "flexgen-solution/1")
        #expect(solution["status"] as? String == "optimal")
        let gap = try #require(solution["gap"] as? Double)
        #expect(gap <= 1e-9)
        let total = try #require(solution["totalEnergyJ"] as? Double)
        let bound = try #require(solution["lowerBoundJ"] as? Double)
        #expect(bound <= total)
    }

    @Test func jsonGoesToStandardOutput() throws {
        let result = try runFlexgen(["solve", "problems/tiny-3.json", "--json"])
        #expect(result.status == 0)
        let solution = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((solution["clients"] as? [Any])?.count == 3)
    }

    @Test func infeasibleDeadlineExitsOneNamingTheClient() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("solution.json").path
        let result = try runFlexgen(["solve", "problems/infeasible-deadline.json", "-o", output])
        #expect(result.status == 1)
        #expect(result.stderr.contains("latency [u1]"))
        #expect(result.stdout.contains("status       infeasible"))
        // The written file says why and still passes `check` (nothing it claims is wrong).
        let check = try runFlexgen(["check", "problems/infeasible-deadline.json", output])
        #expect(check.status == 0)
    }

    @Test func infeasibleBudgetReportsTheComputeScale() throws {
        let result = try runFlexgen(["solve", "problems/infeasible-budget.json", "--json"])
        #expect(result.status == 1)
        let solution = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let diagnostics = try #require(solution["diagnostics"] as? [[String: Any]])
        let compute = try #require(diagnostics.first { $0["constraint"] as? String == "compute" })
        let scale = try #require(compute["requiredScale"] as? Double)
        // problems/README.md: together they need at least 3.08e14 of the 2.5e14 FLOP/s even with
        // zero transmission time, so the scale exceeds 3.08/2.5 = 1.23.
        #expect(scale > 1.23 && scale < 2)
    }

    @Test func badInputExitsTwo() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = try writeFile("{\"format\": \"flexgen-problem/1\"}", "broken.json", in: folder)
        let result = try runFlexgen(["solve", broken])
        #expect(result.status == 2)
        #expect(!result.stderr.isEmpty)
        let missing = try runFlexgen(["solve", folder.appendingPathComponent("nope.json").path])
        #expect(missing.status == 2)
    }
}
