import Foundation
import Testing

/// `flexgen trace` → `flexgen simulate` → `flexgen check TRACE REPORT`, end to end, and the exit
/// codes: 0 for a report that checks, 1 for a tampered one, 2 for bad input.
@Suite struct SimulateCLITests {
    @Test func traceSimulateCheck() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let trace = folder.appendingPathComponent("trace.json").path
        let report = folder.appendingPathComponent("report.json").path
        let csv = folder.appendingPathComponent("report.csv").path
        let generate = try runFlexgen(["trace", "--load", "1.2", "--horizon", "15", "--seed", "3", "-o", trace])
        #expect(generate.status == 0, "\(generate.stderr)")
        let again = try runFlexgen(["trace", "--load", "1.2", "--horizon", "15", "--seed", "3"])
        #expect(again.stdout == (try String(contentsOfFile: trace, encoding: .utf8)))
        let simulate = try runFlexgen(["simulate", trace, "--policy", "flexgen", "-o", report, "--csv", csv])
        #expect(simulate.status == 0, "\(simulate.stderr)")
        #expect(simulate.stderr.contains("every invariant holds"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report)))
            as? [String: Any])
        #expect(object["format"] as? String == "flexgen-simulation/1")
        let totals = try #require(object["totals"] as? [String: Any])
        let requests = try #require(object["requests"] as? [[String: Any]])
        #expect(totals["requests"] as? Int == requests.count && requests.count > 0)
        let check = try runFlexgen(["check", trace, report])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")

        // Tamper: one served request delivered after its deadline (shift its transmission end).
        var tampered = object
        var list = requests
        let index = try #require(list.firstIndex { $0["outcome"] as? String == "served" })
        list[index]["txEndS"] = (list[index]["txEndS"] as! Double) + 100
        tampered["requests"] = list
        try JSONSerialization.data(withJSONObject: tampered).write(to: URL(fileURLWithPath: report))
        let bad = try runFlexgen(["check", trace, report])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("latency"))
    }

    @Test func badTraceExits2NamingThePath() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let trace = folder.appendingPathComponent("trace.json").path
        let generate = try runFlexgen(["trace", "--rate", "5", "--horizon", "5", "-o", trace])
        #expect(generate.status == 0)
        var text = try String(contentsOfFile: trace, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"frameS\" : 1", with: "\"frameS\" : 0")
        try text.write(toFile: trace, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("report.json").path
        let simulate = try runFlexgen(["simulate", trace, "-o", out])
        #expect(simulate.status == 2)
        #expect(simulate.stderr.contains("frameS: must be > 0"))
        #expect(!FileManager.default.fileExists(atPath: out))
        let policy = try runFlexgen(["simulate", trace, "--policy", "fifo"])
        #expect(policy.status == 2)
    }
}
