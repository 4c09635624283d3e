/// SiLU(z) = z·σ(z) = z / (1 + e^{−z}) with an exponential the compiler can vectorise: the
/// U-Net applies it to every activation after every GroupNorm (about 150 000 values per image
/// and pass at width 1), where a libm `expf` call per value cost a quarter of the pass
/// (docs/fashion.md, "Swift inference").
enum FastSiLU {
    /// e^x for x clamped to [−87, 88] (so e^x is a normal, finite Float: e^{−87} ≈ 1.6e−38,
    /// e^{88} ≈ 1.65e38). Cody–Waite reduction x = k·ln2 + r, |r| ≤ ln2/2, with k rounded by the
    /// 1.5·2²³ trick (no rounding call, so the loop vectorises), ln2 split in a high part exact in
    /// Float and a low part; e^r by Cephes' degree-6 polynomial (relative error ≤ 2e−7 on the
    /// interval); 2^k from the exponent bits. Result within a few ulp of e^x (≤ 5e−7 relative),
    /// far inside the 1e−4 parity tolerance against PyTorch.
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        let clamped = min(max(x, -87), 88)
        let magic: Float = 12_582_912   // 1.5·2²³: adding it rounds to an integer in the low mantissa bits
        let shifted = clamped * 1.442_695_04 + magic
        let k = shifted - magic
        let r = (clamped - k * 0.693_359_375) + k * 2.121_944_4e-4
        var p: Float = 1.987_569_15e-4
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        let er = p * (r * r) + r + 1
        // k is an integer in [−126, 127] held in the low bits of `shifted`'s mantissa.
        let exponent = Int32(bitPattern: shifted.bitPattern &- magic.bitPattern)
        let scale = Float(bitPattern: UInt32(bitPattern: (exponent &+ 127) << 23))
        return er * scale
    }

    /// z·σ(z); for z ≤ −88 the clamped exponential makes it −0-ish (|z|·e^{−88}), as the exact value is.
    @inline(__always)
    static func silu(_ z: Float) -> Float { z / (1 + exp(-z)) }
}
