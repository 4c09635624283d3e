/// Settings shared by the variants. Every default documented.
public struct VariantSettings: Sendable, Hashable {
    /// The decomposition's settings (used by `flexgen`, `steps-only`, `width-only`, `equal-share`).
    public var decomposition: DecompositionSettings = DecompositionSettings()
    /// Largest number of assignments `exhaustive` will enumerate (the product of the menu sizes).
    /// Default 20 000: each costs an allocation solve.
    public var exhaustiveLimit: Int = 20_000
    /// Relative tolerance of the final `Evaluation` check. Default 1e-6, the contract's.
    public var checkTolerance: Double = 1e-6

    public init() {}
}
