/// One entry of a flexible model's menu: an active width and a number of denoising steps,
/// with the work it costs and the quality it is expected to deliver.
public struct Configuration: Codable, Sendable, Hashable {
    /// Active width fraction w in (0, 1].
    public var width: Double
    /// Denoising steps s ≥ 1.
    public var steps: Int
    /// Work C_c per image, decoder included (FLOP).
    public var flops: Double
    /// Expected quality q_c in the profile's metric.
    public var quality: Double

    public init(width: Double, steps: Int, flops: Double, quality: Double) {
        self.width = width
        self.steps = steps
        self.flops = flops
        self.quality = quality
    }

    /// The (width, steps) pair that identifies the configuration within a profile.
    public var key: Key { Key(width: width, steps: steps) }

    public struct Key: Sendable, Hashable, Codable, CustomStringConvertible {
        public var width: Double
        public var steps: Int
        public init(width: Double, steps: Int) { self.width = width; self.steps = steps }
        public var description: String { "(width \(width), steps \(steps))" }
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case width, steps, flops, quality }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        width = try c.decode(Double.self, forKey: .width)
        steps = try c.decode(Int.self, forKey: .steps)
        flops = try c.decode(Double.self, forKey: .flops)
        quality = try c.decode(Double.self, forKey: .quality)
    }
}
