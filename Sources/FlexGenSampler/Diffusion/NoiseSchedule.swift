import Foundation

/// The DDPM forward process: βₜ linear from `betaStart` to `betaEnd` over t = 0…T−1 (Ho et al.
/// 2020: 1e-4 → 0.02, T = 1000), ᾱₜ = Πₛ≤ₜ (1 − βₛ), computed in double precision.
/// x_t = √ᾱₜ·x₀ + √(1−ᾱₜ)·ε.
public struct NoiseSchedule: Sendable, Equatable {
    public let timesteps: Int
    public let betaStart: Double
    public let betaEnd: Double
    /// ᾱₜ for t = 0…T−1, strictly decreasing in (0, 1).
    public let alphaBar: [Double]

    public static let standard = NoiseSchedule(timesteps: 1000, betaStart: 1e-4, betaEnd: 0.02)

    /// Preconditions (checked): T ≥ 1, 0 < betaStart ≤ betaEnd < 1.
    public init(timesteps: Int, betaStart: Double, betaEnd: Double) {
        precondition(timesteps >= 1 && betaStart > 0 && betaStart <= betaEnd && betaEnd < 1,
                     "NoiseSchedule: need T ≥ 1 and 0 < β_start ≤ β_end < 1")
        self.timesteps = timesteps
        self.betaStart = betaStart
        self.betaEnd = betaEnd
        var product = 1.0
        var values: [Double] = []
        values.reserveCapacity(timesteps)
        for t in 0..<timesteps {
            let beta = timesteps == 1 ? betaStart : betaStart + (betaEnd - betaStart) * Double(t) / Double(timesteps - 1)
            product *= 1 - beta
            values.append(product)
        }
        alphaBar = values
    }

    /// The DDIM sub-sequence for `steps` steps, in sampling order (descending): τᵢ = ⌊(i+1)·T/s⌋ − 1
    /// for i = s−1 … 0, so it always starts at T − 1 (pure noise) and is evenly spaced.
    /// Precondition: 1 ≤ steps ≤ T.
    public func ddimTimesteps(steps: Int) -> [Int] {
        precondition(steps >= 1 && steps <= timesteps, "steps must be in 1…\(timesteps), got \(steps)")
        return (0..<steps).reversed().map { (($0 + 1) * timesteps) / steps - 1 }
    }
}
