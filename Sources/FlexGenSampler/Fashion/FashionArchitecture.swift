import Foundation

/// The shape of the slimmable conditional U-Net for 28×28 Fashion-MNIST (training/model.py is the
/// PyTorch original; docs/fashion.md the picture):
///
///     conv_in (1→C) ; down0 = Res(C→C) @28 ; avgpool ; down1 = Res(C→2C) @14 ; avgpool ;
///     mid1, mid2 = Res(2C→2C) @7 ; nearest-up ; up1 = Res([2C|2C]→2C) @14 (concat down1) ;
///     nearest-up ; up0 = Res([2C|C]→C) @28 (concat down0) ; conv_out(SiLU(GN(u0))) (C→1)
///
/// Res(in→out): y = skip(x) + conv2(SiLU(GN(conv1(SiLU(GN(x))) + Linear(e)))), skip a 1×1 conv when
/// in ≠ out (identity otherwise); e = SiLU(time2(SiLU(time1(φ(t)))) + label[y]) runs at full width.
///
/// Width rule: a layer of C channels runs at width w on its first a(C, w) = g·⌈w·C/g⌉ channels
/// (clamped to g…C; g = `groupChannels`), so GroupNorm always sees whole groups of g channels and
/// every w ∈ (0, 1] is valid. The expression is evaluated in double precision with a 1e-9 guard
/// against w·C/g landing a rounding error above an integer, exactly as training/model.py does.
public struct FashionArchitecture: Sendable, Equatable {
    public static let imageSide = 28
    public static let pixelCount = 784
    public static let labelCount = 11
    public static let nullLabel = 10
    public static let timeFeatures = 64
    public static let embedding = 128

    /// C, the channels at 28×28 (2C at 14×14 and 7×7).
    public let baseChannels: Int
    /// g, channels per GroupNorm group; divides C.
    public let groupChannels: Int

    public init(baseChannels: Int, groupChannels: Int) {
        self.baseChannels = baseChannels
        self.groupChannels = groupChannels
    }

    /// a(C, w) of the width rule. Precondition: 0 < w ≤ 1 (callers validate first).
    public func active(_ channels: Int, width: Double) -> Int {
        let x = width * Double(channels) / Double(groupChannels)
        let a = groupChannels * Int((x - 1e-9).rounded(.up))
        return max(groupChannels, min(channels, a))
    }

    /// One residual block: its tensor-name prefix, input parts (channels of each concatenated
    /// input, in order) and output channels.
    public struct Block: Sendable, Equatable {
        public let name: String
        public let inputParts: [Int]
        public let outputChannels: Int
        public var hasSkipConvolution: Bool { inputParts.count > 1 || inputParts[0] != outputChannels }
    }

    public var blocks: [Block] {
        let c1 = baseChannels, c2 = 2 * baseChannels
        return [Block(name: "down0", inputParts: [c1], outputChannels: c1),
                Block(name: "down1", inputParts: [c1], outputChannels: c2),
                Block(name: "mid1", inputParts: [c2], outputChannels: c2),
                Block(name: "mid2", inputParts: [c2], outputChannels: c2),
                Block(name: "up1", inputParts: [c2, c2], outputChannels: c2),
                Block(name: "up0", inputParts: [c2, c1], outputChannels: c1)]
    }

    /// Every tensor of the checkpoint with its shape (the PyTorch `state_dict` names).
    public var tensorShapes: [(name: String, shape: [Int])] {
        let c1 = baseChannels, e = Self.embedding
        var out: [(String, [Int])] = [
            ("time1.weight", [e, Self.timeFeatures]), ("time1.bias", [e]),
            ("time2.weight", [e, e]), ("time2.bias", [e]),
            ("label.weight", [Self.labelCount, e]),
            ("conv_in.weight", [c1, 1, 3, 3]), ("conv_in.bias", [c1]),
        ]
        for b in blocks {
            let cin = b.inputParts.reduce(0, +), cout = b.outputChannels
            out += [("\(b.name).norm1.weight", [cin]), ("\(b.name).norm1.bias", [cin]),
                    ("\(b.name).conv1.weight", [cout, cin, 3, 3]), ("\(b.name).conv1.bias", [cout]),
                    ("\(b.name).embed.weight", [cout, e]), ("\(b.name).embed.bias", [cout]),
                    ("\(b.name).norm2.weight", [cout]), ("\(b.name).norm2.bias", [cout]),
                    ("\(b.name).conv2.weight", [cout, cout, 3, 3]), ("\(b.name).conv2.bias", [cout])]
            if b.hasSkipConvolution {
                out += [("\(b.name).skip.weight", [cout, cin, 1, 1]), ("\(b.name).skip.bias", [cout])]
            }
        }
        out += [("norm_out.weight", [c1]), ("norm_out.bias", [c1]), ("conv_out.weight", [1, c1, 3, 3]), ("conv_out.bias", [1])]
        return out
    }

    /// Counted FLOP of one forward pass for one image at width w: 2 per multiply-add of every
    /// convolution and linear layer at its active size (the embedding MLP at full width), plus
    /// nothing for the O(activations) work (GroupNorm, SiLU, pooling, additions), which is below
    /// 2 % of the total at every width. Precondition: 0 < w ≤ 1.
    public func flopsPerPass(width w: Double) -> Double {
        let e = Double(Self.embedding)
        var macs = Double(Self.timeFeatures) * e + e * e
        let side = Self.imageSide
        let c1 = Double(active(baseChannels, width: w))
        macs += c1 * 9 * Double(side * side)          // conv_in
        macs += c1 * 9 * Double(side * side)          // conv_out (C→1)
        let resolutions = ["down0": side, "down1": side / 2, "mid1": side / 4, "mid2": side / 4, "up1": side / 2, "up0": side]
        for b in blocks {
            let pixels = Double(resolutions[b.name]! * resolutions[b.name]!)
            let cin = Double(b.inputParts.reduce(0) { $0 + active($1, width: w) })
            let cout = Double(active(b.outputChannels, width: w))
            macs += cout * cin * 9 * pixels + cout * cout * 9 * pixels + cout * e
            if b.hasSkipConvolution { macs += cout * cin * pixels }
        }
        return 2 * macs
    }
}
