import Foundation
import FlexGenModel
import FlexGenScenarios

/// Solver time and peak memory against the number of clients K.
///
/// Instances: the paper-default scenario with K clients and the server's compute rate and band
/// scaled by K / 20, so that the per-client load stays that of paper-default at every K (otherwise
/// large K would only measure infeasibility). `allocation` solves without a service target (the
/// cheapest admissible configuration per client, then the allocation); `full` adds a mean-quality
/// target over all clients (tightness 0.5), which brings in the assignment.
public struct ScalingBenchmark: Sendable {
    public struct Target: Sendable {
        public var name: String
        public var serviceTargetTightness: Double?
        /// Returns the solution and, when only part of the call is to be timed, that part's wall and
        /// CPU times (s); nil times the whole call.
        public var solve: @Sendable (Problem) throws -> TimedSolution
        public init(name: String, serviceTargetTightness: Double?,
                    solve: @escaping @Sendable (Problem) throws -> TimedSolution) {
            self.name = name; self.serviceTargetTightness = serviceTargetTightness; self.solve = solve
        }
    }

    public struct Row: Sendable {
        public var target: String
        public var clients: Int
        public var repetitions: Int
        /// Best wall time over the repetitions (s); nil when skipped.
        public var bestTimeS: Double?
        public var medianTimeS: Double?
        /// Best CPU time of the calling thread over the repetitions (s): the single-core cost,
        /// unaffected by other processes competing for the cores (the wall time is not).
        public var bestCPUTimeS: Double?
        /// Peak extra resident memory during the solve (bytes).
        public var peakMemoryBytes: Double?
        public var status: String
        public var energyJ: Double?
        public var checked: Bool
        public var note: String

        public static let csvHeader = ["target", "clients", "repetitions", "best_time_s", "median_time_s", "best_cpu_time_s",
                                       "time_per_client_us", "peak_memory_mib", "status", "checked", "energy_j", "note"]
        public var csvRow: [String] {
            [target, "\(clients)", "\(repetitions)", CSVTable.number(bestTimeS), CSVTable.number(medianTimeS),
             CSVTable.number(bestCPUTimeS),
             CSVTable.number(bestTimeS.map { $0 / Double(clients) * 1e6 }),
             CSVTable.number(peakMemoryBytes.map { $0 / 1_048_576 }), status, checked ? "yes" : "no",
             CSVTable.number(energyJ), note]
        }
    }

    public var sizes: [Int]
    public var targets: [Target]
    /// A size is skipped when the previous size's time, scaled linearly in K, exceeds this (s).
    public var projectedTimeLimitS: Double
    public var profile: Profile

    public init(sizes: [Int], targets: [Target], projectedTimeLimitS: Double = 120,
                profile: Profile = BenchScenarios.sdLikeProfile) {
        self.sizes = sizes; self.targets = targets; self.projectedTimeLimitS = projectedTimeLimitS
        self.profile = profile
    }

    public func problem(clients: Int, serviceTargetTightness: Double?, seed: UInt64 = 1) -> Problem {
        var s = ScenarioSettings().scaled(toClients: clients)
        s.name = "scaling-\(clients)"
        s.serviceTargetTightness = serviceTargetTightness
        return ScenarioGenerator.generate(settings: s, profile: profile, seed: seed)
    }

    /// Repetitions per size: more for small K so that the best-of time is stable.
    static func repetitions(_ k: Int) -> Int { k <= 1_000 ? 3 : 1 }

    public func run(progress: (Int) -> Void = { _ in }, warn: (String) -> Void = { _ in }) -> [Row] {
        var rows: [Row] = []
        var done = 0
        for target in targets {
            var previous: (k: Int, t: Double)?
            for k in sizes {
                defer { done += 1; progress(done) }
                if let (pk, pt) = previous, pt * Double(k) / Double(pk) > projectedTimeLimitS {
                    rows.append(Row(target: target.name, clients: k, repetitions: 0, status: "skipped", checked: false,
                                    note: String(format: "projected %.0f s from K = %d exceeds the %.0f s cap",
                                                 pt * Double(k) / Double(pk), pk, projectedTimeLimitS)))
                    continue
                }
                let problem = self.problem(clients: k, serviceTargetTightness: target.serviceTargetTightness)
                var times: [Double] = []
                var cpuTimes: [Double] = []
                var peak: Double?
                var last: Result<TimedSolution, any Error>?
                let clock = ContinuousClock()
                for _ in 0..<Self.repetitions(k) {
                    let before = MemoryProbe.residentBytes()
                    MemoryProbe.resetPeak()
                    let start = clock.now
                    let cpuStart = ThreadCPUClock.seconds()
                    let result = Result { try target.solve(problem) }
                    let wall = (clock.now - start).seconds
                    let cpu = ThreadCPUClock.seconds() - cpuStart
                    cpuTimes.append((try? result.get().timedCPUS ?? cpu) ?? cpu)
                    times.append((try? result.get().timedS ?? wall) ?? wall)
                    if let b = before, let p = MemoryProbe.peakBytes() { peak = max(peak ?? 0, max(p - b, 0)) }
                    last = result
                }
                times.sort()
                var row = Row(target: target.name, clients: k, repetitions: times.count, bestTimeS: times.first,
                              medianTimeS: times[times.count / 2], bestCPUTimeS: cpuTimes.min(), peakMemoryBytes: peak, status: "error",
                              checked: false, note: "")
                switch last! {
                case .failure(let error):
                    row.note = "threw: \(error)"
                    warn("FAILURE scaling \(target.name) K = \(k): \(error)")
                case .success(let timed):
                    let solution = timed.solution
                    row.status = solution.status.rawValue
                    let evaluation = Evaluation(problem: problem, solution: solution)
                    if evaluation.hasAllocation {
                        row.checked = evaluation.isFeasible
                        row.energyJ = evaluation.isFeasible ? evaluation.totalEnergyJ : nil
                        if !evaluation.isFeasible {
                            row.note = "check failed: " + evaluation.violations.prefix(3).map(\.description).joined(separator: "; ")
                            warn("FAILURE scaling \(target.name) K = \(k): \(row.note)")
                        }
                    } else {
                        row.note = (solution.diagnostics ?? []).map(\.description).joined(separator: "; ")
                    }
                }
                rows.append(row)
                previous = (k, times.first ?? 0)
            }
        }
        return rows
    }
}

/// FlexGen's energy against the exact optimum (exhaustive enumeration) on tiny instances.
public struct OptimalityGapBenchmark: Sendable {
    public struct Row: Sendable {
        public var clients: Int
        public var seed: UInt64
        public var tightness: Double?
        public var flexgenStatus: String
        public var exactStatus: String
        public var flexgenEnergyJ: Double?
        public var exactEnergyJ: Double?
        /// (E_flexgen − E_exact) / E_exact when both are feasible.
        public var relativeGap: Double? {
            guard let f = flexgenEnergyJ, let e = exactEnergyJ, e > 0 else { return nil }
            return (f - e) / e
        }
        public var flexgenTimeS: Double
        public var exactTimeS: Double

        public static let csvHeader = ["clients", "seed", "service_target_tightness", "flexgen_outcome", "exact_outcome",
                                       "flexgen_energy_j", "exact_energy_j", "relative_gap", "flexgen_time_s", "exact_time_s"]
        public var csvRow: [String] {
            ["\(clients)", "\(seed)", CSVTable.number(tightness), flexgenStatus, exactStatus,
             CSVTable.number(flexgenEnergyJ), CSVTable.number(exactEnergyJ), CSVTable.number(relativeGap),
             CSVTable.number(flexgenTimeS), CSVTable.number(exactTimeS)]
        }
    }

    public var flexgen: BenchVariant
    public var exact: BenchVariant
    public var clientCounts: [Int]
    public var seeds: [UInt64]
    public var profile: Profile

    public init(flexgen: BenchVariant, exact: BenchVariant, clientCounts: [Int], seeds: [UInt64],
                profile: Profile = BenchScenarios.sdLikeProfile) {
        self.flexgen = flexgen; self.exact = exact; self.clientCounts = clientCounts; self.seeds = seeds
        self.profile = profile
    }

    /// Tiny instances: the `tiny` preset's per-client budget (5 MHz and 0.25 PFLOP/s for 3
    /// clients, scaled with K), half of them with a service target of tightness 0.5.
    public func problem(clients: Int, seed: UInt64, tightness: Double?) -> Problem {
        var s = ScenarioSettings.preset("tiny") ?? ScenarioSettings()
        s.name = "gap-\(clients)-\(seed)"
        s.server.bandwidthHz *= Double(clients) / 3
        s.server.computeRateFlopsPerS *= Double(clients) / 3
        s.clientCount = clients
        s.serviceTargetTightness = tightness
        return ScenarioGenerator.generate(settings: s, profile: profile, seed: seed)
    }

    public var workCount: Int { clientCounts.count * seeds.count }

    public func run(progress: (Int) -> Void = { _ in }, warn: (String) -> Void = { _ in }) -> [Row] {
        var rows: [Row] = []
        for k in clientCounts {
            for seed in seeds {
                let tightness: Double? = seed % 2 == 0 ? 0.5 : nil
                let problem = self.problem(clients: k, seed: seed, tightness: tightness)
                let (f, _) = SweepRunner.runOne(problem: problem, variant: flexgen, sweep: "gap", value: Double(k), seed: seed)
                let (e, _) = SweepRunner.runOne(problem: problem, variant: exact, sweep: "gap", value: Double(k), seed: seed)
                for r in [f, e] where r.outcome.isFailure {
                    warn("FAILURE \(r.variant) on gap K = \(k) seed \(seed): \(r.outcome.rawValue): \(r.note)")
                }
                rows.append(Row(clients: k, seed: seed, tightness: tightness, flexgenStatus: f.outcome.rawValue,
                                exactStatus: e.outcome.rawValue, flexgenEnergyJ: f.energyJ, exactEnergyJ: e.energyJ,
                                flexgenTimeS: f.solveTimeS, exactTimeS: e.solveTimeS))
                progress(rows.count)
            }
        }
        return rows
    }
}

/// CPU time consumed by the calling thread (CLOCK_THREAD_CPUTIME_ID), seconds.
public enum ThreadCPUClock {
    public static func seconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}

/// CPU time consumed by the whole process, every thread (CLOCK_PROCESS_CPUTIME_ID), seconds.
public enum ProcessCPUClock {
    public static func seconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}

/// A solution with the wall and CPU time of the part of the call that is to be timed (nil: all of it).
public struct TimedSolution: Sendable {
    public var solution: Solution
    public var timedS: Double?
    public var timedCPUS: Double?
    public init(_ solution: Solution, timedS: Double? = nil, timedCPUS: Double? = nil) {
        self.solution = solution; self.timedS = timedS; self.timedCPUS = timedCPUS
    }
}
