/// A continuous linear program stored column by column in flat arrays, for LPs with very many
/// columns (the assignment's relaxation has one column per hull step of every client: ~10^6 at
/// 10^5 clients):
///
///     minimise (or maximise)   Σ_j cost_j · x_j
///     subject to               rowLower_i ≤ Σ_j a_ij · x_j ≤ rowUpper_i      for every row i
///                              lower_j    ≤ x_j            ≤ upper_j          for every column j
///
/// Same meaning as `LinearModel` restricted to continuous variables and no objective constant,
/// and GLPK receives it through the same calls in the same order (`GLPKProblem`), so both give the
/// same GLPK problem and the same solution bit for bit. What differs is the memory: three numbers
/// per column and one (row, column, value) triple per non-zero in contiguous arrays, already in
/// the order `glp_load_matrix` takes them (1-based, slot 0 unused), instead of a `VariableData`
/// per column, an `Entry` per non-zero and the dictionary `GLPKProblem` merges them in
/// (docs/architecture.md, "Memory at 10^5 clients").
///
/// Entries must be added in strictly increasing (row, column) order: then no position repeats,
/// and the order is the one `GLPKProblem` sorts a `LinearModel`'s entries into. A zero value is
/// not stored (GLPK is not given zeros either way). `GLPK.solve` validates all of it.
public struct ColumnarLinearProgram: Sendable {
    public var sense: LinearModel.Sense
    public private(set) var columnLower: [Double] = []
    public private(set) var columnUpper: [Double] = []
    public private(set) var columnCost: [Double] = []
    public private(set) var rowLower: [Double] = []
    public private(set) var rowUpper: [Double] = []
    /// Non-zeros in GLPK's 1-based form: entry n (1 ≤ n ≤ entryCount) is at row `entryRow[n]`,
    /// column `entryColumn[n]` (both 1-based), value `entryValue[n]`; index 0 is unused.
    public private(set) var entryRow: [Int32] = [0]
    public private(set) var entryColumn: [Int32] = [0]
    public private(set) var entryValue: [Double] = [0]

    public init(sense: LinearModel.Sense = .minimize) { self.sense = sense }

    public var columnCount: Int { columnCost.count }
    public var rowCount: Int { rowLower.count }
    public var entryCount: Int { entryValue.count - 1 }

    /// Reserves room for `columns` more columns and `entries` more non-zeros.
    public mutating func reserveCapacity(columns: Int, entries: Int) {
        columnLower.reserveCapacity(columnLower.count + columns)
        columnUpper.reserveCapacity(columnUpper.count + columns)
        columnCost.reserveCapacity(columnCost.count + columns)
        entryRow.reserveCapacity(entryRow.count + entries)
        entryColumn.reserveCapacity(entryColumn.count + entries)
        entryValue.reserveCapacity(entryValue.count + entries)
    }

    /// Adds a column `lower ≤ x ≤ upper` with objective coefficient `cost`; returns its index (0-based).
    @discardableResult
    public mutating func addColumn(lower: Double = 0, upper: Double = .infinity, cost: Double) -> Int {
        columnLower.append(lower)
        columnUpper.append(upper)
        columnCost.append(cost)
        return columnCost.count - 1
    }

    /// Adds a row `lower ≤ Σ a_ij x_j ≤ upper` (its coefficients come from `addEntry`); returns its index (0-based).
    @discardableResult
    public mutating func addRow(lower: Double = -.infinity, upper: Double = .infinity) -> Int {
        rowLower.append(lower)
        rowUpper.append(upper)
        return rowLower.count - 1
    }

    /// Adds a_ij = `value` (0-based indices, strictly after the previous entry in (row, column)
    /// order); a zero is skipped.
    public mutating func addEntry(row: Int, column: Int, value: Double) {
        guard value != 0 else { return }
        entryRow.append(Int32(truncatingIfNeeded: row + 1))
        entryColumn.append(Int32(truncatingIfNeeded: column + 1))
        entryValue.append(value)
    }

    /// Checks what `LinearModel.validate()` checks (everything GLPK would abort on), and the entry
    /// order. Throws `GLPKError.invalidModel` naming the first offending item.
    public func validate() throws(GLPKError) {
        guard columnCount < Int(Int32.max) - 1, rowCount < Int(Int32.max) - 1, entryCount < Int(Int32.max) - 1 else {
            throw .invalidModel("the model is too large for GLPK's int indices")
        }
        for j in 0..<columnCount {
            guard columnCost[j].isFinite else { throw .invalidModel("variable \(j): cost must be finite, got \(columnCost[j])") }
            try LinearModel.checkBounds(columnLower[j], columnUpper[j], label: "variable \(j)")
        }
        for i in 0..<rowCount { try LinearModel.checkBounds(rowLower[i], rowUpper[i], label: "row \(i)") }
        var previous = (row: Int32(0), column: Int32(0))
        for n in stride(from: 1, through: entryCount, by: 1) {
            let (i, j, value) = (entryRow[n], entryColumn[n], entryValue[n])
            guard i >= 1, Int(i) <= rowCount else { throw .invalidModel("matrix entry names row \(Int(i) - 1) of \(rowCount)") }
            guard j >= 1, Int(j) <= columnCount else {
                throw .invalidModel("matrix entry names variable \(Int(j) - 1) of \(columnCount)")
            }
            guard value.isFinite else {
                throw .invalidModel("matrix entry (row \(Int(i) - 1), variable \(Int(j) - 1)) must be finite, got \(value)")
            }
            guard i > previous.row || (i == previous.row && j > previous.column) else {
                throw .invalidModel("matrix entry (row \(Int(i) - 1), variable \(Int(j) - 1)) is not after the previous one in (row, column) order")
            }
            previous = (i, j)
        }
    }
}
