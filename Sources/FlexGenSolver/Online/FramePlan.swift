import FlexGenModel

/// What `FramePlanner.plan(at:arrivals:)` decided at one frame boundary.
public struct FramePlan: Sendable, Hashable {
    /// The frame boundary t (s).
    public var timeS: Double
    /// The requests planned at t, with their schedules (absolute times).
    public var planned: [PlannedRequest]
    /// The requests rejected for good at t (never to be planned).
    public var rejected: [RejectedRequest]
    /// Requests still waiting after this frame (policy `wait`).
    public var waitingCount: Int
    /// The compute rate and band the frame could give out: F and B less what running jobs hold
    /// (the reservation rule, docs/online.md).
    public var residualComputeRateFlopsPerS: Double
    public var residualBandwidthHz: Double
    /// Wall-clock time of this call (s).
    public var plannerTimeS: Double
    /// The frame's final prices (μ, λ) when the policy priced them.
    public var prices: Solution.Prices?
    /// Price sweeps over the clients of the frame's final allocation (`AllocationResult.sweeps`),
    /// when the policy solved one: what a warm start saves (docs/online.md, "Warm start").
    public var allocationSweeps: Int? = nil

    public struct PlannedRequest: Sendable, Hashable {
        public var request: TraceRequest
        public var schedule: RequestRecord.Schedule
    }

    public struct RejectedRequest: Sendable, Hashable {
        public var request: TraceRequest
        public var reason: Admission.Reason
        public var message: String
    }
}
