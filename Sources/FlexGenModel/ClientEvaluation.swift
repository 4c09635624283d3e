/// One client's recomputed figures (SI units). Slacks are positive on the good side.
/// Values computed from a decision that is itself invalid (e.g. f = 0) may be non-finite;
/// the JSON encoding writes those as `null`, never NaN.
public struct ClientEvaluation: Codable, Sendable, Hashable {
    public var id: String
    public var width: Double
    public var steps: Int
    /// Work C_k of the configuration, from the profile when it has the configuration (FLOP).
    public var flops: Double
    /// Quality q of the configuration, from the profile when it has the configuration.
    public var quality: Double
    public var qualityRequirement: Double?
    public var computeRateFlopsPerS: Double
    public var bandwidthHz: Double
    public var txPowerW: Double
    public var txTimeS: Double
    /// C_k / f_k (s).
    public var computeTimeS: Double
    /// u_k + C_k/f_k + t_k (s).
    public var latencyS: Double
    public var deadlineS: Double
    /// t_k b_k log2(1 + p_k g_k/(N0 b_k)) (bits).
    public var deliveredBits: Double
    public var imageBits: Double
    /// C_k (e0 + κ f_k²) (J).
    public var computeEnergyJ: Double
    /// p_k t_k (J).
    public var txEnergyJ: Double
    /// T_k − latency (s).
    public var deadlineSlackS: Double
    /// delivered − D_k (bits).
    public var deliverySlackBits: Double
    /// How far the quality is on the good side of the requirement; nil without a requirement.
    public var qualitySlack: Double?
    /// P_max − p_k (W).
    public var powerSlackW: Double

    /// E^c_k + E^t_k (J).
    public var energyJ: Double { computeEnergyJ + txEnergyJ }

    public init(id: String, width: Double, steps: Int, flops: Double, quality: Double, qualityRequirement: Double?,
                computeRateFlopsPerS: Double, bandwidthHz: Double, txPowerW: Double, txTimeS: Double,
                computeTimeS: Double, latencyS: Double, deadlineS: Double, deliveredBits: Double, imageBits: Double,
                computeEnergyJ: Double, txEnergyJ: Double, deadlineSlackS: Double, deliverySlackBits: Double,
                qualitySlack: Double?, powerSlackW: Double) {
        self.id = id
        self.width = width
        self.steps = steps
        self.flops = flops
        self.quality = quality
        self.qualityRequirement = qualityRequirement
        self.computeRateFlopsPerS = computeRateFlopsPerS
        self.bandwidthHz = bandwidthHz
        self.txPowerW = txPowerW
        self.txTimeS = txTimeS
        self.computeTimeS = computeTimeS
        self.latencyS = latencyS
        self.deadlineS = deadlineS
        self.deliveredBits = deliveredBits
        self.imageBits = imageBits
        self.computeEnergyJ = computeEnergyJ
        self.txEnergyJ = txEnergyJ
        self.deadlineSlackS = deadlineSlackS
        self.deliverySlackBits = deliverySlackBits
        self.qualitySlack = qualitySlack
        self.powerSlackW = powerSlackW
    }

    enum CodingKeys: String, CodingKey {
        case id, width, steps, flops, quality, qualityRequirement, computeRateFlopsPerS, bandwidthHz, txPowerW,
             txTimeS, computeTimeS, latencyS, deadlineS, deliveredBits, imageBits, computeEnergyJ, txEnergyJ,
             deadlineSlackS, deliverySlackBits, qualitySlack, powerSlackW
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        func put(_ x: Double?, _ key: CodingKeys) throws {
            if let x, x.isFinite { try c.encode(x, forKey: key) } else { try c.encodeNil(forKey: key) }
        }
        try c.encode(id, forKey: .id)
        try put(width, .width)
        try c.encode(steps, forKey: .steps)
        try put(flops, .flops)
        try put(quality, .quality)
        try put(qualityRequirement, .qualityRequirement)
        try put(computeRateFlopsPerS, .computeRateFlopsPerS)
        try put(bandwidthHz, .bandwidthHz)
        try put(txPowerW, .txPowerW)
        try put(txTimeS, .txTimeS)
        try put(computeTimeS, .computeTimeS)
        try put(latencyS, .latencyS)
        try put(deadlineS, .deadlineS)
        try put(deliveredBits, .deliveredBits)
        try put(imageBits, .imageBits)
        try put(computeEnergyJ, .computeEnergyJ)
        try put(txEnergyJ, .txEnergyJ)
        try put(deadlineSlackS, .deadlineSlackS)
        try put(deliverySlackBits, .deliverySlackBits)
        try put(qualitySlack, .qualitySlack)
        try put(powerSlackW, .powerSlackW)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func get(_ key: CodingKeys) throws -> Double { try c.decodeIfPresent(Double.self, forKey: key) ?? .nan }
        id = try c.decode(String.self, forKey: .id)
        width = try get(.width)
        steps = try c.decode(Int.self, forKey: .steps)
        flops = try get(.flops)
        quality = try get(.quality)
        qualityRequirement = try c.decodeIfPresent(Double.self, forKey: .qualityRequirement)
        computeRateFlopsPerS = try get(.computeRateFlopsPerS)
        bandwidthHz = try get(.bandwidthHz)
        txPowerW = try get(.txPowerW)
        txTimeS = try get(.txTimeS)
        computeTimeS = try get(.computeTimeS)
        latencyS = try get(.latencyS)
        deadlineS = try get(.deadlineS)
        deliveredBits = try get(.deliveredBits)
        imageBits = try get(.imageBits)
        computeEnergyJ = try get(.computeEnergyJ)
        txEnergyJ = try get(.txEnergyJ)
        deadlineSlackS = try get(.deadlineSlackS)
        deliverySlackBits = try get(.deliverySlackBits)
        qualitySlack = try c.decodeIfPresent(Double.self, forKey: .qualitySlack)
        powerSlackW = try get(.powerSlackW)
    }
}

/// A service target's recomputed group mean.
public struct ServiceTargetEvaluation: Codable, Sendable, Hashable {
    /// Index in the problem's `serviceTargets`.
    public var index: Int
    public var clients: [String]
    public var meanQuality: Double
    public var target: Double
    /// How far the mean is on the good side of the target.
    public var slack: Double

    public init(index: Int, clients: [String], meanQuality: Double, target: Double, slack: Double) {
        self.index = index
        self.clients = clients
        self.meanQuality = meanQuality
        self.target = target
        self.slack = slack
    }

    enum CodingKeys: String, CodingKey { case index, clients, meanQuality, target, slack }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(index, forKey: .index)
        try c.encode(clients, forKey: .clients)
        if meanQuality.isFinite { try c.encode(meanQuality, forKey: .meanQuality) } else { try c.encodeNil(forKey: .meanQuality) }
        try c.encode(target, forKey: .target)
        if slack.isFinite { try c.encode(slack, forKey: .slack) } else { try c.encodeNil(forKey: .slack) }
    }
}
