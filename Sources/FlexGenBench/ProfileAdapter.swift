import FlexGenModel

/// Puts a measured profile on a reference profile's scale, so that the same scenarios (server
/// budgets sized for the reference's work, quality tiers written in the reference's units) can be
/// run with the measured trade-off.
///
/// - Work: every config's FLOP × (max reference FLOP / max measured FLOP): the largest measured
///   configuration costs what the largest reference one does; the RATIOS between configurations
///   are the measured ones.
/// - Quality: the affine map that sends the measured best quality to the reference best and the
///   measured worst to the reference worst (by each metric's own direction); the metric becomes
///   the reference's. The ORDER and relative spacing of configurations are the measured ones.
/// Precondition: both profiles non-empty; a measured profile whose qualities are all equal maps
/// every quality to the reference best.
public enum ProfileAdapter {
    public static func adapt(_ measured: Profile, onto reference: Profile) -> Profile {
        let refMaxFlops = reference.configs.map(\.flops).max() ?? 1
        let measuredMaxFlops = measured.configs.map(\.flops).max() ?? 1
        let flopsScale = refMaxFlops / measuredMaxFlops
        func bestWorst(_ p: Profile) -> (best: Double, worst: Double) {
            let qs = p.configs.map(\.quality)
            let lo = qs.min() ?? 0, hi = qs.max() ?? 0
            return p.metric.better == .lower ? (lo, hi) : (hi, lo)
        }
        let (mb, mw) = bestWorst(measured)
        let (rb, rw) = bestWorst(reference)
        let span = mw - mb
        let configs = measured.configs.map { c -> Configuration in
            let fraction = span == 0 ? 0 : (c.quality - mb) / span
            return Configuration(width: c.width, steps: c.steps, flops: c.flops * flopsScale, quality: rb + fraction * (rw - rb))
        }
        return Profile(name: "\(measured.name) (rescaled onto \(reference.name))", metric: reference.metric, configs: configs)
    }
}
