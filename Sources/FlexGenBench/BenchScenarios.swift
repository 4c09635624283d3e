import FlexGenModel
import FlexGenScenarios

/// The sweeps of `flexgen bench`: each one moves a single knob of the `paper-default` scenario
/// (`ScenarioSettings()` of FlexGenScenarios, with the sd-like-512 profile) and keeps the rest.
/// Instances come from `ScenarioGenerator.generate`, so a (sweep, value, seed) triple names one
/// reproducible problem.
public enum BenchScenarios {
    /// The sd-like-512 menu built from FlexGenScenarios' anchored law (the same numbers as
    /// problems/profiles/sd-like-512.json).
    public static var sdLikeProfile: Profile {
        ProfileLaw.sdLike512.profile(name: ProfileLaw.sdLike512Name, widths: ProfileLaw.defaultWidths,
                                     steps: ProfileLaw.defaultSteps)
    }

    /// The share of premium clients in the `mix` sweep moves the tiers' weights as
    /// premium p, standard (1 − p)·4/7, basic (1 − p)·3/7 (the paper-default proportions of the
    /// non-premium tiers).
    static func mixTiers(premiumShare p: Double, base: [ScenarioSettings.QualityTier]) -> [ScenarioSettings.QualityTier] {
        guard base.count == 3 else { return base }
        return [
            .init(name: base[0].name, requirement: base[0].requirement, weight: p),
            .init(name: base[1].name, requirement: base[1].requirement, weight: (1 - p) * 4 / 7),
            .init(name: base[2].name, requirement: base[2].requirement, weight: (1 - p) * 3 / 7),
        ]
    }

    /// The names of the sweeps, in order.
    public static let sweepNames = ["clients", "deadline", "quality", "mix", "bandwidth", "compute", "target"]

    /// One sweep per knob. `quick` keeps two or three values per knob and small K (CI).
    public static func sweeps(quick: Bool, profile: Profile = sdLikeProfile) -> [Sweep] {
        let base = ScenarioSettings()
        func sweep(_ name: String, _ label: String, _ scale: AxisScale, _ full: [Double], _ short: [Double],
                   _ apply: @escaping @Sendable (inout ScenarioSettings, Double) -> Void) -> Sweep {
            Sweep(name: name, label: label, scale: scale, values: quick ? short : full) { value, seed in
                var settings = base
                settings.name = "bench-\(name)-\(value)-seed\(seed)"
                apply(&settings, value)
                let issues = settings.validationIssues()
                guard issues.isEmpty else { throw InputError(issues) }
                return ScenarioGenerator.generate(settings: settings, profile: profile, seed: seed)
            }
        }
        let baseDeadline = (base.deadlineMinS, base.deadlineMaxS)
        let baseTiers = base.qualityTiers
        return [
            sweep("clients", "number of clients K", .linear, [5, 10, 20, 40, 60, 80, 100], [5, 20]) { s, v in
                s.clientCount = Int(v)
            },
            sweep("deadline", "deadline scale (× the 4–10 s of paper-default)", .linear,
                  [0.5, 0.75, 1, 1.5, 2, 3], [0.75, 2]) { s, v in
                s.deadlineMinS = baseDeadline.0 * v
                s.deadlineMaxS = baseDeadline.1 * v
            },
            sweep("quality", "quality requirement of every client (FID ≤ x)", .linear,
                  [15, 16, 18, 20, 23, 26, 30], [16, 26]) { s, v in
                s.qualityTiers = [.init(name: "uniform", requirement: v, weight: 1)]
            },
            sweep("mix", "share of premium clients (FID ≤ 16)", .linear,
                  [0, 0.2, 0.4, 0.6, 0.8, 1], [0, 1]) { s, v in
                s.qualityTiers = mixTiers(premiumShare: v, base: baseTiers)
            },
            sweep("bandwidth", "downlink band B (MHz)", .log10, [2.5, 5, 10, 20, 40, 80], [5, 40]) { s, v in
                s.server.bandwidthHz = v * 1e6
            },
            sweep("compute", "server compute rate F (PFLOP/s)", .log10, [0.25, 0.5, 1, 2, 4], [0.5, 2]) { s, v in
                s.server.computeRateFlopsPerS = v * 1e15
            },
            sweep("target", "service-target tightness (0: cheapest admissible mean, 1: best menu mean)", .linear,
                  [0, 0.25, 0.5, 0.75, 1], [0, 0.5]) { s, v in
                s.serviceTargetTightness = v
            },
        ]
    }
}
