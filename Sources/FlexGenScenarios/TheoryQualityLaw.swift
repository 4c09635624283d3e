import Foundation
import FlexGenModel

/// The width–quality law derived in docs/theory.md, for a Fréchet-distance quality (lower is better):
///
///     q(w, s) = ( √max(0, F₁ + κ·K(w)) + c/s )²
///
/// - K(w): the excess of the KL-weighted held-out ε-error of width w over width 1 (nats per image,
///   measured without sampling by `flexgen calibrate --theory`), so K(1) = 0. Given either as a
///   table of measured values or, for widths never measured, by the approximation-theory form
///   K(w) = k·(1/w − 1) (a network with wH units has approximation error ∝ 1/(wH)).
/// - F₁: the Fréchet distance at full width and infinitely many steps (includes the estimator's
///   finite-sample floor); κ: FD per nat of KL (the Talagrand constant 2λ of the derivation, taken
///   as tight); c: the first-order sampler's discretisation constant (√FD units × steps).
///
/// Edge cases: F₁ + κK < 0 (possible only for widths extrapolated past what was fitted) is
/// clamped to 0, so q ≥ (c/s)² ≥ 0; s ≥ 1. Postconditions for κ, k, c ≥ 0: q falls with w and s.
public struct TheoryQualityLaw: Sendable, Hashable {
    public enum WidthTerm: Sendable, Hashable {
        /// Measured K at these widths (must include every width asked for).
        case measured([Double: Double])
        /// K(w) = slope·(1/w − 1).
        case inverseWidth(slope: Double)
    }

    public var floor: Double          // F₁
    public var kappa: Double          // κ
    public var stepsCoefficient: Double  // c
    public var widthTerm: WidthTerm

    public init(floor: Double, kappa: Double, stepsCoefficient: Double, widthTerm: WidthTerm) {
        self.floor = floor
        self.kappa = kappa
        self.stepsCoefficient = stepsCoefficient
        self.widthTerm = widthTerm
    }

    /// K(w), or nil for a width missing from a measured table.
    public func klExcess(width w: Double) -> Double? {
        switch widthTerm {
        case .measured(let table): table[w]
        case .inverseWidth(let slope): slope * (1 / w - 1)
        }
    }

    /// The law at a given K (the form the fit in FlexGenSampler evaluates).
    public static func quality(floor: Double, kappa: Double, stepsCoefficient: Double, klExcess: Double, steps: Double) -> Double {
        let root = max(0, floor + kappa * klExcess).squareRoot() + stepsCoefficient / steps
        return root * root
    }

    /// q(w, s), or nil for a width missing from a measured table.
    public func quality(width w: Double, steps s: Int) -> Double? {
        klExcess(width: w).map { Self.quality(floor: floor, kappa: kappa, stepsCoefficient: stepsCoefficient, klExcess: $0, steps: Double(s)) }
    }

    /// The menu over every (width, steps) pair, widths outer, steps inner, with the FLOPs of
    /// `work` (its quality part is not used). Precondition: every width has a K (see `klExcess`).
    public func profile(name: String, metric: QualityMetric, widths: [Double], steps: [Int], work: ProfileLaw) -> Profile {
        var configs: [Configuration] = []
        for w in widths {
            for s in steps {
                configs.append(Configuration(width: w, steps: s, flops: work.flops(width: w, steps: s),
                                             quality: quality(width: w, steps: s)!))
            }
        }
        return Profile(name: name, metric: metric, configs: configs)
    }
}
