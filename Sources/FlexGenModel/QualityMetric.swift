/// The image-quality metric a profile is expressed in, and which direction is better.
public struct QualityMetric: Codable, Sendable, Hashable {
    public enum Direction: String, Codable, Sendable, Hashable, CaseIterable, NamedCase {
        /// Smaller is better (FID, KID).
        case lower
        /// Larger is better (CLIP score, classifier accuracy).
        case higher
    }

    public var name: String
    public var better: Direction

    public init(name: String, better: Direction) {
        self.name = name
        self.better = better
    }

    /// FID-like: lower is better.
    public static let fid = QualityMetric(name: "FID", better: .lower)

    /// Whether quality `q` is at least as good as `requirement`, allowing `relativeTolerance`
    /// of the requirement's magnitude (the contract's checks use 1e-6).
    public func meets(_ q: Double, requirement: Double, relativeTolerance: Double = 0) -> Bool {
        let slack = relativeTolerance * max(abs(requirement), 1e-300)
        switch better {
        case .lower: return q <= requirement + slack
        case .higher: return q >= requirement - slack
        }
    }

    /// Whether `a` is strictly better than `b`.
    public func isBetter(_ a: Double, than b: Double) -> Bool {
        better == .lower ? a < b : a > b
    }

    /// How far `q` is on the good side of `requirement` (negative: it falls short).
    public func margin(_ q: Double, requirement: Double) -> Double {
        better == .lower ? requirement - q : q - requirement
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case name, better }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        let raw = try c.decode(String.self, forKey: .better)
        guard let direction = Direction(rawValue: raw) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath + [CodingKeys.better],
                debugDescription: "must be \"lower\" or \"higher\", got \"\(raw)\""))
        }
        better = direction
    }
}
