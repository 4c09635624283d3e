import Foundation
import FlexGenModel

/// A parametric quality/work law for a width- and step-adjustable diffusion model:
///
///     quality(w, s) = q∞ + a · w^(−α) + c · s^(−β)
///     flops(w, s)   = s · G · (φ0 + (1 − φ0) · w²) + decoder
///
/// w ∈ (0, 1] is the active width, s ≥ 1 the denoising steps, G the work of one full-width
/// denoising step (FLOP; a classifier-free-guided step counts two U-Net forwards), φ0 the
/// fraction of a step's work that does not shrink with width, `decoder` the work of decoding the
/// latent once (FLOP). Quality is in the metric `metric` (FID: lower is better, so a and c are
/// positive). Postconditions for valid parameters (a, c ≥ 0, α, β > 0, 0 ≤ φ0 ≤ 1, G > 0):
/// flops is increasing in w and s; an FID-like quality improves (falls) with w and s.
public struct ProfileLaw: Sendable, Hashable, Codable {
    public var qualityAsymptote: Double   // q∞
    public var widthCoefficient: Double   // a
    public var widthExponent: Double      // α
    public var stepsCoefficient: Double   // c
    public var stepsExponent: Double      // β
    public var flopsPerStep: Double       // G (FLOP)
    public var widthIndependentFraction: Double  // φ0
    public var decoderFlops: Double       // FLOP
    public var metric: QualityMetric

    public init(qualityAsymptote: Double, widthCoefficient: Double, widthExponent: Double,
                stepsCoefficient: Double, stepsExponent: Double, flopsPerStep: Double,
                widthIndependentFraction: Double, decoderFlops: Double, metric: QualityMetric = .fid) {
        self.qualityAsymptote = qualityAsymptote
        self.widthCoefficient = widthCoefficient
        self.widthExponent = widthExponent
        self.stepsCoefficient = stepsCoefficient
        self.stepsExponent = stepsExponent
        self.flopsPerStep = flopsPerStep
        self.widthIndependentFraction = widthIndependentFraction
        self.decoderFlops = decoderFlops
        self.metric = metric
    }

    public func quality(width w: Double, steps s: Int) -> Double {
        qualityAsymptote + widthCoefficient * pow(w, -widthExponent) + stepsCoefficient * pow(Double(s), -stepsExponent)
    }

    public func flops(width w: Double, steps s: Int) -> Double {
        let phi0 = widthIndependentFraction
        return Double(s) * flopsPerStep * (phi0 + (1 - phi0) * w * w) + decoderFlops
    }

    /// The menu over every (width, steps) pair, widths outer, steps inner, in the given order.
    public func profile(name: String, widths: [Double], steps: [Int]) -> Profile {
        var configs: [Configuration] = []
        for w in widths {
            for s in steps {
                configs.append(Configuration(width: w, steps: s, flops: flops(width: w, steps: s),
                                             quality: quality(width: w, steps: s)))
            }
        }
        return Profile(name: name, metric: metric, configs: configs)
    }

    /// Widths and steps of the shipped sd-like-512 menu.
    public static let defaultWidths: [Double] = [0.25, 0.5, 0.75, 1]
    public static let defaultSteps: [Int] = [5, 10, 15, 20, 30, 50]
}

/// How `ProfileLaw.sdLike512` is anchored on published figures, kept as data so that
/// `flexgen profile synth --explain` prints the fit and the docs can cite it.
public struct SDLikeAnchoring: Sendable {
    /// Published figures (MS-COCO-30K FID at 512×512), U-Net parameters in billions.
    public struct Anchor: Sendable { public var model: String; public var unetParamsB: Double; public var fid: Double }
    public static let anchors: [Anchor] = [
        .init(model: "SD v1.4", unetParamsB: 0.86, fid: 13.1),
        .init(model: "BK-SDM-Base", unetParamsB: 0.58, fid: 15.8),
        .init(model: "BK-SDM-Small", unetParamsB: 0.49, fid: 17.0),
        .init(model: "BK-SDM-Tiny", unetParamsB: 0.33, fid: 17.1),
    ]
    /// One guided step of the SD-v1 U-Net at 512×512 (two forwards of 0.84 TFLOP).
    public static let flopsPerGuidedStep = 1.68e12
    /// The SD-v1 VAE decoder at 512×512.
    public static let decoderFlops = 2.54e12

    // Assumptions (not published figures), stated in docs/model.md and problems/README.md:
    /// Width equivalent of a reduced U-Net: parameters scale with w², so w = sqrt(P / P_full).
    public static func widthEquivalent(unetParamsB: Double) -> Double { (unetParamsB / 0.86).squareRoot() }
    /// The step count at which the anchor FIDs are taken to hold.
    public static let anchorSteps = 25
    /// Width exponent α (the four anchors barely constrain it; α = 1 keeps q∞ positive).
    public static let widthExponent = 1.0
    /// Step term: FID at 5 steps ≈ 10 and at 10 steps ≈ 3 above the 50-step value (c = 115, β = 1.5).
    public static let stepsCoefficient = 115.0
    public static let stepsExponent = 1.5
    /// Share of a step's work (attention softmax, normalisation, time embedding…) that does not
    /// shrink with width.
    public static let widthIndependentFraction = 0.1

    /// The fitted law: least squares of FID(w, anchorSteps) = Q + a · w^(−α) over the anchors,
    /// then q∞ = Q − c · anchorSteps^(−β) so that the step term is zero-mean at the anchor.
    public static func fit() -> (law: ProfileLaw, residualRMS: Double) {
        let alpha = widthExponent
        let xs = anchors.map { pow(widthEquivalent(unetParamsB: $0.unetParamsB), -alpha) }
        let ys = anchors.map(\.fid)
        let n = Double(xs.count)
        let mx = xs.reduce(0, +) / n, my = ys.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0
        for (x, y) in zip(xs, ys) { sxy += (x - mx) * (y - my); sxx += (x - mx) * (x - mx) }
        let a = sxy / sxx
        let intercept = my - a * mx
        var ss = 0.0
        for (x, y) in zip(xs, ys) { let r = intercept + a * x - y; ss += r * r }
        let law = ProfileLaw(
            qualityAsymptote: intercept - stepsCoefficient * pow(Double(anchorSteps), -stepsExponent),
            widthCoefficient: a, widthExponent: alpha, stepsCoefficient: stepsCoefficient,
            stepsExponent: stepsExponent, flopsPerStep: flopsPerGuidedStep,
            widthIndependentFraction: widthIndependentFraction, decoderFlops: decoderFlops, metric: .fid)
        return (law, (ss / n).squareRoot())
    }
}

extension ProfileLaw {
    /// The law behind problems/profiles/sd-like-512.json (see `SDLikeAnchoring`).
    public static var sdLike512: ProfileLaw { SDLikeAnchoring.fit().law }
    /// The shipped menu itself (problems/profiles/sd-like-512.json): the law over the default widths and steps.
    public static var sdLike512Profile: Profile {
        sdLike512.profile(name: sdLike512Name, widths: defaultWidths, steps: defaultSteps)
    }
    public static let sdLike512Name = "sd-like-512 (synthetic: FID anchored on SD v1.4 / BK-SDM MS-COCO-30K figures, FLOP on 1.68 TFLOP per guided U-Net step + 2.54 TFLOP VAE decoder)"
}
