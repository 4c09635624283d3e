import FlexGenModel

/// The configuration-choice step as data: one menu of priced candidates per client and the
/// service-level targets, a multiple-choice knapsack
///
///     minimise    Σ_k Σ_c φ_kc x_kc
///     subject to  Σ_c x_kc = 1                                    for every client k
///                 Σ_{k∈G_j} Σ_c (s q_c / |G_j|) x_kc ≤ s T_j        for every target j
///                 x_kc ∈ {0, 1}
///
/// with s = +1 when lower quality values are better and s = −1 when higher are (so a row always
/// reads "mean badness ≤ allowed badness"). φ_kc is the price-adjusted cost of client k running
/// configuration c (from the per-client oracle at the current prices μ, λ).
struct AssignmentProblem: Sendable, Hashable {
    /// One admissible configuration of one client, with its price-adjusted cost.
    struct Candidate: Sendable, Hashable {
        /// Index into the profile's `configs`.
        var configuration: Int
        /// φ_kc (J); must be finite.
        var cost: Double
        /// q_c in the profile's metric.
        var quality: Double
    }

    /// A service target over client indices (into `candidates`).
    struct Target: Sendable, Hashable {
        var members: [Int]
        var meanQualityTarget: Double
    }

    /// Per client, its admissible candidates (non-empty for a solvable problem), in one flat
    /// buffer (`FlatLists`: no array object per client).
    var candidates: FlatLists<Candidate>
    var targets: [Target]
    var metric: QualityMetric

    init(candidates: FlatLists<Candidate>, targets: [Target], metric: QualityMetric) {
        self.candidates = candidates
        self.targets = targets
        self.metric = metric
    }

    init(candidates: [[Candidate]], targets: [Target], metric: QualityMetric) {
        self.init(candidates: FlatLists(candidates), targets: targets, metric: metric)
    }

    /// s: +1 when lower is better, −1 when higher is better.
    var badnessSign: Double { metric.better == .lower ? 1 : -1 }

    /// Mean quality of `choice` (candidate indices per client) over target `j`'s members.
    func meanQuality(target j: Int, choice: [Int]) -> Double {
        let members = targets[j].members
        guard !members.isEmpty else { return targets[j].meanQualityTarget }
        var sum = 0.0
        for k in members { sum += candidates.element(k, choice[k]).quality }
        return sum / Double(members.count)
    }

    /// Whether `choice` meets every target, allowing `relativeTolerance` of the target's magnitude.
    func meetsTargets(_ choice: [Int], relativeTolerance: Double = 1e-9) -> Bool {
        targets.indices.allSatisfy { j in
            metric.meets(meanQuality(target: j, choice: choice), requirement: targets[j].meanQualityTarget,
                         relativeTolerance: relativeTolerance)
        }
    }

    /// Σ_k φ_k,choice_k.
    func cost(of choice: [Int]) -> Double {
        var total = 0.0
        for (k, c) in choice.enumerated() { total += candidates.element(k, c).cost }
        return total
    }
}
