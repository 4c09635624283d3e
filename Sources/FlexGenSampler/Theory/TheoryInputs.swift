import Foundation
import FlexGenModel

/// Everything `TheoryRun.analyse` reads: the calibration grid's points, the ε-profile and the
/// anchors, with the command and the weights' SHA-256 that produced them. `flexgen calibrate
/// --theory` writes it as PROFILE-theory-inputs.json (format `flexgen-theory-inputs/1`), so the
/// analysis (fits, out-of-sample scores, ceiling) can be re-run in seconds after a change to it,
/// without the tens of CPU-minutes of sampling and ε-measurement.
public struct TheoryInputs: Sendable, Codable {
    public static let formatName = "flexgen-theory-inputs/1"
    public var format = TheoryInputs.formatName
    public var command: String
    public var weightsSHA256: String?
    public var metric: QualityMetric
    public var widths: [Double]
    public var steps: [Int]
    public var samplesPerSeed: Int
    public var seedCount: Int
    public var baseSeed: UInt64
    public var points: [CalibrationPoint]
    public var epsilon: EpsilonErrorProfile
    public var anchors: TheoryAnchors

    public init(calibration: CalibrationResult, epsilon: EpsilonErrorProfile, anchors: TheoryAnchors, command: String, weightsSHA256: String?) {
        self.command = command
        self.weightsSHA256 = weightsSHA256
        metric = calibration.metric
        widths = calibration.settings.widths
        steps = calibration.settings.steps
        samplesPerSeed = calibration.settings.samplesPerSeed
        seedCount = calibration.settings.seedCount
        baseSeed = calibration.settings.baseSeed
        points = calibration.points
        self.epsilon = epsilon
        self.anchors = anchors
    }

    /// The grid as a `CalibrationResult` with what the analysis reads (points, widths, steps, the
    /// metric); timing fields are not stored and read as 0.
    public var calibration: CalibrationResult {
        var settings = CalibrationSettings()
        settings.widths = widths
        settings.steps = steps
        settings.samplesPerSeed = samplesPerSeed
        settings.seedCount = seedCount
        settings.baseSeed = baseSeed
        var result = CalibrationResult(settings: settings, samplerName: "stored", referenceCount: 0, points: points, law: nil,
                                       lawFailure: nil, timeFlopsCorrelation: 0, overallFlopsPerS: 0, sgemmPeakFlopsPerS: nil, wallTimeS: 0)
        result.metric = metric
        return result
    }

    // NaN (an anchor that was not reached) is written as the string "nan", not refused.
    private static let floats = (positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: Self.floats.positiveInfinity,
                                                                      negativeInfinity: Self.floats.negativeInfinity, nan: Self.floats.nan)
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// - Throws: `SamplerError.badRequest` naming the problem for a file that is not this format.
    public static func read(_ data: Data) throws -> TheoryInputs {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: floats.positiveInfinity,
                                                                        negativeInfinity: floats.negativeInfinity, nan: floats.nan)
        let inputs: TheoryInputs
        do { inputs = try decoder.decode(TheoryInputs.self, from: data) } catch {
            throw SamplerError.badRequest("theory inputs: not a \(formatName) file (\(error))")
        }
        guard inputs.format == formatName else {
            throw SamplerError.badRequest("theory inputs: format is \"\(inputs.format)\", expected \"\(formatName)\"")
        }
        return inputs
    }
}
