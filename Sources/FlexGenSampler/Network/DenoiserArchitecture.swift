import Foundation

/// The shape of the slimmable ε-prediction denoiser and its analytic FLOP count.
///
/// Network (row vectors; `a` = active width = ⌈w·H⌉, every hidden matrix used through its leading
/// a×a / a×64 / 64×a slice, so all widths share one set of weights):
///
///     φ(t)  = [sin(t·ω_k), cos(t·ω_k)]_{k<E/2},  ω_k = 10000^(−k/(E/2))       (E time features)
///     c     = φ(t)·W_tᵀ[:a] + b_t[:a] + L[y, :a]                           (conditioning, y ∈ 0…9 or 10 = null)
///     h₀    = SiLU(x·W_inᵀ[:a] + b_in[:a] + c)                              (x: 64 noisy pixels)
///     h_l   = h_{l−1} + SiLU(h_{l−1}·W_lᵀ[:a,:a] + b_l[:a] + c),  l = 1…L  (residual blocks)
///     ε̂     = h_L·W_outᵀ[:, :a] + b_out                                   (64 outputs)
///
/// No normalisation layers, so nothing width-specific needs switching: the sandwich-rule training
/// makes the leading units carry the most information.
public struct DenoiserArchitecture: Sendable, Equatable, Codable {
    /// H: the hidden width at w = 1.
    public var hiddenWidth: Int
    /// L: residual blocks after the input layer.
    public var residualBlocks: Int
    /// E: sinusoidal time features (even).
    public var timeFeatures: Int

    public static let pixelCount = 64
    /// Digits 0…9 plus the null label 10 (unconditional / classifier-free use).
    public static let labelCount = 11
    public static let nullLabel = 10

    /// The shipped model's shape.
    public static let standard = DenoiserArchitecture(hiddenWidth: 256, residualBlocks: 4, timeFeatures: 32)

    public init(hiddenWidth: Int, residualBlocks: Int, timeFeatures: Int) {
        precondition(hiddenWidth >= 1 && residualBlocks >= 0 && timeFeatures >= 2 && timeFeatures % 2 == 0,
                     "DenoiserArchitecture: need H ≥ 1, L ≥ 0, E even ≥ 2")
        self.hiddenWidth = hiddenWidth
        self.residualBlocks = residualBlocks
        self.timeFeatures = timeFeatures
    }

    /// ⌈w·H⌉ for w in (0, 1], at least 1. The product is nudged down by a relative 1e-12 before the
    /// ceiling so that widths like 0.75·256 = 192 that are exact in decimal but not in binary do not
    /// round up to 193.
    ///
    /// - Throws: `DiffusionInputError.width` unless 0 < w ≤ 1 and w finite (NaN, ±∞, 0, negative
    ///   and > 1 are all refused; the smallest positive subnormal gives 1 unit).
    public func activeWidth(_ width: Double) throws(DiffusionInputError) -> Int {
        guard width.isFinite && width > 0 && width <= 1 else { throw .width(width) }
        return activeUnits(width)
    }

    /// `activeWidth` without the check, for callers that validated the width before (training,
    /// whose settings refuse widths outside (0, 1]). Clamped to 1…H whatever the input, so even a
    /// wrong width cannot index outside the weights.
    func activeUnits(_ width: Double) -> Int {
        let product = width * Double(hiddenWidth) * (1 - 1e-12)
        guard product.isFinite else { return hiddenWidth }
        return min(hiddenWidth, max(1, Int(product.rounded(.up))))
    }

    /// FLOPs charged per elementwise SiLU: exp, add, divide, multiply.
    public static let siluFlops = 4
    /// FLOPs charged per pixel for one DDIM update: x̂₀ = (x − √(1−ᾱ)·ε̂)/√ᾱ (3), ε̂ recomputed from
    /// the clipped x̂₀ (3), x′ = √ᾱ′·x̂₀ + √(1−ᾱ′−σ²)·ε̂ + σ·z (5). Clipping (comparisons) is not
    /// counted; the σ·z term is charged even when η = 0.
    public static let ddimUpdateFlopsPerPixel = 11

    /// FLOPs to denoise one image for one step at width `width`, counted analytically as the work
    /// the forward pass does for a single image (a multiply–add is 2 FLOPs; bias, conditioning and
    /// residual additions 1 per element; SiLU `siluFlops` per element; sin/cos of the time
    /// features 1 each), plus the DDIM update. With a = ⌈w·H⌉, P = 64, E, L:
    ///
    ///     time embedding   E + 2Ea + a + a           (features, product, bias, label add)
    ///     input layer      2Pa + a + a + 4a          (product, bias, conditioning, SiLU)
    ///     each block       2a² + a + a + 4a + a      (product, bias, conditioning, SiLU, residual)
    ///     output layer     2aP + P
    ///     DDIM update      11P
    ///
    /// Postcondition: strictly increasing in a (hence non-decreasing in w), positive.
    /// - Throws: `DiffusionInputError.width` for a width outside (0, 1] (see `activeWidth`).
    public func flopsPerStep(width: Double) throws(DiffusionInputError) -> Double {
        let a = Double(try activeWidth(width))
        let p = Double(Self.pixelCount), e = Double(timeFeatures), l = Double(residualBlocks)
        let silu = Double(Self.siluFlops)
        let time = e + 2 * e * a + a + a
        let input = 2 * p * a + a + a + silu * a
        let block = 2 * a * a + a + a + silu * a + a
        let output = 2 * a * p + p
        let update = Double(Self.ddimUpdateFlopsPerPixel) * p
        return time + input + l * block + output + update
    }

    /// FLOPs for one image with `steps` denoising steps: steps · flopsPerStep(width). The model
    /// works in pixel space, so there is no decoder to add.
    /// - Throws: `DiffusionInputError.steps` for steps < 1 (the architecture does not know the
    ///   schedule's T; `FlexibleDiffusionModel.flopsPerImage` also checks s ≤ T), `.width` as above.
    public func flopsPerImage(width: Double, steps: Int) throws(DiffusionInputError) -> Double {
        guard steps >= 1 else { throw .steps(steps, maximum: nil) }
        return Double(steps) * (try flopsPerStep(width: width))
    }

    /// Number of trainable parameters.
    public var parameterCount: Int { ParameterLayout(self).count }
}

/// Where each tensor lives in the flat parameter vector (row-major, out × in).
struct ParameterLayout: Sendable {
    let architecture: DenoiserArchitecture
    let timeWeight: Int, timeBias: Int, labelEmbedding: Int
    let inputWeight: Int, inputBias: Int
    let blockWeights: [Int], blockBiases: [Int]
    let outputWeight: Int, outputBias: Int
    let count: Int

    init(_ architecture: DenoiserArchitecture) {
        self.architecture = architecture
        let h = architecture.hiddenWidth, e = architecture.timeFeatures, p = DenoiserArchitecture.pixelCount
        var cursor = 0
        func take(_ n: Int) -> Int { defer { cursor += n }; return cursor }
        timeWeight = take(h * e); timeBias = take(h)
        labelEmbedding = take(DenoiserArchitecture.labelCount * h)
        inputWeight = take(h * p); inputBias = take(h)
        var weights: [Int] = [], biases: [Int] = []
        for _ in 0..<architecture.residualBlocks { weights.append(take(h * h)); biases.append(take(h)) }
        blockWeights = weights; blockBiases = biases
        outputWeight = take(p * h); outputBias = take(p)
        count = cursor
    }

    /// Tensor names, offsets and shapes, for safetensors.
    var tensors: [(name: String, offset: Int, shape: [Int])] {
        let h = architecture.hiddenWidth, e = architecture.timeFeatures, p = DenoiserArchitecture.pixelCount
        var list: [(String, Int, [Int])] = [
            ("time.weight", timeWeight, [h, e]), ("time.bias", timeBias, [h]),
            ("label.embedding", labelEmbedding, [DenoiserArchitecture.labelCount, h]),
            ("input.weight", inputWeight, [h, p]), ("input.bias", inputBias, [h]),
        ]
        for l in 0..<architecture.residualBlocks {
            list.append(("block\(l).weight", blockWeights[l], [h, h]))
            list.append(("block\(l).bias", blockBiases[l], [h]))
        }
        list.append(("output.weight", outputWeight, [p, h]))
        list.append(("output.bias", outputBias, [p]))
        return list
    }
}
