/// One request of a `flexgen-trace/1` trace: a client (docs/formats.md) that arrives at `arrivalS`.
/// Its `deadlineS` counts from its arrival, as does its `uplinkDelayS` (docs/online.md).
public struct TraceRequest: Codable, Sendable, Hashable, Identifiable {
    /// Arrival time (s from the trace's start), ≥ 0.
    public var arrivalS: Double
    /// The request's client fields: id, deadline and uplink delay (both relative to the arrival),
    /// channel gain, image size, quality requirement and priority.
    public var client: Client

    public var id: String { client.id }

    public init(arrivalS: Double, client: Client) {
        self.arrivalS = arrivalS
        self.client = client
    }

    /// Absolute deadline arrivalS + deadlineS (s).
    public var absoluteDeadlineS: Double { arrivalS + client.deadlineS }
    /// Absolute end of the uplink arrivalS + uplinkDelayS (s): the earliest instant compute may start.
    public var uplinkEndS: Double { arrivalS + client.uplinkDelayS }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, arrivalS, deadlineS, uplinkDelayS, channelGainDb, channelGain, imageBits, qualityRequirement, priority
    }

    /// The client's own decoding (`Client.init(from:)`, the same strict checks and JSON paths), with
    /// `arrivalS` as the one key a request adds.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        arrivalS = try c.decode(Double.self, forKey: .arrivalS)
        client = try Client(fieldsFrom: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(client.id, forKey: .id)
        try c.encode(arrivalS, forKey: .arrivalS)
        try c.encode(client.deadlineS, forKey: .deadlineS)
        try c.encode(client.uplinkDelayS, forKey: .uplinkDelayS)
        switch client.channelGain {
        case .decibels(let db): try c.encode(db, forKey: .channelGainDb)
        case .linear(let g): try c.encode(g, forKey: .channelGain)
        }
        try c.encode(client.imageBits, forKey: .imageBits)
        try c.encodeIfPresent(client.qualityRequirement, forKey: .qualityRequirement)
        try c.encodeIfPresent(client.priority, forKey: .priority)
    }
}
