import Foundation
import Hummingbird
import FlexGenModel
import FlexGenSampler

/// How much sampling one `POST /v1/validate` may ask for.
///
/// `flexgen validate` defaults to 5 seeds × 1000 images per configuration (minutes of CPU); a
/// request must finish within the service's time limit (`ServiceConfiguration.timeLimitS`), so
/// the admissible work is derived from that limit and the request's cost:
///
///     estimate = W + seeds · Σ_c (samplesPerSeed · (F_c / R + s_c · α) + S)
///     admitted ⇔ estimate ≤ admissibleFraction · timeLimitS   (and the hard caps below hold)
///
/// where c runs over the distinct configurations (w, s) the solution uses, F_c is the model's
/// analytic FLOPs per image (denoiser FLOPs per step × s, `FlexibleDiffusionModel.flopsPerImage`),
/// s_c its steps, R the denoiser's marginal throughput (FLOP/s) and α a fixed time per image and
/// step (the elementwise work that does not scale like the matrix products: narrow widths run at
/// a fifth of the FLOP rate of width 1). R and α are fitted exactly through two timed probes, at
/// width 1 and 0.25, when the model is loaded (`ValidationResources`); a fixed
/// `ServiceConfiguration.validationFlopsPerS` sets R and α = 0. S is the time to score one batch
/// (`validationScoringSecondsPerBatch`, or measured at load), W the validator's warm-up (16 images
/// of one step at width 1). A request over the budget is a 422 naming the field
/// to lower, the estimate and the limit, and the largest value that fits.
///
/// Why only half of the limit: the estimate leaves out other requests sharing the cores and the
/// probe's own noise; the other half absorbs them. A request admitted on a bad estimate is still
/// bounded: the validator stops at the deadline (503). Fewer images make FD-digits noisier and
/// biased upwards (its bias is ~1/N): the report's CIs show the noise, the verdicts account for it.
public enum ValidationLimits {
    /// Default repeated seeds (2: the smallest count with a CI).
    public static let defaultSeeds = 2
    /// Default images per seed and configuration.
    public static let defaultSamplesPerSeed = 100
    /// Hard cap on seeds, whatever the time limit (the CLI's full validation uses 5).
    public static let maxSeeds = 10
    /// Hard cap on images per seed and configuration, whatever the time limit (the CLI's default
    /// is 1000, calibration's N; 2000 images are 0.5 MiB of pixels).
    public static let maxSamplesPerSeed = 2_000
    /// Hard cap on images in all (distinct configurations × seeds × samplesPerSeed), whatever the
    /// time limit: bounds one request's memory (~13 MiB of pixels) even with a huge --time-limit.
    public static let maxImages = 50_000
    /// Share of the time limit the estimated work may take (see the type's documentation).
    public static let admissibleFraction = 0.5
    /// Images of the validator's warm-up batch (width 1, one step; `SolutionValidator.validate`).
    static let warmUpImages = 16.0

    /// What the `FlexGen-Timing` response header says.
    public static let timingNote = "none: predicted compute times need the calibration timing file (PROFILE-timing.json), which the service does not read; run flexgen validate for them"

    /// The machine figures the estimate uses.
    public struct Cost: Sendable, Hashable {
        /// Marginal denoiser throughput R (FLOP/s), > 0 (+∞ allowed: only α counts).
        public var flopsPerS: Double
        /// Fixed time α per image and denoising step (s), ≥ 0.
        public var secondsPerImageStep: Double
        /// Time S to score one batch (s), ≥ 0.
        public var scoringSecondsPerBatch: Double
        /// FLOPs of one image at width 1 and one step (the warm-up's unit).
        public var warmUpFlopsPerImage: Double
        public init(flopsPerS: Double, secondsPerImageStep: Double = 0, scoringSecondsPerBatch: Double, warmUpFlopsPerImage: Double) {
            self.flopsPerS = flopsPerS
            self.secondsPerImageStep = secondsPerImageStep
            self.scoringSecondsPerBatch = scoringSecondsPerBatch
            self.warmUpFlopsPerImage = warmUpFlopsPerImage
        }

        /// Estimated seconds to generate one image of `flopsPerImage` FLOPs in `steps` steps.
        public func secondsPerImage(flopsPerImage: Double, steps: Int) -> Double {
            flopsPerImage / flopsPerS + Double(steps) * secondsPerImageStep
        }
    }

    /// One distinct configuration's cost: the model's FLOPs per image F_c and its steps s_c.
    public struct ConfigurationCost: Sendable, Hashable {
        public var flopsPerImage: Double
        public var steps: Int
        public init(flopsPerImage: Double, steps: Int) {
            self.flopsPerImage = flopsPerImage
            self.steps = steps
        }
    }

    /// The estimate above (s) over the distinct configurations.
    public static func estimatedSeconds(_ configurations: [ConfigurationCost], seeds: Int, samplesPerSeed: Int, cost: Cost) -> Double {
        let perSeed = configurations.reduce(0) {
            $0 + Double(samplesPerSeed) * cost.secondsPerImage(flopsPerImage: $1.flopsPerImage, steps: $1.steps) + cost.scoringSecondsPerBatch
        }
        return warmUpImages * cost.secondsPerImage(flopsPerImage: cost.warmUpFlopsPerImage, steps: 1) + Double(seeds) * perSeed
    }

    /// The validator's settings for a request, or a 422 naming the field that asks for too much:
    /// a hard cap, or the estimate over `admissibleFraction · timeLimitS`.
    /// - Parameters:
    ///   - configurations: F_c and s_c of every distinct configuration of the solution (the model's).
    ///   - timeLimitS: the service's per-request time limit (`--time-limit`).
    static func settings(seeds: Int?, samplesPerSeed: Int?, configurations costs: [ConfigurationCost], cost: Cost,
                         timeLimitS: Double) throws -> ValidationSettings {
        var settings = ValidationSettings()
        settings.seedCount = seeds ?? defaultSeeds
        settings.samplesPerSeed = samplesPerSeed ?? defaultSamplesPerSeed
        if settings.seedCount > maxSeeds {
            throw APIError(.unprocessableContent, path: "seeds",
                           reason: "must be ≤ \(maxSeeds) on this server (run flexgen validate for more), got \(settings.seedCount)")
        }
        if settings.samplesPerSeed > maxSamplesPerSeed {
            throw APIError(.unprocessableContent, path: "samplesPerSeed",
                           reason: "must be ≤ \(maxSamplesPerSeed) on this server (run flexgen validate for more), got \(settings.samplesPerSeed)")
        }
        if let problem = settings.problem {
            // "samples: must be ≥ 2, got 1" → the request's field names.
            let field = problem.hasPrefix("samples:") ? "samplesPerSeed" : problem.hasPrefix("seeds:") ? "seeds" : ""
            let reason = problem.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? problem
            throw APIError(.unprocessableContent, path: field, reason: reason)
        }
        let configurations = costs.count
        let images = configurations * settings.seedCount * settings.samplesPerSeed
        if images > maxImages {
            throw APIError(.unprocessableContent, path: "samplesPerSeed",
                           reason: "\(configurations) configurations × \(settings.seedCount) seeds × \(settings.samplesPerSeed) images = \(images) images exceed this server's maximum of \(maxImages) per request: ask for fewer seeds or samplesPerSeed")
        }
        let budget = admissibleFraction * timeLimitS
        let estimate = estimatedSeconds(costs, seeds: settings.seedCount,
                                        samplesPerSeed: settings.samplesPerSeed, cost: cost)
        guard estimate > budget else { return settings }

        let totalFlops = costs.reduce(0) { $0 + $1.flopsPerImage } * Double(settings.seedCount * settings.samplesPerSeed)
        let perStep = cost.secondsPerImageStep > 0 ? " + \(format(cost.secondsPerImageStep * 1e6)) µs per image and step" : ""
        let what = "\(configurations) configuration\(configurations == 1 ? "" : "s") × \(settings.seedCount) seed\(settings.seedCount == 1 ? "" : "s") × \(settings.samplesPerSeed) images = \(format(totalFlops)) FLOP, estimated \(format(estimate)) s at \(format(cost.flopsPerS / 1e9)) GFLOP/s\(perStep) (scoring included), exceed the \(format(budget)) s this server admits (\(format(admissibleFraction * 100))% of its \(format(timeLimitS)) s time limit, --time-limit)"
        // The largest samplesPerSeed that fits with these seeds (the estimate is affine in it).
        if let fit = largest(in: 2...maxSamplesPerSeed, where: { n in
            estimatedSeconds(costs, seeds: settings.seedCount, samplesPerSeed: n, cost: cost) <= budget
        }) {
            throw APIError(.unprocessableContent, path: "samplesPerSeed",
                           reason: "\(what): ask for samplesPerSeed ≤ \(fit) with \(settings.seedCount) seeds, or run flexgen validate")
        }
        if let fit = largest(in: 1...maxSeeds, where: { k in
            estimatedSeconds(costs, seeds: k, samplesPerSeed: 2, cost: cost) <= budget
        }) {
            throw APIError(.unprocessableContent, path: "seeds",
                           reason: "\(what): even 2 images per seed need seeds ≤ \(fit), or run flexgen validate")
        }
        throw APIError(.unprocessableContent, path: "solution.clients",
                       reason: "\(what); the solution's \(configurations) distinct configurations are too costly to sample within the time limit even at 1 seed × 2 images: run flexgen validate")
    }

    /// The largest value in `range` satisfying a predicate that holds on a prefix of it (bisection).
    static func largest(in range: ClosedRange<Int>, where fits: (Int) -> Bool) -> Int? {
        guard fits(range.lowerBound) else { return nil }
        var (low, high) = (range.lowerBound, range.upperBound)  // fits(low) holds
        if fits(high) { return high }
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if fits(middle) { low = middle } else { high = middle }
        }
        return low
    }

    /// Three significant digits, for messages.
    static func format(_ value: Double) -> String { String(format: "%.3g", value) }

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
