/// An out-of-range argument to the built-in diffusion model's public entry points
/// (`FlexibleDiffusionModel.generate`, `DDIMSampler.sample`, `DenoiserArchitecture.activeWidth`,
/// `flopsPerStep`, `flopsPerImage`, `SlimmableDenoiser.predictNoise`, `SampleSet.init`).
///
/// These entry points used to trap (precondition); a library user must never crash the process,
/// so they throw this instead. `description` names the argument and the admissible range in the
/// `field: reason, got value` shape of every FlexGen error.
public enum DiffusionInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Width w not finite or outside (0, 1].
    case width(Double)
    /// Steps s outside 1…`maximum` (the schedule's T; nil where only s ≥ 1 is known).
    case steps(Int, maximum: Int?)
    /// A negative image count.
    case count(Int)
    /// `labels.count` differs from the image count.
    case labelCount(Int, expected: Int)
    /// A label outside 0…`maximum` (9 for digits, 10 where the null label is allowed).
    case label(Int, maximum: Int)
    /// DDIM η not finite or negative.
    case eta(Double)
    /// A classifier-free guidance scale that is not finite.
    case guidance(Double)

    public var description: String {
        switch self {
        case .width(let w): "width: must be finite and in (0, 1], got \(w)"
        case .steps(let s, let maximum?): "steps: must be in 1…\(maximum), got \(s)"
        case .steps(let s, nil): "steps: must be ≥ 1, got \(s)"
        case .count(let n): "count: must be ≥ 0, got \(n)"
        case .labelCount(let n, let expected): "labels: \(n) labels for \(expected) images"
        case .label(let y, let maximum): "labels: must be in 0…\(maximum), got \(y)"
        case .eta(let eta): "eta: must be finite and ≥ 0, got \(eta)"
        case .guidance(let g): "guidance: must be finite, got \(g)"
        }
    }
}
