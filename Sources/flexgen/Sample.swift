import ArgumentParser
import Foundation
import FlexGen
import FlexGenBench
import FlexGenSampler

extension FlexGenCommand {
    /// `flexgen sample`: runs the built-in flexible diffusion model (DDIM) at one (width, steps)
    /// and writes a PNG grid and, optionally, the raw pixel arrays.
    struct Sample: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sample",
            abstract: "Generate images with a built-in flexible diffusion model at a given width and step count.",
            discussion: """
            --model digits (default) draws 8×8 digits with the MLP denoiser; --model fashion draws 28×28 \
            Fashion-MNIST items with the slimmable U-Net (classes 0 T-shirt/top, 1 Trouser, 2 Pullover, \
            3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot) and classifier-free guidance.
            """)

        @Option(help: "Built-in model: digits or fashion.")
        var model: BuiltinModelOption = .digits

        @Option(help: "Model width w in (0, 1].")
        var width = 1.0

        @Option(help: "DDIM denoising steps s (1…T).")
        var steps = 50

        @Option(help: "Number of images.")
        var count = 100

        @Option(help: "Seed; image i uses noise stream i, so it does not depend on --count.")
        var seed: UInt64 = 0

        @Option(help: "Class to draw (0…9): one value for every image, or a comma-separated list of exactly --count values; default: image i draws class i mod 10.")
        var label: String?

        @Option(help: "Classifier-free guidance scale (fashion only; 1 = unguided, otherwise two passes per step).")
        var guidance = FashionDiffusionModel.defaultGuidance

        @Option(help: "DDIM η ≥ 0 (0 deterministic, 1 ancestral).")
        var eta = 0.0

        @Option(help: "Weights to load instead of the shipped ones (digits: a `flexgen train` checkpoint; fashion: a safetensors file with its .sha256).")
        var weights: String?

        @Option(name: [.customShort("o"), .long], help: "PNG grid to write (optional with --raw; one of the two is needed).")
        var output: String?

        @Option(help: "Also write the images as JSON: flexgen-samples/1 with the model, width, steps, seed, labels and images (docs/formats.md, docs/schemas/samples.schema.json).")
        var raw: String?

        @Flag(help: "Fashion only: also measure this machine's sgemm peak (best of 10 1024³ products, the calibration's figure, by wall time and by process CPU time) and print the sampling rate as a share of each.")
        var sgemmPeak = false

        @Option(help: "Screen pixels per image pixel in the grid.")
        var scale = 4

        func validate() throws {
            guard width.isFinite, width > 0, width <= 1 else { throw ValidationError("--width: must be in (0, 1], got \(width)") }
            guard steps >= 1 && steps <= 1000 else { throw ValidationError("--steps: must be in 1…1000, got \(steps)") }
            guard count >= 1 else { throw ValidationError("--count: must be ≥ 1, got \(count)") }
            guard eta.isFinite, eta >= 0 else { throw ValidationError("--eta: must be ≥ 0, got \(eta)") }
            _ = try labels()
            guard guidance.isFinite else { throw ValidationError("--guidance: must be finite, got \(guidance)") }
            if model == .digits && guidance != FashionDiffusionModel.defaultGuidance {
                throw ValidationError("--guidance: only --model fashion uses classifier-free guidance")
            }
            guard scale >= 1 && scale <= 64 else { throw ValidationError("--scale: must be in 1…64, got \(scale)") }
            // The contract's form is `flexgen sample … --raw FILE` (docs/formats.md): the JSON alone is a
            // complete run, so the grid is optional then; with neither there would be nothing to write.
            if output == nil && raw == nil {
                throw ValidationError("--output: give -o FILE (the PNG grid), --raw FILE (the images as flexgen-samples/1), or both")
            }
            for path in [output, raw].compactMap({ $0 }) {
                let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
                guard FileManager.default.fileExists(atPath: folder) else { throw ValidationError("\(path): folder \(folder) does not exist") }
            }
        }

        /// The labels of --label: nil (i mod 10), one value repeated, or exactly --count values.
        func labels() throws -> [Int]? {
            guard let label else { return nil }
            let parts = label.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            var values: [Int] = []
            for part in parts {
                guard let value = Int(part), (0...9).contains(value) else {
                    throw ValidationError("--label: \"\(part)\" is not a class 0…9")
                }
                values.append(value)
            }
            if values.count == 1 { return Array(repeating: values[0], count: count) }
            guard values.count == count else {
                throw ValidationError("--label: \(values.count) labels for --count \(count) (give one label or exactly --count)")
            }
            return values
        }

        func run() throws {
            if model == .fashion { return try runFashion() }
            let model = try weights.map { try FlexibleDiffusionModel.load(path: $0) } ?? FlexibleDiffusionModel.loadShipped()
            guard steps <= model.schedule.timesteps else {
                throw ValidationError("--steps: must be ≤ \(model.schedule.timesteps) for this model, got \(steps)")
            }
            let start = Date()
            let samples = try SampleSet(model: model, width: width, steps: steps, count: count, seed: seed,
                                    labels: try labels(), eta: eta)
            let seconds = Date().timeIntervalSince(start)
            if let output { try samples.writePNG(to: output, grid: DigitGrid(scale: scale)) }
            if let raw { try samples.writeJSON(to: raw) }
            let gflops = samples.flopsPerImage * Double(count) / seconds / 1e9
            print(String(format: "%d images, width %g (%d units), %d steps, %.4g FLOP/image: %.3f s (%.2f ms/image, %.1f GFLOP/s counted)",
                         count, width, samples.activeWidth, steps, samples.flopsPerImage, seconds, 1000 * seconds / Double(count), gflops)
                  + "; wrote \(written)")
        }

        /// The files a run writes, for its summary line.
        var written: String { [output, raw].compactMap { $0 }.joined(separator: " and ") }

        func runFashion() throws {
            let fashion: FashionDiffusionModel
            do { fashion = try weights.map { try FashionDiffusionModel.load(path: $0) } ?? FashionDiffusionModel.loadShipped() } catch {
                throw CLIError("--weights: \(error)")
            }
            let chosen = try labels() ?? (0..<count).map { $0 % 10 }
            let start = Date(), cpuStart = ProcessCPUClock.seconds()
            let set = try SampleSet(fashion: fashion, width: width, steps: steps, labels: chosen, seed: seed, guidance: guidance, eta: eta)
            let seconds = Date().timeIntervalSince(start), cpuSeconds = ProcessCPUClock.seconds() - cpuStart
            let flops = set.flopsPerImage
            let grid = DigitGrid(scale: scale, gap: 2, columns: min(count, 10), imageSide: 28, maxValue: 1)
            if let output { try set.writePNG(to: output, grid: grid) }
            if let raw { try set.writeJSON(to: raw) }
            let a = fashion.network.architecture
            // CPU time too: on a shared machine the wall time measures the share of the cores the
            // process got; the process CPU time (every thread) measures the code.
            print(String(format: "%d images, width %g (%d channels at 28×28), %d steps, guidance %g, %.4g FLOP/image: %.3f s (%.2f ms/image, %.1f GFLOP/s counted); CPU %.3f s (%.1f GFLOP/s per CPU second)",
                         count, width, a.active(a.baseChannels, width: width), steps, guidance, flops, seconds,
                         1000 * seconds / Double(count), flops * Double(count) / seconds / 1e9,
                         cpuSeconds, flops * Double(count) / max(cpuSeconds, 1e-9) / 1e9) + "; wrote \(written)")
            if sgemmPeak {
                let peak = SgemmBenchmark.peakFlopsPerSecond(), cpuPeak = SgemmBenchmark.peakFlopsPerCPUSecond()
                print(String(format: "sgemm peak %.2f GFLOP/s by wall time, %.2f GFLOP/s per CPU second; sampling reached %.1f %% of the first by wall time, %.1f %% of the second by CPU time",
                             peak / 1e9, cpuPeak / 1e9, 100 * flops * Double(count) / seconds / peak,
                             100 * flops * Double(count) / max(cpuSeconds, 1e-9) / cpuPeak))
            }
        }
    }
}
