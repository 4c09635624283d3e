import FlexGenModel

/// The configuration choice for problems without service targets.
///
/// Why the cheapest admissible configuration is optimal: without service targets the only link
/// between a client's configuration and the rest of the problem is its work C. For every fixed
/// allocation (f, b, p, t) the client's energy C(e0 + κf²) + p·t increases in C, and its latency
/// u + C/f + t increases in C, so replacing any admissible configuration by one with fewer FLOPs
/// keeps every constraint satisfied (same f, b, p, t) and does not increase the energy. Hence some
/// optimum uses, for every client, an admissible configuration of least work.
///
/// Ties (equal FLOPs) are broken by the better quality (it costs nothing), then by the profile's
/// order, so the choice is deterministic.
public enum CheapestConfiguration {
    /// Index into `profile.configs` of the cheapest configuration meeting `requirement`
    /// (nil requirement: any), or nil when none does.
    public static func index(in profile: Profile, requirement: Double?) -> Int? {
        var best: Int?
        for (i, c) in profile.configs.enumerated() {
            if let requirement, !profile.metric.meets(c.quality, requirement: requirement) { continue }
            guard let b = best else { best = i; continue }
            let current = profile.configs[b]
            if c.flops < current.flops
                || (c.flops == current.flops && profile.metric.isBetter(c.quality, than: current.quality)) {
                best = i
            }
        }
        return best
    }
}
