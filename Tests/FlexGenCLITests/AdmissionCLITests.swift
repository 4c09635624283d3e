import Foundation
import Testing

/// `flexgen solve --admission max-served` on the shipped overloaded instance: without admission
/// it is infeasible (exit 1, the budgets' growth factors on stderr); with it the written solution
/// admits a subset, proves it maximal, and `flexgen check` accepts it.
@Suite struct AdmissionCLITests {
    static let problem = "problems/infeasible-overloaded-40.json"

    @Test func withoutAdmissionTheVerdictNamesTheBudgets() throws {
        let solve = try runFlexgen(["solve", Self.problem])
        #expect(solve.status == 1)
        #expect(solve.stdout.contains("infeasible"))
        #expect(solve.stderr.contains("would have to grow by a factor"))
    }

    @Test func admissionSolvesAndChecks() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("solution.json").path
        let solve = try runFlexgen(["solve", Self.problem, "--admission", "max-served", "-o", output])
        #expect(solve.status == 0, "\(solve.stdout)\(solve.stderr)")
        #expect(solve.stdout.contains("admitted"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output)))
            as? [String: Any])
        let admission = try #require(object["admission"] as? [String: Any])
        #expect(admission["mode"] as? String == "max-served")
        let count = try #require(admission["admittedCount"] as? Int)
        let rejected = try #require(admission["rejected"] as? [[String: Any]])
        #expect(count + rejected.count == 40 && count > 0 && !rejected.isEmpty)
        #expect((object["clients"] as? [Any])?.count == count)
        let check = try runFlexgen(["check", Self.problem, output])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }

    @Test func badModeAndUnsupportedVariantExit2() throws {
        let unknown = try runFlexgen(["solve", Self.problem, "--admission", "most"])
        #expect(unknown.status == 2)
        let unsupported = try runFlexgen(["solve", Self.problem, "--admission", "max-served", "--solver", "greedy"])
        #expect(unsupported.status == 2)
        #expect(unsupported.stderr.contains("--admission"))
    }
}
