import Foundation
import Testing
import FlexGenIO
import FlexGenModel
import JSONSchemaSubset
@testable import FlexGenSampler

/// What `flexgen sample --raw` writes (`SampleSet.writeJSON`) for either model validates against
/// docs/schemas/samples.schema.json, and the schema is not vacuous: the same file with a key
/// dropped, a key added or a label that is not an integer does not.
@Suite struct SamplesSchemaTests {
    static func registry() throws -> JSONSchemaRegistry {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try JSONSchemaRegistry(folder: root.appendingPathComponent("docs/schemas"))
    }

    static func digitsSet() throws -> SampleSet {
        try SampleSet(model: FlexibleDiffusionModel.loadShipped(), width: 0.25, steps: 2, count: 3, seed: 7)
    }

    static func fashionSet() throws -> SampleSet {
        try SampleSet(fashion: FashionDiffusionModel.loadShipped(), width: 0.25, steps: 1, labels: [0, 7, 9], seed: 7)
    }

    static func object(_ set: SampleSet) throws -> [String: JSONValue] {
        guard case .object(let top) = try JSONValue(parsing: FlexGenJSON.encode(set)) else { throw CocoaError(.coderInvalidValue) }
        return top
    }

    @Test func writtenSamplesValidate() throws {
        let registry = try Self.registry()
        let set = try Self.digitsSet()
        let folder = NSTemporaryDirectory() + "flexgen-samples-schema-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try set.writeJSON(to: folder + "/raw.json")
        let value = try JSONValue(parsing: Data(contentsOf: URL(fileURLWithPath: folder + "/raw.json")))
        #expect(try registry.violations(of: value, against: "samples.schema.json") == [])
        guard case .object(var top) = value else { Issue.record("not an object"); return }
        top["extra"] = .bool(true)
        #expect(!(try registry.isValid(.object(top), against: "samples.schema.json")))
        top["extra"] = nil
        top["images"] = nil
        #expect(!(try registry.isValid(.object(top), against: "samples.schema.json")))
        top = try #require({ if case .object(let o) = value { o } else { nil } }())
        top["labels"] = .array([.double(0.5)])
        #expect(!(try registry.isValid(.object(top), against: "samples.schema.json")))
        // The model-specific parts: digits have no guidance and 8×8 images, and `model` is required.
        top = try Self.object(set)
        top["guidance"] = .double(3)
        #expect(!(try registry.isValid(.object(top), against: "samples.schema.json")))
        top = try Self.object(set)
        top["imageHeight"] = .number("28")
        #expect(!(try registry.isValid(.object(top), against: "samples.schema.json")))
        top = try Self.object(set)
        top["model"] = nil
        #expect(!(try registry.isValid(.object(top), against: "samples.schema.json")))
        top["model"] = .string("cats")
        #expect(!(try registry.isValid(.object(top), against: "samples.schema.json")))
    }

    /// What `flexgen sample --model fashion --raw` writes validates against the same schema, and
    /// the schema is not vacuous: an added key, a missing guidance, a label 10 (the null class is
    /// never drawn), an image of 783 pixels or a pixel above 1 does not.
    @Test func writtenFashionSamplesValidate() throws {
        let registry = try Self.registry()
        let value = try JSONValue(parsing: try FlexGenJSON.encode(Self.fashionSet()))
        let schema = "samples.schema.json"
        #expect(try registry.violations(of: value, against: schema) == [])
        guard case .object(let original) = value else { Issue.record("not an object"); return }
        var top = original
        top["extra"] = .bool(true)
        #expect(!(try registry.isValid(.object(top), against: schema)))
        top = original
        top["guidance"] = nil
        #expect(!(try registry.isValid(.object(top), against: schema)))
        top = original
        top["labels"] = .array([.double(0), .double(7), .double(10)])
        #expect(!(try registry.isValid(.object(top), against: schema)))
        top = original
        top["images"] = .array([.array(Array(repeating: .double(0.5), count: 783))])
        #expect(!(try registry.isValid(.object(top), against: schema)))
        top["images"] = .array([.array(Array(repeating: .double(0.5), count: 783) + [.double(1.5)])])
        #expect(!(try registry.isValid(.object(top), against: schema)))
        top = original
        top["model"] = .string("digits")  // 28×28 images and a guidance are not the digits model's
        #expect(!(try registry.isValid(.object(top), against: schema)))
    }

    /// Both models' files read back to the set that was written.
    @Test(arguments: ["digits", "fashion"])
    func roundTrip(model: String) throws {
        let set = model == "digits" ? try Self.digitsSet() : try Self.fashionSet()
        let path = NSTemporaryDirectory() + "flexgen-samples-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try set.writeJSON(to: path)
        let read = try SampleSet.read(from: path)
        #expect(read == set)
        #expect(read.model == model && read.deprecationNote == nil)
    }

    /// A reader that follows only the contract's wording (docs/formats.md, "Generated samples": the
    /// images, one array of pixel values per image, row-major; the class each was asked for; the
    /// model, width, steps and seed that drew them) finds every field with JSONSerialization, and
    /// the values are the ones the sampler was asked for. The image size comes from the file.
    @Test(arguments: ["digits", "fashion"])
    func anIndependentReaderFindsTheContractFields(model: String) throws {
        let set = model == "digits" ? try Self.digitsSet() : try Self.fashionSet()
        let json = try #require(try JSONSerialization.jsonObject(with: FlexGenJSON.encode(set)) as? [String: Any])
        #expect(json["format"] as? String == "flexgen-samples/1")
        #expect(json["model"] as? String == model)
        #expect((json["width"] as? NSNumber)?.doubleValue == 0.25)
        #expect((json["steps"] as? NSNumber)?.intValue == (model == "digits" ? 2 : 1))
        #expect((json["seed"] as? NSNumber)?.intValue == 7)
        let labels = try #require(json["labels"] as? [NSNumber]).map(\.intValue)
        let images = try #require(json["images"] as? [[NSNumber]])
        #expect(labels == (model == "digits" ? [0, 1, 2] : [0, 7, 9]))
        #expect(images.count == labels.count)
        let height = try #require((json["imageHeight"] as? NSNumber)?.intValue)
        let width = try #require((json["imageWidth"] as? NSNumber)?.intValue)
        let maximum = try #require((json["pixelMaximum"] as? NSNumber)?.doubleValue)
        let geometry: [Int] = [height, width, Int(maximum)]
        let expected: [Int] = model == "digits" ? [8, 8, 16] : [28, 28, 1]
        #expect(geometry == expected)
        for image in images {
            #expect(image.count == height * width)
            #expect(image.allSatisfy { (0...maximum).contains($0.doubleValue) })
        }
        // Row-major: pixel (r, c) is image[r · width + c]; the encoder wrote the model's arrays in order.
        #expect(images[1].map(\.floatValue) == set.images[1])
    }

    /// A digits file written before `model` existed (no model, no geometry) still reads, as
    /// digits, with a deprecation note; everything else is as written.
    @Test func aDigitsFileWithoutModelReadsAsDigitsWithANote() throws {
        let set = try Self.digitsSet()
        var top = try Self.object(set)
        for key in ["model", "imageHeight", "imageWidth", "pixelMaximum"] { top[key] = nil }
        let read = try JSONDecoder().decode(SampleSet.self, from: JSONValue.object(top).data)
        #expect(read.model == "digits" && read.imageHeight == 8 && read.imageWidth == 8 && read.pixelMaximum == 16)
        #expect(read.deprecationNote?.contains("without \"model\"") == true)
        var expected = set
        expected.deprecationNote = read.deprecationNote
        #expect(read == expected)
        // Written again, it names its model and validates.
        #expect(try Self.registry().violations(of: JSONValue(parsing: FlexGenJSON.encode(read)), against: "samples.schema.json") == [])
    }

    /// Files FlexGen refuses, each with the JSON path and the reason.
    @Test(arguments: [
        ("format", JSONValue.string("flexgen-fashion-samples/1"), "format", "no longer read"),
        ("format", .string("flexgen-samples/2"), "format", "expected \"flexgen-samples/1\""),
        ("model", .string("cats"), "model", "unknown model \"cats\""),
        ("imageHeight", .number("8"), "imageHeight", "must be 28"),
        ("labels", .array([.number("1")]), "labels", "1 labels for 3 images"),
        ("images", .array([.array([]), .array([]), .array([])]), "images[0]", "expected 28×28 = 784"),
        ("colour", .bool(true), "colour", "unknown key"),
    ])
    func refusedFilesNameThePath(key: String, value: JSONValue, path: String, reason: String) throws {
        var top = try Self.object(Self.fashionSet())
        top[key] = value
        let file = NSTemporaryDirectory() + "flexgen-samples-bad-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try JSONValue.object(top).data.write(to: URL(fileURLWithPath: file))
        #expect(performing: { try SampleSet.read(from: file) }, throws: { error in
            guard let issue = (error as? InputError)?.issues.first else { return false }
            return issue.path == path && issue.reason.contains(reason)
        })
    }
}
