import Foundation
import Testing

/// Every bad-input case of issue 2, through the real `flexgen check`: exit 2, and standard error
/// names the JSON path (and the file). Nothing is written to standard output.
@Suite struct BadInputTests {
    /// Runs `flexgen check` on a problem text (and a valid solution, or `solutionText`).
    private func check(problemText: String, solutionText: String? = nil,
                       extraFiles: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, text) in extraFiles {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(name).deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            try writeFile(text, name, in: folder)
        }
        let problem = try writeFile(problemText, "problem.json", in: folder)
        let solution = try writeFile(solutionText ?? CLIFixture.jsonText(
            CLIFixture.solution([CLIFixture.decisionA, CLIFixture.decisionB])), "solution.json", in: folder)
        return try runFlexgen(["check", problem, solution])
    }

    private func expectRejected(_ mutated: Any, path: String, reason: String? = nil,
                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try check(problemText: CLIFixture.jsonText(mutated))
        #expect(result.status == 2, "exit \(result.status), stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(path), "stderr does not name \(path): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains("problem.json"), sourceLocation: sourceLocation)
        if let reason {
            #expect(result.stderr.contains(reason), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        }
        #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
    }

    @Test func validInputPasses() throws {
        let result = try check(problemText: CLIFixture.jsonText(CLIFixture.problem))
        #expect(result.status == 0, "\(result.stderr)\(result.stdout)")
    }

    @Test func notJSON() throws {
        let result = try check(problemText: "{ \"format\": \"flexgen-problem/1\", nope")
        #expect(result.status == 2)
        #expect(result.stderr.contains("problem.json"))
        #expect(result.stderr.contains("not valid JSON"))
    }

    @Test func wrongFormat() throws {
        try expectRejected(setting(CLIFixture.problem, ["format"], to: "flexgen-problem/2"), path: "format",
                           reason: "expected \"flexgen-problem/1\"")
    }

    @Test func missingFormat() throws {
        try expectRejected(setting(CLIFixture.problem, ["format"], to: nil), path: "format", reason: "missing")
    }

    @Test func missingRequiredField() throws {
        try expectRejected(setting(CLIFixture.problem, ["clients", 1, "imageBits"], to: nil),
                           path: "clients[1].imageBits", reason: "required field is missing")
    }

    @Test func unknownKeyTypo() throws {
        var doc = setting(CLIFixture.problem, ["clients", 0, "deadlineS"], to: nil)
        doc = setting(doc, ["clients", 0, "deadlineSec"], to: 2.0)
        try expectRejected(doc, path: "clients[0].deadlineSec", reason: "unknown key")
    }

    @Test func nonFiniteNumber() throws {
        // JSON has no infinity; a literal too large for a Double is the way one arrives.
        let text = try CLIFixture.jsonText(CLIFixture.problem).replacingOccurrences(of: "\"imageBits\":150000", with: "\"imageBits\":1e999")
        #expect(text.contains("1e999"))
        let result = try check(problemText: text)
        #expect(result.status == 2)
        #expect(result.stderr.contains("clients[0].imageBits"), "\(result.stderr)")
    }

    @Test func outOfRangeNumbers() throws {
        try expectRejected(setting(CLIFixture.problem, ["clients", 1, "deadlineS"], to: -1.0),
                           path: "clients[1].deadlineS", reason: "must be > 0, got -1")
        try expectRejected(setting(CLIFixture.problem, ["profile", "configs", 0, "width"], to: 0.0),
                           path: "profile.configs[0].width", reason: "must be a finite number > 0")
        try expectRejected(setting(CLIFixture.problem, ["clients", 0, "uplinkDelayS"], to: -0.5),
                           path: "clients[0].uplinkDelayS", reason: "must be >= 0")
        // A deadline shorter than the uplink delay is a valid instance that is infeasible (exit 1
        // from `solve`, see ContractCLITests), not bad input.
    }

    @Test func zeroAndNegativeBudgets() throws {
        try expectRejected(setting(CLIFixture.problem, ["server", "bandwidthHz"], to: 0.0),
                           path: "server.bandwidthHz", reason: "must be > 0")
        try expectRejected(setting(CLIFixture.problem, ["server", "computeRateFlopsPerS"], to: -1e13),
                           path: "server.computeRateFlopsPerS", reason: "must be > 0")
    }

    /// The per-job compute-rate cap (optional): ≤ 0 or non-finite exits 2 naming the path.
    /// `clients[].priority` (admission control): positive, finite, a number; a valid one passes.
    @Test func badPriority() throws {
        let path = "clients[0].priority"
        try expectRejected(setting(CLIFixture.problem, ["clients", 0, "priority"], to: 0.0), path: path, reason: "must be > 0")
        try expectRejected(setting(CLIFixture.problem, ["clients", 0, "priority"], to: -2.0), path: path, reason: "must be > 0")
        try expectRejected(setting(CLIFixture.problem, ["clients", 0, "priority"], to: "high"), path: path)
        let fine = try check(problemText: CLIFixture.jsonText(setting(CLIFixture.problem, ["clients", 0, "priority"], to: 3.0)))
        #expect(fine.status == 0, "\(fine.stderr)")
    }

    @Test func badJobComputeRateCap() throws {
        let path = "server.maxJobComputeRateFlopsPerS"
        try expectRejected(setting(CLIFixture.problem, ["server", "maxJobComputeRateFlopsPerS"], to: 0.0),
                           path: path, reason: "must be > 0")
        try expectRejected(setting(CLIFixture.problem, ["server", "maxJobComputeRateFlopsPerS"], to: -5e13),
                           path: path, reason: "must be > 0")
        try expectRejected(setting(CLIFixture.problem, ["server", "maxJobComputeRateFlopsPerS"], to: "fast"),
                           path: path)
        let huge = try CLIFixture.jsonText(setting(CLIFixture.problem, ["server", "maxJobComputeRateFlopsPerS"], to: 123.0))
            .replacingOccurrences(of: "\"maxJobComputeRateFlopsPerS\":123", with: "\"maxJobComputeRateFlopsPerS\":1e999")
        #expect(huge.contains("1e999"))
        let result = try check(problemText: huge)
        #expect(result.status == 2 && result.stderr.contains(path), "\(result.status) \(result.stderr)")
        // A valid cap above every decision's rate passes.
        let fine = try check(problemText: CLIFixture.jsonText(setting(CLIFixture.problem, ["server", "maxJobComputeRateFlopsPerS"], to: 1e15)))
        #expect(fine.status == 0, "\(fine.stderr)")
    }

    @Test func duplicateIds() throws {
        try expectRejected(setting(CLIFixture.problem, ["clients", 1, "id"], to: "a"),
                           path: "clients[1].id", reason: "duplicate")
    }

    @Test func bothChannelGains() throws {
        try expectRejected(setting(CLIFixture.problem, ["clients", 0, "channelGainDb"], to: -100.0),
                           path: "clients[0].channelGain", reason: "not both")
    }

    @Test func neitherChannelGain() throws {
        try expectRejected(setting(CLIFixture.problem, ["clients", 0, "channelGain"], to: nil),
                           path: "clients[0].channelGainDb", reason: "exactly one")
    }

    @Test func serviceTargetNamesUnknownClient() throws {
        try expectRejected(setting(CLIFixture.problem, ["serviceTargets", 0, "clients"], to: ["a", "zz"]),
                           path: "serviceTargets[0].clients[1]", reason: "unknown client \"zz\"")
    }

    @Test func profileDuplicateConfiguration() throws {
        var same = setting(CLIFixture.problem, ["profile", "configs", 1, "width"], to: 1.0)
        same = setting(same, ["profile", "configs", 1, "steps"], to: 10)
        try expectRejected(same, path: "profile.configs[1]", reason: "duplicate configuration")
        // Same width and steps as configs[0] but different numbers: still a duplicate.
        var doc = setting(CLIFixture.problem, ["profile", "configs", 2, "width"], to: 1.0)
        doc = setting(doc, ["profile", "configs", 2, "steps"], to: 10)
        try expectRejected(doc, path: "profile.configs[2]", reason: "duplicate")
    }

    @Test func missingProfilePath() throws {
        try expectRejected(setting(CLIFixture.problem, ["profile"], to: "profiles/nowhere.json"),
                           path: "profile", reason: "nowhere.json")
    }

    @Test func profileByRelativePathIsFound() throws {
        let text = try CLIFixture.jsonText(setting(CLIFixture.problem, ["profile"], to: "profiles/hand.json"))
        let result = try check(problemText: text, extraFiles: ["profiles/hand.json": CLIFixture.jsonText(CLIFixture.profile)])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func emptyProfile() throws {
        try expectRejected(setting(CLIFixture.problem, ["profile", "configs"], to: [Any]()),
                           path: "profile.configs", reason: "at least one")
    }

    @Test func missingFile() throws {
        let result = try runFlexgen(["check", "/nonexistent/problem.json", "/nonexistent/solution.json"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("/nonexistent/problem.json"))
    }

    @Test func badSolutionIsBadInput() throws {
        // A typo of a required field: the field is missing (the stray key itself is read past, as
        // another writer's extension would be, and named in a warning).
        var solution = setting(CLIFixture.solution([CLIFixture.decisionA, CLIFixture.decisionB]),
                               ["clients", 0, "txPowerWatts"], to: 3e-4)
        solution = setting(solution, ["clients", 0, "txPowerW"], to: nil)
        let result = try check(problemText: CLIFixture.jsonText(CLIFixture.problem),
                               solutionText: CLIFixture.jsonText(solution))
        #expect(result.status == 2)
        #expect(result.stderr.contains("solution.json"))
        #expect(result.stderr.contains("clients[0].txPowerW: required field is missing"), "\(result.stderr)")
    }

    @Test func allIssuesAreReportedAtOnce() throws {
        var doc = setting(CLIFixture.problem, ["server", "bandwidthHz"], to: 0.0)
        doc = setting(doc, ["clients", 1, "id"], to: "a")
        let result = try check(problemText: CLIFixture.jsonText(doc))
        #expect(result.status == 2)
        #expect(result.stderr.contains("server.bandwidthHz"))
        #expect(result.stderr.contains("clients[1].id"))
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try runFlexgen(["check"]).status == 2)
        #expect(try runFlexgen(["check", "a", "b", "--tolerance", "-1"]).status == 2)
        #expect(try runFlexgen(["no-such-command"]).status == 2)
        #expect(try runFlexgen(["--help"]).status == 0)
    }
}
