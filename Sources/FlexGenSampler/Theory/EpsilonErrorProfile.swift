import Foundation
import FlexGenNumerics

/// Held-out ε-prediction error of the slimmable denoiser per width, measured without sampling:
/// the quantities docs/theory.md's width law is built from.
///
/// For every seed, every held-out image x₀ is noised at every timestep t of a grid,
/// x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε with ε ~ N(0, I), and every width predicts ε̂ from the SAME
/// (x_t, t, y) (common random numbers, so width differences have far less noise than the
/// errors themselves). Per width and seed it records
///
///     m_t(w)  = mean over images and the 64 pixels of (ε̂ − ε)²                   (per grid timestep)
///     uniform = Σ_t Δ_t m_t / T                                                 (the training objective's
///                                                                                 uniform-t ε-MSE)
///     kl(w)   = ½ · 64 · Σ_t Δ_t · β_t / (1 − ᾱ_t) · m_t(w)                      (nats per image)
///
/// where Δ_t is the number of the T timesteps grid point t stands for. `kl` is the
/// Girsanov/ELBO weighting of the ε error: ½∫ g(t)²·E‖ŝ − ∇log p_t‖² dt with g² = β and
/// ŝ = −ε̂/√(1−ᾱ). With the Bayes error m*_t = E‖ε − E[ε | x_t]‖²/64 subtracted it is the
/// continuous-time KL bound; m*_t is unknown, so only DIFFERENCES between widths are bounds-
/// meaningful: `klExcess(w) = kl(w) − kl(1)` (the Bayes parts cancel; see docs/theory.md).
///
/// Grid: every t in 0..<`denseSteps` (Δ_t = 1: the weight β_t/(1−ᾱ_t) falls from 1 at t = 0
/// like ~1/(t+1), so a coarse grid would misweight the start), then one t per block of
/// `stride` timesteps at a seed-dependent offset (stratified sampling, Δ_t = stride; the last
/// block is shortened to end at T). Tolerance: the estimate is unbiased for the grid sums;
/// seeds give the 95 % Student-t CI.
public struct EpsilonErrorProfile: Sendable, Codable {
    public struct Settings: Sendable, Equatable, Codable {
        public var widths: [Double]
        /// Repeated noise draws (default 5 → Student t with 4 dof, like `calibrate`).
        public var seedCount = 5
        /// First seed (default 7000, disjoint from calibrate's 1000… and validate's 5000…).
        public var baseSeed: UInt64 = 7000
        /// Timesteps 0..<denseSteps are all evaluated (default 32).
        public var denseSteps = 32
        /// One stratified timestep per `stride` beyond the dense part (default 10).
        public var stride = 10
        public init(widths: [Double]) { self.widths = widths }

        public var problem: String? {
            if widths.isEmpty { return "widths: empty" }
            if let w = widths.first(where: { !($0.isFinite && $0 > 0 && $0 <= 1) }) { return "widths: \(w) is not in (0, 1]" }
            if seedCount < 1 { return "seeds: must be ≥ 1, got \(seedCount)" }
            if denseSteps < 0 || stride < 1 { return "grid: denseSteps ≥ 0 and stride ≥ 1 required" }
            return nil
        }
    }

    /// One width's measurement.
    public struct Width: Sendable, Equatable, Codable {
        public var width: Double
        /// ⌈w·H⌉: the hidden units actually active (off-menu widths round up to a whole unit).
        public var activeUnits: Int
        public var uniformBySeed: [Double]
        public var klBySeed: [Double]
        /// Mean over seeds of `uniform`, and its 95 % CI half-width.
        public var uniformMSE: Double
        public var uniformCI95: Double
        /// Mean over seeds of `kl` (nats/image), and its 95 % CI half-width.
        public var klWeighted: Double
        public var klCI95: Double
        /// m_t(w) averaged over seeds, per grid timestep (same order as `timesteps`).
        public var perTimestep: [Double]
    }

    public var settings: Settings
    /// The grid's timesteps of seed 0 (later seeds shift the stratified part).
    public var timesteps: [Int]
    /// How many of the T timesteps each grid point stands for (Δ_t).
    public var spans: [Int]
    /// β_t/(1 − ᾱ_t) at `timesteps` (the KL weight).
    public var weights: [Double]
    public var widths: [Width]
    /// Held-out images per timestep and seed.
    public var imageCount: Int
    /// Values per image (64 for the digits, 784 for Fashion-MNIST): the 64 in ½·64·Σ… is this.
    public var pixelCount: Int = DenoiserArchitecture.pixelCount

    /// The measurement at width `w` (exact match), if measured.
    public func at(_ w: Double) -> Width? { widths.first { $0.width == w } }

    /// Paired difference kl(w) − kl(reference) per seed: mean and 95 % CI (common random numbers).
    public func klExcess(_ w: Double, over reference: Double = 1) -> (mean: Double, ci95: Double)? {
        guard let a = at(w), let b = at(reference) else { return nil }
        let d = zip(a.klBySeed, b.klBySeed).map { $0 - $1 }
        return (Statistics.mean(d), Statistics.confidenceHalfWidth95(d))
    }

    /// The KL-weighted excess over `reference` restricted to timesteps t ≥ `from` (seed-averaged
    /// m_t; the weight is taken at seed 0's grid points):
    /// ½·64·Σ_{t ≥ from} Δ_t·β_t/(1−ᾱ_t)·(m̄_t(w) − m̄_t(reference)). `from` = 0 gives `klExcess`'s mean
    /// up to the weight's variation inside a stratified block.
    public func klExcess(_ w: Double, from t0: Int, over reference: Double = 1) -> Double? {
        guard let a = at(w), let b = at(reference) else { return nil }
        var sum = 0.0
        for i in timesteps.indices where timesteps[i] >= t0 {
            sum += Double(spans[i]) * weights[i] * (a.perTimestep[i] - b.perTimestep[i])
        }
        return 0.5 * Double(pixelCount) * sum
    }

    /// Paired difference uniform(w) − uniform(reference): mean and 95 % CI.
    public func uniformExcess(_ w: Double, over reference: Double = 1) -> (mean: Double, ci95: Double)? {
        guard let a = at(w), let b = at(reference) else { return nil }
        let d = zip(a.uniformBySeed, b.uniformBySeed).map { $0 - $1 }
        return (Statistics.mean(d), Statistics.confidenceHalfWidth95(d))
    }

    /// The (timestep, Δ_t) grid for one seed's generator.
    static func grid(schedule: NoiseSchedule, settings: Settings, generator: inout Xoshiro256) -> [(t: Int, span: Int)] {
        let total = schedule.timesteps
        var grid: [(Int, Int)] = (0..<min(settings.denseSteps, total)).map { ($0, 1) }
        var start = min(settings.denseSteps, total)
        while start < total {
            let span = min(settings.stride, total - start)
            grid.append((start + generator.nextInt(below: span), span))
            start += span
        }
        return grid
    }

    /// Measures the profile on `examples` (the held-out digits). Work: seeds × |grid| × images
    /// forward passes per width (5 × 129 × 400 rows with the defaults).
    /// - Throws: `DiffusionInputError.width` for a width outside (0, 1]; `SamplerError.badRequest`
    ///   for other bad settings.
    public static func measure(model: FlexibleDiffusionModel, examples: [DigitsDataset.Example], settings: Settings,
                               progress: ((Int, Int) -> Void)? = nil) throws -> EpsilonErrorProfile {
        if let problem = settings.problem { throw SamplerError.badRequest(problem) }
        for w in settings.widths { _ = try model.architecture.activeWidth(w) }
        return try measure(predictNoise: { x, t, y, w in try model.denoiser.predictNoise(x: x, timesteps: t, labels: y, width: w) },
                           pixelCount: DenoiserArchitecture.pixelCount, schedule: model.schedule,
                           images: examples.map { $0.pixels.map(DigitsDataset.scaleToModel) }, labels: examples.map(\.label),
                           activeUnits: { model.architecture.activeUnits($0) }, settings: settings, maxRows: 4096, progress: progress)
    }

    /// The same measurement for any ε-predictor: `images` are in the model's scale (row-major,
    /// `pixelCount` values each), `activeUnits(w)` is what the report calls the width's size (hidden
    /// units for the digits MLP, base channels for the Fashion U-Net). `maxRows` bounds the rows of
    /// one `predictNoise` call (whole timesteps of all images; at least one timestep). The noise
    /// draws do not depend on `maxRows`, so the result does not either (up to BLAS blocking).
    public static func measure(predictNoise: ([Float], [Int], [Int], Double) throws -> [Float], pixelCount p: Int,
                               schedule: NoiseSchedule, images: [[Float]], labels: [Int], activeUnits: (Double) -> Int,
                               settings: Settings, maxRows: Int, progress: ((Int, Int) -> Void)? = nil) throws -> EpsilonErrorProfile {
        if let problem = settings.problem { throw SamplerError.badRequest(problem) }
        guard !images.isEmpty, images.count == labels.count, images.allSatisfy({ $0.count == p }) else {
            throw SamplerError.badRequest("epsilon profile: need ≥ 1 image of \(p) values with one label each")
        }
        let widths = settings.widths
        var uniform = [[Double]](repeating: [], count: widths.count), kl = uniform
        var perT: [[Double]] = []
        var seedZeroGrid: [(t: Int, span: Int)] = []
        let chunkImages = max(1, maxRows / max(1, images.count)) // timesteps per forward batch
        for seedIndex in 0..<settings.seedCount {
            var generator = Xoshiro256(seed: settings.baseSeed + UInt64(seedIndex))
            let grid = grid(schedule: schedule, settings: settings, generator: &generator)
            if seedIndex == 0 { seedZeroGrid = grid; perT = Array(repeating: Array(repeating: 0, count: grid.count), count: widths.count) }
            var sums = [[Double]](repeating: Array(repeating: 0, count: grid.count), count: widths.count)
            var g = 0
            while g < grid.count {
                let block = Array(grid[g..<min(grid.count, g + chunkImages)])
                let rows = block.count * images.count
                var x = [Float](repeating: 0, count: rows * p), noise = x
                var timesteps = [Int](repeating: 0, count: rows), rowLabels = timesteps
                var r = 0
                for (t, _) in block {
                    let a = Float(schedule.alphaBar[t].squareRoot()), b = Float((1 - schedule.alphaBar[t]).squareRoot())
                    for (image, label) in zip(images, labels) {
                        timesteps[r] = t
                        rowLabels[r] = label
                        for j in 0..<p {
                            let e = generator.nextNormal()
                            noise[r * p + j] = e
                            x[r * p + j] = a * image[j] + b * e
                        }
                        r += 1
                    }
                }
                for (wi, w) in widths.enumerated() {
                    let prediction = try predictNoise(x, timesteps, rowLabels, w)
                    for (k, _) in block.enumerated() {
                        var sum = 0.0
                        let lo = k * images.count * p, hi = (k + 1) * images.count * p
                        for i in lo..<hi { let d = Double(prediction[i] - noise[i]); sum += d * d }
                        sums[wi][g + k] = sum / Double(images.count * p)
                    }
                }
                g += block.count
                progress?(seedIndex * grid.count + g, settings.seedCount * grid.count)
            }
            for wi in widths.indices {
                var u = 0.0, k = 0.0
                for (i, (t, span)) in grid.enumerated() {
                    let m = sums[wi][i]
                    u += Double(span) * m
                    k += Double(span) * schedule.beta(t) / (1 - schedule.alphaBar[t]) * m
                    if perT[wi].count == grid.count { perT[wi][i] += m / Double(settings.seedCount) }
                }
                uniform[wi].append(u / Double(schedule.timesteps))
                kl[wi].append(0.5 * Double(p) * k)
            }
        }
        let result = widths.enumerated().map { wi, w in
            Width(width: w, activeUnits: activeUnits(w),
                  uniformBySeed: uniform[wi], klBySeed: kl[wi],
                  uniformMSE: Statistics.mean(uniform[wi]), uniformCI95: Statistics.confidenceHalfWidth95(uniform[wi]),
                  klWeighted: Statistics.mean(kl[wi]), klCI95: Statistics.confidenceHalfWidth95(kl[wi]),
                  perTimestep: perT[wi])
        }
        return EpsilonErrorProfile(settings: settings, timesteps: seedZeroGrid.map(\.t), spans: seedZeroGrid.map(\.span),
                                   weights: seedZeroGrid.map { schedule.beta($0.t) / (1 - schedule.alphaBar[$0.t]) },
                                   widths: result, imageCount: images.count, pixelCount: p)
    }
}

extension NoiseSchedule {
    /// β_t, recovered from ᾱ: β_t = 1 − ᾱ_t/ᾱ_{t−1} (β_0 = 1 − ᾱ_0).
    public func beta(_ t: Int) -> Double {
        t == 0 ? 1 - alphaBar[0] : 1 - alphaBar[t] / alphaBar[t - 1]
    }
}
