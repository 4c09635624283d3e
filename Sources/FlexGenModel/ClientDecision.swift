/// What the server decided for one client: its configuration and its resources,
/// with the resulting latency and energies (one entry of a solution's `clients`).
public struct ClientDecision: Codable, Sendable, Hashable {
    public var id: String
    public var width: Double
    public var steps: Int
    /// Work of the chosen configuration (FLOP).
    public var flops: Double
    /// Expected quality of the chosen configuration (profile metric).
    public var quality: Double
    /// Compute rate f_k (FLOP/s).
    public var computeRateFlopsPerS: Double
    /// Downlink bandwidth b_k (Hz).
    public var bandwidthHz: Double
    /// Transmit power p_k (W).
    public var txPowerW: Double
    /// Transmission time t_k (s).
    public var txTimeS: Double
    /// End-to-end latency u_k + C_k/f_k + t_k (s).
    public var latencyS: Double
    /// C_k (e0 + κ f_k²) (J).
    public var computeEnergyJ: Double
    /// p_k t_k (J).
    public var txEnergyJ: Double

    public init(id: String, width: Double, steps: Int, flops: Double, quality: Double,
                computeRateFlopsPerS: Double, bandwidthHz: Double, txPowerW: Double, txTimeS: Double,
                latencyS: Double, computeEnergyJ: Double, txEnergyJ: Double) {
        self.id = id
        self.width = width
        self.steps = steps
        self.flops = flops
        self.quality = quality
        self.computeRateFlopsPerS = computeRateFlopsPerS
        self.bandwidthHz = bandwidthHz
        self.txPowerW = txPowerW
        self.txTimeS = txTimeS
        self.latencyS = latencyS
        self.computeEnergyJ = computeEnergyJ
        self.txEnergyJ = txEnergyJ
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, width, steps, flops, quality, computeRateFlopsPerS, bandwidthHz, txPowerW, txTimeS, latencyS,
             computeEnergyJ, txEnergyJ
    }

    /// Every contract field is required; keys of another writer's extensions are ignored, since a
    /// solution must verify on its own whoever wrote it (docs/formats.md; `flexgen check` warns about
    /// them, `Solution.unknownKeys(inJSON:)`). A typo of a field is still caught: the field is then missing.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        width = try c.decode(Double.self, forKey: .width)
        steps = try c.decode(Int.self, forKey: .steps)
        flops = try c.decode(Double.self, forKey: .flops)
        quality = try c.decode(Double.self, forKey: .quality)
        computeRateFlopsPerS = try c.decode(Double.self, forKey: .computeRateFlopsPerS)
        bandwidthHz = try c.decode(Double.self, forKey: .bandwidthHz)
        txPowerW = try c.decode(Double.self, forKey: .txPowerW)
        txTimeS = try c.decode(Double.self, forKey: .txTimeS)
        latencyS = try c.decode(Double.self, forKey: .latencyS)
        computeEnergyJ = try c.decode(Double.self, forKey: .computeEnergyJ)
        txEnergyJ = try c.decode(Double.self, forKey: .txEnergyJ)
    }

    /// The chosen configuration's key.
    public var configurationKey: Configuration.Key { Configuration.Key(width: width, steps: steps) }
}
