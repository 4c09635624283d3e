import Foundation
import FlexGenLinearAlgebra
import FlexGenNumerics

/// Settings for training `DigitsClassifier`; every default is the one the shipped weights used.
public struct ClassifierTrainingSettings: Sendable, Equatable {
    /// Passes over the training split (default 300: 60 gives 93.8 % held-out, 150 97.0 %, 300 98.0 %).
    public var epochs = 300
    /// Mini-batch size (default 64).
    public var batchSize = 64
    /// Adam step size (default 2e-3), decayed by cosine to 5% of it over the run.
    public var learningRate: Float = 2e-3
    /// Decoupled weight decay per step, AdamW-style (default 1e-4), on weights only.
    public var weightDecay: Float = 1e-4
    /// Shift every training image by up to ±1 pixel at random (default true): the generated digits
    /// the classifier later judges are not perfectly centred, and the shift makes its features
    /// robust to that.
    public var randomShift = true
    /// Seed of the initialisation, batch order and shifts (default 7).
    public var seed: UInt64 = 7

    public init() {}

    public func validated() throws -> ClassifierTrainingSettings {
        guard epochs >= 1, batchSize >= 1, learningRate > 0, learningRate.isFinite,
              weightDecay >= 0, weightDecay.isFinite else {
            throw QualityError.numerical("classifier training settings out of range: \(self)")
        }
        return self
    }
}

/// Trains `DigitsClassifier` by mini-batch Adam on softmax cross-entropy; forward and backward
/// matrix products through `BLAS.sgemm`. Deterministic for a given seed on one machine (OpenBLAS
/// partitions a product the same way every run).
public enum ClassifierTrainer {
    public static func train(on examples: [DigitsDataset.Example], settings: ClassifierTrainingSettings = .init(),
                             progress: ((_ epoch: Int, _ loss: Double) -> Void)? = nil) throws -> DigitsClassifier {
        let settings = try settings.validated()
        guard !examples.isEmpty else { throw QualityError.tooFewSamples(0) }
        var rng = Xoshiro256(seed: settings.seed)
        // He initialisation for ReLU layers.
        var weights: [[Float]] = DigitsClassifier.layers.map { layer in
            let scale = (2 / Float(layer.input)).squareRoot()
            return (0..<(layer.input * layer.output)).map { _ in rng.nextNormal() * scale }
        }
        var biases: [[Float]] = DigitsClassifier.layers.map { [Float](repeating: 0, count: $0.output) }
        var adam = Adam(shapes: weights.map(\.count) + biases.map(\.count))

        let n = examples.count, batch = min(settings.batchSize, n)
        let stepsPerEpoch = (n + batch - 1) / batch
        let totalSteps = settings.epochs * stepsPerEpoch
        var order = Array(0..<n)
        var step = 0
        for epoch in 0..<settings.epochs {
            for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, rng.nextInt(below: i + 1)) }
            var lossSum = 0.0
            for start in stride(from: 0, to: n, by: batch) {
                let members = order[start..<min(start + batch, n)]
                var pixels: [Float] = []
                pixels.reserveCapacity(members.count * 64)
                var labels: [Int] = []
                for index in members {
                    let image = examples[index].pixels
                    if settings.randomShift {
                        pixels += shifted(image, dx: rng.nextInt(below: 3) - 1, dy: rng.nextInt(below: 3) - 1)
                    } else {
                        pixels += image
                    }
                    labels.append(examples[index].label)
                }
                let model = DigitsClassifier(weights: weights, biases: biases)
                let (loss, gradients) = lossAndGradients(model, pixels: pixels, labels: labels)
                lossSum += loss * Double(labels.count)
                let progressFraction = Float(step) / Float(max(totalSteps - 1, 1))
                let rate = settings.learningRate * (0.05 + 0.95 * 0.5 * (1 + Float(Foundation.cos(Double.pi * Double(progressFraction)))))
                adam.step(parameters: &weights, &biases, gradients: gradients, rate: rate, weightDecay: settings.weightDecay)
                step += 1
            }
            progress?(epoch + 1, lossSum / Double(n))
        }
        return DigitsClassifier(weights: weights, biases: biases)
    }

    /// The image moved by (dx, dy) pixels, vacated pixels set to 0.
    static func shifted(_ image: [Float], dx: Int, dy: Int) -> [Float] {
        if dx == 0 && dy == 0 { return image }
        var out = [Float](repeating: 0, count: 64)
        for r in 0..<8 { for c in 0..<8 {
            let sr = r - dy, sc = c - dx
            if (0..<8).contains(sr) && (0..<8).contains(sc) { out[r * 8 + c] = image[sr * 8 + sc] }
        } }
        return out
    }

    /// Mean softmax cross-entropy of a batch and its gradients (weights then biases, per layer).
    static func lossAndGradients(_ model: DigitsClassifier, pixels: [Float], labels: [Int])
        -> (loss: Double, gradients: (weights: [[Float]], biases: [[Float]])) {
        let b = labels.count
        let layers = DigitsClassifier.layers
        let a = model.forward(pixels: pixels, count: b)
        let c = DigitsClassifier.classCount
        var delta = [Float](repeating: 0, count: b * c) // ∂L/∂logits
        var loss = 0.0
        for i in 0..<b {
            let p = DigitsClassifier.softmax(a.logits[(i * c)..<(i * c + c)].map(Double.init))
            loss -= Foundation.log(max(p[labels[i]], 1e-300))
            for j in 0..<c { delta[i * c + j] = Float((p[j] - (j == labels[i] ? 1 : 0)) / Double(b)) }
        }
        let inputs = [a.input, a.hidden, a.features]
        var gradW = [[Float]](repeating: [], count: 3), gradB = [[Float]](repeating: [], count: 3)
        for l in stride(from: 2, through: 0, by: -1) {
            let layer = layers[l]
            // dW = Xᵀ·δ, db = Σ_rows δ.
            var dw = [Float](repeating: 0, count: layer.input * layer.output)
            inputs[l].withUnsafeBufferPointer { px in delta.withUnsafeBufferPointer { pd in dw.withUnsafeMutableBufferPointer { pw in
                BLAS.sgemm(transposeA: true, m: layer.input, n: layer.output, k: b, a: px.baseAddress!, lda: layer.input,
                           b: pd.baseAddress!, ldb: layer.output, c: pw.baseAddress!, ldc: layer.output)
            } } }
            var db = [Float](repeating: 0, count: layer.output)
            for i in 0..<b { for j in 0..<layer.output { db[j] += delta[i * layer.output + j] } }
            gradW[l] = dw; gradB[l] = db
            guard l > 0 else { break }
            // δ_prev = (δ·Wᵀ) ⊙ [x > 0] (the layer's input is a ReLU output).
            var previous = [Float](repeating: 0, count: b * layer.input)
            delta.withUnsafeBufferPointer { pd in model.weights[l].withUnsafeBufferPointer { pw in previous.withUnsafeMutableBufferPointer { pp in
                BLAS.sgemm(transposeB: true, m: b, n: layer.input, k: layer.output, a: pd.baseAddress!, lda: layer.output,
                           b: pw.baseAddress!, ldb: layer.output, c: pp.baseAddress!, ldc: layer.input)
            } } }
            let x = inputs[l]
            for i in previous.indices where !(x[i] > 0) { previous[i] = 0 }
            delta = previous
        }
        return (loss / Double(b), (gradW, gradB))
    }

    /// Adam (Kingma & Ba) with decoupled weight decay; β1 = 0.9, β2 = 0.999, ε = 1e-8.
    struct Adam {
        var m: [[Float]], v: [[Float]]
        var t = 0
        init(shapes: [Int]) {
            m = shapes.map { [Float](repeating: 0, count: $0) }
            v = m
        }
        mutating func step(parameters weights: inout [[Float]], _ biases: inout [[Float]],
                           gradients: (weights: [[Float]], biases: [[Float]]), rate: Float, weightDecay: Float) {
            t += 1
            let b1: Float = 0.9, b2: Float = 0.999, eps: Float = 1e-8
            let c1 = 1 - Float(Foundation.pow(Double(b1), Double(t))), c2 = 1 - Float(Foundation.pow(Double(b2), Double(t)))
            let layerCount = weights.count
            for slot in 0..<(2 * layerCount) {
                let isWeight = slot < layerCount
                let l = isWeight ? slot : slot - layerCount
                let g = isWeight ? gradients.weights[l] : gradients.biases[l]
                var p = isWeight ? weights[l] : biases[l]
                for i in p.indices {
                    m[slot][i] = b1 * m[slot][i] + (1 - b1) * g[i]
                    v[slot][i] = b2 * v[slot][i] + (1 - b2) * g[i] * g[i]
                    let update = (m[slot][i] / c1) / ((v[slot][i] / c2).squareRoot() + eps)
                    p[i] -= rate * (update + (isWeight ? weightDecay * p[i] : 0))
                }
                if isWeight { weights[l] = p } else { biases[l] = p }
            }
        }
    }
}
