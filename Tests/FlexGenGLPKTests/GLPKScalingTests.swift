import Testing
@testable import FlexGenGLPK

/// GLPK's automatic scaling must never see coefficients whose scale factors underflow: there
/// `glp_set_rii` calls `glp_error` ("invalid scale factor"), which aborts the whole process. A
/// profile quality of -1e308 (a finite number, valid in a problem) put such a coefficient into the
/// assignment LP and crashed `flexgen solve`.
struct GLPKScalingTests {
    /// min y s.t. -1e308·x + 19.7·y ≥ -1e308, x + y = 1, x, y ∈ [0, 1]. At x = 1, y = 0 the first
    /// row holds with equality, so the optimum is 0 (by hand). With scaling on (the default) the
    /// solve must return, not abort; whatever GLPK manages unscaled, a returned optimum is 0.
    @Test func extremeCoefficientsDoNotAbort() throws {
        var m = LinearModel()
        let x = m.addVariable(lower: 0, upper: 1, cost: 0), y = m.addVariable(lower: 0, upper: 1, cost: 1)
        m.addRow([(x, -1e308), (y, 19.7)], lower: -1e308)
        m.addRow([(x, 1), (y, 1)], lower: 1, upper: 1)
        #expect(GLPKSettings().scale)
        let s = try GLPK.solve(m)
        if s.outcome == .optimal { #expect(abs(try #require(s.objective)) < 1e-9) }
    }

    /// The rule: every nonzero |a| within [1e-100, 1e100]; zeros do not count.
    @Test func safeToScaleBounds() {
        #expect(GLPK.isSafeToScale([1, -1e100, 1e-100, 0]))
        #expect(!GLPK.isSafeToScale([1, 1.0000001e100]))
        #expect(!GLPK.isSafeToScale([1, -1e308]))
        #expect(!GLPK.isSafeToScale([0.99e-100]))
        #expect(GLPK.isSafeToScale([Double]()))
    }
}
