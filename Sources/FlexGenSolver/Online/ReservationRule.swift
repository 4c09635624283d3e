/// How `FramePlanner` turns the running jobs' holds into the single compute and band budgets of a
/// frame's problem (docs/online.md, "The reservation rule"). A job holds its compute rate f over
/// [computeStartS, computeEndS) and its band b over [txStartS, txEndS); the jobs planned at a
/// boundary t all start at or after t, and the frame's problem only knows one budget per resource,
/// so the rule must subtract at least the largest amount the running jobs hold at any instant from
/// t on.
public enum ReservationRule: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// F_res(t) = F − max_{s ≥ t} Σ { f_j : computeStart_j ≤ s < computeEnd_j } (and B with the
    /// transmissions): the peak, over the time ahead, of what the running jobs will hold at once.
    /// Exact for a single budget: at every instant s ≥ t the running jobs hold at most the peak
    /// and the frame's jobs at most the residual. A job whose compute starts after another's ends
    /// (e.g. transmissions at different deadlines) does not block the same share twice. Default.
    case peak
    /// F_res(t) = F − Σ { f_j : computeEnd_j > t } (and B with txEnd_j): every job whose hold
    /// has not ended blocks its whole share for the frame, whether it holds it now or later. Safe
    /// but conservative: a band held only during the last second of a 4 s window is blocked from
    /// the planning instant on, and jobs that will never hold at the same time are added up.
    case untilEnd = "until-end"

    public var description: String { rawValue }

    /// The amount the rule subtracts from the budget at boundary `t`, for holds given as
    /// half-open intervals [start, end) with an amount each.
    ///
    /// `peak`: a sweep over the hold intervals after t, ends before starts at equal instants (a
    /// hold that ends at s is not held at s); a hold that started before t counts from t. The sum
    /// of the open holds can only peak right after a start, and there it is summed afresh over the
    /// open holds (no running sum of additions and subtractions, which could drift below the true
    /// peak); the frame's solve then clears the residual with its relative `budgetMargin` (1e-12),
    /// far above the rounding of one sum. Cost O(J log J + J·open) for J holds, a few hundred at
    /// most per frame.
    ///
    /// `untilEnd`: the sum of the amounts with end > t.
    func held(at t: Double, holds: [(start: Double, end: Double, amount: Double)]) -> Double {
        switch self {
        case .untilEnd:
            var sum = 0.0
            for h in holds where h.end > t { sum += h.amount }
            return sum
        case .peak:
            // Events: (instant, +1 start / −1 end, index). Ends sort before starts at equal instants.
            var events: [(time: Double, kind: Int, index: Int)] = []
            events.reserveCapacity(2 * holds.count)
            for (i, h) in holds.enumerated() where h.end > t && h.end > h.start && h.amount > 0 {
                events.append((max(h.start, t), 1, i))
                events.append((h.end, -1, i))
            }
            events.sort { $0.time != $1.time ? $0.time < $1.time : $0.kind < $1.kind }
            // Summed in the holds' order, so that the result is the same on every run.
            var isOpen = [Bool](repeating: false, count: holds.count)
            var peak = 0.0
            for e in events {
                isOpen[e.index] = e.kind > 0
                guard e.kind > 0 else { continue }
                var sum = 0.0
                for i in holds.indices where isOpen[i] { sum += holds[i].amount }
                peak = max(peak, sum)
            }
            return peak
        }
    }
}
