import Foundation

/// The Fashion-MNIST classifier trained by training/train_classifier.py, the judge of the
/// fashion model's quality: its 128-d penultimate layer is the FD feature space, its arg-max the
/// class-accuracy judge.
///
///     conv3×3(1→16) ReLU maxpool2 ; conv3×3(16→32) ReLU maxpool2 ; fc(1568→128) ReLU = features ; fc(128→10)
///
/// Inputs are images of 784 values in [0, 1] (as `FashionDiffusionModel.generate` returns and
/// `FashionMNIST` loads), mapped to the training scale 2v − 1.
public struct FashionClassifier: Sendable {
    static let shapes: [(name: String, shape: [Int])] = [
        ("conv1.weight", [16, 1, 3, 3]), ("conv1.bias", [16]), ("conv2.weight", [32, 16, 3, 3]), ("conv2.bias", [32]),
        ("fc1.weight", [128, 1568]), ("fc1.bias", [128]), ("fc2.weight", [10, 128]), ("fc2.bias", [10]),
    ]
    public static let featureCount = 128
    let tensors: CheckedTensors
    /// Training facts from the file (testAccuracy, epochs, trainingSeconds).
    public let training: [String: String]

    public init(_ file: SafeTensors) throws(SafeTensorsError) {
        guard file.metadata["format"] == "flexgen-fashion-classifier/1" else {
            throw .invalidMetadata(key: "format", reason: "expected flexgen-fashion-classifier/1, got \(file.metadata["format"] ?? "nothing")")
        }
        tensors = try CheckedTensors(file, expected: Self.shapes)
        training = file.metadata.filter { $0.key != "format" }
    }

    /// Loads after checking `<path>.sha256`.
    public static func load(path: String) throws(FashionModelError) -> FashionClassifier {
        let name = (path as NSString).lastPathComponent
        let data = try ChecksummedFile.read(path: path)
        do { return try FashionClassifier(SafeTensors(decoding: data)) } catch { throw .invalidWeights(file: name, error) }
    }

    public static func loadShipped() throws(FashionModelError) -> FashionClassifier {
        guard let path = FashionResources.path("fashion-classifier") else {
            throw .unreadable(file: "fashion-classifier.safetensors", reason: "missing from the FlexGenSampler resources")
        }
        return try load(path: path)
    }

    /// Features (count × 128) and logits (count × 10) of `images` (each 784 values in [0, 1]),
    /// in batches of 256. Precondition: every image has 784 values (callers check).
    public func evaluate(_ images: [[Float]]) -> (features: [[Float]], logits: [[Float]]) {
        typealias K = FeatureMapKernels
        var features: [[Float]] = [], logits: [[Float]] = []
        features.reserveCapacity(images.count); logits.reserveCapacity(images.count)
        let arena = FloatArena()
        let t = tensors
        var start = 0
        while start < images.count {
            let n = min(256, images.count - start)
            arena.reset()
            let x = arena.take(n * 784)
            for r in 0..<n {
                precondition(images[start + r].count == 784, "FashionClassifier: images must have 784 pixels")
                for j in 0..<784 { x[r * 784 + j] = 2 * images[start + r][j] - 1 }
            }
            let h1 = arena.take(16 * n * 784), q1 = arena.take(16 * n * 196)
            let h2 = arena.take(32 * n * 196), q2 = arena.take(32 * n * 49)
            t["conv1.weight"].withUnsafeBufferPointer { w in t["conv1.bias"].withUnsafeBufferPointer { b in
                K.convolve3x3(x, channels: 1, images: n, side: 28, weight: w.baseAddress!, bias: b.baseAddress!,
                              outputChannels: 16, into: h1, arena: arena)
            } }
            K.relu(h1, count: 16 * n * 784)
            K.maxPool2(h1, planes: 16 * n, side: 28, into: q1)
            t["conv2.weight"].withUnsafeBufferPointer { w in t["conv2.bias"].withUnsafeBufferPointer { b in
                K.convolve3x3(q1, channels: 16, images: n, side: 14, weight: w.baseAddress!, bias: b.baseAddress!,
                              outputChannels: 32, into: h2, arena: arena)
            } }
            K.relu(h2, count: 32 * n * 196)
            K.maxPool2(h2, planes: 32 * n, side: 14, into: q2)
            // Flatten per image in PyTorch's (c, y, x) order: row r = [q2[c][r][0..<49] for c].
            let flat = arena.take(n * 1568)
            for r in 0..<n { for c in 0..<32 { (flat + r * 1568 + c * 49).update(from: q2 + (c * n + r) * 49, count: 49) } }
            let f = arena.take(n * 128), z = arena.take(n * 10)
            t["fc1.weight"].withUnsafeBufferPointer { w in t["fc1.bias"].withUnsafeBufferPointer { b in
                K.linear(flat, rows: n, inputs: 1568, weight: w.baseAddress!, ldw: 1568, bias: b.baseAddress!, outputs: 128, into: f)
            } }
            K.relu(f, count: n * 128)
            t["fc2.weight"].withUnsafeBufferPointer { w in t["fc2.bias"].withUnsafeBufferPointer { b in
                K.linear(f, rows: n, inputs: 128, weight: w.baseAddress!, ldw: 128, bias: b.baseAddress!, outputs: 10, into: z)
            } }
            for r in 0..<n {
                features.append(Array(UnsafeBufferPointer(start: f + r * 128, count: 128)))
                logits.append(Array(UnsafeBufferPointer(start: z + r * 10, count: 10)))
            }
            start += n
        }
        return (features, logits)
    }

    /// Arg-max class and its softmax probability per image.
    public func predict(_ images: [[Float]]) -> [(label: Int, confidence: Double)] {
        evaluate(images).logits.map { z in
            let top = z.indices.max { z[$0] < z[$1] }!
            let m = Double(z[top])
            let total = z.reduce(0.0) { $0 + Foundation.exp(Double($1) - m) }
            return (top, 1 / total)
        }
    }
}
