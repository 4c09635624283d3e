import Testing
import FlexGenModel
@testable import FlexGenSolver

/// Valid problems (every number finite, MODEL.md's positivity rules hold) whose derived numbers
/// leave Double's range. The solver's contract: every outcome of a valid solve is a status, never
/// a thrown error (which the CLI reports as bad input, exit 2) nor an abort.
@Suite struct ExtremeMagnitudeTests {
    static func problem(energyPerFlopJ: Double = 1.5e-12, qualities: (Double, Double) = (13.1, 19.7)) -> Problem {
        Problem(
            name: "extreme",
            server: Server(bandwidthHz: 20e6, noisePsdWPerHz: 3.98e-21, maxTxPowerW: 1, computeRateFlopsPerS: 1e14,
                           energyPerFlopJ: energyPerFlopJ, dvfsCoefficient: 1.5e-40),
            profile: Profile(name: "p", metric: .fid, configs: [
                Configuration(width: 1, steps: 50, flops: 4.1e13, quality: qualities.0),
                Configuration(width: 0.5, steps: 20, flops: 5.3e12, quality: qualities.1),
            ]),
            clients: (0..<3).map { Client(id: "u\($0)", deadlineS: 6, uplinkDelayS: 0.05, channelGain: .decibels(-100),
                                          imageBits: 8e5) },
            serviceTargets: [ServiceTarget(meanQualityTarget: 18)])
    }

    /// e0 = 1e300 J/FLOP: the least compute energy C·e0 = 5.3e12 · 1e300 overflows to +∞ (by hand),
    /// so the configuration costs of the service-target assignment are not finite. The solve must
    /// say `numerical_error`, its first diagnostic `overflow` (the instance's scale), with no
    /// allocation, in plain and in admission mode.
    @Test(arguments: [false, true])
    func overflowingEnergyIsNumericalError(admission: Bool) throws {
        #expect(5.3e12 * 1e300 == .infinity)
        var settings = SolverSettings()
        if admission { settings.admission = .maxServed }
        let solution = try FlexGenSolver(.flexgen, settings: settings).solve(Self.problem(energyPerFlopJ: 1e300))
        if admission {
            // Admitting nobody is a checked (empty) solution; the bound (3) stays honest.
            #expect(solution.status != .optimal)
            #expect(Evaluation(problem: Self.problem(energyPerFlopJ: 1e300), solution: solution).passes)
        } else {
            #expect(solution.status == .numericalError)
            #expect(solution.diagnostics?.first?.constraint == FlexGenSolver.overflowConstraint)
            #expect(solution.clients.isEmpty && solution.totalEnergyJ == nil)
        }
    }

    /// Qualities -1e308 and 1e308: their difference, a coefficient of the assignment LP, is −∞ (by
    /// hand: -1e308 − 1e308 overflows). Before, GLPK's guard threw "invalid linear model" out of
    /// `solve` (exit 2 in the CLI). Now it is an outcome, and a solution that claims an allocation
    /// verifies.
    @Test func overflowingQualityDifferenceIsAnOutcome() throws {
        #expect(-1e308 - 1e308 == -.infinity)
        let problem = Self.problem(qualities: (-1e308, 1e308))
        let solution = try FlexGenSolver().solve(problem)
        if solution.hasAllocation {
            #expect(Evaluation(problem: problem, solution: solution).isFeasible)
        } else {
            #expect(solution.status == .numericalError)
            #expect(solution.diagnostics?.first?.constraint == FlexGenSolver.overflowConstraint)
        }
    }
}
