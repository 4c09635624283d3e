import CGLPK

/// Owns one `glp_prob`. Internal: it is created, used and freed inside one `GLPK.solve` call,
/// under `GLPK.lock`, on one thread. That confinement matters: GLPK keeps its memory accounting
/// in a per-thread environment, so a problem must be freed by the thread (environment) that
/// allocated it — a handle that escaped and was released elsewhere would corrupt that state.
final class GLPKProblem {
    let pointer: OpaquePointer

    /// Loads a validated model. Never call with a model that failed `LinearModel.validate()`.
    init(_ model: LinearModel) {
        pointer = glp_create_prob()
        glp_set_obj_dir(pointer, model.sense == .minimize ? GLP_MIN : GLP_MAX)
        glp_set_obj_coef(pointer, 0, model.objectiveConstant)

        // GLPK rejects glp_add_rows(0) / glp_add_cols(0); a model without rows gets one free,
        // empty row so that the simplex has a basis to work with.
        let rowCount = max(model.rows.count, 1)
        glp_add_rows(pointer, Int32(rowCount))
        if model.rows.isEmpty {
            glp_set_row_bnds(pointer, 1, GLP_FR, 0, 0)
        }
        for (i, row) in model.rows.enumerated() {
            let (type, lower, upper) = Self.boundType(row.lower, row.upper)
            glp_set_row_bnds(pointer, Int32(i + 1), type, lower, upper)
        }
        if !model.variables.isEmpty {
            glp_add_cols(pointer, Int32(model.variables.count))
        }
        for (j, variable) in model.variables.enumerated() {
            let column = Int32(j + 1)
            var lower = variable.lower, upper = variable.upper
            switch variable.kind {
            case .continuous: break
            case .integer:
                glp_set_col_kind(pointer, column, GLP_IV)
            case .binary:
                // GLP_BV would overwrite the bounds with [0, 1]; keep any tighter ones instead.
                glp_set_col_kind(pointer, column, GLP_IV)
                lower = max(lower, 0)
                upper = min(upper, 1)
            }
            let (type, lb, ub) = Self.boundType(lower, upper)
            glp_set_col_bnds(pointer, column, type, lb, ub)
            glp_set_obj_coef(pointer, column, variable.cost)
        }

        // Sum duplicates and drop zeros: glp_load_matrix treats a repeated position as an error.
        var merged: [Int: Double] = [:]
        merged.reserveCapacity(model.entries.count)
        let columns = max(model.variables.count, 1)
        for e in model.entries where e.value != 0 {
            merged[e.row * columns + e.column, default: 0] += e.value
        }
        let nonzero = merged.filter { $0.value != 0 }.sorted { $0.key < $1.key }
        if !nonzero.isEmpty {
            var ia = [Int32](repeating: 0, count: nonzero.count + 1)
            var ja = [Int32](repeating: 0, count: nonzero.count + 1)
            var ar = [Double](repeating: 0, count: nonzero.count + 1)
            for (n, (key, value)) in nonzero.enumerated() {
                ia[n + 1] = Int32(key / columns + 1)
                ja[n + 1] = Int32(key % columns + 1)
                ar[n + 1] = value
            }
            glp_load_matrix(pointer, Int32(nonzero.count), ia, ja, ar)
        }
    }

    /// Loads a validated columnar program through the same calls, in the same order, as `init(_:)`
    /// makes for the `LinearModel` with the same rows, columns and entries (so GLPK ends up with
    /// the same problem). Never call with a program that failed `ColumnarLinearProgram.validate()`.
    init(_ program: ColumnarLinearProgram) {
        pointer = glp_create_prob()
        glp_set_obj_dir(pointer, program.sense == .minimize ? GLP_MIN : GLP_MAX)
        glp_set_obj_coef(pointer, 0, 0)
        glp_add_rows(pointer, Int32(max(program.rowCount, 1)))
        if program.rowCount == 0 {
            glp_set_row_bnds(pointer, 1, GLP_FR, 0, 0)
        }
        for i in 0..<program.rowCount {
            let (type, lower, upper) = Self.boundType(program.rowLower[i], program.rowUpper[i])
            glp_set_row_bnds(pointer, Int32(i + 1), type, lower, upper)
        }
        if program.columnCount > 0 {
            glp_add_cols(pointer, Int32(program.columnCount))
        }
        for j in 0..<program.columnCount {
            let column = Int32(j + 1)
            let (type, lb, ub) = Self.boundType(program.columnLower[j], program.columnUpper[j])
            glp_set_col_bnds(pointer, column, type, lb, ub)
            glp_set_obj_coef(pointer, column, program.columnCost[j])
        }
        if program.entryCount > 0 {
            glp_load_matrix(pointer, Int32(program.entryCount), program.entryRow, program.entryColumn, program.entryValue)
        }
    }

    deinit { glp_delete_prob(pointer) }

    /// GLPK's bound type for a validated pair (lower ≤ upper, lower ≠ +∞, upper ≠ −∞).
    private static func boundType(_ lower: Double, _ upper: Double) -> (Int32, Double, Double) {
        switch (lower.isFinite, upper.isFinite) {
        case (false, false): return (GLP_FR, 0, 0)
        case (true, false): return (GLP_LO, lower, 0)
        case (false, true): return (GLP_UP, 0, upper)
        case (true, true): return lower == upper ? (GLP_FX, lower, upper) : (GLP_DB, lower, upper)
        }
    }
}
