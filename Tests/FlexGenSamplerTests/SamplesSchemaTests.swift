import Foundation
import Testing
import FlexGenIO
import JSONSchemaSubset
@testable import FlexGenSampler

/// What `flexgen sample --raw` writes (`SampleSet.writeJSON`) validates against
/// docs/schemas/samples.schema.json, and the schema is not vacuous: the same file with a key
/// dropped, a key added or a label that is not an integer does not.
@Suite struct SamplesSchemaTests {
    @Test func writtenSamplesValidate() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let registry = try JSONSchemaRegistry(folder: root.appendingPathComponent("docs/schemas"))
        let model = try FlexibleDiffusionModel.loadShipped()
        let set = try SampleSet(model: model, width: 0.25, steps: 2, count: 3, seed: 7)
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
    }

    /// What `flexgen sample --model fashion --raw` writes (a `FashionSampleSet` through
    /// `FlexGenJSON.encode`) validates against docs/schemas/fashion-samples.schema.json, and the
    /// schema is not vacuous: an added key, a missing guidance, a label 10 (the null class is never
    /// drawn), an image of 783 pixels or a pixel above 1 does not.
    @Test func writtenFashionSamplesValidate() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let registry = try JSONSchemaRegistry(folder: root.appendingPathComponent("docs/schemas"))
        let model = try FashionDiffusionModel.loadShipped()
        let labels = [0, 7, 9]
        let images = try model.generate(width: 0.25, steps: 1, labels: labels, seed: 7)
        let set = FashionSampleSet(width: 0.25, steps: 1, guidance: FashionDiffusionModel.defaultGuidance, eta: 0, seed: 7,
                                   flopsPerImage: try model.flopsPerImage(width: 0.25, steps: 1), labels: labels, images: images)
        let value = try JSONValue(parsing: try FlexGenJSON.encode(set))
        let schema = "fashion-samples.schema.json"
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
    }
}
