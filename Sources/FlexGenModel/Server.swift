/// The edge server's shared budgets and energy coefficients (SI units).
public struct Server: Codable, Sendable, Hashable {
    /// Downlink band B shared by all clients (Hz).
    public var bandwidthHz: Double
    /// Noise power spectral density N0 (W/Hz).
    public var noisePsdWPerHz: Double
    /// Per-client transmit power cap P_max (W).
    public var maxTxPowerW: Double
    /// Total compute rate F shared by all clients (FLOP/s).
    public var computeRateFlopsPerS: Double
    /// Frequency-independent energy per FLOP e0 (J/FLOP), ≥ 0.
    public var energyPerFlopJ: Double
    /// DVFS coefficient κ (J·s²/FLOP³), ≥ 0: running at rate f costs κ f² per FLOP on top of e0.
    public var dvfsCoefficient: Double

    public init(bandwidthHz: Double, noisePsdWPerHz: Double, maxTxPowerW: Double,
                computeRateFlopsPerS: Double, energyPerFlopJ: Double, dvfsCoefficient: Double) {
        self.bandwidthHz = bandwidthHz
        self.noisePsdWPerHz = noisePsdWPerHz
        self.maxTxPowerW = maxTxPowerW
        self.computeRateFlopsPerS = computeRateFlopsPerS
        self.energyPerFlopJ = energyPerFlopJ
        self.dvfsCoefficient = dvfsCoefficient
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case bandwidthHz, noisePsdWPerHz, maxTxPowerW, computeRateFlopsPerS, energyPerFlopJ, dvfsCoefficient
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        bandwidthHz = try c.decode(Double.self, forKey: .bandwidthHz)
        noisePsdWPerHz = try c.decode(Double.self, forKey: .noisePsdWPerHz)
        maxTxPowerW = try c.decode(Double.self, forKey: .maxTxPowerW)
        computeRateFlopsPerS = try c.decode(Double.self, forKey: .computeRateFlopsPerS)
        energyPerFlopJ = try c.decode(Double.self, forKey: .energyPerFlopJ)
        dvfsCoefficient = try c.decode(Double.self, forKey: .dvfsCoefficient)
    }
}
