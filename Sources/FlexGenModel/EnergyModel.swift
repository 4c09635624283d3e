import Foundation  // log1p, expm1

/// The contract's formulas, written once (MODEL.md §1, docs/model.md). Every function is pure,
/// takes SI units and is exact up to floating-point rounding; solvers and `Evaluation` both
/// call these rather than re-deriving them.
///
/// Edge cases follow IEEE arithmetic on purpose: a zero rate gives an infinite compute time,
/// a NaN input gives NaN. Callers that must never show NaN (the CLI) check `isFinite`.
public enum EnergyModel {
    /// Compute energy E^c = C · (e0 + κ f²) (J) of `flops` C run at `rate` f (FLOP/s)
    /// on a server with energy per FLOP e0 and DVFS coefficient κ.
    ///
    /// Postcondition: ≥ 0 for C ≥ 0, finite f; increasing in |f|.
    @inlinable
    public static func computeEnergy(flops: Double, rate: Double, energyPerFlop: Double, dvfsCoefficient: Double) -> Double {
        flops * (energyPerFlop + dvfsCoefficient * rate * rate)
    }

    /// `computeEnergy` with the server's coefficients.
    @inlinable
    public static func computeEnergy(flops: Double, rate: Double, server: Server) -> Double {
        computeEnergy(flops: flops, rate: rate, energyPerFlop: server.energyPerFlopJ,
                      dvfsCoefficient: server.dvfsCoefficient)
    }

    /// Compute time τ = C / f (s). Infinite for f = 0.
    @inlinable
    public static func computeTime(flops: Double, rate: Double) -> Double { flops / rate }

    /// Transmit energy E^t = p · t (J).
    @inlinable
    public static func txEnergy(txPowerW: Double, txTimeS: Double) -> Double { txPowerW * txTimeS }

    /// End-to-end latency u + C/f + t (s).
    @inlinable
    public static func latency(uplinkDelayS: Double, flops: Double, rate: Double, txTimeS: Double) -> Double {
        uplinkDelayS + flops / rate + txTimeS
    }

    /// Bits delivered in time t over bandwidth b at power p and linear gain g with noise PSD N0:
    /// t · b · log2(1 + p g / (N0 b)).
    ///
    /// Computed with `log1p` so that a low SNR (p g ≪ N0 b) keeps full relative accuracy.
    /// Edge cases: p = 0 gives 0 bits; b → 0 gives 0 bits (the limit); b = 0 exactly returns 0.
    @inlinable
    public static func deliveredBits(bandwidthHz b: Double, txTimeS t: Double, txPowerW p: Double,
                                     gain g: Double, noisePsd n0: Double) -> Double {
        if b == 0 { return 0 }
        return t * b * log1p(p * g / (n0 * b)) / 0.693_147_180_559_945_3
    }

    /// The least transmit power that delivers `bits` D in time t over bandwidth b:
    /// p = (N0 b / g) · (2^{D/(b t)} − 1), computed with `expm1` for small D/(b t).
    /// Infinite when the exponent overflows (the bits do not fit).
    @inlinable
    public static func requiredTxPower(bits: Double, bandwidthHz b: Double, txTimeS t: Double,
                                       gain g: Double, noisePsd n0: Double) -> Double {
        n0 * b / g * expm1(0.693_147_180_559_945_3 * bits / (b * t))
    }

    /// The transmit energy of sending `bits` in (b, t) at exactly the required power:
    /// (N0 b t / g)(2^{D/(b t)} − 1), jointly convex in (b, t).
    @inlinable
    public static func requiredTxEnergy(bits: Double, bandwidthHz b: Double, txTimeS t: Double,
                                        gain g: Double, noisePsd n0: Double) -> Double {
        requiredTxPower(bits: bits, bandwidthHz: b, txTimeS: t, gain: g, noisePsd: n0) * t
    }

    /// The least service time (compute + transmit, without the uplink delay u) a client can reach
    /// alone: compute at `computeRate` f and transmit over the whole band B at full power P_max,
    /// C/f + D/(B·log2(1 + P_max·g/(N0·B))) (s). Compare it with the window T − u.
    ///
    /// The SNR is formed as (P/N0)·(g/B) rather than P·g/(N0·B): each ratio pairs quantities of
    /// similar scale, so tiny inputs (subnormal N0 and B) do not underflow to 0/0.
    /// Edge cases: infinite when the rate or the SNR is 0.
    @inlinable
    public static func minimumServiceTime(flops: Double, computeRate: Double, imageBits: Double, bandwidthHz: Double,
                                          maxTxPowerW: Double, gain: Double, noisePsd: Double) -> Double {
        let snr = (maxTxPowerW / noisePsd) * (gain / bandwidthHz)
        let rate = bandwidthHz * log1p(snr) / 0.693_147_180_559_945_3
        return flops / computeRate + imageBits / rate
    }
}
