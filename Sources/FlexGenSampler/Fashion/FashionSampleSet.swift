/// The raw output of `flexgen sample --model fashion --raw` (format `flexgen-fashion-samples/1`):
/// the settings and the images, each 784 values in [0, 1] (row-major 28×28, 0 = black).
public struct FashionSampleSet: Codable, Sendable, Equatable {
    public var format = "flexgen-fashion-samples/1"
    public var width: Double
    public var steps: Int
    public var guidance: Double
    public var eta: Double
    public var seed: UInt64
    public var flopsPerImage: Double
    public var labels: [Int]
    public var images: [[Float]]

    public init(width: Double, steps: Int, guidance: Double, eta: Double, seed: UInt64, flopsPerImage: Double,
                labels: [Int], images: [[Float]]) {
        self.width = width
        self.steps = steps
        self.guidance = guidance
        self.eta = eta
        self.seed = seed
        self.flopsPerImage = flopsPerImage
        self.labels = labels
        self.images = images
    }
}
