import Foundation
import Hummingbird
import FlexGenModel
import FlexGenSampler

/// How much sampling one `POST /v1/validate` may ask for. `flexgen validate` defaults to
/// 5 seeds × 1000 images per configuration (minutes of CPU); a request must finish within
/// seconds, so the service samples far less by default and refuses more than these caps with 422.
/// Fewer images make FD-digits noisier and biased upwards (its bias is ~1/N): the report's CIs
/// show the noise, and the verdicts account for it.
public enum ValidationLimits {
    /// Default repeated seeds (2: the smallest count with a CI).
    public static let defaultSeeds = 2
    /// Default images per seed and configuration.
    public static let defaultSamplesPerSeed = 100
    /// Most seeds a request may ask for.
    public static let maxSeeds = 5
    /// Most images per seed and configuration a request may ask for.
    public static let maxSamplesPerSeed = 500
    /// Most images in all (distinct configurations × seeds × samplesPerSeed).
    public static let maxImages = 5_000

    /// What the `FlexGen-Timing` response header says.
    public static let timingNote = "none: predicted compute times need the calibration timing file (PROFILE-timing.json), which the service does not read; run flexgen validate for them"

    /// The validator's settings for a request, or a 422 naming the field that asks for too much.
    static func settings(seeds: Int?, samplesPerSeed: Int?, configurations: Int) throws -> ValidationSettings {
        var settings = ValidationSettings()
        settings.seedCount = seeds ?? defaultSeeds
        settings.samplesPerSeed = samplesPerSeed ?? defaultSamplesPerSeed
        if settings.seedCount > maxSeeds {
            throw APIError(.unprocessableContent, path: "seeds",
                           reason: "must be ≤ \(maxSeeds) on this server (a request must finish within seconds; run flexgen validate for more), got \(settings.seedCount)")
        }
        if settings.samplesPerSeed > maxSamplesPerSeed {
            throw APIError(.unprocessableContent, path: "samplesPerSeed",
                           reason: "must be ≤ \(maxSamplesPerSeed) on this server (a request must finish within seconds; run flexgen validate for more), got \(settings.samplesPerSeed)")
        }
        if let problem = settings.problem {
            // "samples: must be ≥ 2, got 1" → the request's field names.
            let field = problem.hasPrefix("samples:") ? "samplesPerSeed" : problem.hasPrefix("seeds:") ? "seeds" : ""
            let reason = problem.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? problem
            throw APIError(.unprocessableContent, path: field, reason: reason)
        }
        let images = configurations * settings.seedCount * settings.samplesPerSeed
        if images > maxImages {
            throw APIError(.unprocessableContent, path: "samplesPerSeed",
                           reason: "\(configurations) configurations × \(settings.seedCount) seeds × \(settings.samplesPerSeed) images = \(images) images exceed this server's maximum of \(maxImages) per request: ask for fewer seeds or samplesPerSeed")
        }
        return settings
    }

    /// A `ValidationInputError` ("profile.metric: …", "clients[2]: …") as a 422 whose path is
    /// the request's (`problem.profile.metric`, `solution.clients[2]`).
    static func apiError(_ error: ValidationInputError) -> APIError {
        let text = error.description
        guard let colon = text.range(of: ": ") else { return APIError(.unprocessableContent, reason: text) }
        let field = String(text[..<colon.lowerBound])
        let reason = String(text[colon.upperBound...])
        let path: String
        switch field {
        case "profile.metric": path = "problem.profile.metric"
        case "problem": path = "solution.problem"
        case let f where f.hasPrefix("clients"): path = "solution.\(f)"
        case let f where f.hasPrefix("serviceTargets"): path = "problem.\(f)"
        default: path = field
        }
        return APIError(.unprocessableContent, path: path, reason: reason)
    }
}
