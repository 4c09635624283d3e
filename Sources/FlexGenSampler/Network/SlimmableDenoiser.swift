import Foundation
import FlexGenLinearAlgebra
import FlexGenNumerics

/// The slimmable ε-prediction MLP (see `DenoiserArchitecture` for the equations) with its weights
/// in one flat Float vector, a batched forward pass and a hand-written backward pass, both through
/// `BLAS.sgemm` on the active slices of the shared matrices.
public struct SlimmableDenoiser: Sendable, Equatable {
    public let architecture: DenoiserArchitecture
    /// All parameters, laid out by `ParameterLayout` (row-major, out × in).
    public internal(set) var parameters: [Float]

    var layout: ParameterLayout { ParameterLayout(architecture) }

    public init(architecture: DenoiserArchitecture, parameters: [Float]) {
        precondition(parameters.count == ParameterLayout(architecture).count, "SlimmableDenoiser: wrong parameter count")
        self.architecture = architecture
        self.parameters = parameters
    }

    /// Fresh weights: every matrix N(0, 1/fan_in) (fan_in = E, 64 or H), the output matrix scaled by
    /// 0.1 so the first predictions are small, label embeddings N(0, 0.25), biases zero.
    public init(architecture: DenoiserArchitecture, seed: UInt64) {
        let layout = ParameterLayout(architecture)
        var generator = Xoshiro256(seed: seed)
        var values = [Float](repeating: 0, count: layout.count)
        let h = architecture.hiddenWidth, e = architecture.timeFeatures, p = DenoiserArchitecture.pixelCount
        func fill(_ offset: Int, _ count: Int, std: Float) {
            for i in 0..<count { values[offset + i] = std * generator.nextNormal() }
        }
        fill(layout.timeWeight, h * e, std: 1 / Float(e).squareRoot())
        fill(layout.labelEmbedding, DenoiserArchitecture.labelCount * h, std: 0.5)
        fill(layout.inputWeight, h * p, std: 1 / Float(p).squareRoot())
        for l in 0..<architecture.residualBlocks { fill(layout.blockWeights[l], h * h, std: 1 / Float(h).squareRoot()) }
        fill(layout.outputWeight, p * h, std: 0.1 / Float(h).squareRoot())
        self.architecture = architecture
        self.parameters = values
    }

    /// Sinusoidal time features φ(t) of `DenoiserArchitecture`, written to `out[0..<E]`.
    static func timeFeatures(_ t: Int, count e: Int, into out: UnsafeMutablePointer<Float>) {
        let half = e / 2
        for k in 0..<half {
            let frequency = Foundation.exp(-Foundation.log(10_000.0) * Double(k) / Double(half))
            let angle = Double(t) * frequency
            out[k] = Float(Foundation.sin(angle))
            out[half + k] = Float(Foundation.cos(angle))
        }
    }

    /// Predicts ε for `count` rows of noisy pixels `x` (count × 64, model scale [-1, 1] plus noise),
    /// timesteps `t` (0…T−1) and labels (0…9, or 10 = null) at width `width`; returns count × 64.
    /// Throws `DiffusionInputError.width` for a width outside (0, 1].
    public func predictNoise(x: [Float], timesteps: [Int], labels: [Int], width: Double) throws(DiffusionInputError) -> [Float] {
        let active = try architecture.activeWidth(width)
        let count = timesteps.count
        precondition(x.count == count * DenoiserArchitecture.pixelCount && labels.count == count, "predictNoise: shape mismatch")
        let workspace = DenoiserWorkspace(architecture: architecture, rows: count)
        x.withUnsafeBufferPointer { workspace.input.update(from: $0.baseAddress!, count: $0.count) }
        forward(workspace: workspace, rows: count, timesteps: timesteps, labels: labels, active: active)
        return Array(UnsafeBufferPointer(start: workspace.output, count: count * DenoiserArchitecture.pixelCount))
    }

    /// Forward pass on `workspace.input` (rows × 64); keeps every pre-activation and activation
    /// in the workspace for the backward pass; result in `workspace.output` (rows × 64).
    func forward(workspace ws: DenoiserWorkspace, rows n: Int, timesteps: [Int], labels: [Int], active a: Int) {
        let h = architecture.hiddenWidth, e = architecture.timeFeatures, p = DenoiserArchitecture.pixelCount
        let layout = self.layout
        parameters.withUnsafeBufferPointer { buffer in
            let w = buffer.baseAddress!
            // Time features; rows sharing the previous row's timestep copy it (sampling: all rows).
            for r in 0..<n {
                if r > 0 && timesteps[r] == timesteps[r - 1] {
                    (ws.features + r * e).update(from: ws.features + (r - 1) * e, count: e)
                } else {
                    Self.timeFeatures(timesteps[r], count: e, into: ws.features + r * e)
                }
            }
            // c = φ·W_tᵀ + b_t + L[y]   (n × a, row stride a)
            BLAS.sgemm(transposeB: true, m: n, n: a, k: e, a: ws.features, lda: e,
                       b: w + layout.timeWeight, ldb: e, c: ws.conditioning, ldc: a)
            for r in 0..<n {
                let row = ws.conditioning + r * a
                let label = w + layout.labelEmbedding + labels[r] * h
                let bias = w + layout.timeBias
                for j in 0..<a { row[j] += bias[j] + label[j] }
            }
            // h₀ = SiLU(x·W_inᵀ + b_in + c)
            BLAS.sgemm(transposeB: true, m: n, n: a, k: p, a: ws.input, lda: p,
                       b: w + layout.inputWeight, ldb: p, c: ws.preActivation[0], ldc: a)
            Self.addBiasConditionSiLU(z: ws.preActivation[0], hidden: ws.hidden[0], bias: w + layout.inputBias,
                                      conditioning: ws.conditioning, residual: nil, rows: n, width: a)
            for l in 0..<architecture.residualBlocks {
                BLAS.sgemm(transposeB: true, m: n, n: a, k: a, a: ws.hidden[l], lda: a,
                           b: w + layout.blockWeights[l], ldb: h, c: ws.preActivation[l + 1], ldc: a)
                Self.addBiasConditionSiLU(z: ws.preActivation[l + 1], hidden: ws.hidden[l + 1], bias: w + layout.blockBiases[l],
                                          conditioning: ws.conditioning, residual: ws.hidden[l], rows: n, width: a)
            }
            // ε̂ = h_L·W_out[:, :a]ᵀ + b_out
            BLAS.sgemm(transposeB: true, m: n, n: p, k: a, a: ws.hidden[architecture.residualBlocks], lda: a,
                       b: w + layout.outputWeight, ldb: h, c: ws.output, ldc: p)
            let outBias = w + layout.outputBias
            for r in 0..<n {
                let row = ws.output + r * p
                for j in 0..<p { row[j] += outBias[j] }
            }
        }
    }

    /// z += bias + c (in place); hidden = SiLU(z) = z·σ(z) (+ residual), eight lanes at a time.
    @inline(__always)
    static func addBiasConditionSiLU(z: UnsafeMutablePointer<Float>, hidden: UnsafeMutablePointer<Float>,
                                     bias: UnsafePointer<Float>, conditioning: UnsafePointer<Float>,
                                     residual: UnsafePointer<Float>?, rows n: Int, width a: Int) {
        let vectorEnd = VectorExp.vectorised ? a - a % 8 : 0
        for r in 0..<n {
            let zr = z + r * a, hr = hidden + r * a, cr = conditioning + r * a
            var j = 0
            while j < vectorEnd {
                let v = UnsafeRawPointer(zr + j).loadUnaligned(as: SIMD8<Float>.self)
                    + UnsafeRawPointer(bias + j).loadUnaligned(as: SIMD8<Float>.self)
                    + UnsafeRawPointer(cr + j).loadUnaligned(as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(zr + j).storeBytes(of: v, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(hr + j).storeBytes(of: v * VectorExp.logistic(v), as: SIMD8<Float>.self)
                j += 8
            }
            while j < a {
                let v = zr[j] + bias[j] + cr[j]
                zr[j] = v
                hr[j] = v * VectorExp.logistic(v)
                j += 1
            }
            if let residual {
                let rr = residual + r * a
                for j in 0..<a { hr[j] += rr[j] }
            }
        }
    }

    /// Backward pass: given ∂loss/∂ε̂ in `workspace.outputGradient` (rows × 64) after `forward` on the
    /// same workspace, ADDS ∂loss/∂θ for the active slices into `gradient` (same layout as
    /// `parameters`; inactive entries untouched).
    func backward(workspace ws: DenoiserWorkspace, rows n: Int, labels: [Int], active a: Int,
                  gradient: UnsafeMutablePointer<Float>) {
        let h = architecture.hiddenWidth, e = architecture.timeFeatures, p = DenoiserArchitecture.pixelCount
        let layout = self.layout, depth = architecture.residualBlocks
        parameters.withUnsafeBufferPointer { buffer in
            let w = buffer.baseAddress!
            let dOut = ws.outputGradient
            // Output layer: gW_out[:, :a] += dOutᵀ·h_L ; gb_out += Σ_rows dOut ; dh = dOut·W_out[:, :a]
            BLAS.sgemm(transposeA: true, m: p, n: a, k: n, a: dOut, lda: p, b: ws.hidden[depth], ldb: a,
                       beta: 1, c: gradient + layout.outputWeight, ldc: h)
            Self.addColumnSums(dOut, rows: n, columns: p, into: gradient + layout.outputBias)
            BLAS.sgemm(m: n, n: a, k: p, a: dOut, lda: p, b: w + layout.outputWeight, ldb: h,
                       c: ws.hiddenGradient, ldc: a)
            // Conditioning gradient accumulates over every layer.
            ws.conditioningGradient.update(repeating: 0, count: n * a)
            for l in stride(from: depth, through: 0, by: -1) {
                // dz = dh ⊙ SiLU'(z), SiLU'(z) = s(1 + z(1 − s)), s = σ(z)
                let z = ws.preActivation[l], dz = ws.preActivationGradient
                for i in 0..<(n * a) {
                    let s = VectorExp.logistic(z[i])
                    let v = ws.hiddenGradient[i] * s * (1 + z[i] * (1 - s))
                    dz[i] = v
                    ws.conditioningGradient[i] += v
                }
                let weight = l == 0 ? layout.inputWeight : layout.blockWeights[l - 1]
                let bias = l == 0 ? layout.inputBias : layout.blockBiases[l - 1]
                Self.addColumnSums(dz, rows: n, columns: a, into: gradient + bias)
                if l == 0 {
                    BLAS.sgemm(transposeA: true, m: a, n: p, k: n, a: dz, lda: a, b: ws.input, ldb: p,
                               beta: 1, c: gradient + weight, ldc: p)
                } else {
                    BLAS.sgemm(transposeA: true, m: a, n: a, k: n, a: dz, lda: a, b: ws.hidden[l - 1], ldb: a,
                               beta: 1, c: gradient + weight, ldc: h)
                    // h_l = h_{l−1} + SiLU(z_l): dh_{l−1} = dh_l + dz·W_l[:a, :a]
                    BLAS.sgemm(m: n, n: a, k: a, a: dz, lda: a, b: w + weight, ldb: h,
                               beta: 1, c: ws.hiddenGradient, ldc: a)
                }
            }
            // c = φ·W_tᵀ + b_t + L[y]
            let dc = ws.conditioningGradient
            BLAS.sgemm(transposeA: true, m: a, n: e, k: n, a: dc, lda: a, b: ws.features, ldb: e,
                       beta: 1, c: gradient + layout.timeWeight, ldc: e)
            Self.addColumnSums(dc, rows: n, columns: a, into: gradient + layout.timeBias)
            for r in 0..<n {
                let target = gradient + layout.labelEmbedding + labels[r] * h
                let row = dc + r * a
                for j in 0..<a { target[j] += row[j] }
            }
        }
    }

    static func addColumnSums(_ matrix: UnsafePointer<Float>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let row = matrix + r * columns
            for j in 0..<columns { out[j] += row[j] }
        }
    }
}

/// Scratch buffers for one batch: inputs, every layer's pre-activation and activation (kept for
/// the backward pass) and their gradients. Sized for `rows` rows at full width; any active width
/// uses the leading part with row stride a. Not shared between threads.
final class DenoiserWorkspace {
    let rows: Int
    let input: UnsafeMutablePointer<Float>
    let features: UnsafeMutablePointer<Float>
    let conditioning: UnsafeMutablePointer<Float>
    let preActivation: [UnsafeMutablePointer<Float>]
    let hidden: [UnsafeMutablePointer<Float>]
    let output: UnsafeMutablePointer<Float>
    let outputGradient: UnsafeMutablePointer<Float>
    let hiddenGradient: UnsafeMutablePointer<Float>
    let preActivationGradient: UnsafeMutablePointer<Float>
    let conditioningGradient: UnsafeMutablePointer<Float>
    private var all: [UnsafeMutablePointer<Float>] = []

    init(architecture: DenoiserArchitecture, rows: Int) {
        self.rows = rows
        let h = architecture.hiddenWidth, p = DenoiserArchitecture.pixelCount
        var all: [UnsafeMutablePointer<Float>] = []
        func make(_ count: Int) -> UnsafeMutablePointer<Float> {
            let pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
            pointer.initialize(repeating: 0, count: max(count, 1))
            all.append(pointer)
            return pointer
        }
        input = make(rows * p)
        features = make(rows * architecture.timeFeatures)
        conditioning = make(rows * h)
        preActivation = (0...architecture.residualBlocks).map { _ in make(rows * h) }
        hidden = (0...architecture.residualBlocks).map { _ in make(rows * h) }
        output = make(rows * p)
        outputGradient = make(rows * p)
        hiddenGradient = make(rows * h)
        preActivationGradient = make(rows * h)
        conditioningGradient = make(rows * h)
        self.all = all
    }

    deinit { for pointer in all { pointer.deallocate() } }
}
