extension LinearModel {
    /// Checks everything GLPK would otherwise reject by calling `glp_error` — which, by default,
    /// prints a message and **aborts the process**. GLPK must therefore never see a model that
    /// fails these checks:
    ///
    /// - every bound and coefficient is a number (no NaN); bounds may be ±∞ on their own side
    ///   only (lower ≠ +∞, upper ≠ −∞); lower ≤ upper;
    /// - coefficients, costs and the constant are finite;
    /// - every matrix entry names an existing row and column;
    /// - binary variables have bounds that meet [0, 1]; integer variables have an integer in range;
    /// - sizes fit GLPK's `int` indices.
    ///
    /// Throws `GLPKError.invalidModel` naming the first offending item.
    public func validate() throws(GLPKError) {
        guard variables.count < Int(Int32.max) - 1, rows.count < Int(Int32.max) - 1,
              entries.count < Int(Int32.max) - 1 else {
            throw .invalidModel("the model is too large for GLPK's int indices")
        }
        guard objectiveConstant.isFinite else { throw .invalidModel("objective constant must be finite, got \(objectiveConstant)") }
        for (j, v) in variables.enumerated() {
            let label = v.name.map { "variable \(j) (\($0))" } ?? "variable \(j)"
            guard v.cost.isFinite else { throw .invalidModel("\(label): cost must be finite, got \(v.cost)") }
            try Self.checkBounds(v.lower, v.upper, label: label)
            switch v.kind {
            case .continuous: break
            case .binary:
                guard v.lower <= 1, v.upper >= 0 else {
                    throw .invalidModel("\(label): binary bounds [\(v.lower), \(v.upper)] exclude both 0 and 1")
                }
            case .integer:
                if v.lower.isFinite, v.upper.isFinite, v.lower.rounded(.up) > v.upper {
                    throw .invalidModel("\(label): no integer in [\(v.lower), \(v.upper)]")
                }
            }
        }
        for (i, r) in rows.enumerated() {
            try Self.checkBounds(r.lower, r.upper, label: r.name.map { "row \(i) (\($0))" } ?? "row \(i)")
        }
        for e in entries {
            guard e.row >= 0, e.row < rows.count else { throw .invalidModel("matrix entry names row \(e.row) of \(rows.count)") }
            guard e.column >= 0, e.column < variables.count else {
                throw .invalidModel("matrix entry names variable \(e.column) of \(variables.count)")
            }
            guard e.value.isFinite else {
                throw .invalidModel("matrix entry (row \(e.row), variable \(e.column)) must be finite, got \(e.value)")
            }
        }
    }

    static func checkBounds(_ lower: Double, _ upper: Double, label: String) throws(GLPKError) {
        guard !lower.isNaN, !upper.isNaN else { throw .invalidModel("\(label): bounds must not be NaN") }
        guard lower != .infinity else { throw .invalidModel("\(label): lower bound must not be +∞") }
        guard upper != -.infinity else { throw .invalidModel("\(label): upper bound must not be −∞") }
        guard lower <= upper else { throw .invalidModel("\(label): lower bound \(lower) exceeds upper bound \(upper)") }
    }
}
