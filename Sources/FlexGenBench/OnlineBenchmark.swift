import Foundation
import FlexGenModel
import FlexGenNumerics
import FlexGenScenarios
import FlexGenSolver

/// Arrivals over time (benchmarks/README.md, "Online: arrivals over time"): every policy of
/// `OnlinePolicy` simulated on the same seeded Poisson traces of the paper-default client family
/// and server, at offered loads given as multiples of the compute capacity
/// (`TraceGenerator.computeCapacityPerS`), for several frame lengths. Every simulation is checked
/// by `SimulationCheck`; a violation or a miss is a failure.
///
/// The throughput part runs FlexGen at 50 requests/s for `throughputHorizonS` on a server scaled so
/// that 50 requests/s is `throughputLoad` of its compute capacity (F and B scaled together),
/// requests streamed from the generator and records counted, not kept (memory flat): wall time,
/// planner time per frame, peak RSS after 10 minutes of simulated time and at the end; and the
/// warm-start factor: FlexGen's mean planner time per frame cold over warm on the same trace.
public struct OnlineBenchmark: Sendable {
    public var loads: [Double]
    public var frames: [Double]
    public var seeds: [UInt64]
    public var horizonS: Double
    public var policies: [OnlinePolicy] = OnlinePolicy.allCases
    public var throughputHorizonS: Double
    public var warmStartHorizonS: Double
    public var throughputRatePerS = 50.0
    public var throughputLoad = 0.8

    public init(loads: [Double], frames: [Double], seeds: [UInt64], horizonS: Double, throughputHorizonS: Double,
                warmStartHorizonS: Double) {
        self.loads = loads; self.frames = frames; self.seeds = seeds; self.horizonS = horizonS
        self.throughputHorizonS = throughputHorizonS; self.warmStartHorizonS = warmStartHorizonS
    }

    public struct Row: Sendable {
        public var load: Double, frameS: Double, seed: UInt64, policy: String
        public var requests = 0, served = 0, rejected = 0, missed = 0
        public var energyPerServedJ: Double?
        /// Mean over served requests with a requirement of the delivered quality and of the requirement.
        public var meanQuality: Double?, meanRequirement: Double?
        public var latencyP50S: Double?, latencyP95S: Double?
        public var plannerShare = 0.0
        public var checked = "–"
        public var note = ""
        public var isFailure: Bool { checked != "yes" || missed > 0 }
        public var servedFraction: Double { requests > 0 ? Double(served) / Double(requests) : 1 }
        public var missRate: Double { requests > 0 ? Double(missed) / Double(requests) : 0 }

        public static let csvHeader = ["load", "frame_s", "seed", "policy", "requests", "served", "rejected", "missed",
                                       "served_fraction", "energy_per_served_j", "mean_quality", "mean_requirement",
                                       "latency_p50_s", "latency_p95_s", "planner_share_of_frame", "checked", "note"]
        public var csvRow: [String] {
            ["\(load)", "\(frameS)", "\(seed)", policy, "\(requests)", "\(served)", "\(rejected)", "\(missed)",
             CSVTable.number(servedFraction), CSVTable.number(energyPerServedJ), CSVTable.number(meanQuality),
             CSVTable.number(meanRequirement), CSVTable.number(latencyP50S), CSVTable.number(latencyP95S),
             CSVTable.number(plannerShare), checked, note]
        }
    }

    public struct SummaryRow: Sendable {
        public var load: Double, frameS: Double, policy: String, runs: Int, failures: Int
        public var servedFraction: SampleSummary?, missRate: SampleSummary?, energyPerServedJ: SampleSummary?
        public var meanQuality: SampleSummary?, meanRequirement: SampleSummary?
        public var latencyP50S: SampleSummary?, latencyP95S: SampleSummary?, plannerShare: SampleSummary?

        public static let csvHeader = ["load", "frame_s", "policy", "runs", "failures", "served_fraction_mean",
                                       "served_fraction_ci95", "miss_rate_mean", "energy_per_served_j_mean",
                                       "energy_per_served_j_ci95", "mean_quality", "mean_requirement",
                                       "latency_p50_s", "latency_p95_s", "planner_share_mean", "planner_share_max"]
        public var csvRow: [String] {
            ["\(load)", "\(frameS)", policy, "\(runs)", "\(failures)", CSVTable.number(servedFraction?.mean),
             CSVTable.number(servedFraction?.confidenceHalfWidth95), CSVTable.number(missRate?.mean),
             CSVTable.number(energyPerServedJ?.mean), CSVTable.number(energyPerServedJ?.confidenceHalfWidth95),
             CSVTable.number(meanQuality?.mean), CSVTable.number(meanRequirement?.mean),
             CSVTable.number(latencyP50S?.mean), CSVTable.number(latencyP95S?.mean),
             CSVTable.number(plannerShare?.mean), CSVTable.number(plannerShare?.maximum)]
        }
    }

    public struct Throughput: Sendable {
        public var ratePerS: Double, horizonS: Double, requests: Int, served: Int, rejected: Int, missed: Int
        public var wallTimeS: Double
        public var plannerTimeMeanS: Double, plannerTimeMaxS: Double, frameS: Double
        public var peakRSSAt10MinMiB: Double?, peakRSSAtEndMiB: Double?
        /// FlexGen's mean planner time per frame, cold and warm (`WarmStart.standard`), on the
        /// warm-start trace: medians over `warmStartRounds` runs each (`warmStart` has every part).
        public var coldPlannerTimeMeanS: Double, warmPlannerTimeMeanS: Double
        /// Every warm-start variant measured (cold first, the standard one last).
        public var warmStart: [WarmStartRow] = []
        public var warmStartFactor: Double { warmPlannerTimeMeanS > 0 ? coldPlannerTimeMeanS / warmPlannerTimeMeanS : .nan }
        public static let csvHeader = ["rate_per_s", "horizon_s", "requests", "served", "rejected", "missed", "wall_time_s",
                                       "planner_time_mean_s", "planner_time_max_s", "planner_share_of_frame",
                                       "peak_rss_10min_mib", "peak_rss_end_mib", "cold_planner_time_mean_s",
                                       "warm_planner_time_mean_s", "warm_start_factor"]
        public var csvRow: [String] {
            ["\(ratePerS)", "\(horizonS)", "\(requests)", "\(served)", "\(rejected)", "\(missed)", CSVTable.number(wallTimeS),
             CSVTable.number(plannerTimeMeanS), CSVTable.number(plannerTimeMaxS), CSVTable.number(plannerTimeMeanS / frameS),
             CSVTable.number(peakRSSAt10MinMiB), CSVTable.number(peakRSSAtEndMiB), CSVTable.number(coldPlannerTimeMeanS),
             CSVTable.number(warmPlannerTimeMeanS), CSVTable.number(warmStartFactor)]
        }
    }

    /// One warm-start variant on the warm-start trace: FlexGen's planner with these parts of
    /// `WarmStart`, run `runs` times alternating with the others (the machine is noisy).
    public struct WarmStartRow: Sendable {
        public var name: String
        public var frames: Int
        /// Median over the runs of the mean planner time per frame (s), and its least and largest.
        public var plannerTimeMeanS: Double, plannerTimeMinS: Double, plannerTimeMaxS: Double
        /// Mean price sweeps of a frame's final allocation (the same in every run).
        public var sweepsPerFrame: Double
        public var served: Int
        public var runs: Int
        public static let csvHeader = ["warm_start", "runs", "frames", "served", "planner_time_mean_s_median",
                                       "planner_time_mean_s_min", "planner_time_mean_s_max", "allocation_sweeps_per_frame",
                                       "factor_vs_cold"]
        public func csvRow(cold: Double) -> [String] {
            [name, "\(runs)", "\(frames)", "\(served)", CSVTable.number(plannerTimeMeanS), CSVTable.number(plannerTimeMinS),
             CSVTable.number(plannerTimeMaxS), CSVTable.number(sweepsPerFrame), CSVTable.number(cold / plannerTimeMeanS)]
        }
    }

    /// The warm-start variants `throughput` compares: none, the previous frame's two prices (the
    /// first warm start, kept to show why it was slower), each standard part alone, and `standard`.
    public static let warmStartVariants: [(name: String, parts: WarmStart)] = [
        ("cold", []), ("both-prices", [.bandPrice, .computePrice]), ("band-price", [.bandPrice]),
        ("admission", [.admission]), ("standard", .standard),
    ]
    /// Runs of each warm-start variant (alternating).
    public var warmStartRounds = 3

    static let profile = ProfileLaw.sdLike512.profile(name: ProfileLaw.sdLike512Name, widths: ProfileLaw.defaultWidths,
                                                      steps: ProfileLaw.defaultSteps)

    public var workCount: Int { loads.count * frames.count * seeds.count * policies.count + 1 }

    public func traceSettings(load: Double, frameS: Double, horizonS: Double, scenario: ScenarioSettings = ScenarioSettings())
        -> TraceSettings {
        var s = TraceSettings()
        s.scenario = scenario
        s.horizonS = horizonS
        s.frameS = frameS
        s.rate = [.init(startS: 0, ratePerS: load * TraceGenerator.computeCapacityPerS(scenario: scenario, profile: Self.profile))]
        s.name = "online-load\(load)-frame\(frameS)"
        return s
    }

    public func run(progress: (Int) -> Void = { _ in }, warn: (String) -> Void = { _ in }) -> [Row] {
        var rows: [Row] = []
        for load in loads {
            for frameS in frames {
                for seed in seeds {
                    let trace = TraceGenerator.generate(settings: traceSettings(load: load, frameS: frameS, horizonS: horizonS),
                                                        profile: Self.profile, seed: seed)
                    for policy in policies {
                        let row = Self.runOne(trace: trace, policy: policy, load: load, seed: seed)
                        if row.isFailure { warn("FAILURE online \(policy) load \(load) frame \(frameS) seed \(seed): \(row.note)") }
                        rows.append(row)
                        progress(rows.count)
                    }
                }
            }
        }
        return rows
    }

    static func runOne(trace: Trace, policy: OnlinePolicy, load: Double, seed: UInt64) -> Row {
        var row = Row(load: load, frameS: trace.frameS, seed: seed, policy: policy.rawValue)
        var records: [RequestRecord] = []
        do {
            let tally = try OnlineSimulator(trace: trace, settings: .init(policy: policy)).run(trace) { records.append($0) }
            let report = SimulationReport(trace: trace.name, policy: policy.rawValue, totals: tally.totals, requests: records)
            let check = SimulationCheck(trace: trace, report: report)
            row.checked = check.passes ? "yes" : "REJECTED"
            if !check.passes { row.note = check.violations.prefix(2).map(\.description).joined(separator: "; ") }
            row.requests = tally.requests; row.served = tally.served; row.rejected = tally.rejected; row.missed = tally.missed
            row.energyPerServedJ = tally.totals.energyPerServedJ
            row.plannerShare = tally.totals.plannerTimeMeanS / trace.frameS
            var byId: [String: TraceRequest] = [:]
            for r in trace.requests { byId[r.id] = r }
            var latencies: [Double] = [], qualities: [Double] = [], requirements: [Double] = []
            for r in records where r.outcome == .served {
                guard let s = r.schedule, let request = byId[r.id] else { continue }
                latencies.append(s.txEndS - request.arrivalS)
                if let q = request.client.qualityRequirement { qualities.append(s.quality); requirements.append(q) }
            }
            latencies.sort()
            if !latencies.isEmpty {
                row.latencyP50S = latencies[(latencies.count - 1) / 2]
                row.latencyP95S = latencies[min(latencies.count - 1, Int((0.95 * Double(latencies.count)).rounded(.up)) - 1)]
            }
            if !qualities.isEmpty {
                row.meanQuality = Statistics.mean(qualities)
                row.meanRequirement = Statistics.mean(requirements)
            }
        } catch {
            row.checked = "error"
            row.note = "threw: \(error)"
        }
        return row
    }

    public static func summarize(_ rows: [Row]) -> [SummaryRow] {
        var keys: [(Double, Double, String)] = []
        for r in rows where !keys.contains(where: { $0 == (r.load, r.frameS, r.policy) }) { keys.append((r.load, r.frameS, r.policy)) }
        return keys.map { key in
            let rs = rows.filter { ($0.load, $0.frameS, $0.policy) == key }
            let ok = rs.filter { $0.checked == "yes" }
            return SummaryRow(load: key.0, frameS: key.1, policy: key.2, runs: rs.count, failures: rs.filter(\.isFailure).count,
                              servedFraction: SampleSummary(ok.map(\.servedFraction)), missRate: SampleSummary(ok.map(\.missRate)),
                              energyPerServedJ: SampleSummary(ok.compactMap(\.energyPerServedJ)),
                              meanQuality: SampleSummary(ok.compactMap(\.meanQuality)),
                              meanRequirement: SampleSummary(ok.compactMap(\.meanRequirement)),
                              latencyP50S: SampleSummary(ok.compactMap(\.latencyP50S)),
                              latencyP95S: SampleSummary(ok.compactMap(\.latencyP95S)),
                              plannerShare: SampleSummary(ok.map(\.plannerShare)))
        }
    }

    /// The throughput and warm-start measurements (see the type's comment).
    public func throughput(frameS: Double = 1) throws -> Throughput {
        var scenario = ScenarioSettings()
        let capacity = TraceGenerator.computeCapacityPerS(scenario: scenario, profile: Self.profile)
        let scale = throughputRatePerS / (throughputLoad * capacity)
        scenario.server.computeRateFlopsPerS *= scale
        scenario.server.bandwidthHz *= scale
        var s = traceSettings(load: throughputLoad, frameS: frameS, horizonS: throughputHorizonS, scenario: scenario)
        s.rate = [.init(startS: 0, ratePerS: throughputRatePerS)]
        let simulator = OnlineSimulator(server: scenario.server, profile: Self.profile, frameS: frameS,
                                        settings: .init(policy: .flexgen))
        _ = MemoryProbe.resetPeak()
        var rssAt10: Double? = nil
        let clock = ContinuousClock()
        let start = clock.now
        let tally = try simulator.run(TraceGenerator.RequestStream(settings: s, seed: 1), frame: { plan, _ in
            if rssAt10 == nil && plan.timeS >= 600 { rssAt10 = MemoryProbe.peakBytes() }
        }, record: { _ in })
        let wall = (clock.now - start).seconds
        let rssEnd = MemoryProbe.peakBytes()

        var w = s
        w.horizonS = warmStartHorizonS
        var times = [[Double]](repeating: [], count: Self.warmStartVariants.count)
        var sweeps = [Double](repeating: 0, count: Self.warmStartVariants.count)
        var frames = [Int](repeating: 0, count: Self.warmStartVariants.count)
        var served = [Int](repeating: 0, count: Self.warmStartVariants.count)
        for _ in 0..<max(1, warmStartRounds) {
            for (i, variant) in Self.warmStartVariants.enumerated() {
                var settings = FramePlanner.Settings(policy: .flexgen)
                settings.warmStart = variant.parts
                let sim = OnlineSimulator(server: scenario.server, profile: Self.profile, frameS: frameS, settings: settings)
                let t = try sim.run(TraceGenerator.RequestStream(settings: w, seed: 2), record: { _ in })
                times[i].append(t.totals.plannerTimeMeanS)
                sweeps[i] = t.allocationFrames > 0 ? Double(t.allocationSweeps) / Double(t.allocationFrames) : 0
                frames[i] = t.frames
                served[i] = t.served
            }
        }
        let rows = Self.warmStartVariants.indices.map { i in
            WarmStartRow(name: Self.warmStartVariants[i].name, frames: frames[i],
                         plannerTimeMeanS: Statistics.median(times[i]), plannerTimeMinS: times[i].min() ?? .nan,
                         plannerTimeMaxS: times[i].max() ?? .nan, sweepsPerFrame: sweeps[i], served: served[i],
                         runs: times[i].count)
        }
        var means: [OnlinePolicy: Double] = [:]
        means[.flexgenCold] = rows.first?.plannerTimeMeanS
        means[.flexgen] = rows.last?.plannerTimeMeanS
        return Throughput(ratePerS: throughputRatePerS, horizonS: throughputHorizonS, requests: tally.requests,
                          served: tally.served, rejected: tally.rejected, missed: tally.missed, wallTimeS: wall,
                          plannerTimeMeanS: tally.totals.plannerTimeMeanS, plannerTimeMaxS: tally.plannerTimeMaxS,
                          frameS: frameS, peakRSSAt10MinMiB: rssAt10.map { $0 / 1_048_576 },
                          peakRSSAtEndMiB: rssEnd.map { $0 / 1_048_576 },
                          coldPlannerTimeMeanS: means[.flexgenCold] ?? .nan, warmPlannerTimeMeanS: means[.flexgen] ?? .nan,
                          warmStart: rows)
    }
}
