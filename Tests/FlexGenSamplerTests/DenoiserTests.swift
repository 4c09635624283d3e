import Foundation
import Testing
@testable import FlexGenSampler
import FlexGenNumerics

@Suite("Slimmable denoiser")
struct DenoiserTests {
    let tiny = DenoiserArchitecture(hiddenWidth: 6, residualBlocks: 2, timeFeatures: 4)

    /// A random batch for the tiny network.
    func batch(rows: Int, seed: UInt64) -> (x: [Float], t: [Int], labels: [Int], target: [Float]) {
        var g = Xoshiro256(seed: seed)
        let x = (0..<(rows * 64)).map { _ in g.nextNormal() }
        let target = (0..<(rows * 64)).map { _ in g.nextNormal() }
        let t = (0..<rows).map { _ in g.nextInt(below: 1000) }
        let labels = (0..<rows).map { _ in g.nextInt(below: 11) }
        return (x, t, labels, target)
    }

    /// ½‖ε̂ − target‖² in double precision.
    func loss(_ model: SlimmableDenoiser, _ b: (x: [Float], t: [Int], labels: [Int], target: [Float]), width: Double) throws -> Double {
        let out = try model.predictNoise(x: b.x, timesteps: b.t, labels: b.labels, width: width)
        return zip(out, b.target).reduce(0.0) { $0 + 0.5 * Double($1.0 - $1.1) * Double($1.0 - $1.1) }
    }

    /// The hand-written backward pass against central finite differences of the loss, at full and
    /// at partial width; entries outside the active slices must get exactly zero gradient.
    @Test(arguments: [1.0, 0.5])
    func gradientMatchesFiniteDifferences(width: Double) throws {
        var model = SlimmableDenoiser(architecture: tiny, seed: 3)
        // Make the output layer large enough that upstream gradients are not tiny.
        let layout = model.layout
        for i in layout.outputWeight..<(layout.outputWeight + 64 * 6) { model.parameters[i] *= 10 }
        let b = batch(rows: 5, seed: 11)
        let rows = 5, active = try tiny.activeWidth(width)
        let ws = DenoiserWorkspace(architecture: tiny, rows: rows)
        b.x.withUnsafeBufferPointer { ws.input.update(from: $0.baseAddress!, count: $0.count) }
        model.forward(workspace: ws, rows: rows, timesteps: b.t, labels: b.labels, active: active)
        for k in 0..<(rows * 64) { ws.outputGradient[k] = ws.output[k] - b.target[k] }
        var gradient = [Float](repeating: 0, count: model.parameters.count)
        gradient.withUnsafeMutableBufferPointer { model.backward(workspace: ws, rows: rows, labels: b.labels, active: active, gradient: $0.baseAddress!) }

        var checked = 0
        for i in 0..<model.parameters.count {
            var plus = model, minus = model
            let h: Float = 1e-2
            plus.parameters[i] += h
            minus.parameters[i] -= h
            let numeric = (try loss(plus, b, width: width) - loss(minus, b, width: width)) / Double(2 * h)
            let analytic = Double(gradient[i])
            if numeric == 0 {
                #expect(analytic == 0, "parameter \(i): analytic \(analytic) but loss does not depend on it")
            } else {
                // Floor of 0.1: the loss is evaluated in Float, so tiny gradients carry ~1e-3 of rounding noise.
                let scale = max(abs(numeric), abs(analytic), 0.1)
                #expect(abs(numeric - analytic) / scale < 2e-2, "parameter \(i): numeric \(numeric), analytic \(analytic)")
                checked += 1
            }
        }
        #expect(checked > 100)
        if width < 1 {
            // Hidden unit 5 is inactive at width 0.5 (a = 3): its input row must have zero gradient.
            let row5 = layout.inputWeight + 5 * 64
            #expect(gradient[row5..<(row5 + 64)].allSatisfy { $0 == 0 })
        }
    }

    /// Width w must compute exactly the network of hidden width ⌈w·H⌉ built from the leading slices.
    @Test func partialWidthEqualsTheSlicedNetwork() throws {
        let model = SlimmableDenoiser(architecture: tiny, seed: 5)
        let small = DenoiserArchitecture(hiddenWidth: 3, residualBlocks: 2, timeFeatures: 4)
        let bigLayout = model.layout, smallLayout = ParameterLayout(small)
        var parameters = [Float](repeating: 0, count: smallLayout.count)
        for (big, little) in zip(bigLayout.tensors, smallLayout.tensors) {
            #expect(big.name == little.name)
            let rows = little.shape[0], columns = little.shape.count > 1 ? little.shape[1] : 1
            let bigColumns = big.shape.count > 1 ? big.shape[1] : 1
            for r in 0..<rows { for c in 0..<columns {
                parameters[little.offset + r * columns + c] = model.parameters[big.offset + r * bigColumns + c]
            } }
        }
        let sliced = SlimmableDenoiser(architecture: small, parameters: parameters)
        let b = batch(rows: 4, seed: 2)
        let slim = try model.predictNoise(x: b.x, timesteps: b.t, labels: b.labels, width: 0.5)
        let reference = try sliced.predictNoise(x: b.x, timesteps: b.t, labels: b.labels, width: 1)
        #expect(zip(slim, reference).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) })
        // And it differs from the full width (the extra units do something).
        let full = try model.predictNoise(x: b.x, timesteps: b.t, labels: b.labels, width: 1)
        #expect(full != slim)
    }

    @Test func activeWidthIsTheCeilingAndRejectsNothingInRange() throws {
        let a = DenoiserArchitecture(hiddenWidth: 256, residualBlocks: 1, timeFeatures: 2)
        #expect(try a.activeWidth(1) == 256)
        #expect(try a.activeWidth(0.75) == 192)
        #expect(try a.activeWidth(0.25) == 64)
        #expect(try a.activeWidth(0.3) == 77)                  // 76.8 → 77
        #expect(try a.activeWidth(1e-9) == 1)                  // never zero units
        #expect(try a.activeWidth(Double.leastNonzeroMagnitude) == 1)
        #expect(try DenoiserArchitecture(hiddenWidth: 10, residualBlocks: 0, timeFeatures: 2).activeWidth(0.1) == 1)
    }

    /// FLOPs of a tiny network counted by hand: H = 4, L = 1, E = 2, w = 0.5 → a = 2, P = 64.
    @Test func flopCountMatchesAHandCount() throws {
        let arch = DenoiserArchitecture(hiddenWidth: 4, residualBlocks: 1, timeFeatures: 2)
        // time: 2 sin/cos + (2·2·2 = 8 product) + 2 bias + 2 label add                  =   14
        // input: 2·64·2 = 256 product + 2 bias + 2 conditioning + 4·2 SiLU              =  268
        // block: 2·2·2 = 8 product + 2 bias + 2 conditioning + 8 SiLU + 2 residual      =   22
        // output: 2·2·64 = 256 product + 64 bias                                        =  320
        // DDIM update: 11 per pixel · 64                                                =  704
        #expect(try arch.flopsPerStep(width: 0.5) == 1_328)
        #expect(try arch.flopsPerImage(width: 0.5, steps: 7) == 7 * 1_328)
        // Width 1 (a = 4): (2+16+4+4) + (512+4+4+16) + (32+4+4+16+4) + (512+64) + 704 = 26+536+60+576+704
        #expect(try arch.flopsPerStep(width: 1) == 1_902)
        // Monotone in width for the shipped shape, and the gemm terms dominate.
        let standard = DenoiserArchitecture.standard
        let widths = stride(from: 0.05, through: 1.0, by: 0.05).map { $0 }
        let flops = try widths.map { try standard.flopsPerStep(width: $0) }
        #expect(zip(flops, flops.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func ddimTimestepsAreEvenlySpacedFromTheLastStep() {
        let schedule = NoiseSchedule.standard
        #expect(schedule.ddimTimesteps(steps: 1) == [999])
        #expect(schedule.ddimTimesteps(steps: 4) == [999, 749, 499, 249])
        #expect(schedule.ddimTimesteps(steps: 1000) == Array((0..<1000).reversed()))
        // ᾱ strictly decreasing in (0, 1); closed form for t = 0 is 1 − β₀.
        #expect(schedule.alphaBar[0] == 1 - 1e-4)
        #expect(zip(schedule.alphaBar, schedule.alphaBar.dropFirst()).allSatisfy { $0 > $1 && $1 > 0 })
    }

    /// The vectorised exp against libm over the whole useful range, plus the edge cases.
    @Test func vectorExpIsAccurateAndHandlesEdges() {
        var worst: Double = 0
        var x: Float = -87
        while x < 87.8 {   // lanes reach x + 0.096 < 88, the clamp
            let lanes = SIMD8<Float>((0..<8).map { x + Float($0) * 0.0137 })
            let approx = VectorExp.exp(lanes)
            for i in 0..<8 {
                let exact = Foundation.exp(Double(lanes[i]))
                worst = max(worst, abs(Double(approx[i]) - exact) / exact)
            }
            x += 0.1093
        }
        #expect(worst < 4e-7, "worst relative error \(worst)")
        // The scalar version is bit-identical to every lane of the vector one.
        var g = Xoshiro256(seed: 8)
        for _ in 0..<2_000 {
            let lanes = SIMD8<Float>((0..<8).map { _ in Float(g.nextUniform() * 200 - 100) })
            let vector = VectorExp.exp(lanes)
            for i in 0..<8 { #expect(VectorExp.exp(lanes[i]).bitPattern == vector[i].bitPattern) }
        }
        #expect(VectorExp.exp(Float.nan).isNaN && VectorExp.exp(Float.infinity).isFinite)
        let edges = VectorExp.exp(SIMD8<Float>(0, -0.0, .infinity, -.infinity, .nan, 1, -1000, 1000))
        #expect(edges[0] == 1 && edges[1] == 1)
        #expect(edges[2].isFinite && edges[2] > 1.6e38)          // clamped, never inf
        #expect(edges[3] >= 0 && edges[3] < 1e-37)
        #expect(edges[4].isNaN)
        #expect(abs(edges[5] - Float(M_E)) <= 2 * Float(M_E).ulp)
        #expect(VectorExp.logistic(Float(0)) == 0.5)
        #expect(VectorExp.logistic(Float.infinity) == 1)
        #expect(VectorExp.logistic(-Float.infinity) < 1e-37)
    }
}
