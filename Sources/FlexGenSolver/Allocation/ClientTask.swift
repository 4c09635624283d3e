import Foundation
import FlexGenModel

/// One client with a fixed configuration: the per-client constants the allocation needs (SI units).
///
/// Derived quantities used throughout the allocation (see `ClientOracle`):
/// - `windowS` W = T − u: the time left for computing and transmitting;
/// - `shannonEnergyJ` a = N0·D·ln2/g: the transmit energy in the infinite-band limit; at spectral
///   efficiency y (nats/s/Hz, y = D·ln2/(b·t)) the transmit energy is a·expm1(y)/y ≥ a;
/// - `minimumTxTimeS` t₀ = a/P_max: the least transmit time with unlimited band at full power
///   (the Shannon limit); the delivery then needs t > t₀, and at t the power cap reads
///   expm1(y)/y ≤ t/t₀;
/// - `minimumComputeTimeS` τ_min = C/f_max: the per-job compute-rate cap f ≤ f_max read as a
///   lower bound on the compute time (0 without a cap). See docs/model.md, "Per-job compute-rate cap".
public struct ClientTask: Sendable, Hashable {
    /// Client id, carried into diagnostics.
    public var id: String
    /// Work C of the configuration (FLOP).
    public var flops: Double
    /// W = T − u (s).
    public var windowS: Double
    /// u (s), kept so that diagnostics can state latencies (u + τ + t).
    public var uplinkDelayS: Double
    /// Image size D (bits).
    public var imageBits: Double
    /// Linear channel power gain g.
    public var channelGain: Double
    /// N0 (W/Hz).
    public var noisePsdWPerHz: Double
    /// P_max (W).
    public var maxTxPowerW: Double
    /// e0 (J/FLOP).
    public var energyPerFlopJ: Double
    /// κ (J·s²/FLOP³).
    public var dvfsCoefficient: Double
    /// f_max (FLOP/s): the most compute rate this one job may get (the server's
    /// `maxJobComputeRateFlopsPerS`); +∞ without a cap.
    public var maxComputeRateFlopsPerS: Double

    public init(id: String, flops: Double, windowS: Double, imageBits: Double, channelGain: Double,
                noisePsdWPerHz: Double, maxTxPowerW: Double, energyPerFlopJ: Double, dvfsCoefficient: Double, uplinkDelayS: Double = 0,
                maxComputeRateFlopsPerS: Double = .infinity) {
        self.id = id
        self.maxComputeRateFlopsPerS = maxComputeRateFlopsPerS
        self.uplinkDelayS = uplinkDelayS
        self.flops = flops
        self.windowS = windowS
        self.imageBits = imageBits
        self.channelGain = channelGain
        self.noisePsdWPerHz = noisePsdWPerHz
        self.maxTxPowerW = maxTxPowerW
        self.energyPerFlopJ = energyPerFlopJ
        self.dvfsCoefficient = dvfsCoefficient
    }

    /// The task of `client` running `configuration` on `server`.
    public init(client: Client, configuration: Configuration, server: Server) {
        self.init(id: client.id, flops: configuration.flops, windowS: client.serviceWindowS,
                  imageBits: client.imageBits, channelGain: client.channelGain.linear,
                  noisePsdWPerHz: server.noisePsdWPerHz, maxTxPowerW: server.maxTxPowerW,
                  energyPerFlopJ: server.energyPerFlopJ, dvfsCoefficient: server.dvfsCoefficient,
                  uplinkDelayS: client.uplinkDelayS,
                  maxComputeRateFlopsPerS: server.maxJobComputeRateFlopsPerS ?? .infinity)
    }

    /// a = N0·D·ln2/g (J): transmit energy = a·expm1(y)/y at spectral efficiency y = ln2·D/(b·t).
    @inlinable public var shannonEnergyJ: Double { noisePsdWPerHz * imageBits * 0.6931471805599453 / channelGain }

    /// t₀ = a/P_max (s): transmit time needed with unlimited band at full power.
    @inlinable public var minimumTxTimeS: Double { shannonEnergyJ / maxTxPowerW }

    /// τ_min = C/f_max (s): the least compute time the per-job cap allows; 0 without a cap.
    @inlinable public var minimumComputeTimeS: Double { flops / maxComputeRateFlopsPerS }

    /// Whether the per-job cap is finite (the task's compute time has the lower bound τ_min > 0).
    @inlinable public var hasComputeRateCap: Bool { maxComputeRateFlopsPerS < .infinity }

    /// The least service time (compute + transmit, without u) this client reaches with the whole
    /// server to itself: compute at min(F, f_max), the whole band B at full power P_max,
    ///     C/min(F, f_max) + D/(B·log2(1 + P_max·g/(N0·B))).
    /// Both terms are each at their least (the transmit time falls as b grows), so this is the
    /// exact minimum latency − u over every allocation the budgets and the cap allow.
    /// `computeRate` is the server's F, `bandwidth` its B.
    public func minimumServiceTimeS(computeRate: Double, bandwidth: Double) -> Double {
        EnergyModel.minimumServiceTime(flops: flops, computeRate: min(computeRate, maxComputeRateFlopsPerS),
                                       imageBits: imageBits, bandwidthHz: bandwidth, maxTxPowerW: maxTxPowerW,
                                       gain: channelGain, noisePsd: noisePsdWPerHz)
    }

    /// Whether this client can meet its deadline alone, with the whole server to itself (compute
    /// rate F, capped at the per-job f_max, the whole band B, full power): the per-client
    /// feasibility test every solver, diagnosis and admission decision uses (the contract's
    /// "cannot meet its deadline even with the whole server", reason `deadline` under admission).
    ///
    /// True iff `minimumServiceTimeS(computeRate:bandwidth:)` < W = T − u. Strict: at equality
    /// the only allocation is the whole server at the bound, which leaves no interior for the
    /// allocation's strict budget margin (and is a set of measure zero for real inputs).
    public func canMeetDeadlineAlone(computeRate: Double, bandwidth: Double) -> Bool {
        minimumServiceTimeS(computeRate: computeRate, bandwidth: bandwidth) < windowS
    }
}
