/// What `flexgen calibrate` measures. Every default is documented with its reason.
public struct CalibrationSettings: Sendable, Equatable {
    /// Widths of the grid (default 0.25, 0.5, 0.75, 1: the slimmable network's trained widths).
    public var widths: [Double] = [0.25, 0.5, 0.75, 1]
    /// Step counts of the grid (default 5, 10, 20, 50: roughly geometric, where DDIM quality moves).
    public var steps: [Int] = [5, 10, 20, 50]
    /// Images per seed and configuration (default 1000: the FD of 64-d features has a finite-sample
    /// bias that falls like 1/N; at 1000 the seed-to-seed spread is well below the width/step effects).
    public var samplesPerSeed = 1000
    /// Number of repeated seeds per configuration (default 5): the 95 % CI uses Student t with 4 dof.
    public var seedCount = 5
    /// First seed; seed i is baseSeed + i (default 1000, disjoint from `validate`'s default 5000).
    public var baseSeed: UInt64 = 1000
    /// DDIM η (default 0: deterministic DDIM, the usual fast sampler).
    public var eta = 0.0
    /// Batches sampled at once, each on its own thread with one OpenBLAS thread (default 1:
    /// sequential; `flexgen calibrate` uses one per core, at most 2). Only the time columns
    /// depend on it; samplers that are not a `ConcurrentSampler` always run one batch at a time.
    public var parallelBatches = 1

    public init() {}

    /// CI-sized: three widths and three step counts (enough points for the 5-parameter law), 200
    /// images, 2 seeds. A few seconds in a release build.
    public static var quick: CalibrationSettings {
        var s = CalibrationSettings()
        s.widths = [0.25, 0.5, 1]
        s.steps = [2, 5, 10]
        s.samplesPerSeed = 200
        s.seedCount = 2
        return s
    }

    /// Why the settings are unusable, or nil.
    public var problem: String? {
        if widths.isEmpty { return "widths: empty" }
        if let w = widths.first(where: { !($0.isFinite && $0 > 0 && $0 <= 1) }) { return "widths: \(w) is not in (0, 1]" }
        if Set(widths).count != widths.count { return "widths: duplicates" }
        if steps.isEmpty { return "steps: empty" }
        if let s = steps.first(where: { $0 < 1 }) { return "steps: \(s) is not ≥ 1" }
        if Set(steps).count != steps.count { return "steps: duplicates" }
        if samplesPerSeed < 2 { return "samples: must be ≥ 2 (a covariance needs two), got \(samplesPerSeed)" }
        if seedCount < 1 { return "seeds: must be ≥ 1, got \(seedCount)" }
        if !(eta.isFinite && eta >= 0) { return "eta: must be ≥ 0, got \(eta)" }
        if parallelBatches < 1 { return "parallelBatches: must be ≥ 1, got \(parallelBatches)" }
        return nil
    }
}
