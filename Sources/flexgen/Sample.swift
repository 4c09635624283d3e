import ArgumentParser
import Foundation
import FlexGen
import FlexGenSampler

extension FlexGenCommand {
    /// `flexgen sample`: runs the built-in flexible diffusion model (DDIM) at one (width, steps)
    /// and writes a PNG grid and, optionally, the raw pixel arrays.
    struct Sample: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sample",
            abstract: "Generate digits with the built-in flexible diffusion model at a given width and step count.")

        @Option(help: "Model width w in (0, 1].")
        var width = 1.0

        @Option(help: "DDIM denoising steps s (1…T).")
        var steps = 50

        @Option(help: "Number of images.")
        var count = 100

        @Option(help: "Seed; image i uses noise stream i, so it does not depend on --count.")
        var seed: UInt64 = 0

        @Option(help: "Digit to draw (0…9) for every image; default: image i draws digit i mod 10.")
        var label: Int?

        @Option(help: "DDIM η ≥ 0 (0 deterministic, 1 ancestral).")
        var eta = 0.0

        @Option(help: "Checkpoint to load instead of the shipped weights.")
        var weights: String?

        @Option(name: [.customShort("o"), .long], help: "PNG grid to write.")
        var output: String

        @Option(help: "Also write the images as JSON (flexgen-samples/1).")
        var raw: String?

        @Option(help: "Screen pixels per image pixel in the grid.")
        var scale = 4

        func validate() throws {
            guard width.isFinite, width > 0, width <= 1 else { throw ValidationError("--width: must be in (0, 1], got \(width)") }
            guard steps >= 1 && steps <= 1000 else { throw ValidationError("--steps: must be in 1…1000, got \(steps)") }
            guard count >= 1 else { throw ValidationError("--count: must be ≥ 1, got \(count)") }
            guard eta.isFinite, eta >= 0 else { throw ValidationError("--eta: must be ≥ 0, got \(eta)") }
            if let label, !(0...9).contains(label) { throw ValidationError("--label: must be in 0…9, got \(label)") }
            guard scale >= 1 && scale <= 64 else { throw ValidationError("--scale: must be in 1…64, got \(scale)") }
            for path in [output, raw].compactMap({ $0 }) {
                let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
                guard FileManager.default.fileExists(atPath: folder) else { throw ValidationError("\(path): folder \(folder) does not exist") }
            }
        }

        func run() throws {
            let model = try weights.map { try FlexibleDiffusionModel.load(path: $0) } ?? FlexibleDiffusionModel.loadShipped()
            guard steps <= model.schedule.timesteps else {
                throw ValidationError("--steps: must be ≤ \(model.schedule.timesteps) for this model, got \(steps)")
            }
            let start = Date()
            let samples = try SampleSet(model: model, width: width, steps: steps, count: count, seed: seed,
                                    labels: label.map { Array(repeating: $0, count: count) }, eta: eta)
            let seconds = Date().timeIntervalSince(start)
            try samples.writePNG(to: output, grid: DigitGrid(scale: scale))
            if let raw { try samples.writeJSON(to: raw) }
            let gflops = samples.flopsPerImage * Double(count) / seconds / 1e9
            print(String(format: "%d images, width %g (%d units), %d steps, %.4g FLOP/image: %.3f s (%.2f ms/image, %.1f GFLOP/s counted)",
                         count, width, samples.activeWidth, steps, samples.flopsPerImage, seconds, 1000 * seconds / Double(count), gflops)
                  + "; wrote \(output)")
        }
    }
}
