import Foundation
import FlexGenNumerics

/// The Fashion-MNIST flexible diffusion model: the slimmable U-Net with the linear DDPM schedule
/// (T = 1000, β 1e-4 → 0.02, `NoiseSchedule.standard`), sampled by DDIM with classifier-free
/// guidance at any width w ∈ (0, 1] and any step count s ∈ 1…T.
///
/// Guidance: ε̂ = ε̂(x, ∅) + g·(ε̂(x, y) − ε̂(x, ∅)) (Ho & Salimans 2022); g = 1 is the plain
/// conditional model (one pass per step), any other g runs the conditional and the null-label
/// pass as one batch of 2n, so it costs — and is counted as — two passes per step.
/// The DDIM update is `DDIMSampler`'s (x̂₀ clipped to [−1, 1], η ≥ 0).
///
/// Randomness: image i draws its noise from `Xoshiro256.derived(seed:stream: i)`, so it does not
/// depend on the batch size or count (beyond float rounding).
public struct FashionDiffusionModel: Sendable {
    public let network: FashionUNet
    public let schedule: NoiseSchedule
    /// Training facts from the weights' metadata (stepsTrained, trainingSeconds, seed, …).
    public let training: [String: String]
    /// Images per network call (2× that many rows with guidance): bounds the activation memory
    /// (about 0.4 MB per row at width 1).
    public var maxBatchImages = 128

    /// The default guidance scale of `flexgen sample`, the calibration and validation: 3, the
    /// smallest of 1, 2, 3, 5 at which the generated images reach the class accuracy
    /// (≥ 85 % at width 1, 20 steps; docs/fashion.md has the scan and the calibration's figure).
    /// A stronger scale buys conditioning with diversity, so FD-fashion is not minimal there.
    public static let defaultGuidance = 3.0

    public init(network: FashionUNet, schedule: NoiseSchedule = .standard, training: [String: String] = [:]) {
        self.network = network
        self.schedule = schedule
        self.training = training
    }

    /// Loads weights after checking them against `<path>.sha256`. Throws `FashionModelError`
    /// naming the file and, for content errors, the tensor.
    public static func load(path: String) throws(FashionModelError) -> FashionDiffusionModel {
        let name = (path as NSString).lastPathComponent
        let data = try ChecksummedFile.read(path: path)
        do {
            let file = try SafeTensors(decoding: data)
            let metadata = file.metadata
            guard metadata["schedule"] == "linear", Int(metadata["timesteps"] ?? "") == 1000,
                  Double(metadata["betaStart"] ?? "") == 1e-4, Double(metadata["betaEnd"] ?? "") == 0.02 else {
                throw SafeTensorsError.invalidMetadata(key: "schedule", reason: "expected linear, T = 1000, β 1e-4 → 0.02")
            }
            let known: Set = ["format", "baseChannels", "groupChannels", "timeFeatures", "embedding", "schedule", "betaStart", "betaEnd", "timesteps"]
            return FashionDiffusionModel(network: try FashionUNet(file), training: metadata.filter { !known.contains($0.key) })
        } catch let error as SafeTensorsError {
            throw .invalidWeights(file: name, error)
        } catch {
            throw .unreadable(file: name, reason: "\(error)")
        }
    }

    /// `Sources/FlexGenSampler/Resources/fashion-unet.safetensors`.
    public static var shippedWeightsPath: String? { FashionResources.path("fashion-unet") }

    public static func loadShipped() throws(FashionModelError) -> FashionDiffusionModel {
        guard let path = shippedWeightsPath else {
            throw .unreadable(file: "fashion-unet.safetensors", reason: "missing from the FlexGenSampler resources")
        }
        return try load(path: path)
    }

    /// Counted FLOP per image: steps × passes × `FashionArchitecture.flopsPerPass(width:)`, passes = 2
    /// when guidance ≠ 1. Throws for a width outside (0, 1] or steps outside 1…T.
    public func flopsPerImage(width: Double, steps: Int, guidance: Double = defaultGuidance) throws(DiffusionInputError) -> Double {
        try FlexibleDiffusionModel.check(width: width, steps: steps, timesteps: schedule.timesteps)
        return Double(steps) * (guidance == 1 ? 1 : 2) * network.architecture.flopsPerPass(width: width)
    }

    /// Generates `labels.count` images. Returns them row-major (count × 784 values in [0, 1],
    /// 0 = black; the data set's 0…255 scaled by 1/255).
    /// - Throws: `DiffusionInputError` unless 0 < width ≤ 1, 1 ≤ steps ≤ T, every label is in 0…9,
    ///   η ≥ 0 and guidance finite (checked before any work).
    public func generate(width: Double, steps: Int, labels: [Int], seed: UInt64, guidance: Double = defaultGuidance,
                         eta: Double = 0) throws(DiffusionInputError) -> [[Float]] {
        try FlexibleDiffusionModel.check(width: width, steps: steps, timesteps: schedule.timesteps)
        guard eta.isFinite && eta >= 0 else { throw .eta(eta) }
        guard guidance.isFinite else { throw .guidance(guidance) }
        if let bad = labels.first(where: { !(0...9).contains($0) }) { throw .label(bad, maximum: 9) }
        let p = FashionArchitecture.pixelCount
        let net = network.packed(width: width), arena = FloatArena()
        let guided = guidance != 1
        let sequence = schedule.ddimTimesteps(steps: steps)
        var result: [[Float]] = []
        result.reserveCapacity(labels.count)
        var start = 0
        while start < labels.count {
            let n = min(maxBatchImages, labels.count - start)
            let rows = guided ? 2 * n : n
            var streams = (0..<n).map { Xoshiro256.derived(seed: seed, stream: UInt64(start + $0)) }
            var x = [Float](repeating: 0, count: n * p)
            for r in 0..<n { for j in 0..<p { x[r * p + j] = streams[r].nextNormal() } }
            let chunkLabels = Array(labels[start..<(start + n)])
            let rowLabels = guided ? chunkLabels + Array(repeating: FashionArchitecture.nullLabel, count: n) : chunkLabels
            var input = [Float](repeating: 0, count: rows * p), epsilon = [Float](repeating: 0, count: rows * p)
            for (i, t) in sequence.enumerated() {
                for k in 0..<(n * p) { input[k] = x[k] }
                if guided { for k in 0..<(n * p) { input[n * p + k] = x[k] } }
                input.withUnsafeBufferPointer { xin in epsilon.withUnsafeMutableBufferPointer { out in
                    net.forward(xin.baseAddress!, timesteps: Array(repeating: t, count: rows), labels: rowLabels,
                                into: out.baseAddress!, arena: arena)
                } }
                let g = Float(guidance)
                let alphaBar = schedule.alphaBar[t]
                let alphaBarPrevious = i + 1 < sequence.count ? schedule.alphaBar[sequence[i + 1]] : 1.0
                let sigma = eta * ((1 - alphaBarPrevious) / (1 - alphaBar)).squareRoot() * (1 - alphaBar / alphaBarPrevious).squareRoot()
                let sqrtA = Float(alphaBar.squareRoot()), sqrtOneMinusA = Float((1 - alphaBar).squareRoot())
                let sqrtAPrev = Float(alphaBarPrevious.squareRoot())
                let direction = Float(max(0, 1 - alphaBarPrevious - sigma * sigma).squareRoot())
                for r in 0..<n {
                    for j in 0..<p {
                        let k = r * p + j
                        let e = guided ? epsilon[n * p + k] + g * (epsilon[k] - epsilon[n * p + k]) : epsilon[k]
                        let x0 = min(max((x[k] - sqrtOneMinusA * e) / sqrtA, -1), 1)
                        let eps = (x[k] - sqrtA * x0) / sqrtOneMinusA
                        var next = sqrtAPrev * x0 + direction * eps
                        if sigma > 0 { next += Float(sigma) * streams[r].nextNormal() }
                        x[k] = next
                    }
                }
            }
            for r in 0..<n { result.append(x[(r * p)..<((r + 1) * p)].map { min(max(($0 + 1) / 2, 0), 1) }) }
            start += n
        }
        return result
    }
}

/// Locating the Fashion-MNIST files in the module's resource bundle.
enum FashionResources {
    static func path(_ name: String) -> String? {
        (Bundle.module.url(forResource: name, withExtension: "safetensors", subdirectory: "Resources")
            ?? Bundle.module.url(forResource: name, withExtension: "safetensors"))?.path
    }
}
