import FlexGenModel

/// How `FramePlanner` chooses, at each frame, which waiting requests to plan and with what
/// (docs/online.md, "Policies"). Every policy plans on the residual budgets of the reservation
/// rule, so every policy's schedule respects F and B at every instant.
public enum OnlinePolicy: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Admission (`Admission.Mode.maxServed`) with FlexGen: the set of greatest total priority that
    /// fits, at least energy, each priority weighted by the request's chance of being lost if left
    /// waiting (`FramePlanner.Settings.lookAhead`); warm-started from the previous frame
    /// (`WarmStart.standard`: its band price, and all candidates solved at once when it planned all
    /// of its own).
    case flexgen
    /// `flexgen` with every frame planned without a warm start.
    case flexgenCold = "flexgen-cold"
    /// First come first served with the full model (widest width, most steps): the longest prefix
    /// of the waiting requests in arrival order that `full-model` can serve.
    case fcfsFull = "fcfs-full"
    /// First come first served with `steps-only` (widest width, steps chosen optimally).
    case fcfsStepsOnly = "fcfs-steps-only"
    /// Earliest deadline first with `equal-share` (each request's least-work admissible
    /// configuration, the residual F and B split equally, power at the cap): the longest prefix in
    /// order of absolute deadline that equal-share can serve.
    case edfCheapestEqualShare = "edf-cheapest-equal-share"
    /// First come first served with `greedy` (cheapest-first configuration upgrades, then the
    /// optimal allocation).
    case greedy

    public var description: String { rawValue }

    /// The solver variant that plans each frame.
    public var variant: SolverVariant {
        switch self {
        case .flexgen, .flexgenCold: .flexgen
        case .fcfsFull: .fullModel
        case .fcfsStepsOnly: .stepsOnly
        case .edfCheapestEqualShare: .equalShare
        case .greedy: .greedy
        }
    }

    /// Whether frames are warm-started from the previous one (`FramePlanner.Settings.warmStart`).
    public var warmStart: Bool { self == .flexgen }

    /// The admission rule: the optimal `max-served` admission, or the longest feasible prefix of a
    /// queue order.
    public var admission: Rule {
        switch self {
        case .flexgen, .flexgenCold: .maxServed
        case .fcfsFull, .fcfsStepsOnly, .greedy: .prefix(.arrival)
        case .edfCheapestEqualShare: .prefix(.deadline)
        }
    }

    public enum Rule: Sendable, Hashable {
        case maxServed
        /// Requests in this order; the longest prefix the variant serves (head of line: the first
        /// request that does not fit stops the frame's admission).
        case prefix(QueueOrder)
    }

    public enum QueueOrder: Sendable, Hashable {
        /// By arrival time (ties: trace order).
        case arrival
        /// By absolute deadline arrivalS + deadlineS (ties: arrival order).
        case deadline
    }

    /// One line for `--help`.
    public var summary: String {
        switch self {
        case .flexgen: "max-priority admission at least energy, looking ahead, warm-started from the previous frame (default)"
        case .flexgenCold: "flexgen without the warm start"
        case .fcfsFull: "first come first served, full model"
        case .fcfsStepsOnly: "first come first served, widest width with tuned steps"
        case .edfCheapestEqualShare: "earliest deadline first, cheapest configuration, equal split"
        case .greedy: "first come first served, greedy configuration upgrades"
        }
    }
}

/// What happens to a waiting request that a frame does not plan (`--on-reject`).
public enum RejectAction: String, Sendable, Hashable, CaseIterable {
    /// It waits for the next frame, until its remaining deadline can no longer be met even with the
    /// whole server (then it is rejected).
    case wait
    /// It is rejected at once.
    case drop
}
