import Foundation

/// xoshiro256** (Blackman & Vigna, 2018): FlexGen's only source of randomness (generated instances,
/// training, sampling), so that all of them are reproducible bit for bit under a seed on every platform (the system generator
/// is neither seedable nor stable across platforms).
///
/// The 256-bit state is filled from the 64-bit seed with SplitMix64, as the authors recommend;
/// `derived(stream:)` gives independent per-item streams (used for per-image sampling noise so
/// that image *i* does not depend on how many images are generated alongside it).
public struct Xoshiro256: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    /// A second standard normal left over from the last Box–Muller pair.
    private var spareNormal: Float?

    public init(seed: UInt64) {
        var sm = SplitMix64(state: seed)
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
        // SplitMix64 never yields four zero words from one seed, but be explicit: all-zero is the
        // generator's only fixed point.
        if s0 | s1 | s2 | s3 == 0 { s0 = 0x9E37_79B9_7F4A_7C15 }
    }

    /// A generator for stream `stream` of this seed: seed and stream mixed through SplitMix64.
    public static func derived(seed: UInt64, stream: UInt64) -> Xoshiro256 {
        var sm = SplitMix64(state: seed ^ 0xD1B5_4A32_D192_ED03)
        let a = sm.next()
        var sm2 = SplitMix64(state: a &+ stream &* 0x9E37_79B9_7F4A_7C15)
        return Xoshiro256(seed: sm2.next())
    }

    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform integer in 0..<bound (bound > 0), unbiased (Lemire's method via the standard library).
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound")
        return Int.random(in: 0..<bound, using: &self)
    }

    /// Standard normal N(0, 1) by the Box–Muller transform in double precision (u1 is drawn from
    /// (0, 1] so the logarithm is finite); both variates of a pair are used.
    public mutating func nextNormal() -> Float {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        let u1 = 1.0 - nextUniform()          // (0, 1]
        let u2 = nextUniform()
        let radius = (-2.0 * Foundation.log(u1)).squareRoot()
        let angle = 2.0 * Double.pi * u2
        spareNormal = Float(radius * Foundation.sin(angle))
        return Float(radius * Foundation.cos(angle))
    }

    /// Uniform on [a, b): `a + (b − a)·U` with U from `nextUniform()`.
    public mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * nextUniform() }

    /// A standard normal deviate in double precision by Box–Muller (the cosine branch only, so
    /// every call consumes exactly two uniforms: instance generators rely on that fixed stride).
    public mutating func standardNormal() -> Double {
        let u1 = 1 - nextUniform()  // (0, 1]: log stays finite
        let u2 = nextUniform()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }

    /// An index drawn with probability proportional to `weights` (non-negative, not all zero).
    public mutating func index(weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var u = nextUniform() * total
        for (i, w) in weights.enumerated() {
            if u < w { return i }
            u -= w
        }
        return weights.count - 1
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

/// SplitMix64 (Steele, Lea, Flood 2014): seeds xoshiro's state.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
