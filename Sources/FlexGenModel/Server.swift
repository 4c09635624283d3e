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
    /// Per-job compute-rate cap f_max (FLOP/s), optional: every client's rate obeys f_k ≤ f_max,
    /// because one image runs on at most one accelerator (or one group of them). nil: no cap.
    /// See docs/model.md, "Per-job compute-rate cap".
    public var maxJobComputeRateFlopsPerS: Double?

    public init(bandwidthHz: Double, noisePsdWPerHz: Double, maxTxPowerW: Double,
                computeRateFlopsPerS: Double, energyPerFlopJ: Double, dvfsCoefficient: Double,
                maxJobComputeRateFlopsPerS: Double? = nil) {
        self.bandwidthHz = bandwidthHz
        self.noisePsdWPerHz = noisePsdWPerHz
        self.maxTxPowerW = maxTxPowerW
        self.computeRateFlopsPerS = computeRateFlopsPerS
        self.energyPerFlopJ = energyPerFlopJ
        self.dvfsCoefficient = dvfsCoefficient
        self.maxJobComputeRateFlopsPerS = maxJobComputeRateFlopsPerS
    }

    /// The most compute rate one client can get: min(F, f_max) (F without a cap).
    @inlinable
    public var maxComputeRatePerJobFlopsPerS: Double {
        min(computeRateFlopsPerS, maxJobComputeRateFlopsPerS ?? .infinity)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case bandwidthHz, noisePsdWPerHz, maxTxPowerW, computeRateFlopsPerS, energyPerFlopJ, dvfsCoefficient
        case maxJobComputeRateFlopsPerS
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
        maxJobComputeRateFlopsPerS = try c.decodeUnlessAbsent(Double.self, forKey: .maxJobComputeRateFlopsPerS)
    }
}
