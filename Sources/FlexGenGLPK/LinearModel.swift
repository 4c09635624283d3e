/// A linear or mixed-integer program in the form GLPK takes, built in Swift and validated before
/// any of it reaches the C library:
///
///     minimise (or maximise)   objectiveConstant + Σ_j cost_j · x_j
///     subject to               rowLower_i ≤ Σ_j a_ij · x_j ≤ rowUpper_i      for every row i
///                              lower_j    ≤ x_j            ≤ upper_j          for every variable j
///                              x_j integer (or binary) where its kind says so
///
/// Bounds may be infinite (`-.infinity` / `.infinity`) for a free side; equal bounds fix a
/// variable or make a row an equality. The constraint matrix is sparse: only non-zero entries
/// are stored, duplicates of one (row, column) position are summed.
///
/// A value type: building a model never touches GLPK, so models can be made on any thread and
/// shared freely; only `GLPK.solve` talks to the library (under its lock).
public struct LinearModel: Sendable, Hashable {
    public enum Sense: Sendable, Hashable { case minimize, maximize }

    public enum VariableKind: Sendable, Hashable {
        case continuous
        case integer
        /// An integer in [0, 1]; its own bounds are intersected with [0, 1].
        case binary
    }

    /// A handle to a variable (its column index, 0-based).
    public struct Variable: Sendable, Hashable { public let index: Int }
    /// A handle to a constraint row (0-based).
    public struct Row: Sendable, Hashable { public let index: Int }

    public struct VariableData: Sendable, Hashable {
        public var name: String?
        public var lower: Double
        public var upper: Double
        public var kind: VariableKind
        public var cost: Double
    }

    public struct RowData: Sendable, Hashable {
        public var name: String?
        public var lower: Double
        public var upper: Double
    }

    /// One non-zero coefficient a_ij.
    public struct Entry: Sendable, Hashable {
        public var row: Int
        public var column: Int
        public var value: Double
    }

    public var sense: Sense
    public var objectiveConstant: Double = 0
    public private(set) var variables: [VariableData] = []
    public private(set) var rows: [RowData] = []
    public private(set) var entries: [Entry] = []

    public init(sense: Sense = .minimize) { self.sense = sense }

    /// Whether any variable must take integer values (then `GLPK.solve` runs branch-and-bound).
    public var hasIntegerVariables: Bool { variables.contains { $0.kind != .continuous } }

    /// Adds a variable `lower ≤ x ≤ upper` with objective coefficient `cost`.
    @discardableResult
    public mutating func addVariable(lower: Double = 0, upper: Double = .infinity, kind: VariableKind = .continuous,
                                     cost: Double = 0, name: String? = nil) -> Variable {
        variables.append(VariableData(name: name, lower: lower, upper: upper, kind: kind, cost: cost))
        return Variable(index: variables.count - 1)
    }

    /// Adds a row `lower ≤ Σ terms ≤ upper`.
    @discardableResult
    public mutating func addRow(_ terms: [(Variable, Double)], lower: Double = -.infinity, upper: Double = .infinity,
                                name: String? = nil) -> Row {
        rows.append(RowData(name: name, lower: lower, upper: upper))
        let row = rows.count - 1
        entries.reserveCapacity(entries.count + terms.count)
        for (variable, value) in terms { entries.append(Entry(row: row, column: variable.index, value: value)) }
        return Row(index: row)
    }

    /// Sets (replaces) a variable's objective coefficient.
    public mutating func setCost(_ variable: Variable, _ cost: Double) { variables[variable.index].cost = cost }

    /// Sets (adds to) one matrix coefficient.
    public mutating func addCoefficient(row: Row, variable: Variable, value: Double) {
        entries.append(Entry(row: row.index, column: variable.index, value: value))
    }

    /// Sets a row's bounds.
    public mutating func setRowBounds(_ row: Row, lower: Double, upper: Double) {
        rows[row.index].lower = lower
        rows[row.index].upper = upper
    }

    /// Sets a variable's bounds.
    public mutating func setVariableBounds(_ variable: Variable, lower: Double, upper: Double) {
        variables[variable.index].lower = lower
        variables[variable.index].upper = upper
    }
}
