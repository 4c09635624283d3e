/// One client's best response to the prices (μ, λ): the minimiser of its Lagrangian term
/// C(e0 + κf²) + μf + p·t + λb with latency and delivery tight, p ≤ P_max and f ≤ f_max.
///
/// When a price is zero the resource it prices may be wanted without limit: then the response is
/// the infimum, approached as that resource grows: `bandwidthHz` or `computeRateFlopsPerS` is +∞,
/// `value` is the finite infimum (still a valid term of a Lagrangian lower bound), and the
/// sensitivities are not meaningful (NaN).
public struct ClientResponse: Sendable, Hashable {
    /// The minimal Lagrangian term (J): computeEnergyJ + txEnergyJ + μ·f + λ·b.
    public var value: Double
    /// f (FLOP/s).
    public var computeRateFlopsPerS: Double
    /// b (Hz).
    public var bandwidthHz: Double
    /// p (W), from the delivery constraint held with equality.
    public var txPowerW: Double
    /// t = W − τ (s).
    public var txTimeS: Double
    /// τ = C/f (s).
    public var computeTimeS: Double
    /// C(e0 + κf²) (J).
    public var computeEnergyJ: Double
    /// p·t (J).
    public var txEnergyJ: Double
    /// Spectral efficiency y = ln2·D/(b·t) (nats/s/Hz); 0 when b = +∞.
    public var spectralEfficiency: Double
    /// Whether p = P_max holds at the optimum (the bandwidth sits on its lower bound b_min(t)).
    public var powerCapActive: Bool
    /// Whether f = f_max at the optimum: the per-job cap binds (the compute time sits on its lower
    /// bound τ_min = C/f_max). Then ∂f/∂μ = ∂f/∂λ = ∂b/∂μ = 0 (the rate is pinned).
    public var computeRateCapActive: Bool
    /// The KKT multiplier ρ ≥ 0 of f ≤ f_max (J per FLOP/s, the unit of μ): what one more FLOP/s
    /// of cap would save this client; 0 when the cap is slack or absent. ρ = (τ²/C)·J'(τ_min).
    public var computeRateCapPrice: Double
    /// ∂f/∂μ, ∂f/∂λ, ∂b/∂μ, ∂b/∂λ by implicit differentiation of the optimality condition
    /// (∂f/∂λ = ∂b/∂μ: this 2×2 matrix is minus the inverse Hessian of the client's energy, the
    /// client's block of the dual Hessian).
    public var dComputeRateDComputePrice: Double
    public var dComputeRateDBandwidthPrice: Double
    public var dBandwidthDComputePrice: Double
    public var dBandwidthDBandwidthPrice: Double
    /// Relative residual of the split condition |J'(τ)|·τ / (sum of the magnitudes of its terms).
    public var stationarityResidual: Double
    /// Inner (split) iterations spent.
    public var iterations: Int
    /// False when the deadline cannot be met at any rate and band (W ≤ t₀): then value = +∞.
    public var isFeasible: Bool

    public init(value: Double, computeRateFlopsPerS: Double, bandwidthHz: Double, txPowerW: Double,
                txTimeS: Double, computeTimeS: Double, computeEnergyJ: Double, txEnergyJ: Double,
                spectralEfficiency: Double, powerCapActive: Bool,
                dComputeRateDComputePrice: Double, dComputeRateDBandwidthPrice: Double,
                dBandwidthDComputePrice: Double, dBandwidthDBandwidthPrice: Double,
                stationarityResidual: Double, iterations: Int, isFeasible: Bool,
                computeRateCapActive: Bool = false, computeRateCapPrice: Double = 0) {
        self.computeRateCapActive = computeRateCapActive
        self.computeRateCapPrice = computeRateCapPrice
        self.value = value
        self.computeRateFlopsPerS = computeRateFlopsPerS
        self.bandwidthHz = bandwidthHz
        self.txPowerW = txPowerW
        self.txTimeS = txTimeS
        self.computeTimeS = computeTimeS
        self.computeEnergyJ = computeEnergyJ
        self.txEnergyJ = txEnergyJ
        self.spectralEfficiency = spectralEfficiency
        self.powerCapActive = powerCapActive
        self.dComputeRateDComputePrice = dComputeRateDComputePrice
        self.dComputeRateDBandwidthPrice = dComputeRateDBandwidthPrice
        self.dBandwidthDComputePrice = dBandwidthDComputePrice
        self.dBandwidthDBandwidthPrice = dBandwidthDBandwidthPrice
        self.stationarityResidual = stationarityResidual
        self.iterations = iterations
        self.isFeasible = isFeasible
    }

    /// Total energy of this client's allocation (J).
    public var energyJ: Double { computeEnergyJ + txEnergyJ }
}
