/// A `Sampler` whose `generate` may run on several threads at once (no mutable state shared
/// between calls): the calibration then samples several batches in parallel
/// (`CalibrationSettings.parallelBatches`). The built-in models conform; `ExternalSampler` does
/// not (its worker process answers one request at a time).
public protocol ConcurrentSampler: Sampler, Sendable {}
