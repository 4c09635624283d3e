/// A flexible model's configuration menu, `flexgen-profile/1`.
public struct Profile: Codable, Sendable, Hashable {
    public static let formatName = "flexgen-profile/1"

    public var name: String
    public var metric: QualityMetric
    public var configs: [Configuration]

    public init(name: String, metric: QualityMetric, configs: [Configuration]) {
        self.name = name
        self.metric = metric
        self.configs = configs
    }

    /// The configuration with this (width, steps), if the menu has it.
    public func configuration(_ key: Configuration.Key) -> Configuration? {
        configs.first { $0.key == key }
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case format, name, metric, configs }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        // A profile file must say what it is; a profile inline in a problem is a profile by its
        // position, so there `format` may be left out (but if given, it must be the right one).
        if decoder.codingPath.isEmpty || c.contains(.format) {
            try checkFormat(c, key: .format, expected: Self.formatName, codingPath: decoder.codingPath)
        }
        name = try c.decode(String.self, forKey: .name)
        metric = try c.decode(QualityMetric.self, forKey: .metric)
        configs = try c.decode([Configuration].self, forKey: .configs)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.formatName, forKey: .format)
        try c.encode(name, forKey: .name)
        try c.encode(metric, forKey: .metric)
        try c.encode(configs, forKey: .configs)
    }
}

/// Checks a document's `format` field against the one expected.
func checkFormat<K: CodingKey>(_ c: KeyedDecodingContainer<K>, key: K, expected: String,
                               codingPath: [any CodingKey]) throws {
    guard let format = try c.decodeIfPresent(String.self, forKey: key) else {
        throw DecodingError.dataCorrupted(.init(
            codingPath: codingPath + [key], debugDescription: "required field is missing: expected \"\(expected)\""))
    }
    guard format == expected else {
        throw DecodingError.dataCorrupted(.init(
            codingPath: codingPath + [key], debugDescription: "expected \"\(expected)\", got \"\(format)\""))
    }
}
