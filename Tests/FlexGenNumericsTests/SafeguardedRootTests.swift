import Foundation
import Testing
@testable import FlexGenNumerics

@Suite struct SafeguardedRootTests {
    @Test func cubeRoot() {
        let r = SafeguardedRoot.increasing(in: 0, 10, start: 9) { x in (x * x * x - 2, 3 * x * x) }
        #expect(r.converged)
        #expect(abs(r.x - cbrt(2)) <= 4 * Double.ulpOfOne * cbrt(2))
    }

    /// A root many decades below the bracket's upper end, from a bad start: the geometric
    /// bisection reaches it in a bounded number of steps.
    @Test func tinyRootFromFarAway() {
        let root = 1e-30
        let r = SafeguardedRoot.increasing(in: 0, 1, start: 0.5) { x in (log(x / root), 1 / x) }
        #expect(r.converged)
        #expect(abs(r.x - root) <= 1e-14 * root)
        #expect(r.iterations < 100)
    }

    /// Singular upper end: g and g' both blow up there, so a tiny Newton correction at a start next
    /// to it must not be taken for convergence.
    @Test func singularEndIsNotMistakenForTheRoot() {
        let r = SafeguardedRoot.increasing(in: 0, 1, start: 1 - 1e-15) { x in
            (1 / ((1 - x) * (1 - x)) - 4, 2 / ((1 - x) * (1 - x) * (1 - x)))
        }
        #expect(r.converged)
        #expect(abs(r.x - 0.5) <= 1e-14)
    }

    @Test func wrongDerivativeStillConverges() {
        // A derivative off by a factor 100 only slows Newton down; the bracket keeps it safe.
        let r = SafeguardedRoot.increasing(in: -5, 5, start: 4) { x in (atan(x - 1), 100 / (1 + (x - 1) * (x - 1))) }
        #expect(r.converged)
        #expect(abs(r.x - 1) <= 1e-14)
    }

    @Test func nanValuesBisect() {
        let r = SafeguardedRoot.increasing(in: 0, 4, start: 3.9) { x in x > 3 ? (.nan, .nan) : (x - 1, 1) }
        #expect(r.converged)
        #expect(abs(r.x - 1) <= 1e-15)
    }
}
