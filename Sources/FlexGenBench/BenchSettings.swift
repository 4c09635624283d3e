/// What `flexgen bench` runs. Every default is the full mode's; `BenchSettings.quick` is CI's.
public struct BenchSettings: Sendable {
    /// Which parts of the benchmark to run.
    public enum Part: String, Sendable, CaseIterable {
        /// The parameter sweeps (energy, quality, feasibility of every variant).
        case sweeps
        /// problems/paper-default.json and the sd-like-512 vs digits-measured comparison.
        case paper
        /// FlexGen against the exact oracle on tiny instances.
        case gap
        /// Solver time and memory against K.
        case scaling
        /// Admission policies across offered loads (40 clients, `AdmissionBenchmark`).
        case admission
        /// Solver time on overloaded instances: the infeasible verdict, and admission at 3×
        /// overload (`OverloadBenchmark`).
        case overload
        /// Reading, validating, solving, writing and checking files against K (`IOBenchmark`).
        case io
        /// Arrivals over time: the six online policies across loads and frame lengths, and the
        /// 50 requests/s throughput run (`OnlineBenchmark`).
        case online
    }

    /// Small K, two values per sweep, 3 seeds: what CI exercises (≤ 2 minutes).
    public var quick = false
    /// Seeded instances per sweep point (full: 20, the minimum).
    public var seedCount = 20
    /// Folder that receives results/ and figures/.
    public var outputDirectory = "benchmarks"
    /// The committed paper-default instance (skipped with a note when absent).
    public var paperDefaultPath = "problems/paper-default.json"
    /// The measured profile compared with sd-like-512 (reported as pending when absent).
    public var measuredProfilePath = "problems/profiles/digits-measured.json"
    /// Variants compared; FlexGen must be first.
    public var variantNames = BenchVariants.compared
    /// K of the scaling benchmark.
    public var scalingSizes = [100, 300, 1_000, 3_000, 10_000, 30_000, 100_000]
    /// K of the io benchmark (quick: one small K, so that CI stays fast).
    public var ioSizes = [1_000, 10_000, 100_000]
    /// A scaling size is skipped when its linear projection from the previous size exceeds this (s).
    public var scalingProjectedLimitS = 150.0
    /// K and number of seeds of the optimality-gap instances.
    public var gapClientCounts = [2, 3, 4]
    public var gapSeedCount = 20
    /// Wall-time cap of one solve of a decomposition-based variant (s); a capped solve keeps its
    /// best checked solution and is recorded with status `time_limit`.
    public var solveTimeLimitS = 5.0
    /// The same cap for the full solves of the scaling part (s).
    public var scalingSolveTimeLimitS = 60.0
    /// Offered loads of the admission comparison (what 40 clients need over what the server has:
    /// F and B at 1/L of the scale where they just fit, `AdmissionBenchmark`), and its seeds per load.
    public var admissionLoads = [0.5, 1, 1.5, 2, 2.5, 3]
    public var admissionSeedCount = 20
    /// K of the overload timing: the infeasible verdict, and admission at 3× overload.
    public var overloadVerdictSizes = [1_000, 10_000, 100_000]
    public var overloadAdmissionSizes = [1_000, 100_000]
    /// The online part: offered loads (× compute capacity), frame lengths (s), seeds, trace horizon (s),
    /// the 50 requests/s throughput run's horizon (s) and the warm-start comparison's horizon (s).
    public var onlineLoads = [0.2, 0.5, 0.8, 1.0, 1.2, 1.5]
    public var onlineFrames = [0.5, 1.0, 2.0]
    public var onlineSeedCount = 10
    public var onlineHorizonS = 30.0
    public var onlineThroughputHorizonS = 3_600.0
    public var onlineWarmStartHorizonS = 120.0
    /// Parts to run.
    public var parts = Set(Part.allCases)
    /// Sweeps to run, by name (nil: all of `BenchScenarios.sweepNames`).
    public var sweepNames: Set<String>? = nil
    /// Progress bars on stderr: nil draws them when stderr is a terminal.
    public var showProgress: Bool? = nil

    public init() {}

    public static var full: BenchSettings { BenchSettings() }

    public static var quick: BenchSettings {
        var s = BenchSettings()
        s.quick = true
        s.seedCount = 3
        s.scalingSizes = [100, 1_000]
        s.ioSizes = [200]
        s.gapClientCounts = [2, 3]
        s.gapSeedCount = 4
        s.admissionLoads = [1, 2]
        s.admissionSeedCount = 2
        s.overloadVerdictSizes = [1_000]
        s.overloadAdmissionSizes = [1_000]
        s.onlineLoads = [0.5, 1.2]
        s.onlineFrames = [1.0]
        s.onlineSeedCount = 2
        s.onlineHorizonS = 5
        s.onlineThroughputHorizonS = 5
        s.onlineWarmStartHorizonS = 3
        return s
    }
}
