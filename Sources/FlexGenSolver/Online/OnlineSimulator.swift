import Foundation
import FlexGenModel

/// The discrete-event simulation behind `flexgen simulate` (docs/online.md): frame boundaries at
/// t_k = k·frameS, k = 0, 1, …; at each the requests that arrived by t_k (arrivalS ≤ t_k) are
/// handed to a `FramePlanner`, whose plan is executed as scheduled. A planned request is
/// `served` when its schedule delivers the image by its deadline with its bits and quality
/// (recomputed here from the schedule, with the relative tolerance every frame's solution was
/// checked with, `SolverSettings.checkTolerance`), else `missed`; a request the
/// planner rejects for good is `rejected`. Frames with nothing waiting are skipped (the clock
/// jumps to the frame of the next arrival). The run ends when the requests are exhausted and
/// nothing waits.
///
/// Records are handed to `record` as they are decided (planned requests at their frame, rejected
/// ones when rejected), so a caller that streams them keeps memory flat over any horizon.
public struct OnlineSimulator: Sendable {
    public var server: Server
    public var profile: Profile
    public var frameS: Double
    public var settings: FramePlanner.Settings

    public init(server: Server, profile: Profile, frameS: Double, settings: FramePlanner.Settings = .init()) {
        self.server = server
        self.profile = profile
        self.frameS = frameS
        self.settings = settings
    }

    public init(trace: Trace, settings: FramePlanner.Settings = .init()) {
        self.init(server: trace.server, profile: trace.profile, frameS: trace.frameS, settings: settings)
    }

    /// Running totals; `totals` is the report's block.
    public struct Tally: Sendable, Hashable {
        public var requests = 0, served = 0, rejected = 0, missed = 0
        public var energyJ = 0.0
        public var frames = 0
        public var plannerTimeSumS = 0.0
        public var plannerTimeMaxS = 0.0
        /// Frames whose policy solved an allocation, and the price sweeps of those allocations
        /// (`FramePlan.allocationSweeps`).
        public var allocationFrames = 0
        public var allocationSweeps = 0

        public var totals: SimulationTotals {
            SimulationTotals(requests: requests, served: served, rejected: rejected, missed: missed, energyJ: energyJ,
                             energyPerServedJ: served > 0 ? energyJ / Double(served) : nil,
                             plannerTimeMeanS: frames > 0 ? plannerTimeSumS / Double(frames) : 0,
                             plannerTimeMaxS: plannerTimeMaxS, frames: frames)
        }
    }

    /// Simulates `trace`'s requests, taken in arrival order (`Trace.requestsInArrivalOrder`: the
    /// contract states no order for a trace's requests). Parameters as for the stream form below.
    public func run(_ trace: Trace, frame: (FramePlan, Tally) -> Void = { _, _ in },
                    record: (RequestRecord) -> Void) throws -> Tally {
        try run(trace.requestsInArrivalOrder, frame: frame, record: record)
    }

    /// Simulates `requests`, a stream in order of non-decreasing arrival (an earlier arrival after a
    /// later one is `SolverError.invalidInput`); a whole trace goes through `run(_:frame:record:)`
    /// with the trace, which orders it.
    /// - Parameters:
    ///   - frame: called after every planned frame with the plan and the tally so far (progress).
    ///   - record: receives every request's record once, as it is decided.
    public func run<S: Sequence>(_ requests: S, frame: (FramePlan, Tally) -> Void = { _, _ in },
                                 record: (RequestRecord) -> Void) throws -> Tally where S.Element == TraceRequest {
        guard frameS.isFinite, frameS > 0 else { throw SolverError.invalidInput("frameS must be finite and > 0, got \(frameS)") }
        var plannerSettings = settings
        if plannerSettings.frameS == nil { plannerSettings.frameS = frameS }
        var planner = FramePlanner(server: server, profile: profile, settings: plannerSettings)
        var iterator = requests.makeIterator()
        var next = iterator.next()
        var tally = Tally()
        var k = 0
        var lastArrival = -Double.infinity
        while next != nil || !planner.waiting.isEmpty {
            if planner.waiting.isEmpty, let n = next {
                // Nothing waits: jump to the first frame at or after the next arrival.
                k = max(k, Int((n.arrivalS / frameS).rounded(.up)))
                if Double(k) * frameS < n.arrivalS { k += 1 }
            }
            let t = Double(k) * frameS
            var arrivals: [TraceRequest] = []
            while let n = next, n.arrivalS <= t {
                guard n.arrivalS >= lastArrival else {
                    throw SolverError.invalidInput("request \(n.id) arrives at \(n.arrivalS) s, before the previous one")
                }
                lastArrival = n.arrivalS
                arrivals.append(n)
                next = iterator.next()
            }
            tally.requests += arrivals.count
            let plan = try planner.plan(at: t, arrivals: arrivals)
            tally.frames += 1
            tally.plannerTimeSumS += plan.plannerTimeS
            tally.plannerTimeMaxS = max(tally.plannerTimeMaxS, plan.plannerTimeS)
            if let sweeps = plan.allocationSweeps {
                tally.allocationFrames += 1
                tally.allocationSweeps += sweeps
            }
            for p in plan.planned {
                let outcome: RequestOutcome = Self.delivers(p, server: server, profile: profile,
                                                            tolerance: settings.solver.checkTolerance) ? .served : .missed
                if outcome == .served { tally.served += 1 } else { tally.missed += 1 }
                tally.energyJ += p.schedule.energyJ
                record(RequestRecord(id: p.request.id, outcome: outcome, plannedAtS: t, schedule: p.schedule))
            }
            for r in plan.rejected {
                tally.rejected += 1
                record(RequestRecord(id: r.request.id, outcome: .rejected, reason: r.reason.rawValue))
            }
            frame(plan, tally)
            k += 1
        }
        return tally
    }

    /// Whether an executed schedule delivers the request: latency txEndS − arrivalS ≤ deadlineS,
    /// Shannon bits over [txStartS, txEndS) ≥ imageBits, quality meeting the requirement, each within
    /// the relative tolerance `tol`.
    static func delivers(_ p: FramePlan.PlannedRequest, server: Server, profile: Profile, tolerance tol: Double) -> Bool {
        let s = p.schedule, c = p.request.client
        let latency = s.txEndS - p.request.arrivalS
        let bits = EnergyModel.deliveredBits(bandwidthHz: s.bandwidthHz, txTimeS: s.txEndS - s.txStartS,
                                             txPowerW: s.txPowerW, gain: c.channelGain.linear,
                                             noisePsd: server.noisePsdWPerHz)
        let quality = c.qualityRequirement.map { profile.metric.meets(s.quality, requirement: $0, relativeTolerance: tol) } ?? true
        return latency <= c.deadlineS * (1 + tol) && bits >= c.imageBits * (1 - tol) && quality
    }
}
