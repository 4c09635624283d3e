import FlexGenModel

/// The solvers `flexgen solve --solver NAME` offers: FlexGen's own and the schemes it is
/// compared with. Every variant returns a solution that `Evaluation` has re-checked; a variant
/// that cannot satisfy the constraints returns `infeasible` with diagnostics, never a violating
/// solution.
public enum SolverVariant: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Configurations and resources jointly (assignment + allocation decomposition, certified gap).
    case flexgen
    /// Every assignment enumerated, each allocated exactly: the exact oracle for tiny instances.
    case exhaustive
    /// Width 1 (the widest) and the most steps for every client, then the optimal allocation.
    case fullModel = "full-model"
    /// Width fixed at the widest, steps chosen optimally.
    case stepsOnly = "steps-only"
    /// Steps fixed at the most, width chosen optimally.
    case widthOnly = "width-only"
    /// FlexGen's configurations, but F and B split equally and every client transmitting at P_max.
    case equalShare = "equal-share"
    /// Least work first, upgraded by least extra work per quality gained until the targets hold;
    /// then the optimal allocation.
    case greedy

    public var description: String { rawValue }

    /// Whether the variant can run in admission mode. Admission decides which clients fit by the
    /// optimal allocation's feasibility frontier, so it applies to the variants whose allocation is
    /// the optimal one: not to `equal-share` (fixed equal shares) nor `greedy` (no energy claim).
    public var supportsAdmission: Bool {
        switch self {
        case .flexgen, .exhaustive, .fullModel, .stepsOnly, .widthOnly: true
        case .equalShare, .greedy: false
        }
    }

    /// One line for `--help`.
    public var summary: String {
        switch self {
        case .flexgen: "joint configuration + allocation with a certified gap (default)"
        case .exhaustive: "enumerate every assignment (tiny instances only)"
        case .fullModel: "width 1 and the most steps for everyone"
        case .stepsOnly: "width 1, steps chosen optimally"
        case .widthOnly: "most steps, width chosen optimally"
        case .equalShare: "FlexGen's configurations, equal compute/band split, power at the cap"
        case .greedy: "cheapest-first configuration upgrades, then optimal allocation"
        }
    }
}
