import Foundation

extension PackedFashionUNet {
    /// ε̂ for n = timesteps.count images: x is n × 784 (NCHW with one channel, which is also the
    /// kernels' CNHW layout), y receives n × 784. Inputs are validated by the callers.
    func forward(_ x: UnsafePointer<Float>, timesteps: [Int], labels: [Int],
                 into y: UnsafeMutablePointer<Float>, arena: FloatArena) {
        typealias K = FeatureMapKernels
        arena.reset()
        let n = timesteps.count, e = FashionArchitecture.embedding
        let s0 = FashionArchitecture.imageSide, s1 = s0 / 2, s2 = s0 / 4
        let p0 = s0 * s0, p1 = s1 * s1, p2 = s2 * s2

        // e = SiLU(time2(SiLU(time1(φ(t)))) + label[y])   (n × 128)
        let features = arena.take(n * FashionArchitecture.timeFeatures)
        for r in 0..<n {
            if r > 0 && timesteps[r] == timesteps[r - 1] {
                (features + r * FashionArchitecture.timeFeatures).update(from: features + (r - 1) * FashionArchitecture.timeFeatures,
                                                                          count: FashionArchitecture.timeFeatures)
            } else {
                SlimmableDenoiser.timeFeatures(timesteps[r], count: FashionArchitecture.timeFeatures,
                                               into: features + r * FashionArchitecture.timeFeatures)
            }
        }
        let hidden = arena.take(n * e), embedding = arena.take(n * e)
        linear(time1, features, rows: n, into: hidden)
        K.silu(hidden, count: n * e)
        linear(time2, hidden, rows: n, into: embedding)
        label.withUnsafeBufferPointer { table in
            for r in 0..<n {
                let row = embedding + r * e, entry = table.baseAddress! + labels[r] * e
                for j in 0..<e { row[j] += entry[j] }
            }
        }
        K.silu(embedding, count: n * e)

        let c1 = convIn.outputs
        let block = { (name: String) in self.blocks[name]! }
        let c2 = block("down1").outputs
        // Level 0 (28×28). Concatenation buffers are allocated whole so the skip tensor is written
        // in place behind the upsampled one: [up | skip] along channels is two adjacent ranges.
        let h0 = arena.take(c1 * n * p0)
        convolve(convIn, x, images: n, side: s0, into: h0, arena: arena)
        let cat0 = arena.take((c2 + c1) * n * p0)
        let d0 = cat0 + c2 * n * p0
        residual(block("down0"), h0, images: n, side: s0, embedding: embedding, into: d0, arena: arena)
        let pooled0 = arena.take(c1 * n * p1)
        K.averagePool2(d0, planes: c1 * n, side: s0, into: pooled0)
        // Level 1 (14×14)
        let cat1 = arena.take(2 * c2 * n * p1)
        let d1 = cat1 + c2 * n * p1
        residual(block("down1"), pooled0, images: n, side: s1, embedding: embedding, into: d1, arena: arena)
        let pooled1 = arena.take(c2 * n * p2)
        K.averagePool2(d1, planes: c2 * n, side: s1, into: pooled1)
        // Level 2 (7×7)
        let m1 = arena.take(c2 * n * p2), m2 = arena.take(c2 * n * p2)
        residual(block("mid1"), pooled1, images: n, side: s2, embedding: embedding, into: m1, arena: arena)
        residual(block("mid2"), m1, images: n, side: s2, embedding: embedding, into: m2, arena: arena)
        // Up to 14×14, concatenate d1, block; up to 28×28, concatenate d0, block.
        K.upsampleNearest2(m2, planes: c2 * n, side: s2, into: cat1)
        let u1 = arena.take(c2 * n * p1)
        residual(block("up1"), cat1, images: n, side: s1, embedding: embedding, into: u1, arena: arena)
        K.upsampleNearest2(u1, planes: c2 * n, side: s1, into: cat0)
        let u0 = arena.take(c1 * n * p0)
        residual(block("up0"), cat0, images: n, side: s0, embedding: embedding, into: u0, arena: arena)
        let normed = arena.take(c1 * n * p0)
        normOut.gamma.withUnsafeBufferPointer { g in normOut.beta.withUnsafeBufferPointer { b in
            K.groupNorm(u0, channels: c1, images: n, plane: p0, groupChannels: architecture.groupChannels,
                        gamma: g.baseAddress!, beta: b.baseAddress!, silu: true, into: normed)
        } }
        convolve(convOut, normed, images: n, side: s0, into: y, arena: arena)
    }

    /// y = skip(x) + conv2(SiLU(GN2(conv1(SiLU(GN1(x))) + embed(e)))), x with block.inputs channels.
    private func residual(_ b: PackedBlock, _ x: UnsafePointer<Float>, images n: Int, side s: Int,
                          embedding: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, arena: FloatArena) {
        typealias K = FeatureMapKernels
        let plane = s * s, g = architecture.groupChannels
        let normed = arena.take(b.inputs * n * plane)
        b.norm1.gamma.withUnsafeBufferPointer { gamma in b.norm1.beta.withUnsafeBufferPointer { beta in
            K.groupNorm(x, channels: b.inputs, images: n, plane: plane, groupChannels: g,
                        gamma: gamma.baseAddress!, beta: beta.baseAddress!, silu: true, into: normed)
        } }
        // conv1 and conv2 leave their biases out: conv1's joins the embedding offsets, conv2's the
        // skip's pass, so neither costs a pass of its own.
        let h = arena.take(b.outputs * n * plane)
        convolve(b.conv1, normed, images: n, side: s, into: h, arena: arena, addBias: false)
        let offsets = arena.take(n * b.outputs)
        linear(b.embed, embedding, rows: n, into: offsets)
        b.conv1.bias.withUnsafeBufferPointer { bias in
            K.addImageChannelOffsets(h, channels: b.outputs, images: n, plane: plane, offsets: offsets, bias: bias.baseAddress!)
        }
        let normed2 = arena.take(b.outputs * n * plane)
        b.norm2.gamma.withUnsafeBufferPointer { gamma in b.norm2.beta.withUnsafeBufferPointer { beta in
            K.groupNorm(h, channels: b.outputs, images: n, plane: plane, groupChannels: g,
                        gamma: gamma.baseAddress!, beta: beta.baseAddress!, silu: true, into: normed2)
        } }
        convolve(b.conv2, normed2, images: n, side: s, into: y, arena: arena, addBias: false)
        b.conv2.bias.withUnsafeBufferPointer { conv2Bias in
            if let skip = b.skip {
                skip.weight.withUnsafeBufferPointer { w in skip.bias.withUnsafeBufferPointer { bias in
                    K.accumulate1x1(x, channels: skip.inputs, length: n * plane, weight: w.baseAddress!, bias: bias.baseAddress!,
                                    extraBias: conv2Bias.baseAddress!, outputChannels: skip.outputs, into: y)
                } }
            } else {
                K.addResidual(x, channels: b.outputs, length: n * plane, bias: conv2Bias.baseAddress!, into: y)
            }
        }
    }

    private func convolve(_ layer: PackedLayer, _ x: UnsafePointer<Float>, images n: Int, side s: Int,
                          into y: UnsafeMutablePointer<Float>, arena: FloatArena, addBias: Bool = true) {
        layer.weight.withUnsafeBufferPointer { w in layer.bias.withUnsafeBufferPointer { b in
            FeatureMapKernels.convolve3x3(x, channels: layer.inputs, images: n, side: s, weight: w.baseAddress!,
                                          bias: addBias ? b.baseAddress! : nil, outputChannels: layer.outputs, into: y, arena: arena)
        } }
    }

    private func linear(_ layer: PackedLayer, _ x: UnsafePointer<Float>, rows n: Int, into y: UnsafeMutablePointer<Float>) {
        layer.weight.withUnsafeBufferPointer { w in layer.bias.withUnsafeBufferPointer { b in
            FeatureMapKernels.linear(x, rows: n, inputs: layer.inputs, weight: w.baseAddress!, ldw: layer.inputs,
                                     bias: b.baseAddress!, outputs: layer.outputs, into: y)
        } }
    }
}
