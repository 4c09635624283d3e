import Foundation

/// One request to a sampler: generate `count` images at configuration (width, steps) from `seed`.
///
/// This is also the request object of the `flexgen-sampler/1` wire protocol (see
/// `SamplerProtocol`): the JSON keys are the property names.
public struct SampleRequest: Codable, Sendable, Hashable {
    /// Active width fraction w ∈ (0, 1].
    public var width: Double
    /// Denoising steps s ≥ 1.
    public var steps: Int
    /// Number of images ≥ 1.
    public var count: Int
    /// Seed of the sampling noise (image i uses stream i, so results do not depend on batching).
    public var seed: UInt64
    /// Requested class ("prompt") per image, 0…9; nil → image i gets i mod 10.
    public var labels: [Int]?
    /// DDIM η ≥ 0; nil → 0 (deterministic DDIM).
    public var eta: Double?

    public init(width: Double, steps: Int, count: Int, seed: UInt64, labels: [Int]? = nil, eta: Double? = nil) {
        self.width = width
        self.steps = steps
        self.count = count
        self.seed = seed
        self.labels = labels
        self.eta = eta
    }

    /// The labels actually requested (explicit, or i mod 10).
    public var effectiveLabels: [Int] { labels ?? (0..<count).map { $0 % 10 } }

    /// Why the request is unacceptable, or nil.
    public var problem: String? {
        if !(width.isFinite && width > 0 && width <= 1) { return "width: must be in (0, 1], got \(width)" }
        if steps < 1 { return "steps: must be ≥ 1, got \(steps)" }
        if count < 1 { return "count: must be ≥ 1, got \(count)" }
        if let labels {
            if labels.count != count { return "labels: \(labels.count) labels for count \(count)" }
            if let bad = labels.first(where: { !(0...9).contains($0) }) { return "labels: \(bad) is not a digit 0…9" }
        }
        if let eta, !(eta.isFinite && eta >= 0) { return "eta: must be ≥ 0, got \(eta)" }
        return nil
    }
}

/// What a sampler returns for one request.
public struct SampleBatch: Sendable, Equatable {
    /// The images, `count` × 64 pixel values in 0…16 (row-major 8×8); nil when the sampler only
    /// reports a quality (an external pipeline that scores its own images).
    public var samples: [[Float]]?
    /// A quality the sampler measured itself (its own metric), if any.
    public var quality: Double?
    /// Wall time of generating the batch (s), measured by the sampler around its generation only.
    public var wallTimeS: Double
    /// Analytic work per image (FLOP), if the sampler knows it.
    public var flopsPerImage: Double?

    public init(samples: [[Float]]?, quality: Double? = nil, wallTimeS: Double, flopsPerImage: Double? = nil) {
        self.samples = samples
        self.quality = quality
        self.wallTimeS = wallTimeS
        self.flopsPerImage = flopsPerImage
    }

    /// Wall time per image (s).
    public func secondsPerImage(count: Int) -> Double { wallTimeS / Double(max(count, 1)) }
}

/// A flexible image generator FlexGen can calibrate and validate: the built-in digits model
/// (`BuiltinSampler`) or any external pipeline behind `ExternalSampler`.
public protocol Sampler: AnyObject {
    /// A short name for reports.
    var name: String { get }
    /// Generates one batch. Throws `SamplerError` for a bad request or a failed sampler.
    func generate(_ request: SampleRequest) throws -> SampleBatch
}

/// Failures of a sampler, built-in or external.
public enum SamplerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request is out of range (message names the field).
    case badRequest(String)
    /// The worker executable could not be started.
    case launchFailed(String)
    /// The worker did not answer within the timeout (it was terminated).
    case timeout(seconds: Double, waitingFor: String)
    /// The worker closed its output / exited (exit status when known).
    case workerExited(status: Int32?, stderrTail: String)
    /// The worker sent something that is not a valid protocol line.
    case malformedResponse(String)
    /// The worker speaks another protocol version.
    case protocolMismatch(expected: String, got: String)
    /// The worker answered with `"ok": false`.
    case workerError(String)

    public var description: String {
        switch self {
        case .badRequest(let m): "sampler: bad request: \(m)"
        case .launchFailed(let m): "sampler: cannot launch worker: \(m)"
        case .timeout(let s, let what): "sampler: worker gave no \(what) within \(s) s; it was terminated"
        case .workerExited(let status, let tail):
            "sampler: worker exited" + (status.map { " with status \($0)" } ?? "") + (tail.isEmpty ? "" : "; its stderr ended with: \(tail)")
        case .malformedResponse(let m): "sampler: malformed response: \(m)"
        case .protocolMismatch(let expected, let got): "sampler: worker speaks \"\(got)\", expected \"\(expected)\""
        case .workerError(let m): "sampler: worker reported an error: \(m)"
        }
    }
}

/// The built-in flexible digits model as a `Sampler` (immutable, so batches may run in parallel).
public final class BuiltinSampler: ConcurrentSampler {
    public let model: FlexibleDiffusionModel
    public var name: String { "builtin-digits" }

    public init(model: FlexibleDiffusionModel) { self.model = model }

    /// The shipped weights.
    public convenience init() throws { self.init(model: try FlexibleDiffusionModel.loadShipped()) }

    public func generate(_ request: SampleRequest) throws -> SampleBatch {
        if let problem = request.problem { throw SamplerError.badRequest(problem) }
        guard request.steps <= model.schedule.timesteps else {
            throw SamplerError.badRequest("steps: must be ≤ \(model.schedule.timesteps), got \(request.steps)")
        }
        let clock = ContinuousClock()
        var images: Result<[[Float]], DiffusionInputError> = .success([])
        let elapsed = clock.measure {
            images = Result { () throws(DiffusionInputError) in
                try model.generate(width: request.width, steps: request.steps, count: request.count, seed: request.seed,
                                   labels: request.effectiveLabels, eta: request.eta ?? 0)
            }
        }
        do throws(DiffusionInputError) {
            return SampleBatch(samples: try images.get(), wallTimeS: elapsed.seconds,
                               flopsPerImage: try model.flopsPerImage(width: request.width, steps: request.steps))
        } catch {
            // Unreachable after `request.problem` and the steps check above; kept as a typed error, not a trap.
            throw SamplerError.badRequest(error.description)
        }
    }
}

extension Duration {
    /// The duration in seconds as a Double.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
