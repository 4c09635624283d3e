import FlexGenLinearAlgebra

/// The first two moments of a set of feature vectors, in double precision: what the Fréchet
/// distance compares.
///
/// Contract: `mean` = (1/n) Σ x_i; `covariance` = (1/(n−1)) Σ (x_i − μ)(x_i − μ)ᵀ (unbiased, as
/// FID implementations use), formed as XcᵀXc by dgemm on the centred data (two-pass: subtracting
/// the mean first avoids the cancellation of the one-pass E[xxᵀ] − μμᵀ formula). n ≥ 2 is
/// required (a single sample has no covariance); non-finite features are rejected.
public struct GaussianMoments: Sendable, Hashable {
    public let mean: [Double]
    public let covariance: Matrix
    public let count: Int

    public var dimension: Int { mean.count }

    /// Moments given directly (for closed-form checks). `covariance` must be d×d and symmetric.
    public init(mean: [Double], covariance: Matrix, count: Int = 0) throws(QualityError) {
        guard covariance.rows == mean.count, covariance.columns == mean.count else {
            throw .dimensionMismatch("covariance is \(covariance.rows)×\(covariance.columns) for a mean of dimension \(mean.count)")
        }
        guard mean.allSatisfy(\.isFinite), covariance.isFinite else { throw .nonFiniteFeatures }
        self.mean = mean
        self.covariance = covariance
        self.count = count
    }

    /// Moments of `samples` (each of the same dimension).
    public init<Row: Collection>(samples: [Row]) throws(QualityError) where Row.Element: BinaryFloatingPoint {
        let n = samples.count
        guard n >= 2 else { throw .tooFewSamples(n) }
        let d = samples[0].count
        guard d > 0, samples.allSatisfy({ $0.count == d }) else {
            throw .dimensionMismatch("feature vectors of different lengths")
        }
        var centred = [Double](repeating: 0, count: n * d)
        var mean = [Double](repeating: 0, count: d)
        for (i, row) in samples.enumerated() {
            for (j, value) in row.enumerated() {
                let v = Double(value)
                guard v.isFinite else { throw .nonFiniteFeatures }
                centred[i * d + j] = v
                mean[j] += v
            }
        }
        for j in 0..<d { mean[j] /= Double(n) }
        for i in 0..<n { for j in 0..<d { centred[i * d + j] -= mean[j] } }
        let scatter = BLAS.matmul(centred, rows: n, cols: d, transposeA: true, centred, bRows: n, bCols: d)
        self.mean = mean
        self.covariance = Matrix(rows: d, columns: d, elements: scatter.map { $0 / Double(n - 1) }).symmetrized
        self.count = n
    }
}
