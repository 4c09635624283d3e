import FlexGenLinearAlgebra

/// The Fréchet (2-Wasserstein) distance between the Gaussians N(μ1, Σ1) and N(μ2, Σ2):
///
///     FD = ‖μ1 − μ2‖² + tr(Σ1 + Σ2 − 2 (Σ1^{1/2} Σ2 Σ1^{1/2})^{1/2})
///
/// — the quantity FID reports, here in the feature space of `DigitsClassifier`.
///
/// Computation: S = Σ1^{1/2} by the symmetric eigendecomposition (dsyevd), M = S Σ2 S
/// (symmetric PSD up to rounding, symmetrised), and tr(M^{1/2}) = Σ √λ_i(M) from a second
/// symmetric eigendecomposition. This avoids the non-symmetric `sqrtm(Σ1 Σ2)` of common FID
/// code, whose Schur iteration returns complex parts and needs an ad-hoc diagonal offset for
/// singular covariances. Tiny negative eigenvalues from rounding are clamped to 0 (see
/// `Matrix.psdSquareRoot`).
///
/// Postconditions: FD ≥ 0 (a result in [−tolerance, 0), which only rounding can produce, is
/// returned as 0; tolerance = 1e-9·(tr Σ1 + tr Σ2 + 1)); FD(a, a) = 0 up to that rounding;
/// FD(a, b) = FD(b, a) up to O(ε·tr Σ). Dimensions must agree.
public enum FrechetDistance {
    public static func between(_ a: GaussianMoments, _ b: GaussianMoments) throws(QualityError) -> Double {
        guard a.dimension == b.dimension, a.dimension > 0 else {
            throw .dimensionMismatch("feature dimensions \(a.dimension) and \(b.dimension)")
        }
        var meanTerm = 0.0
        for (x, y) in zip(a.mean, b.mean) { meanTerm += (x - y) * (x - y) }
        let traceA = a.covariance.trace, traceB = b.covariance.trace
        let crossTrace: Double
        do {
            let rootA = try a.covariance.psdSquareRoot()
            let middle = (rootA * b.covariance * rootA).symmetrized
            crossTrace = try middle.psdTraceOfSquareRoot()
        } catch {
            throw .linearAlgebra(error)
        }
        let distance = meanTerm + traceA + traceB - 2 * crossTrace
        let tolerance = 1e-9 * (traceA + traceB + 1)
        guard distance.isFinite, distance >= -tolerance else {
            throw .numerical("Fréchet distance came out as \(distance)")
        }
        return max(0, distance)
    }

    /// FD between two sets of feature vectors.
    public static func between<R1: Collection, R2: Collection>(samples a: [R1], _ b: [R2]) throws(QualityError) -> Double
    where R1.Element: BinaryFloatingPoint, R2.Element: BinaryFloatingPoint {
        try between(GaussianMoments(samples: a), GaussianMoments(samples: b))
    }
}

/// Failures of quality measurement.
public enum QualityError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooFewSamples(Int)
    case dimensionMismatch(String)
    case nonFiniteFeatures
    case linearAlgebra(LinearAlgebraError)
    case numerical(String)

    public var description: String {
        switch self {
        case .tooFewSamples(let n): "quality: need at least 2 samples for a covariance, got \(n)"
        case .dimensionMismatch(let message): "quality: \(message)"
        case .nonFiniteFeatures: "quality: features contain NaN or infinity"
        case .linearAlgebra(let error): "quality: \(error)"
        case .numerical(let message): "quality: \(message)"
        }
    }
}
