import Foundation
import Testing
import FlexGenModel
import FlexGenIO

/// The contract (MODEL.md) read literally: every JSON document here is typed from the contract's
/// text, never produced by our encoder, and every expectation is a number or a name the contract
/// states. The encoder is then checked against the contract's field lists by parsing its output
/// with JSONSerialization, and `Evaluation` against a few lines of arithmetic written here from
/// the §1 formulas (not calling `EnergyModel`).
enum Contract {
    /// §3's example profile.
    static let profile = """
        {"format": "flexgen-profile/1", "name": "sd-like-512",
         "metric": {"name": "FID", "better": "lower"},
         "configs": [
           {"width": 1.0, "steps": 50, "flops": 4.1e13, "quality": 13.1},
           {"width": 0.5, "steps": 20, "flops": 5.3e12, "quality": 19.7}]}
        """
    static let server = """
        {"bandwidthHz": 20e6, "noisePsdWPerHz": 3.98e-21, "maxTxPowerW": 1.0,
         "computeRateFlopsPerS": 1.0e14, "energyPerFlopJ": 1.5e-12, "dvfsCoefficient": 1.5e-40}
        """
    static let client = """
        {"id": "u1", "deadlineS": 6.0, "uplinkDelayS": 0.05, "channelGainDb": -100.0, "imageBits": 8.0e5,
         "qualityRequirement": 20.0}
        """

    /// §2's example instance with §3's profile inline.
    static func problem(profile: String = profile, clients: String = "[\(client)]",
                        targets: String? = #"[{"clients": ["u1"], "meanQualityTarget": 18.0}]"#) -> String {
        """
        {"format": "flexgen-problem/1", "name": "example", "server": \(server), "profile": \(profile),
         "clients": \(clients)\(targets.map { #", "serviceTargets": "# + $0 } ?? "")}
        """
    }

    static func decode(_ text: String, baseDirectory: URL? = nil) throws -> Problem {
        try ProblemFile.decode(Data(text.utf8), baseDirectory: baseDirectory)
    }

    /// The issues of a rejected document (nil when it is accepted).
    static func rejection(_ text: String) -> [InputIssue]? {
        do { _ = try decode(text); return nil } catch let error as InputError { return error.issues } catch {
            return [InputIssue(path: "?", reason: "not an InputError: \(error)")]
        }
    }

    /// §4: the per-client fields and the top-level fields, exactly as the contract names them.
    static let clientFields: Set<String> = ["id", "width", "steps", "flops", "quality", "computeRateFlopsPerS",
                                            "bandwidthHz", "txPowerW", "txTimeS", "latencyS", "computeEnergyJ",
                                            "txEnergyJ"]
    static let topLevelFields: Set<String> = ["format", "problem", "solver", "status", "totalEnergyJ", "lowerBoundJ",
                                              "gap", "solveTimeS", "diagnostics", "clients"]
    /// Top-level extensions docs/formats.md documents.
    static let documentedExtensions: Set<String> = ["prices"]
    static let statuses = ["optimal", "feasible", "infeasible", "time_limit", "iteration_limit", "numerical_error"]
}

@Suite struct ContractDecodingTests {
    @Test func section2ExampleDecodesFieldByField() throws {
        let p = try Contract.decode(Contract.problem())
        #expect(p.name == "example")
        #expect(p.server.bandwidthHz == 20e6)
        #expect(p.server.noisePsdWPerHz == 3.98e-21)
        #expect(p.server.maxTxPowerW == 1)
        #expect(p.server.computeRateFlopsPerS == 1e14)
        #expect(p.server.energyPerFlopJ == 1.5e-12)
        #expect(p.server.dvfsCoefficient == 1.5e-40)
        #expect(p.profile.name == "sd-like-512")
        #expect(p.profile.metric.name == "FID" && p.profile.metric.better == .lower)
        #expect(p.profile.configs.map(\.key) == [.init(width: 1, steps: 50), .init(width: 0.5, steps: 20)])
        #expect(p.profile.configs.map(\.flops) == [4.1e13, 5.3e12])
        #expect(p.profile.configs.map(\.quality) == [13.1, 19.7])
        let u1 = try #require(p.clients.first)
        #expect(p.clients.count == 1)
        #expect(u1.id == "u1" && u1.deadlineS == 6 && u1.uplinkDelayS == 0.05 && u1.imageBits == 8e5)
        #expect(u1.qualityRequirement == 20)
        // 10·log10 g = −100 ⇒ g = 1e-10.
        #expect(abs(u1.channelGain.linear - 1e-10) <= 1e-25)
        #expect(p.serviceTargets.count == 1)
        #expect(p.serviceTargets[0].clients == ["u1"] && p.serviceTargets[0].meanQualityTarget == 18)
    }

    @Test func linearChannelGain() throws {
        let client = #"{"id": "u1", "deadlineS": 6.0, "channelGain": 2.5e-11, "imageBits": 8.0e5}"#
        let p = try Contract.decode(Contract.problem(clients: "[\(client)]", targets: nil))
        #expect(p.clients[0].channelGain.linear == 2.5e-11)
        // Both forms at once, or neither, is not "exactly one".
        let both = #"{"id": "u1", "deadlineS": 6.0, "channelGain": 1e-10, "channelGainDb": -100, "imageBits": 8.0e5}"#
        let neither = #"{"id": "u1", "deadlineS": 6.0, "imageBits": 8.0e5}"#
        for text in [both, neither] {
            let issues = try #require(Contract.rejection(Contract.problem(clients: "[\(text)]", targets: nil)))
            #expect(issues.contains { $0.path.hasPrefix("clients[0].channelGain") }, "\(issues)")
        }
    }

    @Test func optionalFieldsTakeTheContractDefaults() throws {
        // No uplinkDelayS (0), no qualityRequirement (any configuration), no serviceTargets.
        let client = #"{"id": "u1", "deadlineS": 6.0, "channelGainDb": -100.0, "imageBits": 8.0e5}"#
        let p = try Contract.decode(Contract.problem(clients: "[\(client)]", targets: nil))
        #expect(p.clients[0].uplinkDelayS == 0)
        #expect(p.clients[0].serviceWindowS == 6)
        #expect(p.clients[0].qualityRequirement == nil)
        #expect(p.serviceTargets.isEmpty)
        // An empty serviceTargets array means the same as none.
        let empty = try Contract.decode(Contract.problem(clients: "[\(client)]", targets: "[]"))
        #expect(empty.serviceTargets.isEmpty)
        // Without a requirement, the worst configuration (FID 19.7) is admissible.
        let solution = Solution(problem: "example", solver: "t", status: .feasible, totalEnergyJ: nil, solveTimeS: 0,
                                clients: [ContractEvaluator.decision(p, client: 0, config: 1, rate: 5e13, band: 1e7,
                                                                     power: 0.5, time: 1)])
        #expect(!Evaluation(problem: p, solution: solution).violatedKinds.contains(.quality))
    }

    @Test func targetWithoutClientsCoversEveryone() throws {
        let clients = """
            [{"id": "a", "deadlineS": 6, "channelGainDb": -100, "imageBits": 8e5},
             {"id": "b", "deadlineS": 6, "channelGainDb": -100, "imageBits": 8e5},
             {"id": "c", "deadlineS": 6, "channelGainDb": -100, "imageBits": 8e5}]
            """
        let p = try Contract.decode(Contract.problem(clients: clients, targets: #"[{"meanQualityTarget": 15.0}]"#))
        #expect(p.serviceTargets[0].clients == nil)
        #expect(p.serviceTargets[0].memberIndices(in: p) == [0, 1, 2])
        // Mean over all three: (13.1 + 13.1 + 19.7)/3 = 15.3 > 15 violates; all at 13.1 meets.
        func solution(_ configs: [Int]) -> Solution {
            Solution(problem: "example", solver: "t", status: .feasible, totalEnergyJ: nil, solveTimeS: 0,
                     clients: configs.enumerated().map { k, c in
                         ContractEvaluator.decision(p, client: k, config: c, rate: 3e13, band: 6e6, power: 0.5, time: 1)
                     })
        }
        let mixed = Evaluation(problem: p, solution: solution([0, 0, 1]))
        #expect(mixed.violatedKinds.contains(.serviceTarget))
        #expect(abs(mixed.serviceTargets[0].meanQuality - (13.1 + 13.1 + 19.7) / 3) <= 1e-12)
        #expect(!Evaluation(problem: p, solution: solution([0, 0, 0])).violatedKinds.contains(.serviceTarget))
    }

    @Test func higherIsBetterProfiles() throws {
        let profile = """
            {"format": "flexgen-profile/1", "name": "clip", "metric": {"name": "CLIP score", "better": "higher"},
             "configs": [{"width": 1, "steps": 50, "flops": 4.1e13, "quality": 0.31},
                         {"width": 0.5, "steps": 20, "flops": 5.3e12, "quality": 0.27}]}
            """
        let client = #"{"id": "u1", "deadlineS": 6, "channelGainDb": -100, "imageBits": 8e5, "qualityRequirement": 0.3}"#
        let p = try Contract.decode(Contract.problem(profile: profile, clients: "[\(client)]",
                                                     targets: #"[{"meanQualityTarget": 0.30}]"#))
        #expect(p.profile.metric.better == .higher)
        func evaluation(_ config: Int) -> Evaluation {
            Evaluation(problem: p, solution: Solution(
                problem: "example", solver: "t", status: .feasible, totalEnergyJ: nil, solveTimeS: 0,
                clients: [ContractEvaluator.decision(p, client: 0, config: config, rate: 5e13, band: 1e7, power: 0.5,
                                                     time: 1)]))
        }
        // 0.31 ≥ 0.3 meets both; 0.27 < 0.3 fails both.
        #expect(!evaluation(0).violatedKinds.contains(.quality))
        #expect(!evaluation(0).violatedKinds.contains(.serviceTarget))
        #expect(evaluation(1).violatedKinds.contains(.quality))
        #expect(evaluation(1).violatedKinds.contains(.serviceTarget))
        // Any other direction word is rejected at its path.
        let bad = profile.replacingOccurrences(of: "\"higher\"", with: "\"up\"")
        let issues = try #require(Contract.rejection(Contract.problem(profile: bad, clients: "[\(client)]", targets: nil)))
        #expect(issues.contains { $0.path == "profile.metric.better" }, "\(issues)")
    }

    @Test func widthIsAnyPositiveNumber() throws {
        // MODEL.md gives the width no range; only flops and quality enter the model.
        let profile = Contract.profile.replacingOccurrences(of: "\"width\": 1.0", with: "\"width\": 1.25")
        #expect(try Contract.decode(Contract.problem(profile: profile)).profile.configs[0].width == 1.25)
    }

    @Test func arbitraryMetricName() throws {
        let profile = Contract.profile.replacingOccurrences(of: "\"FID\"", with: "\"my metric ✓ (ünïcode), v2\"")
        let p = try Contract.decode(Contract.problem(profile: profile))
        #expect(p.profile.metric.name == "my metric ✓ (ünïcode), v2")
    }

    @Test func profileByRelativePathIncludingParentFolders() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("flexgen-contract-\(UUID().uuidString)")
        let problems = root.appendingPathComponent("problems/set")
        let profiles = root.appendingPathComponent("profiles")
        try FileManager.default.createDirectory(at: problems, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: profiles, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data(Contract.profile.utf8).write(to: profiles.appendingPathComponent("sd.json"))
        try Data(Contract.profile.utf8).write(to: problems.appendingPathComponent("local.json"))
        for (reference, folder) in [("local.json", problems), ("../../profiles/sd.json", problems),
                                    ("./local.json", problems), ("profiles/sd.json", root)] {
            let path = folder.appendingPathComponent("p-\(UUID().uuidString).json").path
            try Data(Contract.problem(profile: "\"\(reference)\"").utf8).write(to: URL(fileURLWithPath: path))
            let p = try ProblemFile.load(path: path)
            #expect(p.profile.name == "sd-like-512" && p.profile.configs.count == 2, "\(reference)")
            #expect(p.profilePath == reference)
        }
        // A path to nothing is rejected naming `profile` and the file.
        let path = problems.appendingPathComponent("missing.json").path
        try Data(Contract.problem(profile: "\"../nope.json\"").utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: InputError.self) { try ProblemFile.load(path: path) }
        do { _ = try ProblemFile.load(path: path) } catch let error as InputError {
            #expect(error.issues.first?.path == "profile")
            #expect(error.description.contains("nope.json"))
        }
    }

    @Test func inlineProfileMayOmitItsFormatButNotGetItWrong() throws {
        let bare = Contract.profile.replacingOccurrences(of: #""format": "flexgen-profile/1", "#, with: "")
        #expect(!bare.contains("format"))
        #expect(try Contract.decode(Contract.problem(profile: bare)).profile.name == "sd-like-512")
        let wrong = Contract.profile.replacingOccurrences(of: "flexgen-profile/1", with: "flexgen-profile/9")
        #expect(Contract.rejection(Contract.problem(profile: wrong))?.first?.path == "profile.format")
        // A profile *file* must say what it is.
        #expect(throws: InputError.self) { try ProfileFile.decode(Data(bare.utf8)) }
        #expect(try ProfileFile.decode(Data(Contract.profile.utf8)).configs.count == 2)
    }

    @Test(arguments: Contract.statuses)
    func solutionWithEveryStatus(_ status: String) throws {
        let withAllocation = status != "infeasible" && status != "numerical_error"
        let clients = withAllocation ? """
            [{"id": "u1", "width": 1.0, "steps": 50, "flops": 4.1e13, "quality": 13.1,
              "computeRateFlopsPerS": 2e13, "bandwidthHz": 1e7, "txPowerW": 0.5, "txTimeS": 1.0,
              "latencyS": 3.1, "computeEnergyJ": 63.96, "txEnergyJ": 0.5}]
            """ : "[]"
        let energy = withAllocation ? #""totalEnergyJ": 64.46, "lowerBoundJ": 64.0, "gap": 0.007136208501396337,"# : ""
        let diagnostics = status == "infeasible"
            // The contract names no diagnostic fields beyond "which constraint and which clients":
            // a diagnostic without `message`, or with keys of its own, still reads.
            ? #"[{"constraint": "latency", "clients": ["u1"], "message": "deadline too short"}, {"constraint": "compute", "clients": [], "detail": {"scale": 1.3}}]"# : "[]"
        let text = """
            {"format": "flexgen-solution/1", "problem": "example", "solver": "flexgen", "status": "\(status)",
             \(energy) "solveTimeS": 0.25, "diagnostics": \(diagnostics), "clients": \(clients)}
            """
        let solution = try SolutionFile.decode(Data(text.utf8))
        #expect(solution.status.rawValue == status)
        #expect(solution.solveTimeS == 0.25 && solution.problem == "example" && solution.solver == "flexgen")
        // Re-evaluated against §2's example: u1 at (1, 50), f = 2e13 ⇒ C/f = 2.05 s; latency 0.05 + 2.05 + 1 = 3.1 s;
        // E^c = 4.1e13·(1.5e-12 + 1.5e-40·4e26) = 4.1e13·1.56e-12 = 63.96 J; E^t = 0.5 J; gap (64.46 − 64)/64.46.
        let problem = try Contract.decode(Contract.problem())
        let evaluation = Evaluation(problem: problem, solution: solution)
        #expect(evaluation.passes, "\(evaluation.violations)")
        #expect(evaluation.hasAllocation == withAllocation)
        if withAllocation {
            #expect(abs(evaluation.totalEnergyJ - 64.46) <= 1e-9)
            #expect(evaluation.isFeasible)
        }
        if status == "infeasible" {
            #expect(solution.diagnostics?.first?.constraint == "latency" && solution.diagnostics?.first?.clients == ["u1"])
            #expect(solution.diagnostics?.last?.constraint == "compute" && solution.diagnostics?.last?.message == "")
        }
    }

    @Test func anotherWritersExtensionsAreReadPastButContractFieldsAreRequired() throws {
        // MODEL.md lets a solver extend the format: a solution from another tool, with keys of its
        // own (and a `prices` of another shape), must still verify on its own.
        let entry = """
            {"id": "u1", "width": 1.0, "steps": 50, "flops": 4.1e13, "quality": 13.1, "computeRateFlopsPerS": 2e13,
             "bandwidthHz": 1e7, "txPowerW": 0.5, "txTimeS": 1.0, "latencyS": 3.1, "computeEnergyJ": 63.96,
             "txEnergyJ": 0.5, "snrDb": 31.0}
            """
        let text = """
            {"format": "flexgen-solution/1", "problem": "example", "solver": "theirs", "status": "feasible",
             "totalEnergyJ": 64.46, "solveTimeS": 1, "clients": [\(entry)], "prices": [1, 2], "notes": "x"}
            """
        let solution = try SolutionFile.decode(Data(text.utf8))
        #expect(solution.prices == nil && solution.clients.count == 1)
        #expect(Evaluation(problem: try Contract.decode(Contract.problem()), solution: solution).isFeasible)
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        #expect(Solution.unknownKeys(inJSON: object) == ["notes", "prices", "clients[0].snrDb"])
        // FlexGen's own files have nothing to ignore.
        let ours = try JSONSerialization.jsonObject(with: try FlexGenJSON.encode(Solution(
            problem: "p", solver: "s", status: .optimal, totalEnergyJ: 1, lowerBoundJ: 1, gap: 0, solveTimeS: 0,
            clients: [], prices: .init(computeJPerFlopsPerS: 0, bandwidthJPerHz: 0, serviceTargets: [1]))))
        #expect(Solution.unknownKeys(inJSON: ours).isEmpty)
        // A typo of a contract field is a missing field, named by path.
        let typo = text.replacingOccurrences(of: "\"txPowerW\"", with: "\"txPowerWatts\"")
        do {
            _ = try SolutionFile.decode(Data(typo.utf8))
            Issue.record("a missing txPowerW was accepted")
        } catch let error as InputError {
            #expect(error.issues.first?.path == "clients[0].txPowerW", "\(error)")
        }
    }

    @Test func unknownStatusIsRejectedAtItsPath() throws {
        for word in ["Optimal", "timeLimit", "time-limit", "solved"] {
            let text = #"{"format": "flexgen-solution/1", "problem": "p", "solver": "s", "status": "\#(word)", "solveTimeS": 0, "clients": []}"#
            do {
                _ = try SolutionFile.decode(Data(text.utf8))
                Issue.record("status \(word) accepted")
            } catch let error as InputError {
                #expect(error.issues.first?.path == "status", "\(error)")
            }
        }
    }

    @Test func solutionClientsInAnotherOrderThanTheProblem() throws {
        let clients = """
            [{"id": "a", "deadlineS": 6, "channelGainDb": -100, "imageBits": 8e5},
             {"id": "b", "deadlineS": 5, "uplinkDelayS": 0.2, "channelGain": 3e-11, "imageBits": 4e5}]
            """
        let p = try Contract.decode(Contract.problem(clients: clients, targets: nil))
        let a = ContractEvaluator.decision(p, client: 0, config: 0, rate: 4e13, band: 8e6, power: 0.4, time: 0.5)
        let b = ContractEvaluator.decision(p, client: 1, config: 1, rate: 2e13, band: 9e6, power: 0.9, time: 0.6)
        let total = a.computeEnergyJ + a.txEnergyJ + b.computeEnergyJ + b.txEnergyJ
        for order in [[a, b], [b, a]] {
            let e = Evaluation(problem: p, solution: Solution(problem: "example", solver: "t", status: .feasible,
                                                               totalEnergyJ: total, solveTimeS: 0, clients: order))
            #expect(e.isFeasible, "\(e.violations)")
            #expect(e.clients.map(\.id) == ["a", "b"])
            #expect(abs(e.totalEnergyJ - total) <= 1e-12 * total)
        }
    }
}

@Suite struct ContractEdgeCaseTests {
    @Test func integersAndExponentFormsAreNumbers() throws {
        let server = #"{"bandwidthHz": 20000000, "noisePsdWPerHz": 3.98E-21, "maxTxPowerW": 1, "computeRateFlopsPerS": 1E+14, "energyPerFlopJ": 0, "dvfsCoefficient": 15e-41}"#
        let profile = #"{"format": "flexgen-profile/1", "name": "x", "metric": {"name": "FID", "better": "lower"}, "configs": [{"width": 1, "steps": 5e1, "flops": 41000000000000, "quality": 13}, {"width": 0.5, "steps": 20.0, "flops": 5.3e+12, "quality": -1.97e1}]}"#
        let text = """
            {"format": "flexgen-problem/1", "name": "ints", "server": \(server), "profile": \(profile),
             "clients": [{"id": "u1", "deadlineS": 6, "uplinkDelayS": 0, "channelGainDb": -100, "imageBits": 800000,
                          "qualityRequirement": 20}]}
            """
        let p = try Contract.decode(text)
        #expect(p.server.bandwidthHz == 2e7 && p.server.computeRateFlopsPerS == 1e14 && p.server.dvfsCoefficient == 1.5e-40)
        #expect(p.server.energyPerFlopJ == 0)
        #expect(p.profile.configs.map(\.steps) == [50, 20])
        #expect(p.profile.configs[1].quality == -19.7)
        #expect(p.clients[0].deadlineS == 6 && p.clients[0].imageBits == 8e5 && p.clients[0].qualityRequirement == 20)
    }

    @Test func nonIntegralStepsAndUnrepresentableNumbersNameTheirPath() throws {
        let halfStep = Contract.profile.replacingOccurrences(of: "\"steps\": 20", with: "\"steps\": 20.5")
        let issues = try #require(Contract.rejection(Contract.problem(profile: halfStep)))
        #expect(issues.first?.path == "profile.configs[1].steps", "\(issues)")
        #expect(issues.first?.reason.contains("integer") == true)
        let underflow = Contract.problem().replacingOccurrences(of: "\"imageBits\": 8.0e5", with: "\"imageBits\": 1e-400")
        #expect(Contract.rejection(underflow)?.first?.path == "clients[0].imageBits")
        let overflow = Contract.problem().replacingOccurrences(of: "\"imageBits\": 8.0e5", with: "\"imageBits\": 1e400")
        #expect(Contract.rejection(overflow)?.first?.path == "clients[0].imageBits")
        // Python's json.dumps writes float('nan') / ±inf as bare words: name the field and say why.
        for word in ["NaN", "Infinity", "-Infinity"] {
            let text = Contract.problem().replacingOccurrences(of: "\"deadlineS\": 6.0", with: "\"deadlineS\": \(word)")
            let issue = Contract.rejection(text)?.first
            #expect(issue?.path == "clients[0].deadlineS" && issue?.reason.contains("finite") == true, "\(String(describing: issue))")
        }
    }

    @Test func extremeMagnitudes() throws {
        // 1e-30 W/Hz noise, 1e300 FLOP/s, 1e-300 J/FLOP: finite and positive, so valid.
        let server = #"{"bandwidthHz": 1e-3, "noisePsdWPerHz": 1e-30, "maxTxPowerW": 1e-20, "computeRateFlopsPerS": 1e300, "energyPerFlopJ": 1e-300, "dvfsCoefficient": 0}"#
        let text = Contract.problem().replacingOccurrences(of: Contract.server, with: server)
        let p = try Contract.decode(text)
        #expect(p.server.noisePsdWPerHz == 1e-30 && p.server.computeRateFlopsPerS == 1e300)
        // Subnormal but nonzero numbers are still numbers.
        let tiny = Contract.problem().replacingOccurrences(of: "\"noisePsdWPerHz\": 3.98e-21", with: "\"noisePsdWPerHz\": 5e-324")
        #expect(try Contract.decode(tiny).server.noisePsdWPerHz > 0)
    }

    @Test func decibelGainsAnySignButTheLinearGainMustExist() throws {
        for db in ["-100.0", "0", "12.5", "-250"] {
            let text = Contract.problem().replacingOccurrences(of: "\"channelGainDb\": -100.0", with: "\"channelGainDb\": \(db)")
            let g = try Contract.decode(text).clients[0].channelGain.linear
            #expect(abs(g - pow(10, Double(db)! / 10)) <= 1e-15 * g)
        }
        for db in ["-4000", "4000"] {  // 10^(dB/10) underflows to 0 / overflows to inf
            let text = Contract.problem().replacingOccurrences(of: "\"channelGainDb\": -100.0", with: "\"channelGainDb\": \(db)")
            #expect(Contract.rejection(text)?.map(\.path) == ["clients[0].channelGainDb"])
        }
        for g in ["0", "-1e-10"] {
            let client = #"{"id": "u1", "deadlineS": 6, "channelGain": \#(g), "imageBits": 8e5}"#
            #expect(Contract.rejection(Contract.problem(clients: "[\(client)]", targets: nil))?.map(\.path) == ["clients[0].channelGain"])
        }
    }

    @Test func unicodeIds() throws {
        let clients = #"[{"id": "ü-客户-🚀", "deadlineS": 6, "channelGainDb": -100, "imageBits": 8e5}, {"id": "\u00e9\ud83d\ude80", "deadlineS": 6, "channelGainDb": -100, "imageBits": 8e5}]"#
        let p = try Contract.decode(Contract.problem(clients: clients, targets: #"[{"clients": ["é🚀"], "meanQualityTarget": 20}]"#))
        #expect(p.clients.map(\.id) == ["ü-客户-🚀", "é🚀"])
        #expect(p.serviceTargets[0].memberIndices(in: p) == [1])
        let decisions = [ContractEvaluator.decision(p, client: 1, config: 1, rate: 3e13, band: 5e6, power: 0.5, time: 1),
                         ContractEvaluator.decision(p, client: 0, config: 0, rate: 5e13, band: 5e6, power: 0.5, time: 1)]
        let e = Evaluation(problem: p, solution: Solution(problem: "example", solver: "t", status: .feasible,
                                                           totalEnergyJ: nil, solveTimeS: 0, clients: decisions))
        #expect(!e.violatedKinds.contains(.missingClient) && !e.violatedKinds.contains(.unknownClient))
        // Ids survive a round trip through our encoder.
        let again = try ProblemFile.decode(try ProblemFile.encode(p), baseDirectory: nil)
        #expect(again.clients.map(\.id) == p.clients.map(\.id))
    }

    @Test func emptyClientsIsTheTrivialInstance() throws {
        // MODEL.md §2 states no rule against it: the least energy of no clients is 0.
        let p = try Contract.decode(Contract.problem(clients: "[]", targets: nil))
        #expect(p.clients.isEmpty)
        let e = Evaluation(problem: p, solution: Solution(problem: "example", solver: "t", status: .optimal,
                                                           totalEnergyJ: 0, lowerBoundJ: 0, gap: 0, solveTimeS: 0,
                                                           clients: []))
        #expect(e.isFeasible && e.totalEnergyJ == 0)
        // …but a target over "every client" of nobody has no mean, and one naming a client is unknown.
        #expect(Contract.rejection(Contract.problem(clients: "[]", targets: #"[{"meanQualityTarget": 18}]"#))?
            .map(\.path) == ["serviceTargets[0]"])
        #expect(Contract.rejection(Contract.problem(clients: "[]"))?.map(\.path) == ["serviceTargets[0].clients[0]"])
    }

    @Test func serviceTargetWithAnEmptyClientList() throws {
        // `clients: []` is not "absent": the mean of an empty group is undefined, so it is rejected.
        let issues = try #require(Contract.rejection(Contract.problem(targets: #"[{"clients": [], "meanQualityTarget": 18}]"#)))
        #expect(issues.map(\.path) == ["serviceTargets[0].clients"])
    }

    @Test func deadlineWithinTheUplinkDelayIsInfeasibleNotMalformed() throws {
        // T ≤ u breaks no rule of §2 (both are finite, T > 0, u ≥ 0); no allocation can meet it,
        // which is the solver's `infeasible` verdict with a latency diagnostic, not an input error.
        let text = Contract.problem().replacingOccurrences(of: "\"uplinkDelayS\": 0.05", with: "\"uplinkDelayS\": 7")
        let p = try Contract.decode(text)
        let e = Evaluation(problem: p, solution: Solution(problem: "example", solver: "t", status: .feasible,
                                                           totalEnergyJ: nil, solveTimeS: 0, clients: [
            ContractEvaluator.decision(p, client: 0, config: 0, rate: 1e14, band: 2e7, power: 1, time: 0.1)]))
        #expect(e.violatedKinds.contains(.latency))
    }

    @Test func rejectedValuesNameTheirPath() throws {
        let cases: [(String, String, String)] = [
            ("\"deadlineS\": 6.0", "\"deadlineS\": -1", "clients[0].deadlineS"),
            ("\"deadlineS\": 6.0", "\"deadlineS\": 0", "clients[0].deadlineS"),
            ("\"imageBits\": 8.0e5", "\"imageBits\": 0", "clients[0].imageBits"),
            ("\"uplinkDelayS\": 0.05", "\"uplinkDelayS\": -0.05", "clients[0].uplinkDelayS"),
            ("\"bandwidthHz\": 20e6", "\"bandwidthHz\": 0", "server.bandwidthHz"),
            ("\"noisePsdWPerHz\": 3.98e-21", "\"noisePsdWPerHz\": -3.98e-21", "server.noisePsdWPerHz"),
            ("\"maxTxPowerW\": 1.0", "\"maxTxPowerW\": 0", "server.maxTxPowerW"),
            ("\"energyPerFlopJ\": 1.5e-12", "\"energyPerFlopJ\": -1.5e-12", "server.energyPerFlopJ"),
            ("\"dvfsCoefficient\": 1.5e-40", "\"dvfsCoefficient\": -1", "server.dvfsCoefficient"),
            ("\"flops\": 5.3e12", "\"flops\": 0", "profile.configs[1].flops"),
            ("\"width\": 0.5", "\"width\": 0", "profile.configs[1].width"),
            ("\"steps\": 20", "\"steps\": 0", "profile.configs[1].steps"),
            ("\"width\": 0.5, \"steps\": 20", "\"width\": 1.0, \"steps\": 50", "profile.configs[1]"),
            ("\"deadlineS\": 6.0", "\"deadlineS\": \"6\"", "clients[0].deadlineS"),
            ("\"clients\": [\"u1\"]", "\"clients\": [\"u9\"]", "serviceTargets[0].clients[0]"),
        ]
        for (from, to, path) in cases {
            let text = Contract.problem().replacingOccurrences(of: from, with: to)
            #expect(text != Contract.problem(), "\(from) not found")
            let issues = Contract.rejection(text)
            #expect(issues?.contains { $0.path == path } == true, "\(to): \(String(describing: issues))")
        }
        let twice = Contract.problem(clients: "[\(Contract.client), \(Contract.client)]")
        #expect(Contract.rejection(twice)?.map(\.path) == ["clients[1].id"])
    }
}

@Suite struct ContractEncodingTests {
    private func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test(arguments: Contract.statuses)
    func solutionKeysAreTheContractsOwn(_ status: String) throws {
        let problem = try Contract.decode(Contract.problem())
        let decision = ContractEvaluator.decision(problem, client: 0, config: 0, rate: 2e13, band: 1e7, power: 0.5, time: 1)
        let parsed = try #require(SolutionStatus(rawValue: status))
        let hasAllocation = parsed != .infeasible && parsed != .numericalError
        let solution = Solution(
            problem: "example", solver: "flexgen", status: parsed,
            totalEnergyJ: hasAllocation ? decision.computeEnergyJ + decision.txEnergyJ : nil,
            lowerBoundJ: hasAllocation ? 60 : nil, gap: hasAllocation ? 0.01 : nil, solveTimeS: 0.5,
            diagnostics: parsed == .infeasible ? [Diagnostic(constraint: "latency", clients: ["u1"], message: "m")] : nil,
            clients: hasAllocation ? [decision] : [],
            prices: .init(computeJPerFlopsPerS: 1e-13, bandwidthJPerHz: 1e-9))
        let json = try object(try FlexGenJSON.encode(solution))
        let keys = Set(json.keys)
        let required: Set<String> = hasAllocation ? Contract.topLevelFields
            : Contract.topLevelFields.subtracting(["totalEnergyJ", "lowerBoundJ", "gap"])
        #expect(required.isSubset(of: keys), "missing \(required.subtracting(keys))")
        #expect(keys.subtracting(Contract.topLevelFields).isSubset(of: Contract.documentedExtensions),
                "undocumented \(keys.subtracting(Contract.topLevelFields))")
        #expect(json["format"] as? String == "flexgen-solution/1")
        #expect(json["status"] as? String == status)
        #expect(json["diagnostics"] is [Any], "diagnostics must always be a list")
        for entry in try #require(json["clients"] as? [[String: Any]]) {
            #expect(Set(entry.keys) == Contract.clientFields)
            #expect(entry["steps"] as? Int == 50)
        }
    }

    @Test func statusStringsAreTheContracts() {
        #expect(SolutionStatus.allCases.map(\.rawValue).sorted() == Contract.statuses.sorted())
    }

    @Test func problemAndProfileKeysAreTheContractsOwn() throws {
        let p = try Contract.decode(Contract.problem())
        let json = try object(try ProblemFile.encode(p))
        #expect(Set(json.keys) == ["format", "name", "server", "profile", "clients", "serviceTargets"])
        #expect(Set((json["server"] as? [String: Any] ?? [:]).keys) ==
                ["bandwidthHz", "noisePsdWPerHz", "maxTxPowerW", "computeRateFlopsPerS", "energyPerFlopJ", "dvfsCoefficient"])
        let client = try #require((json["clients"] as? [[String: Any]])?.first)
        #expect(Set(client.keys) == ["id", "deadlineS", "uplinkDelayS", "channelGainDb", "imageBits", "qualityRequirement"])
        let profile = try #require(json["profile"] as? [String: Any])
        #expect(Set(profile.keys) == ["format", "name", "metric", "configs"])
        #expect(Set((profile["metric"] as? [String: Any] ?? [:]).keys) == ["name", "better"])
        #expect(Set(((profile["configs"] as? [[String: Any]])?.first ?? [:]).keys) == ["width", "steps", "flops", "quality"])
        let target = try #require((json["serviceTargets"] as? [[String: Any]])?.first)
        #expect(Set(target.keys) == ["clients", "meanQualityTarget"])
    }
}

/// An evaluator written from MODEL.md §1 alone, to cross-check `Evaluation` (and through it
/// `EnergyModel`): latency u + C/f + t, delivered bits t·b·log2(1 + p·g/(N0·b)),
/// E^c = C(e0 + κf²), E^t = p·t, g = 10^(dB/10).
enum ContractEvaluator {
    struct Figures { var latency, bits, computeEnergy, txEnergy: Double }

    static func figures(_ p: Problem, client k: Int, flops C: Double, rate f: Double, band b: Double,
                        power pw: Double, time t: Double) -> Figures {
        let client = p.clients[k], s = p.server
        let g: Double
        switch client.channelGain {
        case .linear(let x): g = x
        case .decibels(let db): g = pow(10, db / 10)
        }
        return Figures(latency: client.uplinkDelayS + C / f + t,
                       bits: t * b * log2(1 + pw * g / (s.noisePsdWPerHz * b)),
                       computeEnergy: C * (s.energyPerFlopJ + s.dvfsCoefficient * f * f),
                       txEnergy: pw * t)
    }

    /// A decision for client `k` at configuration `config` reporting this evaluator's figures.
    static func decision(_ p: Problem, client k: Int, config: Int, rate: Double, band: Double, power: Double,
                         time: Double) -> ClientDecision {
        let c = p.profile.configs[config]
        let x = figures(p, client: k, flops: c.flops, rate: rate, band: band, power: power, time: time)
        return ClientDecision(id: p.clients[k].id, width: c.width, steps: c.steps, flops: c.flops, quality: c.quality,
                              computeRateFlopsPerS: rate, bandwidthHz: band, txPowerW: power, txTimeS: time,
                              latencyS: x.latency, computeEnergyJ: x.computeEnergy, txEnergyJ: x.txEnergy)
    }
}

@Suite struct IndependentEvaluatorTests {
    /// A small deterministic generator (SplitMix64) so the test needs nothing from the project.
    struct SplitMix { var state: UInt64
        mutating func next() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * next() }
        mutating func logUniform(_ a: Double, _ b: Double) -> Double { exp(uniform(log(a), log(b))) }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func evaluationAgreesWithTheContractFormulas(_ seed: UInt64) throws {
        var r = SplitMix(state: seed)
        let n = 1 + Int(r.next() * 6)
        let better = r.next() < 0.5 ? "lower" : "higher"
        let profile = """
            {"format": "flexgen-profile/1", "name": "r", "metric": {"name": "m", "better": "\(better)"},
             "configs": [{"width": 1, "steps": 50, "flops": \(r.logUniform(1e12, 1e14)), "quality": \(r.uniform(10, 20))},
                         {"width": 0.5, "steps": 20, "flops": \(r.logUniform(1e11, 1e13)), "quality": \(r.uniform(10, 20))},
                         {"width": 0.25, "steps": 10, "flops": \(r.logUniform(1e10, 1e12)), "quality": \(r.uniform(10, 20))}]}
            """
        var clients: [String] = []
        for k in 0..<n {
            let gain = r.next() < 0.5 ? "\"channelGainDb\": \(r.uniform(-130, -60))" : "\"channelGain\": \(r.logUniform(1e-13, 1e-6))"
            let uplink = r.next() < 0.3 ? "" : "\"uplinkDelayS\": \(r.uniform(0, 0.3)), "
            let requirement = r.next() < 0.3 ? "" : ", \"qualityRequirement\": \(r.uniform(10, 20))"
            clients.append("""
                {"id": "c\(k)", "deadlineS": \(r.uniform(0.5, 6)), \(uplink)\(gain), "imageBits": \(r.logUniform(1e4, 1e7))\(requirement)}
                """)
        }
        let server = """
            {"bandwidthHz": \(r.logUniform(1e6, 1e8)), "noisePsdWPerHz": \(r.logUniform(1e-22, 1e-19)), "maxTxPowerW": \(r.uniform(0.1, 2)),
             "computeRateFlopsPerS": \(r.logUniform(1e13, 1e15)), "energyPerFlopJ": \(r.logUniform(1e-13, 1e-11)), "dvfsCoefficient": \(r.logUniform(1e-42, 1e-39))}
            """
        let text = """
            {"format": "flexgen-problem/1", "name": "random", "server": \(server), "profile": \(profile),
             "clients": [\(clients.joined(separator: ","))], "serviceTargets": [{"meanQualityTarget": \(r.uniform(10, 20))}]}
            """
        let p = try Contract.decode(text)
        var tally: [ConstraintKind: Int] = [:]
        for _ in 0..<20 {
            var decisions: [ClientDecision] = []
            var figures: [ContractEvaluator.Figures] = []
            for k in 0..<n {
                let config = Int(r.next() * 3)
                let f = r.logUniform(1e11, 1e15), b = r.logUniform(1e4, 1e8), pw = r.uniform(0, 2.5), t = r.logUniform(1e-3, 5)
                decisions.append(ContractEvaluator.decision(p, client: k, config: config, rate: f, band: b, power: pw, time: t))
                figures.append(ContractEvaluator.figures(p, client: k, flops: p.profile.configs[config].flops, rate: f,
                                                         band: b, power: pw, time: t))
            }
            let total = figures.reduce(0) { $0 + $1.computeEnergy + $1.txEnergy }
            let e = Evaluation(problem: p, solution: Solution(problem: "random", solver: "t", status: .feasible,
                                                               totalEnergyJ: total, solveTimeS: 0, clients: decisions.reversed()))
            #expect(abs(e.totalEnergyJ - total) <= 1e-12 * total)
            #expect(!e.violatedKinds.contains(.reportedValue), "\(e.violations)")
            var violated: [ConstraintKind: Int] = [:]  // how many verdicts of each kind were "violated"
            /// Each verdict must match the contract's, except inside the band |ratio − 1| ≤ 1e-5
            /// around the 1e-6 tolerance, where the last bits of rounding may decide.
            func verdict(_ kind: ConstraintKind, ids: [String]?, violates: Bool, ratio: Double,
                         sourceLocation: SourceLocation = #_sourceLocation) {
                let reported = e.violations.contains { $0.kind == kind && (ids == nil || $0.clients == ids!) }
                if abs(ratio - 1) > 1e-5 {
                    #expect(reported == violates, "\(kind) \(ids ?? []): ratio \(ratio)", sourceLocation: sourceLocation)
                }
                if violates { violated[kind, default: 0] += 1 }
            }
            for (k, x) in figures.enumerated() {
                let got = e.clients[k], client = p.clients[k], d = decisions[k]
                #expect(got.id == client.id)
                #expect(abs(got.latencyS - x.latency) <= 1e-12 * x.latency)
                #expect(abs(got.deliveredBits - x.bits) <= 1e-9 * max(x.bits, 1e-300))
                #expect(abs(got.computeEnergyJ - x.computeEnergy) <= 1e-12 * x.computeEnergy)
                #expect(abs(got.txEnergyJ - x.txEnergy) <= 1e-12 * max(x.txEnergy, 1e-300))
                verdict(.latency, ids: [client.id], violates: x.latency > client.deadlineS, ratio: x.latency / client.deadlineS)
                verdict(.delivery, ids: [client.id], violates: x.bits < client.imageBits, ratio: x.bits / client.imageBits)
                verdict(.power, ids: [client.id], violates: d.txPowerW > p.server.maxTxPowerW,
                        ratio: d.txPowerW / p.server.maxTxPowerW)
                if let q = client.qualityRequirement {
                    verdict(.quality, ids: [client.id], violates: better == "lower" ? d.quality > q : d.quality < q,
                            ratio: d.quality / q)
                } else {
                    #expect(!e.violations.contains { $0.kind == .quality && $0.clients == [client.id] })
                }
            }
            let sumF = decisions.reduce(0) { $0 + $1.computeRateFlopsPerS }, sumB = decisions.reduce(0) { $0 + $1.bandwidthHz }
            verdict(.computeBudget, ids: nil, violates: sumF > p.server.computeRateFlopsPerS, ratio: sumF / p.server.computeRateFlopsPerS)
            verdict(.bandwidthBudget, ids: nil, violates: sumB > p.server.bandwidthHz, ratio: sumB / p.server.bandwidthHz)
            let mean = decisions.reduce(0) { $0 + $1.quality } / Double(n), target = p.serviceTargets[0].meanQualityTarget
            verdict(.serviceTarget, ids: nil, violates: better == "lower" ? mean > target : mean < target, ratio: mean / target)
            #expect(Set(e.violatedKinds).isSubset(of: Set(violated.keys)), "\(e.violatedKinds) vs \(violated)")
            tally.merge(violated, uniquingKeysWith: +)
        }
        // The random decisions exercise both verdicts of the common kinds (a test that cannot fail is no test).
        #expect(tally[.latency, default: 0] > 0 && tally[.delivery, default: 0] > 0 && tally[.power, default: 0] > 0,
                "\(tally)")
    }

    @Test func certificateMustBeConsistent() throws {
        let p = try Contract.decode(Contract.problem())
        let d = ContractEvaluator.decision(p, client: 0, config: 0, rate: 2e13, band: 1e7, power: 0.5, time: 1)
        let total = d.computeEnergyJ + d.txEnergyJ
        func kinds(bound: Double?, gap: Double?) -> [ConstraintKind] {
            Evaluation(problem: p, solution: Solution(problem: "example", solver: "t", status: .optimal, totalEnergyJ: total,
                                                      lowerBoundJ: bound, gap: gap, solveTimeS: 0, clients: [d])).violatedKinds
        }
        #expect(kinds(bound: total * 0.99, gap: 0.01).isEmpty)
        #expect(kinds(bound: total, gap: 0).isEmpty)
        #expect(kinds(bound: nil, gap: nil).isEmpty)
        #expect(kinds(bound: total * 1.01, gap: nil) == [.reportedValue])      // bound above the total
        #expect(kinds(bound: total * 0.99, gap: 0.001) == [.reportedValue])    // gap not (T − L)/T
        #expect(kinds(bound: total * 0.99, gap: 0.0101) == [.reportedValue])   // relative to L, not T
    }
}
