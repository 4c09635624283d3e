import Foundation
import FlexGenLinearAlgebra

/// A small multilayer perceptron that classifies 8×8 digits (pixels 0…16) and whose penultimate
/// layer is the feature space of the Fréchet distance (`FrechetDistance`), as Inception's pool
/// layer is for FID.
///
///     x (64, pixels/16) → Linear(64→128) → ReLU → Linear(128→64) → ReLU = features (64) → Linear(64→10) = logits
///
/// Weights are row-major `in × out` so a batch X (B×in) maps to X·W through one sgemm. Trained by
/// `ClassifierTrainer` on the training split only; the shipped weights are
/// `Resources/classifier.safetensors` (`flexgen train-classifier` reproduces them).
public struct DigitsClassifier: Sendable, Equatable {
    public static let inputSize = DigitsDataset.pixelCount
    public static let hiddenSize = 128
    public static let featureSize = 64
    public static let classCount = DigitsDataset.classCount

    /// Layer shapes in order: (name, in, out).
    static let layers: [(name: String, input: Int, output: Int)] = [
        ("fc1", inputSize, hiddenSize), ("fc2", hiddenSize, featureSize), ("fc3", featureSize, classCount),
    ]

    /// weights[l] is in×out row-major, biases[l] has `out` entries.
    public internal(set) var weights: [[Float]]
    public internal(set) var biases: [[Float]]

    init(weights: [[Float]], biases: [[Float]]) {
        precondition(weights.count == 3 && biases.count == 3)
        for (l, layer) in Self.layers.enumerated() {
            precondition(weights[l].count == layer.input * layer.output && biases[l].count == layer.output)
        }
        self.weights = weights
        self.biases = biases
    }

    /// The activations of one forward pass over a batch.
    struct Activations {
        var input: [Float]    // B×64 (scaled)
        var hidden: [Float]   // B×128 post-ReLU
        var features: [Float] // B×64 post-ReLU
        var logits: [Float]   // B×10
    }

    /// Forward pass over `count` images laid out back to back (`pixels.count == count·64`, 0…16).
    func forward(pixels: [Float], count: Int) -> Activations {
        precondition(pixels.count == count * Self.inputSize, "classifier: \(pixels.count) pixels for \(count) images")
        let input = pixels.map { $0 / DigitsDataset.maxPixelValue }
        let hidden = Self.dense(input, rows: count, weights[0], biases[0], layer: Self.layers[0], relu: true)
        let features = Self.dense(hidden, rows: count, weights[1], biases[1], layer: Self.layers[1], relu: true)
        let logits = Self.dense(features, rows: count, weights[2], biases[2], layer: Self.layers[2], relu: false)
        return Activations(input: input, hidden: hidden, features: features, logits: logits)
    }

    /// Y = X·W + b (optionally ReLU), one sgemm.
    static func dense(_ x: [Float], rows: Int, _ w: [Float], _ b: [Float],
                      layer: (name: String, input: Int, output: Int), relu: Bool) -> [Float] {
        let n = layer.output
        var y = [Float](repeating: 0, count: rows * n)
        for i in 0..<rows { for j in 0..<n { y[i * n + j] = b[j] } }
        x.withUnsafeBufferPointer { px in w.withUnsafeBufferPointer { pw in y.withUnsafeMutableBufferPointer { py in
            BLAS.sgemm(m: rows, n: n, k: layer.input, a: px.baseAddress!, lda: layer.input,
                       b: pw.baseAddress!, ldb: n, beta: 1, c: py.baseAddress!, ldc: n)
        } } }
        if relu { for i in y.indices where !(y[i] > 0) { y[i] = 0 } }
        return y
    }

    /// Penultimate-layer features (64 per image) of images with pixels in 0…16.
    public func features(of images: [[Float]]) -> [[Float]] {
        guard !images.isEmpty else { return [] }
        let a = forward(pixels: images.flatMap { $0 }, count: images.count)
        let d = Self.featureSize
        return (0..<images.count).map { Array(a.features[($0 * d)..<($0 * d + d)]) }
    }

    /// A prediction: the arg-max class and its softmax probability.
    public struct Prediction: Sendable, Equatable {
        public var label: Int
        public var confidence: Double
        /// Softmax probability of every class.
        public var probabilities: [Double]
    }

    public func predict(_ images: [[Float]]) -> [Prediction] {
        guard !images.isEmpty else { return [] }
        let logits = forward(pixels: images.flatMap { $0 }, count: images.count).logits
        let c = Self.classCount
        return (0..<images.count).map { i in
            let p = Self.softmax(logits[(i * c)..<(i * c + c)].map(Double.init))
            let best = p.indices.max { p[$0] < p[$1] }!
            return Prediction(label: best, confidence: p[best], probabilities: p)
        }
    }

    /// Softmax with the max subtracted (no overflow for any finite logits).
    static func softmax(_ z: [Double]) -> [Double] {
        let top = z.max() ?? 0
        let e = z.map { Foundation.exp($0 - top) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    /// Fraction of `examples` classified correctly.
    public func accuracy(on examples: [DigitsDataset.Example]) -> Double {
        guard !examples.isEmpty else { return 0 }
        let predictions = predict(examples.map(\.pixels))
        let correct = zip(predictions, examples).filter { $0.label == $1.label }.count
        return Double(correct) / Double(examples.count)
    }

    // MARK: Weights on disk

    public var safeTensors: SafeTensors {
        var tensors: [String: SafeTensors.Tensor] = [:]
        for (l, layer) in Self.layers.enumerated() {
            tensors["\(layer.name).weight"] = .init(floats: weights[l], shape: [layer.input, layer.output])
            tensors["\(layer.name).bias"] = .init(floats: biases[l], shape: [layer.output])
        }
        return SafeTensors(tensors: tensors, metadata: ["model": "flexgen-digits-classifier/1",
                                                         "layout": "weight is in×out row-major; y = relu(x·W + b)"])
    }

    public init(safeTensors file: SafeTensors) throws(SafeTensorsError) {
        var weights: [[Float]] = [], biases: [[Float]] = []
        for layer in Self.layers {
            weights.append(try file.floats("\(layer.name).weight", shape: [layer.input, layer.output]))
            biases.append(try file.floats("\(layer.name).bias", shape: [layer.output]))
        }
        for values in weights + biases where !values.allSatisfy(\.isFinite) {
            throw .invalidMetadata(key: "weights", reason: "classifier weights contain NaN or infinity")
        }
        self.init(weights: weights, biases: biases)
    }

    public enum LoadError: Error, CustomStringConvertible {
        case resourceMissing
        public var description: String { "classifier.safetensors is missing from the FlexGenSampler resources" }
    }

    /// The shipped weights (`Resources/classifier.safetensors`).
    public static func loadShipped() throws -> DigitsClassifier {
        guard let url = Bundle.module.url(forResource: "classifier", withExtension: "safetensors", subdirectory: "Resources")
                ?? Bundle.module.url(forResource: "classifier", withExtension: "safetensors") else {
            throw LoadError.resourceMissing
        }
        return try DigitsClassifier(safeTensors: SafeTensors.read(path: url.path))
    }
}
