import Foundation

/// The slimmable conditional U-Net of `FashionArchitecture` with its weights, and its ε-prediction
/// forward pass at any width w ∈ (0, 1] (training/model.py `SlimUNet.forward`, same arithmetic up
/// to float summation order: the parity tests hold it to 1e-4 relative error at widths 0.25, 0.5,
/// 0.6, 0.75 and 1).
public struct FashionUNet: Sendable {
    public let architecture: FashionArchitecture
    let tensors: CheckedTensors

    /// Validates the file: format, sizes, and every tensor of `FashionArchitecture.tensorShapes`
    /// present, F32, of its shape and finite. Throws `SafeTensorsError` naming the key or tensor.
    public init(_ file: SafeTensors) throws(SafeTensorsError) {
        let metadata = file.metadata
        guard metadata["format"] == "flexgen-fashion-unet/1" else {
            throw .invalidMetadata(key: "format", reason: "expected flexgen-fashion-unet/1, got \(metadata["format"] ?? "nothing")")
        }
        func integer(_ key: String) throws(SafeTensorsError) -> Int {
            guard let text = metadata[key], let value = Int(text), value >= 1, value <= 4096 else {
                throw .invalidMetadata(key: key, reason: "must be an integer in 1…4096, got \(metadata[key] ?? "nothing")")
            }
            return value
        }
        let base = try integer("baseChannels"), group = try integer("groupChannels")
        guard base % group == 0 else { throw .invalidMetadata(key: "groupChannels", reason: "must divide baseChannels \(base), got \(group)") }
        guard Int(metadata["timeFeatures"] ?? "") == FashionArchitecture.timeFeatures,
              Int(metadata["embedding"] ?? "") == FashionArchitecture.embedding else {
            throw .invalidMetadata(key: "timeFeatures", reason: "expected timeFeatures \(FashionArchitecture.timeFeatures) and embedding \(FashionArchitecture.embedding)")
        }
        architecture = FashionArchitecture(baseChannels: base, groupChannels: group)
        tensors = try CheckedTensors(file, expected: architecture.tensorShapes)
    }

    /// The weights sliced and packed contiguously for one width (built once per sampling run).
    func packed(width: Double) -> PackedFashionUNet { PackedFashionUNet(self, width: width) }

    /// ε̂ for `timesteps.count` images: `x` is count × 784 (row-major 28×28, model scale), labels
    /// 0…9 or 10 (null). Returns count × 784.
    /// Throws `DiffusionInputError` for a width outside (0, 1], a label outside 0…10 or a timestep
    /// outside 0…999, and for mismatched counts.
    public func predictNoise(x: [Float], timesteps: [Int], labels: [Int], width: Double) throws(DiffusionInputError) -> [Float] {
        guard width.isFinite && width > 0 && width <= 1 else { throw .width(width) }
        guard labels.count == timesteps.count else { throw .labelCount(labels.count, expected: timesteps.count) }
        guard x.count == timesteps.count * FashionArchitecture.pixelCount else { throw .count(x.count / FashionArchitecture.pixelCount) }
        if let bad = labels.first(where: { !(0..<FashionArchitecture.labelCount).contains($0) }) {
            throw .label(bad, maximum: FashionArchitecture.labelCount - 1)
        }
        if let bad = timesteps.first(where: { !(0..<1000).contains($0) }) { throw .steps(bad, maximum: 999) }
        let net = packed(width: width), arena = FloatArena()
        var out = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                net.forward(input.baseAddress!, timesteps: timesteps, labels: labels, into: output.baseAddress!, arena: arena)
            }
        }
        return out
    }
}

/// One convolution's (or linear layer's) active weights, contiguous: rows = active outputs,
/// columns = active inputs (in concatenation order) × kernel taps.
struct PackedLayer: Sendable {
    var weight: [Float]
    var bias: [Float]
    let outputs: Int
    let inputs: Int

    /// Rows 0..<outputs of `weight` (PyTorch [out, in, k, k]), input channels `inputChannels` (indices
    /// into the stored input axis), all k² taps.
    init(weight source: [Float], bias sourceBias: [Float], storedInputs: Int, taps: Int,
         outputs: Int, inputChannels: [Int]) {
        var w = [Float](); w.reserveCapacity(outputs * inputChannels.count * taps)
        for o in 0..<outputs {
            for c in inputChannels {
                let start = (o * storedInputs + c) * taps
                w.append(contentsOf: source[start..<(start + taps)])
            }
        }
        weight = w
        bias = Array(sourceBias[0..<outputs])
        self.outputs = outputs
        self.inputs = inputChannels.count
    }
}

/// GroupNorm's active scale and shift (same channel selection as the layer it normalises).
struct PackedNorm: Sendable {
    let gamma: [Float]
    let beta: [Float]
    init(_ gamma: [Float], _ beta: [Float], channels: [Int]) {
        self.gamma = channels.map { gamma[$0] }
        self.beta = channels.map { beta[$0] }
    }
}

struct PackedBlock: Sendable {
    let norm1: PackedNorm
    let conv1: PackedLayer
    let embed: PackedLayer
    let norm2: PackedNorm
    let conv2: PackedLayer
    let skip: PackedLayer?
    var inputs: Int { conv1.inputs }
    var outputs: Int { conv1.outputs }
}

/// The U-Net at one width, weights packed for the kernels.
struct PackedFashionUNet: Sendable {
    let architecture: FashionArchitecture
    let width: Double
    let time1: PackedLayer, time2: PackedLayer
    let label: [Float]
    let convIn: PackedLayer
    let blocks: [String: PackedBlock]
    let normOut: PackedNorm
    let convOut: PackedLayer

    init(_ net: FashionUNet, width w: Double) {
        let a = net.architecture, t = net.tensors, e = FashionArchitecture.embedding
        architecture = a
        width = w
        time1 = PackedLayer(weight: t["time1.weight"], bias: t["time1.bias"], storedInputs: FashionArchitecture.timeFeatures, taps: 1,
                            outputs: e, inputChannels: Array(0..<FashionArchitecture.timeFeatures))
        time2 = PackedLayer(weight: t["time2.weight"], bias: t["time2.bias"], storedInputs: e, taps: 1, outputs: e, inputChannels: Array(0..<e))
        label = t["label.weight"]
        let c1 = a.active(a.baseChannels, width: w)
        convIn = PackedLayer(weight: t["conv_in.weight"], bias: t["conv_in.bias"], storedInputs: 1, taps: 9, outputs: c1, inputChannels: [0])
        var blocks: [String: PackedBlock] = [:]
        for b in a.blocks {
            // Active input channels: the first a(C_p, w) of each concatenated part p.
            var inputs: [Int] = [], offset = 0
            for part in b.inputParts {
                inputs += (offset..<(offset + a.active(part, width: w)))
                offset += part
            }
            let stored = offset, out = a.active(b.outputChannels, width: w)
            let name = b.name
            blocks[name] = PackedBlock(
                norm1: PackedNorm(t["\(name).norm1.weight"], t["\(name).norm1.bias"], channels: inputs),
                conv1: PackedLayer(weight: t["\(name).conv1.weight"], bias: t["\(name).conv1.bias"], storedInputs: stored, taps: 9,
                                   outputs: out, inputChannels: inputs),
                embed: PackedLayer(weight: t["\(name).embed.weight"], bias: t["\(name).embed.bias"], storedInputs: e, taps: 1,
                                   outputs: out, inputChannels: Array(0..<e)),
                norm2: PackedNorm(t["\(name).norm2.weight"], t["\(name).norm2.bias"], channels: Array(0..<out)),
                conv2: PackedLayer(weight: t["\(name).conv2.weight"], bias: t["\(name).conv2.bias"], storedInputs: b.outputChannels, taps: 9,
                                   outputs: out, inputChannels: Array(0..<out)),
                skip: b.hasSkipConvolution
                    ? PackedLayer(weight: t["\(name).skip.weight"], bias: t["\(name).skip.bias"], storedInputs: stored, taps: 1,
                                  outputs: out, inputChannels: inputs)
                    : nil)
        }
        self.blocks = blocks
        normOut = PackedNorm(t["norm_out.weight"], t["norm_out.bias"], channels: Array(0..<c1))
        convOut = PackedLayer(weight: t["conv_out.weight"], bias: t["conv_out.bias"], storedInputs: a.baseChannels, taps: 9,
                              outputs: 1, inputChannels: Array(0..<c1))
    }
}
