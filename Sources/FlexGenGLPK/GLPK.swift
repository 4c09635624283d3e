import CGLPK
import Foundation  // NSLock

/// Entry point to GLPK (5.0), the only place in the project that calls it.
///
/// ## Thread safety and GLPK's global state
/// GLPK is not re-entrant: it keeps process- (or thread-) global state — the terminal output
/// switch and hook, the error hook, its memory accounting. Every call into the library therefore
/// runs under one process-wide lock (`lock`), and a `glp_prob` never outlives the locked call
/// that created it (see `GLPKProblem`). Solves from several threads are safe but serialised.
///
/// ## Fatal errors
/// On invalid arguments GLPK calls `glp_error`, which prints a message and aborts the process;
/// an error hook cannot prevent that (GLPK aborts when the hook returns). The wrapper therefore
/// validates every model and setting first (`LinearModel.validate()`, `GLPKSettings.validate()`)
/// and only ever passes GLPK arguments it accepts; a bad model is a thrown `GLPKError`.
///
/// ## Output
/// Terminal output is switched off (`glp_term_out(GLP_OFF)`, `msg_lev = GLP_MSG_OFF`) for every call.
public enum GLPK {
    private static let lock = NSLock()

    /// GLPK's version string, e.g. "5.0".
    public static var version: String {
        lock.withLock { String(cString: glp_version()) }
    }

    /// Solves `model`: with `glp_simplex` (or `glp_interior`) when every variable is continuous,
    /// with `glp_intopt` (branch-and-cut, presolve per settings) otherwise.
    ///
    /// - Throws: `GLPKError.invalidModel` / `.invalidSettings` before GLPK is called;
    ///   `.unexpectedReturnCode` for a code a valid model should never produce.
    /// - Returns: the outcome with values, and for an LP the row duals and reduced costs.
    public static func solve(_ model: LinearModel, settings: GLPKSettings = GLPKSettings()) throws(GLPKError) -> LinearSolution {
        try model.validate()
        try settings.validate()
        if model.variables.isEmpty { return solveWithoutVariables(model) }
        let result: Result<LinearSolution, GLPKError> = lock.withLock {
            glp_term_out(GLP_OFF)
            let problem = GLPKProblem(model)
            if settings.scale && isSafeToScale(model.entries.lazy.map(\.value)) {
                glp_scale_prob(problem.pointer, GLP_SF_AUTO)
            }
            do throws(GLPKError) {
                if model.hasIntegerVariables {
                    return .success(try solveMIP(problem, model: model, settings: settings))
                }
                switch settings.lpMethod {
                case .primalSimplex, .dualSimplex:
                    return .success(try solveSimplex(problem, size: Size(model), settings: settings))
                case .interiorPoint:
                    return .success(try solveInterior(problem, size: Size(model), settings: settings))
                }
            } catch {
                return .failure(error)
            }
        }
        let solution = try result.get()
        if model.hasIntegerVariables, settings.mipPresolve, !solution.values.isEmpty,
           model.maximumViolation(solution.values) > integerPointTolerance {
            // GLPK 5.0's MIP presolver can return a point that violates the original model (seen
            // with a singleton row that excludes every integer value). Never pass that on: solve
            // again without the presolver, which branches on the original rows.
            var plain = settings
            plain.mipPresolve = false
            return try solve(model, settings: plain)
        }
        return solution
    }

    /// Solves a continuous columnar program with `glp_simplex` (or `glp_interior`): the same GLPK
    /// problem, and so the same solution, as `solve(_:settings:)` on the equivalent `LinearModel`
    /// (see `ColumnarLinearProgram`), without its per-column objects. `reducedCosts` is filled
    /// only when asked for (a column-sized array most callers never read).
    ///
    /// - Throws: `GLPKError.invalidModel` / `.invalidSettings` before GLPK is called;
    ///   `.unexpectedReturnCode` for a code a valid program should never produce.
    public static func solve(_ program: ColumnarLinearProgram, settings: GLPKSettings = GLPKSettings(),
                             reducedCosts: Bool = false) throws(GLPKError) -> LinearSolution {
        try program.validate()
        try settings.validate()
        if program.columnCount == 0 {
            let feasible = (0..<program.rowCount).allSatisfy { program.rowLower[$0] <= 0 && 0 <= program.rowUpper[$0] }
            guard feasible else { return empty(.infeasible, method: "none", code: 0) }
            return LinearSolution(outcome: .optimal, objective: 0, values: [],
                                  rowDuals: Array(repeating: 0, count: program.rowCount),
                                  reducedCosts: [], method: "none", returnCode: 0)
        }
        let size = Size(columns: program.columnCount, rows: program.rowCount, reducedCosts: reducedCosts)
        let result: Result<LinearSolution, GLPKError> = lock.withLock {
            glp_term_out(GLP_OFF)
            let problem = GLPKProblem(program)
            if settings.scale && isSafeToScale(program.entryValue.dropFirst()) {
                glp_scale_prob(problem.pointer, GLP_SF_AUTO)
            }
            do throws(GLPKError) {
                switch settings.lpMethod {
                case .primalSimplex, .dualSimplex:
                    return .success(try solveSimplex(problem, size: size, settings: settings))
                case .interiorPoint:
                    return .success(try solveInterior(problem, size: size, settings: settings))
                }
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Whether `glp_scale_prob` may see a matrix with these coefficients: every nonzero |a| in
    /// [1e-100, 1e100]. GLPK's automatic scaling divides by geometric means and maxima of |a| and
    /// rounds the factors to powers of 2; with a coefficient near either end of Double's range a
    /// factor underflows to 0, and `glp_set_rii` then calls `glp_error`, which aborts the process
    /// ("invalid scale factor"; seen with a profile quality of -1e308 in the assignment LP). Inside
    /// the bounds every product of two coefficients, and so every factor, is a normal Double. A
    /// matrix outside them is solved unscaled: GLPK may then stop at a limit or fail numerically,
    /// which the caller sees as an outcome, never an abort.
    static func isSafeToScale(_ coefficients: some Sequence<Double>) -> Bool {
        coefficients.allSatisfy { $0 == 0 || (abs($0) >= 1e-100 && abs($0) <= 1e100) }
    }

    /// What an LP solve reads back: how many columns and rows, and whether the reduced costs.
    private struct Size {
        var columns: Int
        var rows: Int
        var reducedCosts = true
        init(columns: Int, rows: Int, reducedCosts: Bool = true) {
            self.columns = columns; self.rows = rows; self.reducedCosts = reducedCosts
        }
        init(_ model: LinearModel) { self.init(columns: model.variables.count, rows: model.rows.count) }
    }

    /// Largest relative violation accepted in an integer point returned by GLPK (its own
    /// feasibility tolerances are 1e-7 on rows and 1e-5 on integrality).
    public static let integerPointTolerance = 1e-6

    /// Every GLPK return code goes through here: the codes that are outcomes become outcomes,
    /// anything else is a typed error.
    private static func check(_ code: Int32, function: String) throws(GLPKError) -> LinearOutcome? {
        switch code {
        case 0: return nil  // success: the status routines say what was found
        case GLP_EITLIM: return .iterationLimit
        case GLP_ETMLIM: return .timeLimit
        case GLP_ENOPFS: return .infeasible
        case GLP_ENODFS: return .unbounded
        case GLP_EMIPGAP: return .optimal  // stopped because the requested MIP gap was reached
        case GLP_EBADB, GLP_ESING, GLP_ECOND, GLP_EFAIL, GLP_ENOCVG, GLP_EINSTAB, GLP_ESTOP:
            return .numericalError
        default:
            // GLP_EBOUND, GLP_EROOT, GLP_EDATA, …: the wrapper's validation should make these impossible.
            throw .unexpectedReturnCode(function: function, code: code)
        }
    }

    private static func status(_ code: Int32) -> LinearOutcome {
        switch code {
        case GLP_OPT: .optimal
        case GLP_FEAS: .feasible
        case GLP_NOFEAS: .infeasible
        case GLP_UNBND: .unbounded
        default: .numericalError  // GLP_UNDEF / GLP_INFEAS after a "successful" call
        }
    }

    private static func simplexParameters(_ settings: GLPKSettings, method: GLPKSettings.LPMethod) -> glp_smcp {
        var parm = glp_smcp()
        glp_init_smcp(&parm)
        parm.msg_lev = GLP_MSG_OFF
        parm.meth = method == .primalSimplex ? GLP_PRIMAL : GLP_DUALP
        if settings.longStepRatioTest { parm.r_test = GLP_RT_FLIP }
        parm.tm_lim = settings.timeLimitMilliseconds
        if let n = settings.iterationLimit { parm.it_lim = Int32(clamping: n) }
        parm.presolve = GLP_OFF  // keep the basis (and exact statuses) for duals
        return parm
    }

    private static func solveSimplex(_ problem: GLPKProblem, size: Size,
                                     settings: GLPKSettings) throws(GLPKError) -> LinearSolution {
        var parm = simplexParameters(settings, method: settings.lpMethod)
        let code = glp_simplex(problem.pointer, &parm)
        let outcome = try check(code, function: "glp_simplex") ?? status(glp_get_status(problem.pointer))
        guard outcome.hasPoint else { return empty(outcome, method: "simplex", code: code) }
        let p = problem.pointer
        return LinearSolution(
            outcome: outcome, objective: glp_get_obj_val(p),
            values: (0..<size.columns).map { glp_get_col_prim(p, Int32($0 + 1)) },
            rowDuals: (0..<size.rows).map { glp_get_row_dual(p, Int32($0 + 1)) },
            reducedCosts: size.reducedCosts ? (0..<size.columns).map { glp_get_col_dual(p, Int32($0 + 1)) } : [],
            method: "simplex", returnCode: code)
    }

    private static func solveInterior(_ problem: GLPKProblem, size: Size,
                                      settings: GLPKSettings) throws(GLPKError) -> LinearSolution {
        var parm = glp_iptcp()
        glp_init_iptcp(&parm)
        parm.msg_lev = GLP_MSG_OFF
        let code = glp_interior(problem.pointer, &parm)
        var outcome = try check(code, function: "glp_interior") ?? status(glp_ipt_status(problem.pointer))
        if outcome == .infeasible || (code == GLP_EFAIL && size.rows == 0) {
            // The interior-point method cannot tell an infeasible LP from an unbounded one
            // (both are "no primal-dual solution"); the simplex can.
            return try solveSimplex(problem, size: size, settings: settings)
        }
        if outcome == .feasible { outcome = .numericalError }
        guard outcome.hasPoint else { return empty(outcome, method: "interior", code: code) }
        let p = problem.pointer
        return LinearSolution(
            outcome: outcome, objective: glp_ipt_obj_val(p),
            values: (0..<size.columns).map { glp_ipt_col_prim(p, Int32($0 + 1)) },
            rowDuals: (0..<size.rows).map { glp_ipt_row_dual(p, Int32($0 + 1)) },
            reducedCosts: size.reducedCosts ? (0..<size.columns).map { glp_ipt_col_dual(p, Int32($0 + 1)) } : [],
            method: "interior", returnCode: code)
    }

    private static func solveMIP(_ problem: GLPKProblem, model: LinearModel,
                                 settings: GLPKSettings) throws(GLPKError) -> LinearSolution {
        let p = problem.pointer
        if !settings.mipPresolve {
            // Without the presolver glp_intopt needs an optimal LP basis to start from.
            var parm = simplexParameters(settings, method: .dualSimplex)
            let code = glp_simplex(p, &parm)
            let outcome = try check(code, function: "glp_simplex") ?? status(glp_get_status(p))
            guard outcome == .optimal else { return empty(outcome, method: "branch-and-bound", code: code) }
        }
        var parm = glp_iocp()
        glp_init_iocp(&parm)
        parm.msg_lev = GLP_MSG_OFF
        parm.presolve = settings.mipPresolve ? GLP_ON : GLP_OFF
        parm.tm_lim = settings.timeLimitMilliseconds
        parm.mip_gap = settings.relativeMIPGap
        let cuts = settings.mipCuts ? GLP_ON : GLP_OFF
        parm.gmi_cuts = cuts; parm.mir_cuts = cuts; parm.cov_cuts = cuts; parm.clq_cuts = cuts
        let code = glp_intopt(p, &parm)
        var outcome = try check(code, function: "glp_intopt") ?? status(glp_mip_status(p))
        if code == GLP_ENODFS {
            // The presolver found the LP relaxation dual infeasible: the relaxation is unbounded
            // or infeasible. A plain simplex on the relaxation tells which; an unbounded
            // relaxation leaves the MILP unbounded or integer-infeasible, reported as unbounded.
            var lp = simplexParameters(settings, method: .primalSimplex)
            let lpCode = glp_simplex(p, &lp)
            if lpCode == 0, glp_get_status(p) == GLP_NOFEAS { outcome = .infeasible }
        }
        // An incumbent exists when GLPK says so, also after a time limit.
        let mipStatus = glp_mip_status(p)
        let hasIncumbent = mipStatus == GLP_OPT || mipStatus == GLP_FEAS
        if outcome == .optimal && !hasIncumbent { outcome = .numericalError }
        guard hasIncumbent else { return empty(outcome, method: "branch-and-bound", code: code) }
        return LinearSolution(
            outcome: outcome, objective: glp_mip_obj_val(p),
            values: (0..<model.variables.count).map { glp_mip_col_val(p, Int32($0 + 1)) },
            rowDuals: [], reducedCosts: [], method: "branch-and-bound", returnCode: code)
    }

    private static func empty(_ outcome: LinearOutcome, method: String, code: Int32) -> LinearSolution {
        LinearSolution(outcome: outcome, objective: nil, values: [], rowDuals: [], reducedCosts: [],
                       method: method, returnCode: code)
    }

    /// A model without variables: every row reads 0; feasible iff 0 lies within every row's bounds.
    private static func solveWithoutVariables(_ model: LinearModel) -> LinearSolution {
        let feasible = model.rows.allSatisfy { $0.lower <= 0 && 0 <= $0.upper }
        guard feasible else { return empty(.infeasible, method: "none", code: 0) }
        return LinearSolution(outcome: .optimal, objective: model.objectiveConstant, values: [],
                              rowDuals: model.hasIntegerVariables ? [] : Array(repeating: 0, count: model.rows.count),
                              reducedCosts: [], method: "none", returnCode: 0)
    }
}
