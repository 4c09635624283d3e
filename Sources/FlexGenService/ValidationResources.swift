import Foundation  // NSLock
import FlexGenSampler

/// What `POST /v1/validate` needs besides the request: the shipped digits model and classifier,
/// and how fast this machine runs them (the admission rule's figures, `ValidationLimits`).
///
/// The weights are immutable `Sendable` values (arrays of floats; every sampling call allocates
/// its own workspace), so one copy serves every request concurrently. They were re-read from
/// disk for every request before; they are now loaded once per process, lazily, by
/// `ValidationResources.cache`.
struct ValidationResources: Sendable {
    let model: FlexibleDiffusionModel
    let evaluator: QualityEvaluator
    /// Denoiser throughput measured once at load (FLOP/s of `model.flopsPerImage`): the lower of
    /// a batch at width 1 and one at width 0.25 (narrow widths use the cores less well), so the
    /// estimate errs on the slow side for every width in between.
    let measuredFlopsPerS: Double
    /// Time to score one batch (classifier features, moments, Fréchet distance), measured once at
    /// load on `Self.probeCount` images; charged per batch by the admission rule.
    let scoringSecondsPerBatch: Double

    /// Images per probe batch and steps per probe image: ~0.6 GFLOP at width 1, tens of ms in a
    /// release build; large enough that BLAS runs in its blocked regime as validation batches do.
    static let probeCount = 256
    static let probeSteps = 4

    /// Loads the shipped weights and times the probes (best of two per width: the first run of a
    /// width pays page faults and BLAS thread start-up that a validation's warm-up also absorbs).
    static func load() throws -> ValidationResources {
        let model = try FlexibleDiffusionModel.loadShipped()
        let evaluator = try QualityEvaluator.shipped()
        let clock = ContinuousClock()
        var rate = Double.infinity
        var probe: [[Float]] = []
        for width in [1.0, 0.25] {
            let flops = try model.flopsPerImage(width: width, steps: probeSteps) * Double(probeCount)
            var best = Double.infinity
            for _ in 0..<2 {
                let start = clock.now
                probe = try model.generate(width: width, steps: probeSteps, count: probeCount, seed: 1)
                best = min(best, seconds(clock.now - start))
            }
            rate = min(rate, flops / max(best, 1e-9))
        }
        let labels = FlexibleDiffusionModel.defaultLabels(count: probeCount)
        let start = clock.now
        _ = try evaluator.score(probe, requestedLabels: labels)
        let scoring = seconds(clock.now - start)
        return ValidationResources(model: model, evaluator: evaluator, measuredFlopsPerS: rate, scoringSecondsPerBatch: scoring)
    }

    /// A duration in seconds.
    static func seconds(_ duration: Duration) -> Double {
        let (s, attoseconds) = duration.components
        return Double(s) + Double(attoseconds) * 1e-18
    }

    /// The process-wide copy: immutable once loaded, so sharing it is not shared mutable state.
    static let cache = Cache()

    /// Loads the resources at most once (the first caller loads; concurrent first callers wait
    /// for that load instead of loading again). A failed load is not remembered: the next
    /// request tries again (and gets the same clear error if the weights really are missing).
    final class Cache: @unchecked Sendable {
        private let lock = NSLock()
        private var loaded: ValidationResources?

        /// The resources if already loaded; never blocks on a load in progress for long (only
        /// for the lock), so it can be called on the cooperative pool.
        var ifLoaded: ValidationResources? {
            if lock.try() {
                defer { lock.unlock() }
                return loaded
            }
            return nil  // a load holds the lock: the caller goes to the worker threads and waits there
        }

        /// Loads once and returns the shared copy. Blocks for the load (seconds): call it on the
        /// worker threads (`BlockingWork`), never on the cooperative pool.
        func get() throws -> ValidationResources {
            lock.lock()
            defer { lock.unlock() }
            if let loaded { return loaded }
            let resources = try ValidationResources.load()
            loaded = resources
            return resources
        }
    }
}
