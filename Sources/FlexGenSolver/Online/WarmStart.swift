/// What a frame takes over from the previous one to plan faster (`FramePlanner.Settings.warmStart`;
/// docs/online.md, "Warm start"). None of the parts changes what a frame plans beyond the
/// allocation's gap tolerance: each only changes where a search starts, or skips a search whose
/// answer is known.
public struct WarmStart: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// The allocation's band price λ starts at the previous frame's
    /// (`AllocationSettings.initialPrices`).
    public static let bandPrice = WarmStart(rawValue: 1 << 0)
    /// The allocation's compute price μ starts at the previous frame's. Not in `standard`: the
    /// previous μ belongs to another residual compute rate, and from it Newton can run off towards
    /// μ → 0 when this frame's compute is slack, until the allocation repeats its search cold.
    public static let computePrice = WarmStart(rawValue: 1 << 1)
    /// When the previous frame planned every candidate it had, this one first solves for all of its
    /// own without admission; if that finds an allocation, all is the admitted set of greatest
    /// priority (priorities are positive) and the allocation is the variant's on it, what admission
    /// would solve last. Otherwise the admission search runs as without a warm start.
    public static let admission = WarmStart(rawValue: 1 << 2)

    /// The parts the `flexgen` policy uses.
    public static let standard: WarmStart = [.bandPrice, .admission]
}
