import Foundation

/// exp and the logistic function on 8 Float lanes, so the SiLU of a 256-wide layer vectorises
/// (`Foundation.exp` is a scalar libm call per element: about a quarter of sampling time).
///
/// Method: clamp x to [−87.3, 88] (n ≤ 127) (exp stays finite and normal), n = round(x·log₂e) by the
/// 1.5·2²³ magic-number trick (lane-wise, no int conversion),
/// r = x − n·ln2 with ln2 split in a high part exact in Float and a low correction (Cody–Waite),
/// so |r| ≤ ln2/2; e^r by its degree-7 Taylor polynomial (truncation < 3.3e-9 relative on that
/// interval); 2ⁿ assembled in the exponent field. Relative error ≤ 4e-7 over the clamped range
/// (a few ulp; checked against `Foundation.exp` in DenoiserTests). NaN propagates; ±∞ clamp to the
/// range ends (e^−87.3 ≈ 1.2e-38, e^88 ≈ 1.65e38), so the logistic of ±∞ is exactly 1 / ≈ 0.
enum VectorExp {
    typealias V = SIMD8<Float>

    @inline(__always)
    static func exp(_ x: V) -> V {
        let clamped = pointwiseMin(pointwiseMax(x, V(repeating: -87.3)), V(repeating: 88.0))
        // Round x·log₂e to an integer by adding 1.5·2²³ (the sum's low mantissa bits are n).
        let magic: Float = 12_582_912
        let shifted = clamped * 1.442_695_04 + magic
        let n = shifted - magic
        // ln2 = 0.693359375 (exact in 10 bits) − 2.12194440e-4
        var r = clamped - n * 0.693_359_375
        r = r + n * 2.121_944_40e-4
        var p = V(repeating: 1.0 / 5040)
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        // 2ⁿ: (bits(shifted) − bits(magic) + 127) << 23, wrapping integer lane arithmetic.
        let bits = unsafeBitCast(shifted, to: SIMD8<UInt32>.self)
        let scale = unsafeBitCast((bits &- 0x4B40_0000 &+ 127) &<< 23, to: V.self)
        let result = p * scale
        // min/max drop NaN; give it back.
        return result.replacing(with: x, where: x .!= x)
    }

    /// σ(x) = 1 / (1 + e^(−x)) on 8 lanes.
    @inline(__always)
    static func logistic(_ x: V) -> V { 1 / (1 + exp(-x)) }

    /// exp of one value by the same operations in the same order as one lane of the vector path
    /// (IEEE arithmetic is lane-wise identical and nothing is fused), so scalar and vector results
    /// agree bit for bit — checked in DenoiserTests.
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        guard !x.isNaN else { return x }
        let clamped = Swift.min(Swift.max(x, -87.3), 88.0)
        let magic: Float = 12_582_912
        let shifted = clamped * 1.442_695_04 + magic
        let n = shifted - magic
        var r = clamped - n * 0.693_359_375
        r = r + n * 2.121_944_40e-4
        var p: Float = 1.0 / 5040
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let scale = Float(bitPattern: (shifted.bitPattern &- 0x4B40_0000 &+ 127) &<< 23)
        return p * scale
    }

    /// σ(x) for one value (same bits as a lane of the vector version).
    @inline(__always)
    static func logistic(_ x: Float) -> Float { 1 / (1 + exp(-x)) }

    /// Whether the SiLU loops take the 8-lane path. Off in debug builds, where the generic SIMD
    /// operations are not specialised and run far slower than scalar code (the results are the
    /// same bits either way).
    #if DEBUG
    static let vectorised = false
    #else
    static let vectorised = true
    #endif
}
