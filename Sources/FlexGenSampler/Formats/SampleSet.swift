import Foundation
import FlexGenIO
import FlexGenModel

/// Generated images with the model and settings that drew them: what `flexgen sample --raw`
/// writes for either built-in model (format `flexgen-samples/1`, JSON, keys sorted;
/// docs/formats.md, "Generated samples"):
///
///     { "format": "flexgen-samples/1", "model": "fashion", "width": 0.5, "steps": 10, "eta": 0.0,
///       "seed": 7, "guidance": 3.0, "activeWidth": 8, "flopsPerImage": 4.5e8,
///       "imageHeight": 28, "imageWidth": 28, "pixelMaximum": 1.0, "labels": [0, 1, …],
///       "images": [[784 pixel values in 0…1, row-major 28×28], …] }
///
/// `model` is the name `--model` takes (`digits`, `fashion`; the profile metric is FD-<model>).
/// Every image is `imageHeight` × `imageWidth` values, row-major, in 0…`pixelMaximum` with 0 the
/// background (digits: 8×8 in 0…16; fashion: 28×28 in 0…1). `guidance` is the classifier-free
/// guidance scale, present for fashion only (the digits model has none).
///
/// Reading (`read(from:)`, `Decodable`): a `flexgen-samples/1` file without `model` was written
/// before the field existed, when only the digits model wrote this format; it is read as digits
/// (8×8, 0…16) and `deprecationNote` says so. The Fashion model's earlier separate format
/// `flexgen-fashion-samples/1` was never released and is refused with an error naming `format`.
/// Any other mismatch (an unknown model, an image of the wrong size, labels that do not match the
/// images) is an error naming the JSON path.
public struct SampleSet: Codable, Sendable, Equatable {
    public static let formatName = "flexgen-samples/1"
    public var format = SampleSet.formatName
    /// The model that drew the images: `digits` or `fashion`.
    public var model: String
    /// Width fraction w ∈ (0, 1] the model ran at.
    public var width: Double
    public var steps: Int
    /// DDIM η (0 deterministic).
    public var eta: Double
    /// The seed; image i drew noise stream i.
    public var seed: UInt64
    /// Classifier-free guidance scale (fashion only; nil for digits).
    public var guidance: Double?
    /// Active units at `width`: digits the MLP's hidden units, fashion the channels at 28×28.
    public var activeWidth: Int
    /// Counted FLOP per image (fashion: a guided step counts two passes).
    public var flopsPerImage: Double
    /// Rows and columns of every image.
    public var imageHeight: Int
    public var imageWidth: Int
    /// Pixel values lie in 0…pixelMaximum (digits 16, fashion 1).
    public var pixelMaximum: Double
    /// The class each image was asked for, one per image.
    public var labels: [Int]
    /// One array of imageHeight × imageWidth pixel values per image, row-major.
    public var images: [[Float]]
    /// Set when the file was read in a deprecated form (not written back).
    public var deprecationNote: String?

    /// The built-in models' names and image geometry (height, width, pixel maximum).
    public static let knownModels: [String: (height: Int, width: Int, pixelMaximum: Double)] = [
        "digits": (8, 8, 16),
        "fashion": (FashionArchitecture.imageSide, FashionArchitecture.imageSide, 1),
    ]

    /// A set of images `model` drew; the geometry comes from `knownModels`.
    /// Precondition: `model` is a key of `knownModels`.
    public init(model: String, width: Double, steps: Int, eta: Double, seed: UInt64, guidance: Double?,
                activeWidth: Int, flopsPerImage: Double, labels: [Int], images: [[Float]]) {
        let geometry = Self.knownModels[model]!
        self.model = model
        self.width = width
        self.steps = steps
        self.eta = eta
        self.seed = seed
        self.guidance = guidance
        self.activeWidth = activeWidth
        self.flopsPerImage = flopsPerImage
        self.imageHeight = geometry.height
        self.imageWidth = geometry.width
        self.pixelMaximum = geometry.pixelMaximum
        self.labels = labels
        self.images = images
    }

    /// Generates `count` images with the digits `model` (labels nil → i mod 10).
    /// Throws `DiffusionInputError` for arguments `FlexibleDiffusionModel.generate` refuses.
    public init(model: FlexibleDiffusionModel, width: Double, steps: Int, count: Int, seed: UInt64,
                labels: [Int]? = nil, eta: Double = 0) throws(DiffusionInputError) {
        let chosen = labels ?? FlexibleDiffusionModel.defaultLabels(count: count)
        self.init(model: "digits", width: width, steps: steps, eta: eta, seed: seed, guidance: nil,
                  activeWidth: try model.architecture.activeWidth(width),
                  flopsPerImage: try model.flopsPerImage(width: width, steps: steps), labels: chosen,
                  images: try model.generate(width: width, steps: steps, count: count, seed: seed, labels: chosen, eta: eta))
    }

    /// Generates one image per label with the Fashion-MNIST `model` at guidance scale `guidance`.
    /// Throws `DiffusionInputError` for arguments `FashionDiffusionModel.generate` refuses.
    public init(fashion model: FashionDiffusionModel, width: Double, steps: Int, labels: [Int], seed: UInt64,
                guidance: Double = FashionDiffusionModel.defaultGuidance, eta: Double = 0) throws(DiffusionInputError) {
        let images = try model.generate(width: width, steps: steps, labels: labels, seed: seed, guidance: guidance, eta: eta)
        let architecture = model.network.architecture
        self.init(model: "fashion", width: width, steps: steps, eta: eta, seed: seed, guidance: guidance,
                  activeWidth: architecture.active(architecture.baseChannels, width: width),
                  flopsPerImage: try model.flopsPerImage(width: width, steps: steps, guidance: guidance),
                  labels: labels, images: images)
    }

    /// Writes the images as a PNG grid (atomically).
    public func writePNG(to path: String, grid: DigitGrid = DigitGrid()) throws {
        try AtomicFile.write(grid.png(images), to: path)
    }

    /// Writes this set as JSON (atomically).
    public func writeJSON(to path: String) throws {
        try AtomicFile.write(FlexGenJSON.encode(self), to: path)
    }

    /// Reads a `flexgen-samples/1` file (see the type's documentation for the older forms).
    /// Throws `InputError` naming the JSON path for a file it refuses.
    public static func read(from path: String) throws -> SampleSet {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        do { return try JSONDecoder().decode(SampleSet.self, from: data) } catch let error as DecodingError {
            throw InputError(decoding: error)
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case format, model, width, steps, eta, seed, guidance, activeWidth, flopsPerImage
        case imageHeight, imageWidth, pixelMaximum, labels, images
    }
}
