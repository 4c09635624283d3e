/// The outcome of simulating a trace, `flexgen-simulation/1` (docs/formats.md, docs/online.md):
/// one record per request of the trace with its schedule when it was planned, and the totals.
/// It verifies on its own against its trace (`SimulationCheck`).
public struct SimulationReport: Codable, Sendable, Hashable {
    public static let formatName = "flexgen-simulation/1"

    /// The trace's `name`.
    public var trace: String
    /// The policy that planned it (`OnlinePolicy` names: `flexgen`, `fcfs-full`, …).
    public var policy: String
    /// Extension: what happened to a request a frame did not plan (`wait` or `drop`).
    public var onReject: String?
    /// Extension: the frame length the trace was planned with (s).
    public var frameS: Double?
    public var totals: SimulationTotals
    /// One record per request of the trace (order: as decided, see docs/online.md).
    public var requests: [RequestRecord]

    public init(trace: String, policy: String, onReject: String? = nil, frameS: Double? = nil,
                totals: SimulationTotals, requests: [RequestRecord]) {
        self.trace = trace
        self.policy = policy
        self.onReject = onReject
        self.frameS = frameS
        self.totals = totals
        self.requests = requests
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case format, trace, policy, onReject, frameS, totals, requests }

    /// Another writer's extensions are read past (as for solutions): the report must verify on its
    /// own whoever wrote it; a missing contract field is still an error naming its path.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try checkFormat(c, key: .format, expected: Self.formatName, codingPath: decoder.codingPath)
        trace = try c.decode(String.self, forKey: .trace)
        policy = try c.decode(String.self, forKey: .policy)
        onReject = try c.decodeIfPresent(String.self, forKey: .onReject)
        frameS = try c.decodeIfPresent(Double.self, forKey: .frameS)
        totals = try c.decode(SimulationTotals.self, forKey: .totals)
        requests = try c.decode([RequestRecord].self, forKey: .requests)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.formatName, forKey: .format)
        try c.encode(trace, forKey: .trace)
        try c.encode(policy, forKey: .policy)
        try c.encodeIfPresent(onReject, forKey: .onReject)
        try c.encodeIfPresent(frameS, forKey: .frameS)
        try c.encode(totals, forKey: .totals)
        try c.encode(requests, forKey: .requests)
    }
}

/// The report's `totals`. `energyJ` is the energy of every planned request (served or missed: the
/// server spent it); `energyPerServedJ` = energyJ / served, absent when nothing was served.
public struct SimulationTotals: Codable, Sendable, Hashable {
    public var requests: Int
    public var served: Int
    public var rejected: Int
    public var missed: Int
    public var energyJ: Double
    public var energyPerServedJ: Double?
    /// Mean and largest wall-clock time of one frame's planning (s).
    public var plannerTimeMeanS: Double
    public var plannerTimeMaxS: Double
    /// Extension: frames planned.
    public var frames: Int?

    public init(requests: Int, served: Int, rejected: Int, missed: Int, energyJ: Double, energyPerServedJ: Double?,
                plannerTimeMeanS: Double, plannerTimeMaxS: Double, frames: Int? = nil) {
        self.requests = requests
        self.served = served
        self.rejected = rejected
        self.missed = missed
        self.energyJ = energyJ
        self.energyPerServedJ = energyPerServedJ
        self.plannerTimeMeanS = plannerTimeMeanS
        self.plannerTimeMaxS = plannerTimeMaxS
        self.frames = frames
    }
}

/// What became of one request.
public enum RequestOutcome: String, Codable, Sendable, Hashable, CaseIterable, NamedCase {
    /// Delivered before its deadline with the quality it asked for.
    case served
    /// Never planned.
    case rejected
    /// Planned, but not delivered in time (or short of its bits or quality).
    case missed
}

/// One request's line of the report. The schedule is present exactly when the request was planned.
public struct RequestRecord: Codable, Sendable, Hashable {
    public var id: String
    public var outcome: RequestOutcome
    /// Extension, for a rejected request: `quality`, `deadline` or `capacity` (as in admission;
    /// `capacity` also covers a request whose wait outlived its deadline).
    public var reason: String?
    /// Extension: the frame boundary that planned it (s).
    public var plannedAtS: Double?
    public var schedule: Schedule?

    public init(id: String, outcome: RequestOutcome, reason: String? = nil, plannedAtS: Double? = nil,
                schedule: Schedule? = nil) {
        self.id = id
        self.outcome = outcome
        self.reason = reason
        self.plannedAtS = plannedAtS
        self.schedule = schedule
    }

    /// A planned request's configuration, rates and absolute times (s from the trace's start).
    /// The compute rate f is held over [computeStartS, computeEndS), the band b over [txStartS, txEndS).
    public struct Schedule: Codable, Sendable, Hashable {
        public var width: Double
        public var steps: Int
        public var flops: Double
        public var quality: Double
        public var computeStartS: Double
        public var computeEndS: Double
        public var computeRateFlopsPerS: Double
        public var txStartS: Double
        public var txEndS: Double
        public var bandwidthHz: Double
        public var txPowerW: Double
        public var computeEnergyJ: Double
        public var txEnergyJ: Double

        public init(width: Double, steps: Int, flops: Double, quality: Double, computeStartS: Double,
                    computeEndS: Double, computeRateFlopsPerS: Double, txStartS: Double, txEndS: Double,
                    bandwidthHz: Double, txPowerW: Double, computeEnergyJ: Double, txEnergyJ: Double) {
            self.width = width
            self.steps = steps
            self.flops = flops
            self.quality = quality
            self.computeStartS = computeStartS
            self.computeEndS = computeEndS
            self.computeRateFlopsPerS = computeRateFlopsPerS
            self.txStartS = txStartS
            self.txEndS = txEndS
            self.bandwidthHz = bandwidthHz
            self.txPowerW = txPowerW
            self.computeEnergyJ = computeEnergyJ
            self.txEnergyJ = txEnergyJ
        }

        public var energyJ: Double { computeEnergyJ + txEnergyJ }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, outcome, reason, plannedAtS
        case width, steps, flops, quality, computeStartS, computeEndS, computeRateFlopsPerS, txStartS, txEndS,
             bandwidthHz, txPowerW, computeEnergyJ, txEnergyJ
    }

    /// The schedule is read when `computeStartS` is present; then every schedule field is required.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        outcome = try c.decode(RequestOutcome.self, forKey: .outcome)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        plannedAtS = try c.decodeIfPresent(Double.self, forKey: .plannedAtS)
        if c.contains(.computeStartS) {
            schedule = Schedule(
                width: try c.decode(Double.self, forKey: .width), steps: try c.decode(Int.self, forKey: .steps),
                flops: try c.decode(Double.self, forKey: .flops), quality: try c.decode(Double.self, forKey: .quality),
                computeStartS: try c.decode(Double.self, forKey: .computeStartS),
                computeEndS: try c.decode(Double.self, forKey: .computeEndS),
                computeRateFlopsPerS: try c.decode(Double.self, forKey: .computeRateFlopsPerS),
                txStartS: try c.decode(Double.self, forKey: .txStartS), txEndS: try c.decode(Double.self, forKey: .txEndS),
                bandwidthHz: try c.decode(Double.self, forKey: .bandwidthHz),
                txPowerW: try c.decode(Double.self, forKey: .txPowerW),
                computeEnergyJ: try c.decode(Double.self, forKey: .computeEnergyJ),
                txEnergyJ: try c.decode(Double.self, forKey: .txEnergyJ))
        } else {
            schedule = nil
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(outcome, forKey: .outcome)
        try c.encodeIfPresent(reason, forKey: .reason)
        try c.encodeIfPresent(plannedAtS, forKey: .plannedAtS)
        guard let s = schedule else { return }
        try c.encode(s.width, forKey: .width)
        try c.encode(s.steps, forKey: .steps)
        try c.encode(s.flops, forKey: .flops)
        try c.encode(s.quality, forKey: .quality)
        try c.encode(s.computeStartS, forKey: .computeStartS)
        try c.encode(s.computeEndS, forKey: .computeEndS)
        try c.encode(s.computeRateFlopsPerS, forKey: .computeRateFlopsPerS)
        try c.encode(s.txStartS, forKey: .txStartS)
        try c.encode(s.txEndS, forKey: .txEndS)
        try c.encode(s.bandwidthHz, forKey: .bandwidthHz)
        try c.encode(s.txPowerW, forKey: .txPowerW)
        try c.encode(s.computeEnergyJ, forKey: .computeEnergyJ)
        try c.encode(s.txEnergyJ, forKey: .txEnergyJ)
    }
}
