import Foundation
import Testing

/// MODEL.md §4's last clause through the real binary: "a solution file must verify on its own".
/// Every solution `flexgen solve` writes is re-verified here from the raw JSON of the problem, its
/// profile and the solution (JSONSerialization only, none of FlexGen's types): statuses, field
/// names, energies, every constraint at 1e-6 relative, lowerBound ≤ total and the gap identity.
/// Then the edge cases a checker will try, and the exit codes and atomic outputs of every
/// subcommand that takes `-o`.
@Suite struct ContractCLITests {
    static let statuses: Set<String> = ["optimal", "feasible", "infeasible", "time_limit", "iteration_limit", "numerical_error"]
    static let clientFields: Set<String> = ["id", "width", "steps", "flops", "quality", "computeRateFlopsPerS",
                                            "bandwidthHz", "txPowerW", "txTimeS", "latencyS", "computeEnergyJ", "txEnergyJ"]
    static let topLevelFields: Set<String> = ["format", "problem", "solver", "status", "totalEnergyJ", "lowerBoundJ",
                                              "gap", "solveTimeS", "diagnostics", "clients"]
    static let documentedExtensions: Set<String> = ["prices"]

    static let committedProblems: [String] = {
        let folder = URL(fileURLWithPath: repoRoot).appendingPathComponent("problems")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted()
    }()

    // MARK: The independent verifier

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Re-verifies `solutionPath` against `problemPath` from raw JSON; returns the list of
    /// complaints (empty: it verifies). `tol` is the contract's 1e-6.
    static func verify(problemPath: String, solutionPath: String, tol: Double = 1e-6) throws -> [String] {
        func object(_ path: String) throws -> [String: Any] {
            guard let o = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
            else { throw Failure(description: "\(path) is not a JSON object") }
            return o
        }
        func number(_ o: [String: Any], _ key: String) -> Double? { (o[key] as? NSNumber)?.doubleValue }
        var complaints: [String] = []
        func require(_ ok: Bool, _ message: @autoclosure () -> String) { if !ok { complaints.append(message()) } }
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= tol * max(abs(a), abs(b)) }

        let problem = try object(problemPath), solution = try object(solutionPath)
        var profile = problem["profile"] as? [String: Any] ?? [:]
        if let relative = problem["profile"] as? String {
            profile = try object(URL(fileURLWithPath: problemPath).deletingLastPathComponent().appendingPathComponent(relative).path)
        }
        let server = problem["server"] as? [String: Any] ?? [:]
        let B = number(server, "bandwidthHz")!, N0 = number(server, "noisePsdWPerHz")!, P = number(server, "maxTxPowerW")!
        let F = number(server, "computeRateFlopsPerS")!, e0 = number(server, "energyPerFlopJ")!, kappa = number(server, "dvfsCoefficient")!
        let lowerIsBetter = (profile["metric"] as? [String: Any])?["better"] as? String == "lower"
        let configs = profile["configs"] as? [[String: Any]] ?? []
        let clients = problem["clients"] as? [[String: Any]] ?? []

        // Names, format, status.
        let keys = Set(solution.keys)
        require(keys.subtracting(topLevelFields).isSubset(of: documentedExtensions), "undocumented keys \(keys.subtracting(topLevelFields))")
        for key in ["format", "problem", "solver", "status", "solveTimeS", "diagnostics", "clients"] {
            require(keys.contains(key), "missing top-level \(key)")
        }
        require(solution["format"] as? String == "flexgen-solution/1", "format")
        require(solution["problem"] as? String == problem["name"] as? String, "problem name")
        let status = solution["status"] as? String ?? "?"
        require(statuses.contains(status), "status \(status)")
        let decisions = solution["clients"] as? [[String: Any]] ?? []
        if status == "infeasible" {
            let diagnostics = solution["diagnostics"] as? [[String: Any]] ?? []
            require(!diagnostics.isEmpty, "infeasible without diagnostics")
            for d in diagnostics {
                require(d["constraint"] is String && d["clients"] is [String], "diagnostic without constraint/clients: \(d)")
            }
            return complaints
        }
        guard status == "optimal" || status == "feasible" || !decisions.isEmpty else { return complaints }

        // Every client exactly once, on the menu, every constraint, every reported figure.
        require(decisions.count == clients.count, "\(decisions.count) decisions for \(clients.count) clients")
        var byId: [String: [String: Any]] = [:]
        for d in decisions {
            require(Set(d.keys) == clientFields, "client keys \(Set(d.keys).symmetricDifference(clientFields))")
            let id = d["id"] as? String ?? ""
            require(byId[id] == nil, "\(id) twice")
            byId[id] = d
        }
        var total = 0.0, sumF = 0.0, sumB = 0.0
        var qualityOf: [String: Double] = [:]
        for c in clients {
            let id = c["id"] as! String
            guard let d = byId[id] else { complaints.append("no decision for \(id)"); continue }
            let w = number(d, "width")!, s = number(d, "steps")!
            guard let config = configs.first(where: { number($0, "width") == w && number($0, "steps") == s }) else {
                complaints.append("\(id): (\(w), \(s)) not in the profile"); continue
            }
            let C = number(config, "flops")!, q = number(config, "quality")!
            require(close(number(d, "flops")!, C) && close(number(d, "quality")!, q), "\(id): flops/quality differ from the profile")
            let f = number(d, "computeRateFlopsPerS")!, b = number(d, "bandwidthHz")!, p = number(d, "txPowerW")!, t = number(d, "txTimeS")!
            require(f > 0 && b > 0 && t > 0 && p >= 0, "\(id): positivity")
            let g = number(c, "channelGain") ?? pow(10, number(c, "channelGainDb")! / 10)
            let u = number(c, "uplinkDelayS") ?? 0, T = number(c, "deadlineS")!, D = number(c, "imageBits")!
            let latency = u + C / f + t
            let bits = t * b * log2(1 + p * g / (N0 * b))
            let Ec = C * (e0 + kappa * f * f), Et = p * t
            require(latency <= T * (1 + tol), "\(id): latency \(latency) > \(T)")
            require(bits >= D * (1 - tol), "\(id): delivers \(bits) < \(D)")
            require(p <= P * (1 + tol), "\(id): power \(p) > \(P)")
            if let Q = number(c, "qualityRequirement") {
                require(lowerIsBetter ? q <= Q + tol * abs(Q) : q >= Q - tol * abs(Q), "\(id): quality \(q) vs \(Q)")
            }
            require(close(number(d, "latencyS")!, latency), "\(id): latencyS \(number(d, "latencyS")!) vs \(latency)")
            require(close(number(d, "computeEnergyJ")!, Ec), "\(id): computeEnergyJ")
            require(close(number(d, "txEnergyJ")!, Et), "\(id): txEnergyJ")
            total += Ec + Et; sumF += f; sumB += b
            qualityOf[id] = q
        }
        require(sumF <= F * (1 + tol), "compute \(sumF) > \(F)")
        require(sumB <= B * (1 + tol), "bandwidth \(sumB) > \(B)")
        for (j, target) in (problem["serviceTargets"] as? [[String: Any]] ?? []).enumerated() {
            let ids = target["clients"] as? [String] ?? clients.map { $0["id"] as! String }
            let mean = ids.compactMap { qualityOf[$0] }.reduce(0, +) / Double(ids.count)
            let goal = number(target, "meanQualityTarget")!
            require(lowerIsBetter ? mean <= goal + tol * abs(goal) : mean >= goal - tol * abs(goal), "serviceTargets[\(j)]: mean \(mean) vs \(goal)")
        }
        guard let reported = number(solution, "totalEnergyJ") else { complaints.append("no totalEnergyJ"); return complaints }
        require(close(reported, total), "totalEnergyJ \(reported) vs recomputed \(total)")
        if let bound = number(solution, "lowerBoundJ") {
            require(bound <= reported * (1 + tol), "lowerBoundJ \(bound) > totalEnergyJ \(reported)")
            if let gap = number(solution, "gap") {
                let implied = reported != 0 ? (reported - bound) / reported : 0  // no clients: 0 of 0
                require(abs(gap - implied) <= tol, "gap \(gap) vs (T − L)/T = \(implied)")
            }
        }
        if status == "optimal" {
            require(number(solution, "lowerBoundJ") != nil && number(solution, "gap") != nil, "optimal without its certificate")
        }
        return complaints
    }

    // MARK: Every committed problem

    @Test(arguments: committedProblems)
    func solveWritesASolutionThatVerifiesOnItsOwn(_ name: String) throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("solution.json").path
        let problem = "\(repoRoot)/problems/\(name)"
        let result = try runFlexgen(["solve", problem, "-o", output])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output)))
                                  as? [String: Any], "\(result.stderr)")
        let status = try #require(object["status"] as? String)
        // Exit codes: 0 with a solution, 1 for a "no" verdict.
        #expect(result.status == (["optimal", "feasible"].contains(status) ? 0 : 1), "\(status): \(result.stderr)")
        // Overloaded instances are infeasible too until admission is asked for (AdmissionCLITests).
        #expect((name.hasPrefix("infeasible") || name.hasPrefix("overloaded")) == (status == "infeasible"))
        let complaints = try Self.verify(problemPath: problem, solutionPath: output)
        #expect(complaints.isEmpty, "\(name): \(complaints)")
        // The check command agrees.
        #expect(try runFlexgen(["check", problem, output]).status == 0)
    }

    @Test func theVerifierCatchesWhatItShould() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("solution.json").path
        let problem = "\(repoRoot)/problems/tiny-3.json"
        #expect(try runFlexgen(["solve", problem, "-o", output]).status == 0)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output)))
                                  as? [String: Any])
        var clients = try #require(object["clients"] as? [[String: Any]])
        clients[0]["txTimeS"] = (clients[0]["txTimeS"] as! Double) * 1.01     // breaks latency and txEnergyJ
        object["clients"] = clients
        object["gap"] = 0.5
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: output))
        let complaints = try Self.verify(problemPath: problem, solutionPath: output)
        #expect(complaints.contains { $0.contains("latency") } && complaints.contains { $0.contains("txEnergyJ") })
        #expect(complaints.contains { $0.contains("gap") })
        #expect(try runFlexgen(["check", problem, output]).status == 1)
    }

    @Test func checkReadsPastAnotherWritersExtensionsWithAWarning() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("solution.json").path
        let problem = "\(repoRoot)/problems/tiny-3.json"
        #expect(try runFlexgen(["solve", problem, "-o", output]).status == 0)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output)))
                                  as? [String: Any])
        var clients = try #require(object["clients"] as? [[String: Any]])
        clients[1]["deliveredBits"] = 1e6
        object["clients"] = clients
        object["prices"] = ["mu": 1]
        object["lowerBound"] = 1  // a typo of lowerBoundJ: read past, but said
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: output))
        let check = try runFlexgen(["check", problem, output])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stderr.contains("warning") && check.stderr.contains("lowerBound")
                && check.stderr.contains("clients[1].deliveredBits") && check.stderr.contains("prices"), "\(check.stderr)")
    }

    // MARK: Edge cases through the binary

    static let profile = """
        {"format": "flexgen-profile/1", "name": "sd-like-512", "metric": {"name": "FID", "better": "lower"},
         "configs": [{"width": 1.0, "steps": 50, "flops": 4.1e13, "quality": 13.1},
                     {"width": 0.5, "steps": 20, "flops": 5.3e12, "quality": 19.7}]}
        """

    static func problem(profile: String = profile, clients: String, targets: String? = nil) -> String {
        """
        {"format": "flexgen-problem/1", "name": "edge",
         "server": {"bandwidthHz": 20e6, "noisePsdWPerHz": 3.98e-21, "maxTxPowerW": 1.0, "computeRateFlopsPerS": 1.0e14,
                    "energyPerFlopJ": 1.5e-12, "dvfsCoefficient": 1.5e-40},
         "profile": \(profile), "clients": \(clients)\(targets.map { #", "serviceTargets": "# + $0 } ?? "")}
        """
    }

    /// Solves `text` (written as `name` under a fresh folder, with extra files) and returns the
    /// result, the parsed solution (if written) and the verifier's complaints.
    func solve(_ text: String, name: String = "p.json", files: [String: String] = [:])
        throws -> (status: Int32, stderr: String, solution: [String: Any]?, complaints: [String], leftovers: [String]) {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (file, content) in files {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(file).deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            try writeFile(content, file, in: folder)
        }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent(name).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        let path = try writeFile(text, name, in: folder)
        let out = folder.appendingPathComponent("out/solution.json")
        try FileManager.default.createDirectory(at: out.deletingLastPathComponent(), withIntermediateDirectories: true)
        let result = try runFlexgen(["solve", path, "-o", out.path])
        let written = (try? Data(contentsOf: out)).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        let complaints = written == nil ? [] : try Self.verify(problemPath: path, solutionPath: out.path)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path)
            .filter { $0 != "solution.json" }
        return (result.status, result.stderr, written, complaints, leftovers)
    }

    @Test func integersExponentsUnicodeAndDefaults() throws {
        let clients = """
            [{"id": "ü-客户-🚀", "deadlineS": 6, "channelGainDb": -100, "imageBits": 800000},
             {"id": "\\u00e9", "deadlineS": 5E0, "uplinkDelayS": 0, "channelGain": 1E-10, "imageBits": 8e+5, "qualityRequirement": 14}]
            """
        let r = try solve(Self.problem(clients: clients, targets: #"[{"meanQualityTarget": 19}]"#))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.complaints.isEmpty, "\(r.complaints)")
        let ids = (r.solution?["clients"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
        #expect(Set(ids ?? []) == ["ü-客户-🚀", "é"])
    }

    @Test func higherIsBetterMetricAndArbitraryName() throws {
        let profile = """
            {"format": "flexgen-profile/1", "name": "clip", "metric": {"name": "CLIP score (ViT-L/14) ✓", "better": "higher"},
             "configs": [{"width": 1, "steps": 50, "flops": 4.1e13, "quality": 0.31},
                         {"width": 0.5, "steps": 20, "flops": 5.3e12, "quality": 0.27}]}
            """
        let clients = """
            [{"id": "a", "deadlineS": 6, "channelGainDb": -100, "imageBits": 8e5, "qualityRequirement": 0.3},
             {"id": "b", "deadlineS": 6, "channelGainDb": -100, "imageBits": 8e5},
             {"id": "c", "deadlineS": 6, "channelGainDb": -100, "imageBits": 8e5}]
            """
        let r = try solve(Self.problem(profile: profile, clients: clients,
                                       targets: #"[{"clients": ["b", "c"], "meanQualityTarget": 0.29}]"#))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.complaints.isEmpty, "\(r.complaints)")
        let steps = (r.solution?["clients"] as? [[String: Any]])?.first { $0["id"] as? String == "a" }?["steps"] as? Int
        #expect(steps == 50)  // only (1, 50) reaches 0.3 when higher is better
    }

    @Test func profileReferencedThroughParentFolders() throws {
        let r = try solve(Self.problem(profile: "\"../../shared/profiles/sd.json\"",
                                       clients: #"[{"id": "u1", "deadlineS": 6, "channelGainDb": -100, "imageBits": 8e5}]"#),
                          name: "problems/set/p.json", files: ["shared/profiles/sd.json": Self.profile])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.complaints.isEmpty, "\(r.complaints)")
    }

    @Test func emptyClientsSolvesToZero() throws {
        let r = try solve(Self.problem(clients: "[]", targets: "[]"))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.solution?["status"] as? String == "optimal")
        #expect((r.solution?["totalEnergyJ"] as? NSNumber)?.doubleValue == 0)
        #expect(r.complaints.isEmpty, "\(r.complaints)")
    }

    @Test func deadlineWithinTheUplinkDelayIsInfeasibleWithADiagnostic() throws {
        let clients = """
            [{"id": "ok", "deadlineS": 6, "channelGainDb": -100, "imageBits": 8e5},
             {"id": "late", "deadlineS": 0.05, "uplinkDelayS": 0.1, "channelGainDb": -100, "imageBits": 8e5}]
            """
        let r = try solve(Self.problem(clients: clients))
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.solution?["status"] as? String == "infeasible")
        let diagnostics = r.solution?["diagnostics"] as? [[String: Any]] ?? []
        #expect(diagnostics.contains { $0["constraint"] as? String == "latency" && ($0["clients"] as? [String]) == ["late"] },
                "\(diagnostics)")
        #expect(r.complaints.isEmpty, "\(r.complaints)")
    }

    @Test(arguments: [
        (#"[{"id": "u1", "deadlineS": 6, "channelGainDb": -4000, "imageBits": 8e5}]"#, nil, "clients[0].channelGainDb"),
        (#"[{"id": "u1", "deadlineS": 6, "channelGainDb": -100, "imageBits": 1e-400}]"#, nil, "clients[0].imageBits"),
        (#"[{"id": "u1", "deadlineS": 6, "channelGainDb": -100, "imageBits": 8e5}]"#, #"[{"clients": [], "meanQualityTarget": 18}]"#,
         "serviceTargets[0].clients"),
        ("[]", #"[{"meanQualityTarget": 18}]"#, "serviceTargets[0]"),
        (#"[{"id": "u1", "deadlineS": 6, "channelGainDb": -100, "imageBits": 8e5}, {"id": "u1", "deadlineS": 6, "channelGainDb": -100, "imageBits": 8e5}]"#,
         nil, "clients[1].id"),
    ] as [(String, String?, String)])
    func badInputExitsTwoNamingThePathAndWritesNothing(_ clients: String, _ targets: String?, _ path: String) throws {
        let r = try solve(Self.problem(clients: clients, targets: targets))
        #expect(r.status == 2)
        #expect(r.stderr.contains("p.json: \(path):"), "\(r.stderr)")
        #expect(r.solution == nil)
        #expect(r.leftovers.isEmpty, "\(r.leftovers)")
    }

    @Test func nonIntegralStepsNameTheirPath() throws {
        let profile = Self.profile.replacingOccurrences(of: "\"steps\": 20", with: "\"steps\": 20.5")
        let r = try solve(Self.problem(profile: profile, clients: #"[{"id": "u1", "deadlineS": 6, "channelGainDb": -100, "imageBits": 8e5}]"#))
        #expect(r.status == 2)
        #expect(r.stderr.contains("profile.configs[1].steps: must be an integer"), "\(r.stderr)")
    }

    // MARK: Atomic outputs and exit codes of every `-o`

    /// Runs `args` (with `-o folder/out.json` appended) where `out.json` already holds "keep",
    /// and returns the exit code and whether the folder holds anything but the untouched file.
    private func failingRun(_ args: [String], folder: URL) throws -> (status: Int32, untouched: Bool, stray: [String]) {
        let out = folder.appendingPathComponent("out.json")
        try Data("keep".utf8).write(to: out)
        let result = try runFlexgen(args + ["-o", out.path])
        let stray = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0 != "out.json" && !$0.hasPrefix("in-") }
        return (result.status, (try? String(contentsOf: out, encoding: .utf8)) == "keep", stray)
    }

    @Test func failedCommandsLeaveNoFileAndNoTemporaryFile() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = try writeFile(#"{"format": "flexgen-problem/1", "name": 3}"#, "in-broken.json", in: folder)
        let badProfile = try writeFile(#"{"format": "flexgen-profile/1", "name": "x", "metric": {"name": "FID", "better": "lower"}, "configs": []}"#,
                                       "in-profile.json", in: folder)
        let badSolution = try writeFile(#"{"format": "flexgen-solution/1"}"#, "in-solution.json", in: folder)
        let tiny = "\(repoRoot)/problems/tiny-3.json"
        let cases: [[String]] = [
            ["solve", broken],
            ["solve", folder.appendingPathComponent("in-missing.json").path],
            ["solve", tiny, "--gap-tolerance", "-1"],
            ["check", broken],
            ["check", tiny, badSolution],
            ["check", tiny, "--tolerance", "2"],
            ["generate", "--profile", badProfile],
            ["generate", "--clients", "-3"],
            ["generate", "--preset", "no-such-preset"],
            ["profile", "synth", "--widths", "0,2"],
            ["profile", "synth", "--better", "sideways"],
        ]
        for args in cases {
            let r = try failingRun(args, folder: folder)
            #expect(r.status == 2, "\(args): exit \(r.status)")
            #expect(r.untouched, "\(args) overwrote the output")
            #expect(r.stray.isEmpty, "\(args) left \(r.stray)")
        }
    }

    @Test func outputIntoAMissingFolderOrOntoAFolderExitsTwo() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let tiny = "\(repoRoot)/problems/tiny-3.json"
        let taken = folder.appendingPathComponent("taken")
        try FileManager.default.createDirectory(at: taken, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: taken.appendingPathComponent("inside"))
        for args in [["solve", tiny], ["check", tiny], ["generate"], ["profile", "synth"]] {
            let missing = try runFlexgen(args + ["-o", folder.appendingPathComponent("nope/out.json").path])
            #expect(missing.status == 2, "\(args): \(missing.status)")
            let onto = try runFlexgen(args + ["-o", taken.path])
            #expect(onto.status == 2, "\(args) onto a folder: \(onto.status)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: taken.path) == ["inside"])
            let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            #expect(left == ["taken"], "\(args) left \(left)")
        }
    }

    @Test func successfulOutputsAreCompleteDocuments() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let tiny = "\(repoRoot)/problems/tiny-3.json"
        let solution = folder.appendingPathComponent("s.json").path
        for (args, format) in [(["solve", tiny, "-o", solution], "flexgen-solution/1"),
                               (["generate", "--clients", "4", "-o", folder.appendingPathComponent("g.json").path], "flexgen-problem/1"),
                               (["profile", "synth", "-o", folder.appendingPathComponent("p.json").path], "flexgen-profile/1"),
                               (["check", tiny, solution, "--json", "-o", folder.appendingPathComponent("c.json").path], "flexgen-check/1")] {
            let r = try runFlexgen(args)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: args[args.count - 1])))
            #expect((object as? [String: Any])?["format"] as? String == format)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["c.json", "g.json", "p.json", "s.json"])
    }
}
