extension LinearModel {
    /// The largest violation of a bound, a row or integrality by `values`, each measured relative to
    /// max(1, |bound|) (for rows: max(1, |bound|, Σ|a_ij x_j|)). 0 for a feasible point.
    /// Used to check GLPK's integer points independently of GLPK (see `GLPK.solve`).
    public func maximumViolation(_ values: [Double]) -> Double {
        guard values.count == variables.count else { return .infinity }
        var worst = 0.0
        for (j, v) in variables.enumerated() {
            let x = values[j]
            guard x.isFinite else { return .infinity }
            if v.lower.isFinite { worst = max(worst, (v.lower - x) / max(1, abs(v.lower))) }
            if v.upper.isFinite { worst = max(worst, (x - v.upper) / max(1, abs(v.upper))) }
            if v.kind != .continuous { worst = max(worst, abs(x - x.rounded())) }
            if v.kind == .binary { worst = max(worst, -x, x - 1) }
        }
        var activity = [Double](repeating: 0, count: rows.count)
        var magnitude = [Double](repeating: 0, count: rows.count)
        for e in entries {
            activity[e.row] += e.value * values[e.column]
            magnitude[e.row] += abs(e.value * values[e.column])
        }
        for (i, r) in rows.enumerated() {
            if r.lower.isFinite { worst = max(worst, (r.lower - activity[i]) / max(1, abs(r.lower), magnitude[i])) }
            if r.upper.isFinite { worst = max(worst, (activity[i] - r.upper) / max(1, abs(r.upper), magnitude[i])) }
        }
        return worst
    }
}
