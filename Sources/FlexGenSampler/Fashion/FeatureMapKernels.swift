import Foundation
import FlexGenLinearAlgebra

/// The layer kernels of the Fashion-MNIST U-Net and classifier on feature maps stored
/// channel-major over the whole batch ("CNHW"): channel c of image n at pixel p is
/// `x[(c·N + n)·S² + p]`. In this layout a convolution over the batch is one matrix product
/// (weights co × K times im2col columns K × N·S²), a skip concatenation is two adjacent channel
/// ranges, and a 1×1 convolution needs no im2col at all. Every product goes through
/// `FlexGenLinearAlgebra.BLAS.sgemm`.
///
/// All functions are contracts on raw pointers: the caller provides buffers of the stated sizes
/// (nothing is checked here; `FashionUNet`/`FashionClassifier` size them from the architecture).
enum FeatureMapKernels {
    /// Most floats one im2col chunk may take (16 MB): the batch is convolved in slices of images
    /// whose columns fit, so memory does not grow with the batch.
    static let im2colBudget = 4 << 20

    /// 3×3 convolution, zero padding 1, stride 1: y[o] = b[o] + Σ_{c,kh,kw} W[o, c, kh, kw]·x[c](p + (kh−1, kw−1)).
    /// `weight` is co × (ci·9) row-major (PyTorch's [co, ci, 3, 3] flattened); x is ci × N × S²,
    /// y is co × N × S². Float accumulation in sgemm (error O(K·ε·Σ|w||x|), K = 9·ci).
    static func convolve3x3(_ x: UnsafePointer<Float>, channels ci: Int, images n: Int, side s: Int,
                            weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, outputChannels co: Int,
                            into y: UnsafeMutablePointer<Float>, arena: FloatArena) {
        let plane = s * s, k = ci * 9
        let chunk = max(1, min(n, im2colBudget / max(k * plane, 1)))
        let columns = arena.take(k * chunk * plane)
        var first = 0
        while first < n {
            let count = min(chunk, n - first)
            let width = count * plane
            // columns[(c·9 + kh·3 + kw)][(image − first)·S² + i·S + j] = x[c][image](i + kh − 1, j + kw − 1) or 0
            for c in 0..<ci {
                for kh in 0..<3 { for kw in 0..<3 {
                    let row = columns + ((c * 9 + kh * 3 + kw) * width)
                    for m in 0..<count {
                        let source = x + ((c * n + first + m) * plane)
                        let target = row + m * plane
                        for i in 0..<s {
                            let si = i + kh - 1
                            let out = target + i * s
                            if si < 0 || si >= s { out.update(repeating: 0, count: s); continue }
                            let inRow = source + si * s
                            let lo = max(0, 1 - kw), hi = min(s, s + 1 - kw)   // j with 0 ≤ j + kw − 1 < s
                            if lo > 0 { out[0] = 0 }
                            if hi < s { out[s - 1] = 0 }
                            (out + lo).update(from: inRow + (lo + kw - 1), count: hi - lo)
                        }
                    }
                } }
            }
            // y[:, first·S² ..< (first + count)·S²] = W · columns   (rows of y have stride N·S²)
            BLAS.sgemm(m: co, n: width, k: k, a: weight, lda: k, b: columns, ldb: width,
                       c: y + first * plane, ldc: n * plane)
            first += count
        }
        addChannelBias(y, channels: co, length: n * plane, bias: bias)
    }

    /// 1×1 convolution accumulated into y: y[o] += b[o] + Σ_c W[o, c]·x[c]. One sgemm with β = 1.
    static func accumulate1x1(_ x: UnsafePointer<Float>, channels ci: Int, length: Int,
                              weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, outputChannels co: Int,
                              into y: UnsafeMutablePointer<Float>) {
        BLAS.sgemm(m: co, n: length, k: ci, a: weight, lda: ci, b: x, ldb: length, beta: 1, c: y, ldc: length)
        addChannelBias(y, channels: co, length: length, bias: bias)
    }

    static func addChannelBias(_ y: UnsafeMutablePointer<Float>, channels: Int, length: Int, bias: UnsafePointer<Float>) {
        for c in 0..<channels {
            let row = y + c * length, b = bias[c]
            for i in 0..<length { row[i] += b }
        }
    }

    /// y[c, n, :] += v[n·C + c]: a per-image, per-channel offset (the block's embedding projection).
    static func addImageChannelOffsets(_ y: UnsafeMutablePointer<Float>, channels: Int, images n: Int, plane: Int,
                                       offsets v: UnsafePointer<Float>) {
        for c in 0..<channels { for m in 0..<n {
            let row = y + (c * n + m) * plane, o = v[m * channels + c]
            for i in 0..<plane { row[i] += o }
        } }
    }

    /// GroupNorm over groups of g consecutive channels per image, then optionally SiLU:
    /// y = γ_c·(x − μ)/√(σ² + eps) + β_c with μ, σ² the mean and biased variance of the group's
    /// g·S² values (accumulated in Double), eps = 1e-5 (PyTorch's default); SiLU(z) = z·σ(z).
    static func groupNorm(_ x: UnsafePointer<Float>, channels: Int, images n: Int, plane: Int, groupChannels g: Int,
                          gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, silu: Bool,
                          into y: UnsafeMutablePointer<Float>) {
        let count = Double(g * plane)
        for m in 0..<n {
            for group in 0..<(channels / g) {
                var sum = 0.0
                for c in (group * g)..<((group + 1) * g) {
                    let row = x + (c * n + m) * plane
                    var partial: Float = 0
                    for i in 0..<plane { partial += row[i] }
                    sum += Double(partial)
                }
                let mean = sum / count
                var squares = 0.0
                for c in (group * g)..<((group + 1) * g) {
                    let row = x + (c * n + m) * plane
                    let mu = Float(mean)
                    var partial: Float = 0
                    for i in 0..<plane { let d = row[i] - mu; partial += d * d }
                    squares += Double(partial)
                }
                let inverse = 1 / (squares / count + 1e-5).squareRoot()
                for c in (group * g)..<((group + 1) * g) {
                    let source = x + (c * n + m) * plane, target = y + (c * n + m) * plane
                    let scale = Float(Double(gamma[c]) * inverse)
                    let shift = beta[c] - Float(mean) * scale
                    if silu {
                        for i in 0..<plane { let z = source[i] * scale + shift; target[i] = z / (1 + Foundation.exp(-z)) }
                    } else {
                        for i in 0..<plane { target[i] = source[i] * scale + shift }
                    }
                }
            }
        }
    }

    /// 2×2 average pooling, stride 2, on `planes` planes of side s (even): side s/2.
    static func averagePool2(_ x: UnsafePointer<Float>, planes: Int, side s: Int, into y: UnsafeMutablePointer<Float>) {
        let h = s / 2
        for p in 0..<planes {
            let source = x + p * s * s, target = y + p * h * h
            for i in 0..<h { for j in 0..<h {
                let a = source + (2 * i) * s + 2 * j
                target[i * h + j] = 0.25 * ((a[0] + a[1]) + (a[s] + a[s + 1]))
            } }
        }
    }

    /// 2×2 max pooling, stride 2.
    static func maxPool2(_ x: UnsafePointer<Float>, planes: Int, side s: Int, into y: UnsafeMutablePointer<Float>) {
        let h = s / 2
        for p in 0..<planes {
            let source = x + p * s * s, target = y + p * h * h
            for i in 0..<h { for j in 0..<h {
                let a = source + (2 * i) * s + 2 * j
                target[i * h + j] = max(max(a[0], a[1]), max(a[s], a[s + 1]))
            } }
        }
    }

    /// Nearest-neighbour ×2 upsampling: y(i, j) = x(⌊i/2⌋, ⌊j/2⌋), side s → 2s.
    static func upsampleNearest2(_ x: UnsafePointer<Float>, planes: Int, side s: Int, into y: UnsafeMutablePointer<Float>) {
        let d = 2 * s
        for p in 0..<planes {
            let source = x + p * s * s, target = y + p * d * d
            for i in 0..<d {
                let row = source + (i / 2) * s, out = target + i * d
                for j in 0..<d { out[j] = row[j / 2] }
            }
        }
    }

    static func relu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count where x[i] < 0 { x[i] = 0 }
    }

    static func silu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { x[i] = x[i] / (1 + Foundation.exp(-x[i])) }
    }

    /// Dense layer on rows: y (n × o) = x (n × i) · Wᵀ + b, W the first o rows of a matrix with
    /// row stride `ldw` (PyTorch's Linear weight, out × in).
    static func linear(_ x: UnsafePointer<Float>, rows n: Int, inputs i: Int, weight: UnsafePointer<Float>, ldw: Int,
                       bias: UnsafePointer<Float>, outputs o: Int, into y: UnsafeMutablePointer<Float>) {
        BLAS.sgemm(transposeB: true, m: n, n: o, k: i, a: x, lda: i, b: weight, ldb: ldw, c: y, ldc: o)
        for r in 0..<n { let row = y + r * o; for j in 0..<o { row[j] += bias[j] } }
    }
}
