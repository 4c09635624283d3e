import Foundation
import FlexGenIO

/// Generated images with the settings that produced them: the raw-array output of
/// `flexgen sample --raw` (format `flexgen-samples/1`, JSON, keys sorted):
///
///     { "format": "flexgen-samples/1", "width": 1.0, "steps": 50, "eta": 0.0, "seed": 7,
///       "activeWidth": 256, "flopsPerImage": 3.1e7, "labels": [0, 1, …],
///       "images": [[64 pixel values in 0…16, row-major 8×8], …] }
public struct SampleSet: Codable, Sendable, Equatable {
    public var format = "flexgen-samples/1"
    public var width: Double
    public var steps: Int
    public var eta: Double
    public var seed: UInt64
    public var activeWidth: Int
    public var flopsPerImage: Double
    public var labels: [Int]
    public var images: [[Float]]

    /// Generates `count` images with `model` (labels nil → i mod 10).
    /// Throws `DiffusionInputError` for arguments `FlexibleDiffusionModel.generate` refuses.
    public init(model: FlexibleDiffusionModel, width: Double, steps: Int, count: Int, seed: UInt64,
                labels: [Int]? = nil, eta: Double = 0) throws(DiffusionInputError) {
        let chosen = labels ?? FlexibleDiffusionModel.defaultLabels(count: count)
        self.width = width
        self.steps = steps
        self.eta = eta
        self.seed = seed
        self.activeWidth = try model.architecture.activeWidth(width)
        self.flopsPerImage = try model.flopsPerImage(width: width, steps: steps)
        self.labels = chosen
        self.images = try model.generate(width: width, steps: steps, count: count, seed: seed, labels: chosen, eta: eta)
    }

    /// Writes the images as a PNG grid (atomically).
    public func writePNG(to path: String, grid: DigitGrid = DigitGrid()) throws {
        try AtomicFile.write(grid.png(images), to: path)
    }

    /// Writes this set as JSON (atomically).
    public func writeJSON(to path: String) throws {
        try AtomicFile.write(FlexGenJSON.encode(self), to: path)
    }
}
