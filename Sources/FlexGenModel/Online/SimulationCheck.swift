/// An independent check of a `flexgen-simulation/1` report against its trace (docs/online.md,
/// "The invariant checker"). It trusts nothing the planner computed: from each planned request's
/// configuration, rates, power and absolute times it re-derives
/// - the configuration's work and quality from the profile,
/// - the compute time C/f against computeEndS − computeStartS, compute start ≥ arrival + uplink
///   delay and ≥ the first frame boundary at or after the arrival (planning happens only there),
///   transmission start ≥ compute end, f ≤ the per-job cap, p ≤ P_max,
/// - the delivered bits (txEndS − txStartS)·b·log2(1 + p g/(N0 b)) against the image size,
/// - the energies C(e0 + κ f²) and p·(txEndS − txStartS) against the reported ones,
/// - for a `served` request: latency txEndS − arrivalS ≤ deadlineS, bits delivered, quality met;
///   a `missed` one must really fail one of these; a `rejected` one carries no schedule;
/// then sweeps the timeline: every start and end of a held rate (f over [computeStartS,
/// computeEndS), b over [txStartS, txEndS)) is an event, sorted by time with ends before starts at
/// the same instant (half-open intervals), and the running sums must stay ≤ F and ≤ B.
/// Finally every trace request must have exactly one record and the totals must add up.
///
/// Tolerance (relative, default 1e-6, as for solutions): an upper bound holds when
/// lhs ≤ rhs·(1 + tol), a lower bound when lhs ≥ rhs·(1 − tol). An ordering of two instants
/// (x ≥ y) may be off by tol times the request's own deadline (the scale of its schedule), not of
/// the absolute clock, so a request late in a long trace is held to the same standard as an early
/// one; the latency is txEndS − arrivalS against deadlineS·(1 + tol). A reported value v agrees with its recomputation r when
/// |v − r| ≤ tol·max(|v|, |r|). The running sums in the sweep are compared with F·(1 + tol) and
/// B·(1 + tol); they are recomputed in one pass, so their rounding is ~n·ε relative, far below tol.
public struct SimulationCheck: Sendable {
    public struct Violation: Sendable, Hashable, CustomStringConvertible {
        /// `record`, `schedule`, `latency`, `delivery`, `quality`, `power`, `compute-cap`, `energy`,
        /// `outcome`, `compute-budget`, `bandwidth-budget`, `totals`.
        public var kind: String
        public var request: String?
        public var message: String
        public var description: String { request.map { "\(kind) [\($0)]: \(message)" } ?? "\(kind): \(message)" }
    }

    public var relativeTolerance: Double
    public var violations: [Violation] = []
    /// Requests by recomputed outcome.
    public var served = 0, rejected = 0, missed = 0
    /// The largest held compute rate and band over the timeline, as fractions of F and B.
    public var peakComputeFraction = 0.0
    public var peakBandFraction = 0.0
    /// Σ energy of the planned requests, recomputed (J).
    public var energyJ = 0.0

    public var passes: Bool { violations.isEmpty }

    /// At most this many violations are listed per kind (the count is still exact in `violationCounts`).
    public static let listedPerKind = 20
    public var violationCounts: [String: Int] = [:]

    public init(trace: Trace, report: SimulationReport, relativeTolerance tol: Double = 1e-6) {
        relativeTolerance = tol
        let server = trace.server
        let n0 = server.noisePsdWPerHz
        var byId: [String: Int] = [:]
        byId.reserveCapacity(trace.requests.count)
        for (i, r) in trace.requests.enumerated() { byId[r.id] = i }
        var seen = [Bool](repeating: false, count: trace.requests.count)
        var configs: [Configuration.Key: Configuration] = [:]
        for c in trace.profile.configs { configs[c.key] = c }
        let metric = trace.profile.metric
        let cap = server.maxJobComputeRateFlopsPerS ?? .infinity

        func agree(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= tol * max(abs(a), abs(b)) }
        var events: [(time: Double, compute: Double, band: Double)] = []
        events.reserveCapacity(report.requests.count * 4)

        for record in report.requests {
            guard let index = byId[record.id] else {
                flag("record", record.id, "the trace has no request with this id")
                continue
            }
            if seen[index] { flag("record", record.id, "listed more than once"); continue }
            seen[index] = true
            let request = trace.requests[index]
            let client = request.client
            guard let s = record.schedule else {
                switch record.outcome {
                case .rejected: rejected += 1
                case .served, .missed:
                    flag("schedule", record.id, "outcome \(record.outcome.rawValue) but no schedule")
                }
                continue
            }
            if record.outcome == .rejected {
                flag("schedule", record.id, "rejected but scheduled (a rejected request is never planned)")
            }
            let scale = max(client.deadlineS, 1e-300)
            let slack = tol * scale
            let numbers = [s.width, s.flops, s.quality, s.computeStartS, s.computeEndS, s.computeRateFlopsPerS,
                           s.txStartS, s.txEndS, s.bandwidthHz, s.txPowerW, s.computeEnergyJ, s.txEnergyJ]
            guard numbers.allSatisfy(\.isFinite), s.computeRateFlopsPerS > 0, s.bandwidthHz > 0, s.txPowerW >= 0 else {
                flag("schedule", record.id, "a schedule value is not finite, or a rate, band or power is not positive")
                continue
            }
            // Configuration against the profile.
            var qualityOK = true
            if let c = configs[Configuration.Key(width: s.width, steps: s.steps)] {
                if !agree(c.flops, s.flops) { flag("schedule", record.id, "flops \(s.flops) ≠ profile's \(c.flops)") }
                if !agree(c.quality, s.quality) { flag("schedule", record.id, "quality \(s.quality) ≠ profile's \(c.quality)") }
                if let q = client.qualityRequirement {
                    qualityOK = metric.meets(c.quality, requirement: q, relativeTolerance: tol)
                }
            } else {
                flag("schedule", record.id, "configuration (width \(s.width), steps \(s.steps)) is not in the profile")
                qualityOK = false
            }
            let flops = configs[Configuration.Key(width: s.width, steps: s.steps)]?.flops ?? s.flops
            // Timing.
            let computeTime = flops / s.computeRateFlopsPerS
            if abs((s.computeEndS - s.computeStartS) - computeTime) > tol * max(computeTime, scale) {
                flag("schedule", record.id, "computeEndS − computeStartS = \(s.computeEndS - s.computeStartS) s, "
                     + "but C/f = \(computeTime) s")
            }
            if s.computeStartS < request.uplinkEndS - slack {
                flag("schedule", record.id, "compute starts at \(s.computeStartS) s, before the prompt is in "
                     + "(arrival + uplink delay = \(request.uplinkEndS) s)")
            }
            // The server plans only at frame boundaries (multiples of frameS, MODEL.md "arrivals over
            // time"), so no request's compute can start before the first boundary at or after its arrival.
            let firstFrameS = (request.arrivalS / trace.frameS).rounded(.up) * trace.frameS
            if s.computeStartS < firstFrameS - slack {
                flag("schedule", record.id, "compute starts at \(s.computeStartS) s, before the first frame boundary at or "
                     + "after its arrival (\(firstFrameS) s; frameS \(trace.frameS) s): nothing is planned between boundaries")
            }
            if s.txStartS < s.computeEndS - slack {
                flag("schedule", record.id, "transmission starts at \(s.txStartS) s, before compute ends (\(s.computeEndS) s)")
            }
            if s.computeRateFlopsPerS > cap * (1 + tol) {
                flag("compute-cap", record.id, "f = \(s.computeRateFlopsPerS) exceeds the per-job cap \(cap)")
            }
            if s.txPowerW > server.maxTxPowerW * (1 + tol) {
                flag("power", record.id, "p = \(s.txPowerW) W exceeds P_max = \(server.maxTxPowerW) W")
            }
            let txTime = s.txEndS - s.txStartS
            let bits = txTime > 0 ? EnergyModel.deliveredBits(bandwidthHz: s.bandwidthHz, txTimeS: txTime,
                                                              txPowerW: s.txPowerW, gain: client.channelGain.linear,
                                                              noisePsd: n0) : 0
            let bitsOK = bits >= client.imageBits * (1 - tol)
            let latency = s.txEndS - request.arrivalS
            let latencyOK = latency <= client.deadlineS * (1 + tol)
            // Energies.
            let computeEnergy = EnergyModel.computeEnergy(flops: flops, rate: s.computeRateFlopsPerS, server: server)
            let txEnergy = EnergyModel.txEnergy(txPowerW: s.txPowerW, txTimeS: max(txTime, 0))
            if !agree(computeEnergy, s.computeEnergyJ) {
                flag("energy", record.id, "computeEnergyJ \(s.computeEnergyJ) ≠ C(e0 + κf²) = \(computeEnergy)")
            }
            if !agree(txEnergy, s.txEnergyJ) {
                flag("energy", record.id, "txEnergyJ \(s.txEnergyJ) ≠ p·t = \(txEnergy)")
            }
            energyJ += computeEnergy + txEnergy
            let delivered = bitsOK && latencyOK && qualityOK
            switch record.outcome {
            case .served:
                served += 1
                if !latencyOK {
                    flag("latency", record.id, "delivered at \(s.txEndS) s, \(latency) s after arrival: deadline \(client.deadlineS) s")
                }
                if !bitsOK { flag("delivery", record.id, "delivers \(bits) bits of \(client.imageBits)") }
                if !qualityOK {
                    flag("quality", record.id, "quality \(s.quality) does not meet the requirement \(client.qualityRequirement ?? .nan)")
                }
            case .missed:
                missed += 1
                if delivered { flag("outcome", record.id, "labelled missed, but it is delivered in time with its quality") }
            case .rejected:
                break
            }
            events.append((s.computeStartS, s.computeRateFlopsPerS, 0))
            events.append((s.computeEndS, -s.computeRateFlopsPerS, 0))
            events.append((s.txStartS, 0, s.bandwidthHz))
            events.append((s.txEndS, 0, -s.bandwidthHz))
        }
        for (i, wasSeen) in seen.enumerated() where !wasSeen {
            flag("record", trace.requests[i].id, "the trace's request has no record in the report")
        }

        // The timeline sweep: ends before starts at the same instant (half-open holds).
        events.sort { $0.time != $1.time ? $0.time < $1.time : ($0.compute + $0.band) < ($1.compute + $1.band) }
        var heldCompute = 0.0, heldBand = 0.0
        var computeFlagged = false, bandFlagged = false
        for e in events {
            heldCompute += e.compute
            heldBand += e.band
            peakComputeFraction = max(peakComputeFraction, heldCompute / server.computeRateFlopsPerS)
            peakBandFraction = max(peakBandFraction, heldBand / server.bandwidthHz)
            if !computeFlagged && heldCompute > server.computeRateFlopsPerS * (1 + tol) {
                computeFlagged = true
                flag("compute-budget", nil, "at t = \(e.time) s the held compute rates sum to \(heldCompute) FLOP/s "
                     + "> F = \(server.computeRateFlopsPerS)")
            }
            if !bandFlagged && heldBand > server.bandwidthHz * (1 + tol) {
                bandFlagged = true
                flag("bandwidth-budget", nil, "at t = \(e.time) s the held bands sum to \(heldBand) Hz > B = \(server.bandwidthHz)")
            }
        }

        // Totals.
        let t = report.totals
        if t.requests != trace.requests.count {
            flag("totals", nil, "requests \(t.requests), the trace has \(trace.requests.count)")
        }
        if t.served != served || t.missed != missed || t.rejected != rejected {
            flag("totals", nil, "served/rejected/missed \(t.served)/\(t.rejected)/\(t.missed), "
                 + "the records give \(served)/\(rejected)/\(missed)")
        }
        if !agree(t.energyJ, energyJ) && abs(t.energyJ - energyJ) > 1e-12 {
            flag("totals", nil, "energyJ \(t.energyJ), the schedules give \(energyJ)")
        }
        if served > 0 {
            let perServed = energyJ / Double(served)
            if let reported = t.energyPerServedJ, !agree(reported, perServed) {
                flag("totals", nil, "energyPerServedJ \(reported), the schedules give \(perServed)")
            } else if t.energyPerServedJ == nil {
                flag("totals", nil, "energyPerServedJ is missing (\(served) served)")
            }
        }
    }

    private mutating func flag(_ kind: String, _ request: String?, _ message: String) {
        let count = violationCounts[kind, default: 0]
        violationCounts[kind] = count + 1
        if count < Self.listedPerKind { violations.append(Violation(kind: kind, request: request, message: message)) }
    }

    /// Every violation, including those beyond the listed ones.
    public var violationCount: Int { violationCounts.values.reduce(0, +) }
}
