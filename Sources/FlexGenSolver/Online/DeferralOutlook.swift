/// The planner's running estimate of how likely a request that a frame leaves waiting is served by
/// a later frame (docs/online.md, "Look-ahead").
///
/// A frame's `max-served` admission counts a request it plans now and a request it leaves waiting
/// alike, yet the first is served for sure and the second only if a later frame finds room for
/// it. With p_r the chance that request r, left waiting, is served later, planning x_r ∈ {0, 1}
/// serves in expectation
///
///     Σ_r priority_r · (x_r + (1 − x_r) · p_r)  =  const + Σ_r priority_r · (1 − p_r) · x_r,
///
/// so the frame's admission maximises that expectation when it weighs request r by
/// priority_r · (1 − p_r).
///
/// The model for p_r (a heuristic, tested by the benchmark only): each later frame plans a waiting
/// request with the same chance q, independently, so a request that can still be served at k more
/// frames (its slack, `FramePlanner.slackFrames`) is served later with p = 1 − (1 − q)^k and gets
/// the weight (1 − q)^k. A request at its last chance (k = 0) weighs 1; under light load (q → 1)
/// it outweighs many that can wait, under overload (q → 0) admission counts requests as before.
/// q is estimated from the planner's own history: every frame at which a request that an earlier
/// frame left waiting is planned is a success, every frame at which it is left waiting again or
/// rejected for good is a failure; the estimate is Laplace's (successes + 1) / (trials + 2) over
/// exponentially decayed counts, so it follows a load that changes over seconds.
struct DeferralOutlook: Sendable, Hashable {
    /// Each new trial multiplies the older counts by this: a memory of about 1 / (1 − decay) = 200
    /// trials, a few seconds of traffic at the loads of docs/online.md.
    static let decay = 0.995
    /// The least weight a request that can wait gets, 1 / 100 of one at its last chance, so that an
    /// estimate of q near 1 never makes it worthless (it is still planned when there is room).
    static let minimumWeight = 0.01

    /// Slack is counted up to this many frames: beyond, the weight (1 − q)^k changes little.
    static let slackHorizon = 8

    private var successes = 0.0
    private var trials = 0.0

    /// The estimated chance that a later frame plans a request left waiting (1/2 before any trial).
    var planLaterProbability: Double { (successes + 1) / (trials + 2) }

    /// The admission weight (1 − q)^slackFrames, at least `minimumWeight`; 1 for slack 0.
    func weight(slackFrames: Int) -> Double {
        guard slackFrames > 0 else { return 1 }
        return max(Self.minimumWeight, Self.pow(1 - planLaterProbability, slackFrames))
    }

    /// Records one frame's decision about a request that an earlier frame left waiting.
    mutating func record(plannedLater: Bool) {
        successes *= Self.decay
        trials *= Self.decay
        trials += 1
        if plannedLater { successes += 1 }
    }

    private static func pow(_ x: Double, _ n: Int) -> Double {
        var result = 1.0
        for _ in 0..<n { result *= x }
        return result
    }
}
