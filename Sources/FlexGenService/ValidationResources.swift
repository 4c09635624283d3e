import FlexGenConcurrency
import FlexGenModel
import Foundation  // NSLock
import FlexGenSampler

/// What `POST /v1/validate` needs besides the request, for one built-in model: its sampler and
/// scorer, and how fast this machine runs them (the admission rule's figures, `ValidationLimits`).
/// Two models: the digits MLP with its classifier (FD-digits, `cache`), and the Fashion-MNIST
/// U-Net with its classifier and the 10 000 test images (FD-fashion, `fashionCache`, loaded only
/// when the first FD-fashion problem arrives: docs/fashion.md).
///
/// The weights are immutable `Sendable` values (arrays of floats; every sampling call allocates
/// its own workspace), so one copy serves every request concurrently. They were re-read from
/// disk for every request before; they are now loaded once per process, lazily, by the caches.
struct ValidationResources: Sendable {
    /// The metric of the problems these resources validate.
    let metric: QualityMetric
    /// "the built-in digits model", for error messages.
    let modelDescription: String
    /// Counted FLOPs per image of (width, steps) on this model (the fashion model's at its default
    /// guidance, two passes per step); throws for a configuration the model cannot run.
    let flopsPerImage: @Sendable (_ width: Double, _ steps: Int) throws -> Double
    /// A sampler over the shared weights; samplers are reference types, so every validation makes its own.
    let makeSampler: @Sendable () -> any Sampler
    let scorer: any SampleScorer
    /// Marginal denoiser throughput R (FLOP/s) and fixed time α per image and step (s) of the
    /// cost model t(w) = α + F_step(w)/R per image and step, fitted exactly through two probes
    /// timed once at load, at widths 1 and 0.25 (the ends of the shipped profiles). Narrow
    /// widths run at about a fifth of width 1's FLOP rate (elementwise work, DDIM update), which
    /// a single rate could only cover by overcharging wide configurations ~4×.
    let measuredFlopsPerS: Double
    let secondsPerImageStep: Double
    /// Time to score one batch (classifier features, moments, Fréchet distance), measured once at
    /// load on a batch of the default size (`ValidationLimits.defaultSamplesPerSeed` images: the
    /// fixed part, the matrix square root of the Fréchet distance, dominates at that size);
    /// charged per batch by the admission rule.
    let scoringSecondsPerBatch: Double

    /// Images per probe batch and steps per probe image: ~1.3 GFLOP at width 1, ~20 ms in a
    /// release build; 512 rows put BLAS in the blocked regime validation batches run in.
    static let probeCount = 512
    static let probeSteps = 4

    /// Loads the shipped digits weights and times the probes (best of two per width: the first run of a
    /// width pays page faults and BLAS thread start-up that a validation's warm-up also absorbs).
    static func load() throws -> ValidationResources {
        let model = try FlexibleDiffusionModel.loadShipped()
        let evaluator = try QualityEvaluator.shipped()
        let clock = ContinuousClock()
        var probe: [[Float]] = []
        /// Best seconds per image and step at `width`, and that width's FLOPs per step.
        func time(width: Double) throws -> (seconds: Double, flops: Double) {
            var best = Double.infinity
            for _ in 0..<2 {
                let start = clock.now
                probe = try model.generate(width: width, steps: probeSteps, count: probeCount, seed: 1)
                best = min(best, seconds(clock.now - start))
            }
            return (max(best, 1e-9) / Double(probeCount * probeSteps), try model.flopsPerStep(width: width))
        }
        let narrow = try time(width: 0.25), wide = try time(width: 1)
        let (rate, perStep) = fit(narrow: narrow, wide: wide)
        let scored = Array(probe.prefix(ValidationLimits.defaultSamplesPerSeed))
        let start = clock.now
        _ = try evaluator.score(scored, requestedLabels: FlexibleDiffusionModel.defaultLabels(count: scored.count))
        let scoring = seconds(clock.now - start)
        return ValidationResources(metric: QualityEvaluator.metric, modelDescription: "the built-in digits model",
                                   flopsPerImage: { try model.flopsPerImage(width: $0, steps: $1) },
                                   makeSampler: { BuiltinSampler(model: model) }, scorer: evaluator,
                                   measuredFlopsPerS: rate, secondsPerImageStep: perStep, scoringSecondsPerBatch: scoring)
    }

    /// Images per probe batch of the fashion model (also the scoring probe's batch, the default
    /// samplesPerSeed) and its steps: ~0.2 s per probe at width 1 in a release build.
    static let fashionProbeCount = ValidationLimits.defaultSamplesPerSeed
    static let fashionProbeSteps = 1

    /// Loads the shipped Fashion-MNIST U-Net and classifier, the test images of
    /// `FashionMNIST.defaultDirectory` (Debian's dataset-fashion-mnist) as the FD reference, and
    /// times the probes as `load()` does. The sampler runs at the default guidance scale, the one
    /// `flexgen calibrate --model fashion` measures the shipped profile with.
    static func loadFashion() throws -> ValidationResources {
        let model = try FashionDiffusionModel.loadShipped()
        let evaluator = try FashionQualityEvaluator.shipped()
        let guidance = FashionDiffusionModel.defaultGuidance
        let clock = ContinuousClock()
        let labels = FlexibleDiffusionModel.defaultLabels(count: fashionProbeCount)
        var probe: [[Float]] = []
        func time(width: Double) throws -> (seconds: Double, flops: Double) {
            var best = Double.infinity
            for _ in 0..<2 {
                let start = clock.now
                probe = try model.generate(width: width, steps: fashionProbeSteps, labels: labels, seed: 1, guidance: guidance)
                best = min(best, seconds(clock.now - start))
            }
            return (max(best, 1e-9) / Double(fashionProbeCount * fashionProbeSteps),
                    try model.flopsPerImage(width: width, steps: 1, guidance: guidance))
        }
        let narrow = try time(width: 0.25), wide = try time(width: 1)
        let (rate, perStep) = fit(narrow: narrow, wide: wide)
        let start = clock.now
        _ = try evaluator.score(probe, requestedLabels: labels)
        let scoring = seconds(clock.now - start)
        return ValidationResources(metric: FashionQualityEvaluator.metric, modelDescription: "the built-in Fashion-MNIST model",
                                   flopsPerImage: { try model.flopsPerImage(width: $0, steps: $1, guidance: guidance) },
                                   makeSampler: { FashionSampler(model: model, guidance: guidance) }, scorer: evaluator,
                                   measuredFlopsPerS: rate, secondsPerImageStep: perStep, scoringSecondsPerBatch: scoring)
    }

    /// The resources for problems of `metric`, or nil when no built-in model measures it.
    static func cache(for metric: QualityMetric) -> Cache? {
        switch metric {
        case QualityEvaluator.metric: cache
        case FashionQualityEvaluator.metric: fashionCache
        default: nil
        }
    }

    /// The line t = α + F/R through two probes (seconds per image-step, FLOPs per step), F_narrow
    /// < F_wide. If noise makes the slope non-positive or the intercept negative, the line is
    /// replaced by the slower of the two pure rates (α = 0): never an estimate below either probe.
    static func fit(narrow: (seconds: Double, flops: Double), wide: (seconds: Double, flops: Double))
        -> (flopsPerS: Double, secondsPerImageStep: Double) {
        let slope = (wide.seconds - narrow.seconds) / (wide.flops - narrow.flops)
        let intercept = narrow.seconds - slope * narrow.flops
        if slope > 0, intercept >= 0, slope.isFinite { return (1 / slope, intercept) }
        return (min(narrow.flops / narrow.seconds, wide.flops / wide.seconds), 0)
    }

    /// A duration in seconds.
    static func seconds(_ duration: Duration) -> Double {
        let (s, attoseconds) = duration.components
        return Double(s) + Double(attoseconds) * 1e-18
    }

    /// The process-wide copies: immutable once loaded, so sharing them is not shared mutable state.
    static let cache = Cache(load: ValidationResources.load)
    static let fashionCache = Cache(load: ValidationResources.loadFashion)

    /// Loads the resources at most once (the first caller loads; concurrent first callers wait
    /// for that load instead of loading again). A failed load is not remembered: the next
    /// request tries again (and gets the same clear error if the weights really are missing).
    final class Cache: @unchecked Sendable {
        private let lock = NSLock()
        private var loaded: ValidationResources?
        private let loader: @Sendable () throws -> ValidationResources

        init(load: @escaping @Sendable () throws -> ValidationResources) { loader = load }

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
            let resources = try loader()
            loaded = resources
            return resources
        }
    }
}
