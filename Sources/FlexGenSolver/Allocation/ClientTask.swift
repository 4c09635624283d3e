import FlexGenModel

/// One client with a fixed configuration: the per-client constants the allocation needs (SI units).
///
/// Derived quantities used throughout the allocation (see `ClientOracle`):
/// - `windowS` W = T − u: the time left for computing and transmitting;
/// - `shannonEnergyJ` a = N0·D·ln2/g: the transmit energy in the infinite-band limit; at spectral
///   efficiency y (nats/s/Hz, y = D·ln2/(b·t)) the transmit energy is a·expm1(y)/y ≥ a;
/// - `minimumTxTimeS` t₀ = a/P_max: the least transmit time with unlimited band at full power
///   (the Shannon limit); the delivery then needs t > t₀, and at t the power cap reads
///   expm1(y)/y ≤ t/t₀.
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

    public init(id: String, flops: Double, windowS: Double, imageBits: Double, channelGain: Double,
                noisePsdWPerHz: Double, maxTxPowerW: Double, energyPerFlopJ: Double, dvfsCoefficient: Double, uplinkDelayS: Double = 0) {
        self.id = id
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
                  uplinkDelayS: client.uplinkDelayS)
    }

    /// a = N0·D·ln2/g (J): transmit energy = a·expm1(y)/y at spectral efficiency y = ln2·D/(b·t).
    @inlinable public var shannonEnergyJ: Double { noisePsdWPerHz * imageBits * 0.6931471805599453 / channelGain }

    /// t₀ = a/P_max (s): transmit time needed with unlimited band at full power.
    @inlinable public var minimumTxTimeS: Double { shannonEnergyJ / maxTxPowerW }

    /// The least latency reachable with compute rate `computeRate` and band `bandwidth` at P_max:
    /// C/F + D/(B·log2(1 + P_max·g/(N0·B))), without u (compare it with W; add u for a latency).
    public func minimumServiceTimeS(computeRate: Double, bandwidth: Double) -> Double {
        EnergyModel.minimumServiceTime(flops: flops, computeRate: computeRate, imageBits: imageBits,
                                       bandwidthHz: bandwidth, maxTxPowerW: maxTxPowerW, gain: channelGain,
                                       noisePsd: noisePsdWPerHz)
    }
}

import Foundation
