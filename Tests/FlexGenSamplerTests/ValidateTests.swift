import Foundation
import Testing
import FlexGenModel
@testable import FlexGenSampler

@Suite struct ValidateTests {
    @Test func verdictBoundaries() {
        #expect(QualityVerdict.judge(margin: 1, halfWidth: 1) == .met)
        #expect(QualityVerdict.judge(margin: 0.5, halfWidth: 1) == .metWithinNoise)
        #expect(QualityVerdict.judge(margin: 0, halfWidth: 1) == .metWithinNoise)
        #expect(QualityVerdict.judge(margin: -1, halfWidth: 1) == .missedWithinNoise)
        #expect(QualityVerdict.judge(margin: -1.0001, halfWidth: 1) == .violated)
        #expect(QualityVerdict.judge(margin: -1e-9, halfWidth: 0) == .violated)
    }

    static func server() -> Server {
        Server(bandwidthHz: 1e6, noisePsdWPerHz: 3.98e-21, maxTxPowerW: 1, computeRateFlopsPerS: 2e10,
               energyPerFlopJ: 1e-11, dvfsCoefficient: 1e-30)
    }

    static func decision(_ id: String, _ w: Double, _ s: Int, flops: Double, quality: Double) -> ClientDecision {
        ClientDecision(id: id, width: w, steps: s, flops: flops, quality: quality, computeRateFlopsPerS: 1e8,
                       bandwidthHz: 1e5, txPowerW: 0.1, txTimeS: 0.01, latencyS: 0.02, computeEnergyJ: 1e-5, txEnergyJ: 1e-3)
    }

    @Test func knownSamplerVerdictsPerClientAndTarget() throws {
        // Profile from a calibration of the known sampler; requirements around its measured values.
        var settings = CalibrationSettings()
        settings.widths = [0.25, 1]; settings.steps = [2, 20]; settings.samplesPerSeed = 150; settings.seedCount = 3
        let evaluator = try QualityEvaluator.shipped()
        let calibration = try Calibrator(sampler: KnownSampler(), evaluator: evaluator).run(settings, measureSgemmPeak: false)
        let profile = calibration.profile()
        let good = profile.configuration(.init(width: 1, steps: 20))!, bad = profile.configuration(.init(width: 0.25, steps: 2))!
        #expect(bad.quality > good.quality + 5)
        let clients = [
            Client(id: "easy", deadlineS: 1, channelGain: .decibels(-90), imageBits: 2048, qualityRequirement: good.quality + 5),
            Client(id: "broken", deadlineS: 1, channelGain: .decibels(-90), imageBits: 2048, qualityRequirement: good.quality),
            Client(id: "free", deadlineS: 1, channelGain: .decibels(-90), imageBits: 2048),
        ]
        let problem = Problem(name: "known", server: Self.server(), profile: profile, clients: clients,
                              serviceTargets: [ServiceTarget(clients: ["easy", "free"], meanQualityTarget: good.quality + 5)])
        let solution = Solution(problem: "known", solver: "hand", status: .feasible, totalEnergyJ: 1, solveTimeS: 0, clients: [
            Self.decision("easy", 1, 20, flops: good.flops, quality: good.quality),
            Self.decision("broken", 0.25, 2, flops: bad.flops, quality: bad.quality),
            Self.decision("free", 1, 20, flops: good.flops, quality: good.quality),
        ])
        let timing = CalibrationTiming(calibration)
        var vs = ValidationSettings()
        vs.samplesPerSeed = 150; vs.seedCount = 3
        let report = try SolutionValidator(sampler: KnownSampler(), evaluator: evaluator, timing: timing, timingSource: "test")
            .validate(problem: problem, solution: solution, settings: vs)
        #expect(report.configurations.count == 2) // distinct configurations only
        let verdicts = Dictionary(uniqueKeysWithValues: report.clients.map { ($0.id, $0.verdict) })
        #expect(verdicts["easy"] == .met)
        #expect(verdicts["broken"] == .violated)
        #expect(verdicts["free"] == .noRequirement)
        #expect(report.serviceTargets.first?.verdict == .met)
        #expect(report.hasViolation)
        #expect(report.text.contains("VIOLATION") && report.text.contains("broken"))
        // The known sampler runs at exactly 1 GFLOP/s in calibration and validation: measured = predicted.
        for c in report.configurations {
            #expect(abs(c.measuredSecondsPerImage / c.predictedSecondsPerImage! - 1) < 1e-9)
        }
        // Planned compute time is the solution's C / f.
        #expect(report.clients[0].plannedComputeS == good.flops / 1e8)
    }

    @Test func inputChecks() throws {
        let profile = Profile(name: "p", metric: .fid, configs: [Configuration(width: 1, steps: 2, flops: 1, quality: 1)])
        let client = Client(id: "a", deadlineS: 1, channelGain: .linear(1e-9), imageBits: 1)
        var problem = Problem(name: "p", server: Self.server(), profile: profile, clients: [client])
        let solution = Solution(problem: "p", solver: "hand", status: .feasible, totalEnergyJ: 1, solveTimeS: 0,
                                clients: [Self.decision("a", 1, 2, flops: 1, quality: 1)])
        #expect(throws: ValidationInputError.self) { try SolutionValidator.check(problem: problem, solution: solution) } // FID
        problem.profile.metric = QualityEvaluator.metric
        try SolutionValidator.check(problem: problem, solution: solution)
        var other = solution
        other.problem = "q"
        #expect(throws: ValidationInputError.self) { try SolutionValidator.check(problem: problem, solution: other) }
        other = solution
        other.clients[0].steps = 3
        #expect(throws: ValidationInputError.self) { try SolutionValidator.check(problem: problem, solution: other) }
        other = solution
        other.clients[0].id = "z"
        #expect(throws: ValidationInputError.self) { try SolutionValidator.check(problem: problem, solution: other) }
        other = solution
        other.clients = []
        #expect(throws: ValidationInputError.self) { try SolutionValidator.check(problem: problem, solution: other) }
    }

    // MARK: The CLI on the real model

    /// A copy of problems/digits-small.json with its profile and timing, requirements replaced.
    static func digitsProblem(requirements: [Double?], in folder: URL) throws -> String {
        let root = URL(fileURLWithPath: samplerTestsRepoRoot)
        let profiles = folder.appendingPathComponent("profiles")
        try FileManager.default.createDirectory(at: profiles, withIntermediateDirectories: true)
        for name in ["digits-measured.json", "digits-measured-timing.json"] {
            try FileManager.default.copyItem(at: root.appendingPathComponent("problems/profiles/\(name)"), to: profiles.appendingPathComponent(name))
        }
        var problem = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("problems/digits-small.json"))) as! [String: Any]
        var clients = problem["clients"] as! [[String: Any]]
        for i in clients.indices { clients[i]["qualityRequirement"] = requirements[i] }
        problem["clients"] = clients
        problem["serviceTargets"] = nil
        let path = folder.appendingPathComponent("digits.json").path
        try JSONSerialization.data(withJSONObject: problem).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func solutionJSON(configs: [(Double, Int)], in folder: URL, name: String) throws -> String {
        let model = try FlexibleDiffusionModel.loadShipped()
        let clients: [[String: Any]] = try configs.enumerated().map { k, c in
            ["id": "d\(k + 1)", "width": c.0, "steps": c.1, "flops": try model.flopsPerImage(width: c.0, steps: c.1), "quality": 1.0,
             "computeRateFlopsPerS": 1e9, "bandwidthHz": 1e5, "txPowerW": 0.1, "txTimeS": 0.01, "latencyS": 0.02,
             "computeEnergyJ": 1e-5, "txEnergyJ": 1e-3]
        }
        let solution: [String: Any] = ["format": "flexgen-solution/1", "problem": "digits-small", "solver": "hand",
                                       "status": "feasible", "totalEnergyJ": 1.0, "solveTimeS": 0.0, "clients": clients]
        let path = folder.appendingPathComponent(name).path
        try JSONSerialization.data(withJSONObject: solution).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func cliExitCodes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("d2-validate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // Generous requirements (FD ≤ 35; width 0.5 gives ≈ 17–20): met → exit 0.
        let problem = try Self.digitsProblem(requirements: [35, 35, nil, 35], in: folder)
        let fine = try Self.solutionJSON(configs: [(0.5, 5), (0.5, 5), (0.25, 5), (1, 5)], in: folder, name: "fine.json")
        let ok = try runSamplerFlexgen(["validate", problem, fine, "--samples", "300", "--seeds", "3"])
        #expect(ok.status == 0, "\(ok.stdout)\n\(ok.stderr)")
        #expect(ok.stdout.contains("OK:") && ok.stdout.contains("digits-measured-timing.json"))
        // Width 0.25 (FD ≈ 45) for a client that needs 12: violated beyond any CI → exit 1.
        let strict = try Self.digitsProblem(requirements: [12, 35, nil, 35], in: folder.appendingPathComponent("strict"))
        let bad = try Self.solutionJSON(configs: [(0.25, 5), (0.5, 5), (0.25, 5), (1, 5)], in: folder, name: "bad.json")
        let violated = try runSamplerFlexgen(["validate", strict, bad, "--samples", "300", "--seeds", "3", "--json"])
        #expect(violated.status == 1, "\(violated.stdout)\n\(violated.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(violated.stdout.utf8)) as? [String: Any]
        let first = (report?["clients"] as? [[String: Any]])?.first
        #expect(first?["verdict"] as? String == "violated")
        // A problem whose profile is not FD-digits: bad input → exit 2, message names the field.
        let wrongMetric = try runSamplerFlexgen(["validate", "problems/tiny-3.json", fine])
        #expect(wrongMetric.status == 2 && wrongMetric.stderr.contains("profile.metric"))
        // A configuration outside the profile → exit 2.
        let offMenu = try Self.solutionJSON(configs: [(0.3, 5), (0.5, 5), (0.25, 5), (1, 5)], in: folder, name: "off.json")
        let off = try runSamplerFlexgen(["validate", problem, offMenu])
        #expect(off.status == 2 && off.stderr.contains("not in the profile"))
    }

    @Test func committedProfileIsMonotoneAndMatchesTheModelsFLOPs() throws {
        // The committed calibration: FLOPs are the model's analytic count; FD falls with width at
        // fixed steps and with steps at fixed width, within the committed CIs (the CSV).
        let root = URL(fileURLWithPath: samplerTestsRepoRoot)
        let profile = try JSONDecoder().decode(Profile.self, from: Data(contentsOf: root.appendingPathComponent("problems/profiles/digits-measured.json")))
        let model = try FlexibleDiffusionModel.loadShipped()
        #expect(profile.metric == QualityEvaluator.metric && profile.configs.count == 16)
        for c in profile.configs { #expect(try c.flops == model.flopsPerImage(width: c.width, steps: c.steps)) }
        let csv = try String(contentsOf: root.appendingPathComponent("problems/profiles/digits-measured.csv"), encoding: .utf8)
        var ci: [Configuration.Key: Double] = [:]
        for line in csv.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",")
            ci[.init(width: Double(f[0])!, steps: Int(f[1])!)] = Double(f[4])!
        }
        let widths = Set(profile.configs.map(\.width)).sorted(), steps = Set(profile.configs.map(\.steps)).sorted()
        func q(_ w: Double, _ s: Int) -> Double { profile.configuration(.init(width: w, steps: s))!.quality }
        func h(_ w: Double, _ s: Int) -> Double { ci[.init(width: w, steps: s)]! }
        for s in steps { for (a, b) in zip(widths, widths.dropFirst()) { #expect(q(b, s) - q(a, s) <= h(a, s) + h(b, s)) } }
        for w in widths { for (a, b) in zip(steps, steps.dropFirst()) { #expect(q(w, b) - q(w, a) <= h(w, a) + h(w, b)) } }
        #expect(q(1, steps.last!) < q(widths.first!, steps.first!))
    }
}
