import Foundation
import FlexGenIO

/// The timing side of a calibration, written next to the profile as `<profile>-timing.json`
/// (format `flexgen-sampler-timing/1`): what `flexgen validate` needs to predict compute times on
/// this machine. The profile itself keeps to the contract's four fields per configuration.
///
/// "Calibrated rate" of a configuration = its counted FLOP per image / its measured wall time per
/// image (batches of `samplesPerBatch`), i.e. the FLOP/s this machine actually delivered on it.
public struct CalibrationTiming: Codable, Sendable, Equatable {
    public static let formatName = "flexgen-sampler-timing/1"

    public struct Entry: Codable, Sendable, Equatable {
        public var width: Double
        public var steps: Int
        public var flopsPerImage: Double
        public var secondsPerImage: Double
        public var flopsPerS: Double
    }

    public var format: String = formatName
    public var sampler: String
    public var samplesPerBatch: Int
    /// The least-squares single rate over all configurations (FLOP/s).
    public var overallFlopsPerS: Double
    public var sgemmPeakFlopsPerS: Double?
    public var configs: [Entry]

    public init(_ result: CalibrationResult) {
        sampler = result.samplerName
        samplesPerBatch = result.settings.samplesPerSeed
        overallFlopsPerS = result.overallFlopsPerS
        sgemmPeakFlopsPerS = result.sgemmPeakFlopsPerS
        configs = result.points.map {
            Entry(width: $0.width, steps: $0.steps, flopsPerImage: $0.flopsPerImage,
                  secondsPerImage: $0.secondsPerImage, flopsPerS: $0.achievedFlopsPerS)
        }
    }

    /// The calibrated rate for (width, steps): that configuration's, else the overall rate.
    public func rate(width: Double, steps: Int) -> (flopsPerS: Double, source: String) {
        if let e = configs.first(where: { $0.width == width && $0.steps == steps }) {
            return (e.flopsPerS, "measured for this configuration")
        }
        return (overallFlopsPerS, "overall calibrated rate")
    }

    /// `problems/profiles/x.json` → `problems/profiles/x-timing.json`.
    public static func path(forProfile profilePath: String) -> String {
        (profilePath.hasSuffix(".json") ? String(profilePath.dropLast(5)) : profilePath) + "-timing.json"
    }

    public static func load(path: String) throws -> CalibrationTiming {
        let timing = try JSONDecoder().decode(CalibrationTiming.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        guard timing.format == formatName else {
            throw SamplerError.malformedResponse("\(path): format must be \"\(formatName)\", got \"\(timing.format)\"")
        }
        return timing
    }
}
