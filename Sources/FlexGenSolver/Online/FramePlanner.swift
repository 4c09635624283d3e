import Foundation
import FlexGenModel

/// Plans arrivals frame by frame for a host service (docs/online.md). At every frame boundary t
/// the host passes the requests that arrived since the last call and t; the planner returns the
/// schedule of the waiting requests it plans, and the ones it rejects for good.
///
///     var planner = FramePlanner(server: trace.server, profile: trace.profile)   // policy flexgen
///     for k in 0... {
///         let t = Double(k) * frameS
///         let plan = try planner.plan(at: t, arrivals: requestsArrivedUpTo(t))
///         for p in plan.planned { start(p.request.id, p.schedule) }   // absolute times
///     }
///
/// Per frame:
/// 1. Running jobs whose transmission has ended by t are forgotten; the frame's residual budgets
///    are F and B less what the running jobs hold by `Settings.reservation` (by default the peak,
///    over the time from t on, of the rates and of the bands they hold at once; the proof that no
///    instant exceeds F or B is in docs/online.md).
/// 2. Every waiting request gets its remaining deadline arrivalS + deadlineS − t and its remaining
///    uplink delay max(0, arrivalS + uplinkDelayS − t); compute starts when the uplink is done
///    (at t + remaining uplink), transmission right after compute. A request that could not meet
///    its remaining deadline even with the whole server (F, B, P_max, least-work configuration)
///    or that no configuration of the policy's menu satisfies is rejected for good.
/// 3. The policy chooses the planned set and its allocation on the problem (residual budgets,
///    remaining windows): `flexgen` by `max-served` admission with each priority weighted by the
///    chance that the request would be lost if left waiting (`Settings.lookAhead`,
///    `DeferralOutlook`; warm-started from the previous frame, `WarmStart`), the baselines by the
///    longest feasible prefix of their queue order.
/// 4. Planned requests become running jobs; the others wait (`RejectAction.wait`) or are rejected
///    (`drop`).
///
/// Work per frame is proportional to the waiting requests and the running jobs (bounded by the
/// longest deadline times the arrival rate), never to the history.
///
/// `FramePlanner` is a value type (`Sendable` by its stored properties): each copy plans on its
/// own; a host that shares one planner between tasks keeps it in an actor or behind a lock.
public struct FramePlanner: Sendable {
    public struct Settings: Sendable, Hashable {
        public var policy: OnlinePolicy = .flexgen
        public var onReject: RejectAction = .wait
        /// The solver settings of every frame's solve (admission is set by the policy).
        public var solver: SolverSettings = SolverSettings()
        /// Whether running jobs' rates are held back from later frames. Always true in use; false
        /// plans every frame on the whole F and B, which over-commits the server: it exists so
        /// that the invariant checker can be shown to catch it (docs/online.md).
        public var reserveRunningJobs = true
        /// How running jobs' holds become the frame's budgets (`ReservationRule`; docs/online.md).
        public var reservation: ReservationRule = .peak
        /// What a frame takes over from the previous one: `WarmStart.standard` for `flexgen`, nothing
        /// for the other policies (set by `init` from the policy).
        public var warmStart: WarmStart
        /// Whether `max-served` admission weighs each request by its chance of not being served
        /// later if this frame leaves it waiting (`DeferralOutlook`; docs/online.md, "Look-ahead"),
        /// and a frame of fewer requests than the transmissions expected to overlap one is offered
        /// only its share of the residual band (`ArrivalOutlook`; "Band headroom for arrivals").
        /// True for `flexgen` and `flexgen-cold` (set by `init`); it acts only with `frameS` set and
        /// `onReject == .wait` (with `drop` nothing waits).
        public var lookAhead: Bool
        /// The host's frame length (s): the next frame is planned at t + frameS. The look-ahead
        /// needs it to tell how many frames a request can still wait; `OnlineSimulator` sets it to
        /// the trace's. Nil: no look-ahead.
        public var frameS: Double?
        public init(policy: OnlinePolicy = .flexgen, onReject: RejectAction = .wait, frameS: Double? = nil) {
            self.policy = policy
            self.onReject = onReject
            self.warmStart = policy.warmStart ? .standard : []
            self.lookAhead = policy.admission == .maxServed
            self.frameS = frameS
        }

        /// The frame length the look-ahead uses, or nil when it is off.
        var lookAheadFrameS: Double? {
            guard lookAhead, onReject == .wait, let frameS, frameS.isFinite, frameS > 0 else { return nil }
            return frameS
        }
    }

    /// A planned job's hold on the server: f over [computeStartS, computeEndS), b over
    /// [txStartS, txEndS).
    struct Reservation: Sendable, Hashable {
        var computeStartS: Double
        var computeEndS: Double
        var computeRate: Double
        var txStartS: Double
        var txEndS: Double
        var bandwidth: Double
    }

    public let server: Server
    public let profile: Profile
    public let settings: Settings
    /// Requests waiting to be planned, in arrival order.
    public private(set) var waiting: [TraceRequest] = []
    var reservations: [Reservation] = []
    /// The last frame's prices, the next frame's warm start.
    public internal(set) var lastPrices: AllocationSettings.InitialPrices?
    /// Whether the last frame that had candidates planned all of them: the admission's warm start
    /// (the next frame first tries to serve all of its own; docs/online.md, "Warm start").
    public internal(set) var lastFrameAdmittedAll = false
    /// The look-ahead's estimate of a waiting request's chances (`DeferralOutlook`), and the ids of
    /// the waiting requests that a frame has left waiting (the trials of that estimate).
    var outlook = DeferralOutlook()
    var deferred: Set<String> = []
    /// The look-ahead's estimate of the transmissions that overlap one (`ArrivalOutlook`).
    var arrivalOutlook = ArrivalOutlook()
    /// The last frame boundary planned (calls must not go back in time).
    public private(set) var lastTimeS = -Double.infinity
    /// The menu the policy's variant may use, and per menu the least-work admissible choice is
    /// looked up per request (a few configurations: no caching needed).
    let menu: [Configuration]

    public init(server: Server, profile: Profile, settings: Settings = Settings()) {
        self.server = server
        self.profile = profile
        self.settings = settings
        let allowed = settings.policy.variant.menuRestriction(for: profile)
        menu = profile.configs.filter { allowed?($0) ?? true }
    }

    /// Jobs planned and not yet finished transmitting at the last frame.
    public var runningCount: Int { reservations.count }

    /// Plans frame t. `arrivals` are the requests that arrived since the previous call (each with
    /// arrivalS ≤ t, in arrival order). Throws `SolverError.invalidInput` when t goes back in time
    /// or an arrival lies after t, and whatever the frame's solve throws for invalid settings.
    public mutating func plan(at t: Double, arrivals: [TraceRequest]) throws -> FramePlan {
        let started = ContinuousClock.now
        guard t.isFinite, t >= lastTimeS else {
            throw SolverError.invalidInput("frame time \(t) s is not after the previous frame (\(lastTimeS) s)")
        }
        for r in arrivals where !(r.arrivalS <= t) {
            throw SolverError.invalidInput("request \(r.id) arrives at \(r.arrivalS) s, after the frame time \(t) s")
        }
        if settings.lookAheadFrameS != nil {
            arrivalOutlook.record(arrivals: arrivals.count, elapsedS: lastTimeS.isFinite ? t - lastTimeS : 0)
        }
        lastTimeS = t
        waiting.append(contentsOf: arrivals)

        // 1. The reservation rule.
        reservations.removeAll { $0.txEndS <= t }
        var heldCompute = 0.0, heldBand = 0.0
        if settings.reserveRunningJobs {
            heldCompute = settings.reservation.held(
                at: t, holds: reservations.map { ($0.computeStartS, $0.computeEndS, $0.computeRate) })
            heldBand = settings.reservation.held(at: t, holds: reservations.map { ($0.txStartS, $0.txEndS, $0.bandwidth) })
        }
        let residualF = server.computeRateFlopsPerS - heldCompute
        let residualB = server.bandwidthHz - heldBand

        // 2. Remaining windows; requests that can never be served leave now.
        var rejected: [FramePlan.RejectedRequest] = []
        var candidates: [TraceRequest] = []
        var frameClients: [Client] = []
        for request in waiting {
            let client = request.client
            let deadlineLeft = request.absoluteDeadlineS - t
            let uplinkLeft = max(0, request.uplinkEndS - t)
            guard let least = leastWorkConfiguration(for: client) else {
                recordOutcome(of: request, served: false)
                rejected.append(.init(request: request, reason: .quality,
                                      message: "no configuration \(settings.policy.rawValue) may use reaches the required "
                                          + "\(profile.metric.name) \(client.qualityRequirement ?? .nan)"))
                continue
            }
            let service = EnergyModel.minimumServiceTime(
                flops: least.flops, computeRate: server.maxComputeRatePerJobFlopsPerS, imageBits: client.imageBits,
                bandwidthHz: server.bandwidthHz, maxTxPowerW: server.maxTxPowerW, gain: client.channelGain.linear,
                noisePsd: server.noisePsdWPerHz)
            guard deadlineLeft - uplinkLeft > service else {
                recordOutcome(of: request, served: false)
                rejected.append(.init(request: request, reason: .deadline,
                                      message: "its remaining deadline \(deadlineLeft) s at t = \(t) s cannot be met even "
                                          + "with the whole server (least service time \(service) s)"))
                continue
            }
            var frameClient = client
            frameClient.deadlineS = deadlineLeft
            frameClient.uplinkDelayS = uplinkLeft
            if let frameS = settings.lookAheadFrameS {
                let slack = Self.slackFrames(deadlineLeft: deadlineLeft, uplinkLeft: uplinkLeft,
                                             leastServiceS: service, frameS: frameS)
                frameClient.priority = client.admissionPriority * outlook.weight(slackFrames: slack)
            }
            candidates.append(request)
            frameClients.append(frameClient)
        }

        // 3. The policy on the frame problem.
        var planned: [FramePlan.PlannedRequest] = []
        var prices: Solution.Prices? = nil
        var allocationSweeps: Int? = nil
        var notPlanned: [Int: Admission.Reason] = [:]
        // Budgets below this fraction are treated as exhausted (a solve on a sliver would only
        // reject everyone, slowly).
        let sliver = 1e-9
        if !candidates.isEmpty && residualF > sliver * server.computeRateFlopsPerS
            && residualB > sliver * server.bandwidthHz {
            var frameServer = server
            frameServer.computeRateFlopsPerS = residualF
            frameServer.bandwidthHz = residualB
                * (settings.lookAheadFrameS != nil ? arrivalOutlook.bandShare(requests: candidates.count) : 1)
            let problem = Problem(name: "frame-\(t)", server: frameServer, profile: profile, clients: frameClients)
            let solution: Solution
            (solution, allocationSweeps) = try solveFrame(problem, candidates: candidates)
            prices = solution.prices
            if let p = solution.prices, !settings.warmStart.isEmpty {
                lastPrices = .init(computePrice: p.computeJPerFlopsPerS, bandwidthPrice: p.bandwidthJPerHz)
            }
            var decided: [String: ClientDecision] = [:]
            for d in solution.clients { decided[d.id] = d }
            for (i, request) in candidates.enumerated() {
                guard let d = decided[request.id] else {
                    notPlanned[i] = .capacity
                    continue
                }
                let computeStart = t + frameClients[i].uplinkDelayS
                let computeEnd = computeStart + d.flops / d.computeRateFlopsPerS
                let txEnd = computeEnd + d.txTimeS
                let schedule = RequestRecord.Schedule(
                    width: d.width, steps: d.steps, flops: d.flops, quality: d.quality, computeStartS: computeStart,
                    computeEndS: computeEnd, computeRateFlopsPerS: d.computeRateFlopsPerS, txStartS: computeEnd,
                    txEndS: txEnd, bandwidthHz: d.bandwidthHz, txPowerW: d.txPowerW,
                    computeEnergyJ: d.computeEnergyJ, txEnergyJ: d.txEnergyJ)
                planned.append(.init(request: request, schedule: schedule))
                recordOutcome(of: request, served: true)
                if settings.lookAheadFrameS != nil { arrivalOutlook.record(transmissionS: d.txTimeS) }
                reservations.append(Reservation(computeStartS: computeStart, computeEndS: computeEnd,
                                                computeRate: d.computeRateFlopsPerS, txStartS: computeEnd, txEndS: txEnd,
                                                bandwidth: d.bandwidthHz))
            }
        } else {
            for i in candidates.indices { notPlanned[i] = .capacity }
        }

        if !candidates.isEmpty { lastFrameAdmittedAll = notPlanned.isEmpty }

        // 4. The rest wait or leave.
        var stillWaiting: [TraceRequest] = []
        for (i, request) in candidates.enumerated() {
            guard let reason = notPlanned[i] else { continue }
            if settings.onReject == .wait {
                stillWaiting.append(request)
                if settings.lookAheadFrameS != nil {
                    if deferred.contains(request.id) { outlook.record(plannedLater: false) } else { deferred.insert(request.id) }
                }
            } else {
                rejected.append(.init(request: request, reason: reason,
                                      message: "not planned at t = \(t) s: the others fit the residual compute rate and band"))
            }
        }
        waiting = stillWaiting
        let elapsed = ContinuousClock.now - started
        return FramePlan(timeS: t, planned: planned, rejected: rejected, waitingCount: waiting.count,
                         residualComputeRateFlopsPerS: residualF, residualBandwidthHz: residualB,
                         plannerTimeS: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
                         prices: prices, allocationSweeps: allocationSweeps)
    }

    /// Feeds a frame's decision about a request that an earlier frame left waiting into the
    /// look-ahead's estimate; a request planned or rejected for good is forgotten.
    mutating func recordOutcome(of request: TraceRequest, served: Bool) {
        guard deferred.remove(request.id) != nil else { return }
        outlook.record(plannedLater: served)
    }

    /// How many of the next frames, up to `DeferralOutlook.slackHorizon`, could still serve a request
    /// with the whole server: at t + j·frameS its remaining window is deadlineLeft − j·frameS less
    /// its remaining uplink max(0, uplinkLeft − j·frameS), and it must exceed the least service
    /// time (the test that rejects a request for good, step 2 of `plan`). The window never grows
    /// with j, so counting stops at the first j that fails. 0: this frame is its last chance.
    static func slackFrames(deadlineLeft: Double, uplinkLeft: Double, leastServiceS: Double, frameS: Double) -> Int {
        var j = 0
        while j < DeferralOutlook.slackHorizon {
            let ahead = Double(j + 1) * frameS
            guard deadlineLeft - ahead - max(0, uplinkLeft - ahead) > leastServiceS else { break }
            j += 1
        }
        return j
    }

    /// The least-work configuration of the policy's menu that meets the client's requirement.
    func leastWorkConfiguration(for client: Client) -> Configuration? {
        var least: Configuration?
        for c in menu {
            if let q = client.qualityRequirement, !profile.metric.meets(c.quality, requirement: q) { continue }
            if let l = least, !(c.flops < l.flops) { continue }
            least = c
        }
        return least
    }

    /// The frame's solution: admission for `flexgen`, the longest feasible prefix otherwise.
    /// Also returns the price sweeps of the frame's final allocation (`AllocationResult.sweeps`;
    /// nil when the policy solves none, or the solve reached none).
    func solveFrame(_ problem: Problem, candidates: [TraceRequest]) throws -> (Solution, sweeps: Int?) {
        var solverSettings = settings.solver
        let warm = settings.warmStart
        if let prices = lastPrices, !warm.isDisjoint(with: [.bandPrice, .computePrice]) {
            // A price left out is passed as 0, which the allocation ignores (that price starts cold).
            solverSettings.decomposition.allocation.initialPrices = .init(
                computePrice: warm.contains(.computePrice) ? prices.computePrice : 0,
                bandwidthPrice: warm.contains(.bandPrice) ? prices.bandwidthPrice : 0)
        }
        switch settings.policy.admission {
        case .maxServed:
            if warm.contains(.admission) && lastFrameAdmittedAll {
                // The previous frame served everyone: first try to serve this frame's candidates
                // all (`WarmStart.admission`).
                solverSettings.admission = nil
                let all = try FlexGenSolver(settings.policy.variant, settings: solverSettings).solveWithInfo(problem)
                if all.solution.hasAllocation && all.solution.clients.count == problem.clients.count
                    && (all.solution.status == .optimal || all.solution.status == .feasible) {
                    return (all.solution, all.allocation?.sweeps)
                }
            }
            solverSettings.admission = .maxServed
            let info = try FlexGenSolver(settings.policy.variant, settings: solverSettings).solveWithInfo(problem)
            return (info.solution, info.allocation?.sweeps)
        case .prefix(let order):
            solverSettings.admission = nil
            let solver = FlexGenSolver(settings.policy.variant, settings: solverSettings)
            var indices = Array(problem.clients.indices)
            if order == .deadline {
                // Absolute deadline: arrival + deadline = t + remaining deadline, so the remaining one orders the same.
                indices.sort { (problem.clients[$0].deadlineS, $0) < (problem.clients[$1].deadlineS, $1) }
            }
            return (try Self.longestServedPrefix(problem, order: indices, solver: solver), nil)
        }
    }

    /// The solution for the longest prefix of `order` that `solver` serves (status optimal or
    /// feasible), by bisection: serving is monotone in the prefix (a sub-problem of a served one is
    /// served: fewer clients leave every budget share at least as large), so the longest served
    /// prefix is what adding requests one at a time until the first failure would find.
    static func longestServedPrefix(_ problem: Problem, order: [Int], solver: FlexGenSolver) throws -> Solution {
        func attempt(_ count: Int) throws -> Solution? {
            var sub = problem
            sub.clients = order.prefix(count).map { problem.clients[$0] }
            if sub.clients.isEmpty { return nil }
            let s = try solver.solve(sub)
            return (s.status == .optimal || s.status == .feasible) ? s : nil
        }
        if let all = try attempt(order.count) { return all }
        var good = 0, bad = order.count
        var best: Solution? = nil
        while bad - good > 1 {
            let mid = (good + bad) / 2
            if let s = try attempt(mid) { good = mid; best = s } else { bad = mid }
        }
        return best ?? Solution(problem: problem.name, solver: solver.variant.rawValue, status: .optimal,
                                totalEnergyJ: 0, solveTimeS: 0, clients: [])
    }
}
