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
    /// Most floats one im2col chunk may take (1 MB, about this machine's L2 per core): the batch is
    /// convolved in slices of images whose columns fit, so the columns are still in cache when
    /// sgemm packs them, and memory does not grow with the batch. With 16 MB chunks the columns
    /// went to memory and back between the copy and sgemm's packing (docs/fashion.md).
    static let im2colBudget = 1 << 18

    /// 3×3 convolution, zero padding 1, stride 1: y[o] = b[o] + Σ_{c,kh,kw} W[o, c, kh, kw]·x[c](p + (kh−1, kw−1)),
    /// without the b[o] when `bias` is nil (a caller that adds a per-channel term afterwards folds
    /// the bias into it, saving a pass over y).
    /// `weight` is co × (ci·9) row-major (PyTorch's [co, ci, 3, 3] flattened); x is ci × N × S²,
    /// y is co × N × S². Float accumulation in sgemm (error O(K·ε·Σ|w||x|), K = 9·ci).
    static func convolve3x3(_ x: UnsafePointer<Float>, channels ci: Int, images n: Int, side s: Int,
                            weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, outputChannels co: Int,
                            into y: UnsafeMutablePointer<Float>, arena: FloatArena) {
        let plane = s * s, k = ci * 9
        let chunk = max(1, min(n, im2colBudget / max(k * plane, 1)))
        let columns = arena.take(k * chunk * plane)
        var first = 0
        while first < n {
            let count = min(chunk, n - first)
            let width = count * plane
            // columns[(c·9 + kh·3 + kw)][(image − first)·S² + i·S + j] = x[c][image](i + kh − 1, j + kw − 1) or 0.
            // The images of one channel are adjacent, so a tap is one shifted copy of the chunk's
            // whole channel (offset d = (kh − 1)·S + kw − 1), after which the positions whose
            // neighbour lies outside the image (a border row or column, where the copy read the
            // neighbouring row or image) are zeroed.
            for c in 0..<ci {
                let source = x + ((c * n + first) * plane)
                for kh in 0..<3 { for kw in 0..<3 {
                    let row = columns + ((c * 9 + kh * 3 + kw) * width)
                    let d = (kh - 1) * s + (kw - 1)
                    let lo = max(0, -d), hi = min(width, width - d)
                    if lo > 0 { row.update(repeating: 0, count: lo) }
                    (row + lo).update(from: source + (lo + d), count: hi - lo)
                    if hi < width { (row + hi).update(repeating: 0, count: width - hi) }
                    if kh != 1 {
                        let border = kh == 0 ? 0 : (s - 1) * s
                        for m in 0..<count { (row + m * plane + border).update(repeating: 0, count: s) }
                    }
                    if kw != 1 {
                        let border = kw == 0 ? 0 : s - 1
                        var q = border
                        while q < width { row[q] = 0; q += s }
                    }
                } }
            }
            // y[:, first·S² ..< (first + count)·S²] = W · columns   (rows of y have stride N·S²)
            BLAS.sgemm(m: co, n: width, k: k, a: weight, lda: k, b: columns, ldb: width,
                       c: y + first * plane, ldc: n * plane)
            first += count
        }
        if let bias { addChannelBias(y, channels: co, length: n * plane, bias: bias) }
    }

    /// 1×1 convolution accumulated into y: y[o] += b[o] + b2[o] + Σ_c W[o, c]·x[c]. One sgemm with
    /// β = 1; `extraBias` (the preceding convolution's, left out of it) joins the same pass.
    static func accumulate1x1(_ x: UnsafePointer<Float>, channels ci: Int, length: Int,
                              weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, extraBias: UnsafePointer<Float>,
                              outputChannels co: Int, into y: UnsafeMutablePointer<Float>) {
        BLAS.sgemm(m: co, n: length, k: ci, a: weight, lda: ci, b: x, ldb: length, beta: 1, c: y, ldc: length)
        for c in 0..<co {
            let row = y + c * length, b = bias[c] + extraBias[c]
            for i in 0..<length { row[i] += b }
        }
    }

    static func addChannelBias(_ y: UnsafeMutablePointer<Float>, channels: Int, length: Int, bias: UnsafePointer<Float>) {
        for c in 0..<channels {
            let row = y + c * length, b = bias[c]
            for i in 0..<length { row[i] += b }
        }
    }

    /// y[c, n, :] += v[n·C + c] + b[c]: a per-image, per-channel offset (the block's embedding
    /// projection) plus the convolution's bias, in one pass.
    static func addImageChannelOffsets(_ y: UnsafeMutablePointer<Float>, channels: Int, images n: Int, plane: Int,
                                       offsets v: UnsafePointer<Float>, bias b: UnsafePointer<Float>) {
        for c in 0..<channels { for m in 0..<n {
            let row = y + (c * n + m) * plane, o = v[m * channels + c] + b[c]
            for i in 0..<plane { row[i] += o }
        } }
    }

    /// y[c] += x[c] + b[c] over rows of `length`: an identity skip plus the last convolution's bias.
    static func addResidual(_ x: UnsafePointer<Float>, channels: Int, length: Int, bias b: UnsafePointer<Float>,
                            into y: UnsafeMutablePointer<Float>) {
        for c in 0..<channels {
            let row = y + c * length, source = x + c * length, o = b[c]
            for i in 0..<length { row[i] += source[i] + o }
        }
    }

    /// GroupNorm over groups of g consecutive channels per image, then optionally SiLU:
    /// y = γ_c·(x − μ)/√(σ² + eps) + β_c with μ, σ² the mean and biased variance of the group's
    /// g·S² values (accumulated in Double), eps = 1e-5 (PyTorch's default); SiLU(z) = z·σ(z)
    /// (`FastSiLU`, within 2e−7 relative).
    static func groupNorm(_ x: UnsafePointer<Float>, channels: Int, images n: Int, plane: Int, groupChannels g: Int,
                          gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, silu: Bool,
                          into y: UnsafeMutablePointer<Float>) {
        let count = Double(g * plane)
        for m in 0..<n {
            for group in 0..<(channels / g) {
                var sum = 0.0
                for c in (group * g)..<((group + 1) * g) {
                    sum += Double(planeSum(x + (c * n + m) * plane, count: plane))
                }
                let mean = sum / count
                var squares = 0.0
                for c in (group * g)..<((group + 1) * g) {
                    squares += Double(planeSquaredDeviations(x + (c * n + m) * plane, count: plane, from: Float(mean)))
                }
                let inverse = 1 / (squares / count + 1e-5).squareRoot()
                for c in (group * g)..<((group + 1) * g) {
                    let source = x + (c * n + m) * plane, target = y + (c * n + m) * plane
                    let scale = Float(Double(gamma[c]) * inverse)
                    let shift = beta[c] - Float(mean) * scale
                    if silu {
                        for i in 0..<plane { target[i] = FastSiLU.silu(source[i] * scale + shift) }
                    } else {
                        for i in 0..<plane { target[i] = source[i] * scale + shift }
                    }
                }
            }
        }
    }

    /// Σ p[i] over one plane in Float with eight interleaved partial sums (a SIMD accumulator: a
    /// single running sum is a chain of dependent additions the compiler may not reorder, four
    /// cycles per value). Error O(count/8·ε·Σ|p|); the caller adds the planes in Double.
    @inline(__always)
    static func planeSum(_ p: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD8<Float>(repeating: 0)
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= count {
            lanes += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        var total = lanes.sum()
        while i < count { total += p[i]; i += 1 }
        return total
    }

    /// Σ (p[i] − μ)² over one plane, accumulated like `planeSum`.
    @inline(__always)
    static func planeSquaredDeviations(_ p: UnsafePointer<Float>, count: Int, from mu: Float) -> Float {
        var lanes = SIMD8<Float>(repeating: 0)
        let center = SIMD8<Float>(repeating: mu)
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= count {
            let d = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) - center
            lanes += d * d
            i += 8
        }
        var total = lanes.sum()
        while i < count { let d = p[i] - mu; total += d * d; i += 1 }
        return total
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
        for i in 0..<count { x[i] = FastSiLU.silu(x[i]) }
    }

    /// Dense layer on rows: y (n × o) = x (n × i) · Wᵀ + b, W the first o rows of a matrix with
    /// row stride `ldw` (PyTorch's Linear weight, out × in).
    static func linear(_ x: UnsafePointer<Float>, rows n: Int, inputs i: Int, weight: UnsafePointer<Float>, ldw: Int,
                       bias: UnsafePointer<Float>, outputs o: Int, into y: UnsafeMutablePointer<Float>) {
        BLAS.sgemm(transposeB: true, m: n, n: o, k: i, a: x, lda: i, b: weight, ldb: ldw, c: y, ldc: o)
        for r in 0..<n { let row = y + r * o; for j in 0..<o { row[j] += bias[j] } }
    }
}
