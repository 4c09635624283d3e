import Foundation

/// The planner's running estimate of how many transmissions will overlap one about to be planned
/// (docs/online.md, "Band headroom for arrivals").
///
/// A frame plans its requests on what the running jobs leave free, by the peak reservation rule,
/// and a least-energy plan always uses all the band it is offered (the transmit energy falls as
/// the band grows). When a frame holds one request, as it does with frames much shorter than the
/// time between arrivals, that request takes the whole residual band, and every later frame finds
/// none until its transmission ends: the arrivals meanwhile wait, and some run out of window.
///
/// The planner therefore offers a frame with n requests the band share min(1, n / m) of the
/// residual, where m = λ·τ is the number of transmissions expected to overlap one of them (Little's
/// law: λ the arrival rate, τ the mean transmission time of planned jobs). With n ≥ m (a frame
/// batches at least as many requests as will transmit at once, e.g. frames of a second at the
/// benchmark's loads) nothing changes; a lone request among m expected gets a 1/m share, as an
/// equal split among them would give it.
///
/// Both rates are estimated from the planner's own history, a heuristic tested by the benchmark:
/// λ from the arrivals it is handed over exponentially decayed time (a memory of `rateMemoryS`),
/// τ as the decayed mean over the jobs it plans (a memory of about 1 / (1 − `durationDecay`)).
/// Until both are known the share is 1.
struct ArrivalOutlook: Sendable, Hashable {
    /// Seconds of arrivals the rate remembers (each second's count weighs e^(−age / memory)).
    static let rateMemoryS = 30.0
    /// Each planned job multiplies the older transmission times by this: a memory of 100 jobs.
    static let durationDecay = 0.99

    private var arrivals = 0.0
    private var elapsedS = 0.0
    private var transmissionSumS = 0.0
    private var transmissionCount = 0.0

    /// Arrivals per second, nil before any time has passed.
    var arrivalRate: Double? { elapsedS > 0 ? arrivals / elapsedS : nil }
    /// Mean transmission time (s) of the planned jobs, nil before the first.
    var meanTransmissionS: Double? { transmissionCount > 0 ? transmissionSumS / transmissionCount : nil }

    /// m = λ·τ, the transmissions expected to overlap one; nil until both are known.
    var expectedOverlap: Double? {
        guard let rate = arrivalRate, let duration = meanTransmissionS else { return nil }
        return rate * duration
    }

    /// The share min(1, n / m) of the residual band for a frame of `requests` requests (1 while m
    /// is unknown or not positive).
    func bandShare(requests: Int) -> Double {
        guard let overlap = expectedOverlap, overlap > 0 else { return 1 }
        return min(1, Double(requests) / overlap)
    }

    /// Records the `count` arrivals handed over at a frame `elapsedS` after the previous one.
    mutating func record(arrivals count: Int, elapsedS dt: Double) {
        let keep = dt > 0 ? exp(-dt / Self.rateMemoryS) : 1
        arrivals = arrivals * keep + Double(count)
        elapsedS = elapsedS * keep + max(dt, 0)
    }

    /// Records one planned job's transmission time (s).
    mutating func record(transmissionS: Double) {
        transmissionSumS = transmissionSumS * Self.durationDecay + transmissionS
        transmissionCount = transmissionCount * Self.durationDecay + 1
    }
}
