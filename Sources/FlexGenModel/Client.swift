/// One client's request: a deadline, a channel, an image size and an optional quality requirement.
public struct Client: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    /// End-to-end deadline T_k (s).
    public var deadlineS: Double
    /// Fixed uplink (prompt) and queueing delay u_k (s); 0 when absent.
    public var uplinkDelayS: Double
    /// Linear downlink channel power gain g_k, or its dB form.
    public var channelGain: ChannelGain
    /// Size D_k of the delivered image (bits).
    public var imageBits: Double
    /// Quality the client's configuration must reach (in the profile's metric); nil: any configuration.
    public var qualityRequirement: Double?
    /// Weight of serving this client under admission control (a positive number); nil when the
    /// file gives none, which counts as 1 (`admissionPriority`) and is not written back.
    public var priority: Double?

    public init(id: String, deadlineS: Double, uplinkDelayS: Double = 0, channelGain: ChannelGain,
                imageBits: Double, qualityRequirement: Double? = nil, priority: Double? = nil) {
        self.id = id
        self.deadlineS = deadlineS
        self.uplinkDelayS = uplinkDelayS
        self.channelGain = channelGain
        self.imageBits = imageBits
        self.qualityRequirement = qualityRequirement
        self.priority = priority
    }

    /// The priority admission control maximises: `priority`, or 1 when absent.
    public var admissionPriority: Double { priority ?? 1 }

    /// Time left for computing and transmitting once the uplink delay is spent, T_k − u_k (s).
    public var serviceWindowS: Double { deadlineS - uplinkDelayS }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, deadlineS, uplinkDelayS, channelGainDb, channelGain, imageBits, qualityRequirement, priority
    }

    /// The keys of a client object, all of them (any other is refused); a reader that builds
    /// clients without `init(from:)` (FlexGenIO's tape path for a problem's `clients`) checks
    /// that it knows exactly these.
    public static let codingKeyNames: Set<String> = Set(CodingKeys.allCases.map(\.stringValue))

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        try self.init(fieldsFrom: decoder)
    }

    /// The client's fields from an object that may carry other keys besides them (a trace
    /// request's `arrivalS`); the caller has screened unknown keys.
    init(fieldsFrom decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        deadlineS = try c.decode(Double.self, forKey: .deadlineS)
        uplinkDelayS = try c.decodeUnlessAbsent(Double.self, forKey: .uplinkDelayS) ?? 0
        let db = try c.decodeUnlessAbsent(Double.self, forKey: .channelGainDb)
        let linear = try c.decodeUnlessAbsent(Double.self, forKey: .channelGain)
        switch (db, linear) {
        case (let db?, nil): channelGain = .decibels(db)
        case (nil, let g?): channelGain = .linear(g)
        case (.some, .some):
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath + [CodingKeys.channelGain],
                debugDescription: "give exactly one of channelGainDb and channelGain, not both"))
        case (nil, nil):
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath + [CodingKeys.channelGainDb],
                debugDescription: "required field is missing: give exactly one of channelGainDb and channelGain"))
        }
        imageBits = try c.decode(Double.self, forKey: .imageBits)
        qualityRequirement = try c.decodeUnlessAbsent(Double.self, forKey: .qualityRequirement)
        priority = try c.decodeUnlessAbsent(Double.self, forKey: .priority)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(deadlineS, forKey: .deadlineS)
        try c.encode(uplinkDelayS, forKey: .uplinkDelayS)
        switch channelGain {
        case .decibels(let db): try c.encode(db, forKey: .channelGainDb)
        case .linear(let g): try c.encode(g, forKey: .channelGain)
        }
        try c.encode(imageBits, forKey: .imageBits)
        try c.encodeIfPresent(qualityRequirement, forKey: .qualityRequirement)
        try c.encodeIfPresent(priority, forKey: .priority)
    }
}
