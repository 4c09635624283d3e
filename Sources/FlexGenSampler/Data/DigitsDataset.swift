import Foundation
import FlexGenNumerics

/// The UCI handwritten digits (1 797 8×8 grayscale images, pixel values 0…16, labels 0…9) shipped
/// in this module's resources as `digits.csv` (attribution: `Resources/DATA-LICENSE.md`).
///
/// The split is fixed and documented so every score in the project refers to the same images:
/// stratified by label, `heldOutPerClass` (default 40) images of each class go to the held-out
/// set, chosen by a Fisher–Yates shuffle of that class's row indices with `Xoshiro256(seed:
/// splitSeed)` (default 20_260_101), classes visited in order 0…9. With the defaults: 1 397
/// training and 400 held-out images. Both sets keep the file's row order.
public struct DigitsDataset: Sendable {
    /// One image: 64 pixel values in 0…16 (row-major 8×8) and its label 0…9.
    public struct Example: Sendable, Equatable {
        public var pixels: [Float]
        public var label: Int
        public init(pixels: [Float], label: Int) {
            self.pixels = pixels
            self.label = label
        }
    }

    public static let side = 8
    public static let pixelCount = 64
    public static let classCount = 10
    /// Pixel values run from 0 to this (inclusive).
    public static let maxPixelValue: Float = 16
    public static let defaultSplitSeed: UInt64 = 20_260_101
    public static let defaultHeldOutPerClass = 40

    public let training: [Example]
    public let heldOut: [Example]

    public enum LoadError: Error, CustomStringConvertible, Equatable {
        case resourceMissing
        case malformedRow(line: Int, reason: String)
        case tooFewExamples(label: Int, have: Int, need: Int)

        public var description: String {
            switch self {
            case .resourceMissing: "digits.csv is missing from the FlexGenSampler resources"
            case .malformedRow(let line, let reason): "digits.csv line \(line): \(reason)"
            case .tooFewExamples(let label, let have, let need):
                "digits: class \(label) has \(have) examples, fewer than the \(need) to hold out"
            }
        }
    }

    /// Loads the shipped copy and splits it.
    public static func loadShipped(splitSeed: UInt64 = defaultSplitSeed,
                                   heldOutPerClass: Int = defaultHeldOutPerClass) throws -> DigitsDataset {
        guard let url = Bundle.module.url(forResource: "digits", withExtension: "csv", subdirectory: "Resources")
                ?? Bundle.module.url(forResource: "digits", withExtension: "csv") else {
            throw LoadError.resourceMissing
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        return try DigitsDataset(csv: text, splitSeed: splitSeed, heldOutPerClass: heldOutPerClass)
    }

    /// Parses CSV rows of 64 integers in 0…16 plus a label 0…9 and splits them as described above.
    public init(csv: String, splitSeed: UInt64 = defaultSplitSeed,
                heldOutPerClass: Int = defaultHeldOutPerClass) throws {
        let all = try Self.parse(csv)
        var byClass = [[Int]](repeating: [], count: Self.classCount)
        for (index, example) in all.enumerated() { byClass[example.label].append(index) }
        var generator = Xoshiro256(seed: splitSeed)
        var heldOutRows = Set<Int>()
        for label in 0..<Self.classCount {
            var rows = byClass[label]
            guard rows.count >= heldOutPerClass else {
                throw LoadError.tooFewExamples(label: label, have: rows.count, need: heldOutPerClass)
            }
            // Fisher–Yates with our own generator (the standard library's shuffle algorithm is not
            // guaranteed stable across releases).
            if rows.count > 1 {
                for i in stride(from: rows.count - 1, to: 0, by: -1) {
                    let j = generator.nextInt(below: i + 1)
                    rows.swapAt(i, j)
                }
            }
            heldOutRows.formUnion(rows.prefix(heldOutPerClass))
        }
        training = all.indices.filter { !heldOutRows.contains($0) }.map { all[$0] }
        heldOut = all.indices.filter { heldOutRows.contains($0) }.map { all[$0] }
    }

    static func parse(_ csv: String) throws -> [Example] {
        var examples: [Example] = []
        var lineNumber = 0
        for line in csv.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == pixelCount + 1 else {
                throw LoadError.malformedRow(line: lineNumber, reason: "expected 65 fields, got \(fields.count)")
            }
            var pixels = [Float]()
            pixels.reserveCapacity(pixelCount)
            for (column, field) in fields.prefix(pixelCount).enumerated() {
                guard let value = Int(field.trimmingCharacters(in: .whitespaces)), (0...16).contains(value) else {
                    throw LoadError.malformedRow(line: lineNumber, reason: "pixel \(column) is not an integer in 0…16: '\(field)'")
                }
                pixels.append(Float(value))
            }
            guard let label = Int(fields[pixelCount].trimmingCharacters(in: .whitespaces)), (0..<classCount).contains(label) else {
                throw LoadError.malformedRow(line: lineNumber, reason: "label is not an integer in 0…9: '\(fields[pixelCount])'")
            }
            examples.append(Example(pixels: pixels, label: label))
        }
        return examples
    }

    /// Maps pixel values 0…16 to the model's range [-1, 1]: x ↦ x/8 − 1 (exact in binary floating point).
    public static func scaleToModel(_ pixel: Float) -> Float { pixel / 8 - 1 }

    /// Maps model values back to 0…16: y ↦ 8(y + 1), clamped to [0, 16]; NaN maps to 0 so no NaN leaves the sampler.
    public static func scaleFromModel(_ value: Float) -> Float {
        guard !value.isNaN else { return 0 }
        return min(max((value + 1) * 8, 0), maxPixelValue)
    }
}
