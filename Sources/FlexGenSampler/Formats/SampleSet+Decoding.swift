import Foundation
import FlexGenModel

extension SampleSet {
    /// The Fashion-MNIST model's separate raw format before both models wrote `flexgen-samples/1`;
    /// never released, refused when read.
    static let retiredFashionFormat = "flexgen-fashion-samples/1"

    /// Reads `flexgen-samples/1` strictly: unknown keys, an unknown model, a geometry other than
    /// the model's, an image of the wrong size and a label count that differs from the image count
    /// are errors naming the JSON path. A file without `model` is read as digits with
    /// `deprecationNote` set (the type's documentation says why).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let format = try c.decode(String.self, forKey: .format)
        guard format == Self.formatName else {
            let reason = format == Self.retiredFashionFormat
                ? "\"\(format)\" was the Fashion-MNIST samples' own format before both models wrote \(Self.formatName) with a \"model\" field; it is no longer read: draw the images again with flexgen sample --model fashion --raw"
                : "expected \"\(Self.formatName)\", got \"\(format)\""
            throw DecodingError.dataCorrupted(.init(codingPath: [CodingKeys.format], debugDescription: reason))
        }
        let names = Set(CodingKeys.allCases.map(\.stringValue))
        if let all = try? decoder.container(keyedBy: SampleSetAnyKey.self),
           let unknown = all.allKeys.first(where: { !names.contains($0.stringValue) }) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: [unknown],
                debugDescription: "unknown key (expected one of: \(CodingKeys.allCases.map(\.stringValue).joined(separator: ", ")))"))
        }
        if c.contains(.model) {
            model = try c.decode(String.self, forKey: .model)
            deprecationNote = nil
        } else {
            model = "digits"
            deprecationNote = "\(Self.formatName) without \"model\": written before the field existed, when only the digits model wrote this format; read as digits (8×8 pixels in 0…16). Files written now name their model."
        }
        guard let geometry = Self.knownModels[model] else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: [CodingKeys.model],
                debugDescription: "unknown model \"\(model)\" (expected one of: \(Self.knownModels.keys.sorted().joined(separator: ", ")))"))
        }
        width = try c.decode(Double.self, forKey: .width)
        steps = try c.decode(Int.self, forKey: .steps)
        eta = try c.decode(Double.self, forKey: .eta)
        seed = try c.decode(UInt64.self, forKey: .seed)
        guidance = c.contains(.guidance) ? try c.decode(Double.self, forKey: .guidance) : nil
        activeWidth = try c.decode(Int.self, forKey: .activeWidth)
        flopsPerImage = try c.decode(Double.self, forKey: .flopsPerImage)
        // The geometry is required once `model` is (files written since); the legacy digits form has none.
        let legacy = deprecationNote != nil
        imageHeight = legacy && !c.contains(.imageHeight) ? geometry.height : try c.decode(Int.self, forKey: .imageHeight)
        imageWidth = legacy && !c.contains(.imageWidth) ? geometry.width : try c.decode(Int.self, forKey: .imageWidth)
        pixelMaximum = legacy && !c.contains(.pixelMaximum) ? geometry.pixelMaximum : try c.decode(Double.self, forKey: .pixelMaximum)
        for (key, value, expected) in [(CodingKeys.imageHeight, Double(imageHeight), Double(geometry.height)),
                                       (.imageWidth, Double(imageWidth), Double(geometry.width)),
                                       (.pixelMaximum, pixelMaximum, geometry.pixelMaximum)] where value != expected {
            throw DecodingError.dataCorrupted(.init(
                codingPath: [key], debugDescription: "must be \(expected.formatted()) for model \"\(model)\", got \(value.formatted())"))
        }
        labels = try c.decode([Int].self, forKey: .labels)
        images = try c.decode([[Float]].self, forKey: .images)
        guard labels.count == images.count else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: [CodingKeys.labels], debugDescription: "\(labels.count) labels for \(images.count) images (one label per image)"))
        }
        let pixels = imageHeight * imageWidth
        if let i = images.firstIndex(where: { $0.count != pixels }) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: [CodingKeys.images, SampleSetAnyKey(intValue: i)],
                debugDescription: "\(images[i].count) pixel values, expected \(imageHeight)×\(imageWidth) = \(pixels)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(format, forKey: .format)
        try c.encode(model, forKey: .model)
        try c.encode(width, forKey: .width)
        try c.encode(steps, forKey: .steps)
        try c.encode(eta, forKey: .eta)
        try c.encode(seed, forKey: .seed)
        try c.encodeIfPresent(guidance, forKey: .guidance)
        try c.encode(activeWidth, forKey: .activeWidth)
        try c.encode(flopsPerImage, forKey: .flopsPerImage)
        try c.encode(imageHeight, forKey: .imageHeight)
        try c.encode(imageWidth, forKey: .imageWidth)
        try c.encode(pixelMaximum, forKey: .pixelMaximum)
        try c.encode(labels, forKey: .labels)
        try c.encode(images, forKey: .images)
    }
}

/// Any key of a JSON object, to find the ones `SampleSet` does not define.
struct SampleSetAnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue; intValue = nil }
    init(intValue: Int) { stringValue = "\(intValue)"; self.intValue = intValue }
}
