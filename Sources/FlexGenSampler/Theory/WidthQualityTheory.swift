import Foundation
import FlexGenScenarios

/// The three fitted constants of docs/theory.md's law, q(w, s) = (√(F₁ + κ·K(w)) + c/s)²
/// (`TheoryQualityLaw`), and their fit.
///
/// Fit (closed form, no search): with y = √q, the law says y = z(w) + c/s where z(w) =
/// √(F₁ + κK(w)) depends only on the width. Least squares in y with a free z per fitted width
/// gives c as the pooled within-width slope of √q on 1/s,
///
///     c = Σ (y_i − ȳ_w)(1/s_i − mean_w 1/s) / Σ (1/s_i − mean_w 1/s)²,
///
/// and z_w = ȳ_w − c·mean_w(1/s). Then (F₁, κ) is the least-squares line of z_w² on K_w (exact
/// for two widths). So the fit minimises the squared error in √FD over the fitted widths' points
/// (√FD: the W2 scale on which the derivation's triangle inequality adds the two error terms).
/// Needs ≥ 2 widths with different K and ≥ 2 different step counts within some width.
public struct WidthQualityTheory: Sendable, Equatable {
    public var floor: Double
    public var kappa: Double
    public var stepsCoefficient: Double
    /// The widths the constants were fitted on.
    public var fitWidths: [Double]

    public enum FitError: Error, CustomStringConvertible, Equatable {
        case needTwoWidths
        case needTwoStepCounts
        case nonFinite
        case equalKL
        public var description: String {
            switch self {
            case .needTwoWidths: "theory fit: need points at two or more widths"
            case .needTwoStepCounts: "theory fit: need two or more step counts at some width"
            case .nonFinite: "theory fit: qualities must be finite and ≥ 0, K finite, steps ≥ 1"
            case .equalKL: "theory fit: the fitted widths have the same K(w), so κ cannot be determined"
            }
        }
    }

    public struct Point: Sendable, Equatable {
        public var width: Double, steps: Int, klExcess: Double, quality: Double
        public init(width: Double, steps: Int, klExcess: Double, quality: Double) {
            self.width = width; self.steps = steps; self.klExcess = klExcess; self.quality = quality
        }
    }

    public func predict(klExcess: Double, steps: Int) -> Double {
        TheoryQualityLaw.quality(floor: floor, kappa: kappa, stepsCoefficient: stepsCoefficient, klExcess: klExcess, steps: Double(steps))
    }

    public static func fit(_ points: [Point]) throws(FitError) -> WidthQualityTheory {
        guard points.allSatisfy({ $0.quality.isFinite && $0.quality >= 0 && $0.klExcess.isFinite && $0.steps >= 1 }) else { throw .nonFinite }
        let widths = Array(Set(points.map(\.width))).sorted()
        guard widths.count >= 2 else { throw .needTwoWidths }
        var sxy = 0.0, sxx = 0.0
        var z: [(k: Double, z: Double)] = []
        var groups: [(k: Double, y: [Double], x: [Double])] = []
        for w in widths {
            let group = points.filter { $0.width == w }
            groups.append((group[0].klExcess, group.map { $0.quality.squareRoot() }, group.map { 1 / Double($0.steps) }))
        }
        for g in groups {
            let my = g.y.reduce(0, +) / Double(g.y.count), mx = g.x.reduce(0, +) / Double(g.x.count)
            for (x, y) in zip(g.x, g.y) { sxy += (x - mx) * (y - my); sxx += (x - mx) * (x - mx) }
        }
        guard sxx > 0 else { throw .needTwoStepCounts }
        let c = sxy / sxx
        for g in groups {
            let my = g.y.reduce(0, +) / Double(g.y.count), mx = g.x.reduce(0, +) / Double(g.x.count)
            z.append((g.k, my - c * mx))
        }
        let n = Double(z.count)
        let mk = z.reduce(0) { $0 + $1.k } / n, mz2 = z.reduce(0) { $0 + $1.z * $1.z } / n
        var skk = 0.0, skz = 0.0
        for e in z { skk += (e.k - mk) * (e.k - mk); skz += (e.k - mk) * (e.z * e.z - mz2) }
        guard skk > 0 else { throw .equalKL }
        let kappa = skz / skk
        return WidthQualityTheory(floor: mz2 - kappa * mk, kappa: kappa, stepsCoefficient: c, fitWidths: widths)
    }

    /// Why `fitWidths` cannot be used with a grid of `gridWidths`, or nil.
    public static func fitWidthsProblem(_ fitWidths: [Double], gridWidths: [Double]) -> String? {
        if fitWidths.count != 2 { return "need exactly two widths, got \(fitWidths.count)" }
        if fitWidths[0] == fitWidths[1] { return "the two widths must differ" }
        if let w = fitWidths.first(where: { !gridWidths.contains($0) }) { return "\(w) is not one of the calibration widths" }
        if gridWidths.count < 3 { return "need at least three calibration widths so that one is predicted" }
        return nil
    }
}
