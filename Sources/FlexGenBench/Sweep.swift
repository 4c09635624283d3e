import FlexGenModel

/// One axis of the benchmark: a parameter, the values it takes, and how to build the seeded
/// instance for a (value, seed) pair.
public struct Sweep: Sendable {
    /// Short machine name used in CSVs and file names (`clients`, `deadline`, …).
    public var name: String
    /// Axis label for figures, with its unit.
    public var label: String
    public var scale: AxisScale
    public var values: [Double]
    /// Builds the instance; throwing aborts the benchmark (a generator bug is not a data point).
    public var makeProblem: @Sendable (_ value: Double, _ seed: UInt64) throws -> Problem

    public init(name: String, label: String, scale: AxisScale = .linear, values: [Double],
                makeProblem: @escaping @Sendable (Double, UInt64) throws -> Problem) {
        self.name = name; self.label = label; self.scale = scale; self.values = values
        self.makeProblem = makeProblem
    }
}
