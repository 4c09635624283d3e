import Foundation
import Testing
import FlexGenLinearAlgebra
@testable import FlexGenSampler
import FlexGenNumerics

@Suite struct FrechetDistanceTests {
    @Test func diagonalCaseByHand() throws {
        // μ1 = 0, Σ1 = diag(1, 4, 9); μ2 = (1, 2, 0), Σ2 = diag(4, 1, 9).
        // Commuting covariances: FD = ‖δ‖² + Σ (σ1ᵢ − σ2ᵢ)² = 5 + (1−2)² + (2−1)² + (3−3)² = 7.
        let a = try GaussianMoments(mean: [0, 0, 0], covariance: .diagonal([1, 4, 9]))
        let b = try GaussianMoments(mean: [1, 2, 0], covariance: .diagonal([4, 1, 9]))
        #expect(abs(try FrechetDistance.between(a, b) - 7) < 1e-12)
    }

    @Test func shiftedMeanAndScaledCovariance() throws {
        // Σ2 = k²Σ1 (Σ1 full, not diagonal): FD = ‖δ‖² + (1 − k)² tr Σ1.
        let sigma = Matrix([[2, 0.5, 0.1], [0.5, 1, -0.3], [0.1, -0.3, 0.7]])
        let k = 1.7
        let a = try GaussianMoments(mean: [1, -1, 0.5], covariance: sigma)
        let b = try GaussianMoments(mean: [1.5, -1, -0.5], covariance: Matrix(rows: 3, columns: 3, elements: sigma.elements.map { $0 * k * k }))
        let expected = (0.25 + 0 + 1) + (1 - k) * (1 - k) * sigma.trace
        #expect(abs(try FrechetDistance.between(a, b) - expected) < 1e-12)
    }

    @Test func nonCommutingTwoByTwoClosedForm() throws {
        // For 2×2 PSD M, tr √M = √(tr M + 2√det M); with M = Σ1^{1/2} Σ2 Σ1^{1/2}:
        // tr M = tr(Σ1Σ2), det M = det Σ1 · det Σ2. So FD = tr Σ1 + tr Σ2 − 2√(tr(Σ1Σ2) + 2√(det Σ1 det Σ2)).
        let s1 = Matrix([[2, 1], [1, 3]]), s2 = Matrix([[1, -0.4], [-0.4, 0.5]])
        let trProduct = (s1 * s2).trace
        let det1 = 2.0 * 3 - 1, det2 = 1 * 0.5 - 0.16
        let expected = s1.trace + s2.trace - 2 * (trProduct + 2 * (det1 * det2).squareRoot()).squareRoot()
        let a = try GaussianMoments(mean: [0, 0], covariance: s1)
        let b = try GaussianMoments(mean: [0, 0], covariance: s2)
        #expect(abs(try FrechetDistance.between(a, b) - expected) < 1e-12)
        // Symmetric in its arguments (the formula is; the computation roots Σ1 first).
        #expect(abs(try FrechetDistance.between(b, a) - expected) < 1e-12)
    }

    @Test func setAgainstItselfIsZero() throws {
        var rng = Xoshiro256(seed: 1)
        let samples = (0..<500).map { _ in (0..<16).map { _ in rng.nextNormal() * 3 + 1 } }
        let fd = try FrechetDistance.between(samples: samples, samples)
        #expect(fd >= 0 && fd < 1e-8)
    }

    @Test func largeSamplesMatchTheClosedForm() throws {
        // X ~ N(0, I₄), Y ~ N(δ, 4 I₄) with δ = (1, 0, −1, 2): FD = ‖δ‖² + 4·(1 − 2)² = 6 + 4 = 10.
        // Sampling error of the moments with n = 20 000 is O(√(d/n)) ≈ 0.02 on each term.
        var rng = Xoshiro256(seed: 42)
        let delta: [Float] = [1, 0, -1, 2]
        let n = 20_000
        let x = (0..<n).map { _ in (0..<4).map { _ in rng.nextNormal() } }
        let y = (0..<n).map { _ in (0..<4).map { j in delta[j] + 2 * rng.nextNormal() } }
        let fd = try FrechetDistance.between(samples: x, y)
        #expect(abs(fd - 10) < 0.3)
        #expect(abs(try FrechetDistance.between(samples: y, x) - fd) < 1e-9)
    }

    @Test func momentsMatchHandComputation() throws {
        // Points (0,0), (2,0), (0,2), (2,2): mean (1,1), unbiased covariance diag(4/3, 4/3).
        let m = try GaussianMoments(samples: [[0.0, 0], [2, 0], [0, 2], [2, 2]])
        #expect(m.mean == [1, 1])
        #expect((m.covariance - .diagonal([4.0 / 3, 4.0 / 3])).maxAbs < 1e-15)
    }

    @Test func singularCovariancesAreFine() throws {
        // Rank-deficient covariances (dead features) still give the exact answer: all mass on axis 0.
        let a = try GaussianMoments(mean: [0, 0], covariance: .diagonal([4, 0]))
        let b = try GaussianMoments(mean: [0, 3], covariance: .diagonal([1, 0]))
        #expect(abs(try FrechetDistance.between(a, b) - (9 + 1)) < 1e-12)
    }

    @Test func badInputsRejected() throws {
        #expect(throws: QualityError.tooFewSamples(1)) { try GaussianMoments(samples: [[1.0, 2]]) }
        #expect(throws: QualityError.nonFiniteFeatures) { try GaussianMoments(samples: [[1.0, .nan], [0, 0]]) }
        #expect(throws: QualityError.nonFiniteFeatures) {
            try GaussianMoments(mean: [.infinity], covariance: .diagonal([1]))
        }
        let a = try GaussianMoments(mean: [0], covariance: .diagonal([1]))
        let b = try GaussianMoments(mean: [0, 0], covariance: .diagonal([1, 1]))
        #expect(throws: QualityError.self) { try FrechetDistance.between(a, b) }
        // An indefinite "covariance" is not silently rooted.
        let bad = try GaussianMoments(mean: [0, 0], covariance: Matrix([[1, 0], [0, -1]]))
        #expect(throws: QualityError.self) { try FrechetDistance.between(bad, b) }
    }
}
