import Foundation
import FlexGenLinearAlgebra

/// The width–steps quality law q(w, s) = q∞ + a·w^(−α) + c·s^(−β), fitted by least squares.
///
/// For fixed (α, β) the model is linear in (q∞, a, c): the 3-column design [1, w^(−α), s^(−β)]
/// is solved by LAPACKE dgelsd (`LeastSquares`). The exponents come from an outer 2-D search on
/// the residual sum of squares: a grid over [αmin, αmax] × [βmin, βmax] (default 0.05…4, 40×40),
/// then `refinements` rounds of a 9×9 grid around the incumbent with the spacing shrunk 4× each
/// round. The search is global on the grid and local afterwards; the RSS surface in (α, β) is
/// smooth, so the refined point is within the final spacing of a local minimum.
/// Grid points whose design is rank deficient (e.g. every width equal) are skipped.
public struct QualityLawFit: Sendable, Equatable {
    public var qInfinity: Double
    public var a: Double
    public var alpha: Double
    public var c: Double
    public var beta: Double
    /// Observed minus fitted, in the order of the points.
    public var residuals: [Double]
    /// 1 − RSS/TSS.
    public var rSquared: Double
    /// √(RSS/n).
    public var rootMeanSquareError: Double

    public func predict(width: Double, steps: Double) -> Double {
        qInfinity + a * Foundation.pow(width, -alpha) + c * Foundation.pow(steps, -beta)
    }

    public struct Settings: Sendable, Equatable {
        public var exponentRange: ClosedRange<Double> = 0.05...4
        public var gridPoints = 40
        public var refinements = 4
        public init() {}
    }

    public enum FitError: Error, CustomStringConvertible, Equatable {
        case tooFewPoints(Int)
        case nonFinite
        case noFullRankDesign
        public var description: String {
            switch self {
            case .tooFewPoints(let n): "quality law: need at least 6 points for 5 parameters, got \(n)"
            case .nonFinite: "quality law: widths, steps and qualities must be finite and positive"
            case .noFullRankDesign: "quality law: the widths or the steps do not vary, so a and c cannot be separated"
            }
        }
    }

    /// Fits the law to (width, steps, quality) triples.
    public static func fit(widths: [Double], steps: [Double], qualities: [Double], settings: Settings = .init()) throws -> QualityLawFit {
        let n = qualities.count
        guard widths.count == n, steps.count == n, n >= 6 else { throw FitError.tooFewPoints(n) }
        guard widths.allSatisfy({ $0.isFinite && $0 > 0 }), steps.allSatisfy({ $0.isFinite && $0 > 0 }),
              qualities.allSatisfy(\.isFinite) else { throw FitError.nonFinite }

        func linearFit(_ alpha: Double, _ beta: Double) -> (coefficients: [Double], rss: Double, residuals: [Double])? {
            var design = Matrix(rows: n, columns: 3)
            for i in 0..<n {
                design[i, 0] = 1
                design[i, 1] = Foundation.pow(widths[i], -alpha)
                design[i, 2] = Foundation.pow(steps[i], -beta)
            }
            guard let solution = try? LeastSquares(design, qualities) else { return nil }
            return (solution.solution, solution.residualSumOfSquares, solution.residuals)
        }

        var best: (alpha: Double, beta: Double, rss: Double)?
        func consider(_ alpha: Double, _ beta: Double) {
            guard settings.exponentRange.contains(alpha), settings.exponentRange.contains(beta),
                  let fit = linearFit(alpha, beta) else { return }
            if best == nil || fit.rss < best!.rss { best = (alpha, beta, fit.rss) }
        }
        let lo = settings.exponentRange.lowerBound, hi = settings.exponentRange.upperBound
        var spacing = (hi - lo) / Double(max(settings.gridPoints - 1, 1))
        for i in 0..<settings.gridPoints { for j in 0..<settings.gridPoints {
            consider(lo + Double(i) * spacing, lo + Double(j) * spacing)
        } }
        for _ in 0..<settings.refinements {
            guard let centre = best else { break }
            spacing /= 4
            for i in -4...4 { for j in -4...4 {
                consider(centre.alpha + Double(i) * spacing, centre.beta + Double(j) * spacing)
            } }
        }
        guard let chosen = best, let final = linearFit(chosen.alpha, chosen.beta) else { throw FitError.noFullRankDesign }
        let meanQ = qualities.reduce(0, +) / Double(n)
        let tss = qualities.reduce(0) { $0 + ($1 - meanQ) * ($1 - meanQ) }
        return QualityLawFit(qInfinity: final.coefficients[0], a: final.coefficients[1], alpha: chosen.alpha,
                             c: final.coefficients[2], beta: chosen.beta, residuals: final.residuals,
                             rSquared: tss > 0 ? 1 - final.rss / tss : 1,
                             rootMeanSquareError: (final.rss / Double(n)).squareRoot())
    }
}
