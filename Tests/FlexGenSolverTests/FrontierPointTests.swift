import FlexGenModel
import Foundation
import Testing
@testable import FlexGenSolver

/// One client's frontier point m(ν) = min_τ b_min(W − τ) + ν·C/τ, which the verdict, the diagnosis
/// and the admission bound sum over every client. The solver searches it in the spectral
/// efficiency y (closed forms, no Lambert W); these tests check it against a search in τ with the
/// band from the contract's Shannon formula by bisection (`bruteMinimumBandwidth`), which shares
/// no code with it.
struct FrontierPointTests {
    typealias F = AllocationFixtures

    /// min over τ of b_min(W − τ) + ν C/τ by golden section in log τ on [τ_lo, W − t₀), the band by
    /// bisection on the delivered bits. Unimodal in τ (convex), so golden section converges to it.
    static func brutePricedUse(_ task: ClientTask, price: Double) -> (tau: Double, use: Double) {
        let upper = task.windowS - task.minimumTxTimeS
        let lower = max(task.minimumComputeTimeS, upper * 1e-9)
        func use(_ tau: Double) -> Double {
            F.bruteMinimumBandwidth(task, t: task.windowS - tau) + price * min(task.flops / tau, task.maxComputeRateFlopsPerS)
        }
        var a = log(lower), b = log(upper * (1 - 1e-12))
        let ratio = (5.0.squareRoot() - 1) / 2
        var x1 = b - ratio * (b - a), x2 = a + ratio * (b - a)
        var f1 = use(exp(x1)), f2 = use(exp(x2))
        for _ in 0..<120 {
            if f1 <= f2 { b = x2; x2 = x1; f2 = f1; x1 = b - ratio * (b - a); f1 = use(exp(x1)) } else {
                a = x1; x1 = x2; f1 = f2; x2 = a + ratio * (b - a); f2 = use(exp(x2))
            }
        }
        let tau = exp(f1 <= f2 ? x1 : x2)
        // The τ_min end itself (a binding cap) is not an interior point of the golden section.
        if task.minimumComputeTimeS > 0, use(task.minimumComputeTimeS) <= min(f1, f2) {
            return (task.minimumComputeTimeS, use(task.minimumComputeTimeS))
        }
        return (tau, min(f1, f2))
    }

    @Test func pricedUseMatchesASearchInComputeTime() {
        var checked = 0
        for seed in UInt64(1)...4 {
            for task in F.randomTasks(6, seed: seed) {
                // Prices across the frontier: compute nearly free (τ → small) to compute dear (τ → τ_max).
                for price in [1e-14, 1e-12, 1e-10, 1e-8, 1e-6] {
                    let point = FeasibilityFrontier.point(task, price: price, startComputeTimeS: FeasibilityFrontier.middle(task))
                    let brute = Self.brutePricedUse(task, price: price)
                    // m is stationary at τ*: the values agree to the band bisection's accuracy, τ to
                    // the square root of the golden section's.
                    #expect(abs(point.pricedUse - brute.use) <= 1e-9 * brute.use, "seed \(seed) ν \(price)")
                    #expect(abs(point.computeTimeS - brute.tau) <= 1e-4 * brute.tau, "seed \(seed) ν \(price)")
                    #expect(point.pricedUse <= brute.use * (1 + 1e-12), "the search is never worse than brute force")
                    checked += 1
                }
            }
        }
        #expect(checked == 120)
    }

    /// With a per-job cap the point either sits inside (τ_min, τ_max) or is pinned at τ_min with
    /// f = f_max and no response to ν; both against the brute force.
    @Test func capPinsThePointAtLowPrices() {
        let capped = F.randomTasks(5, seed: 9).map { task -> ClientTask in
            var t = task
            t.maxComputeRateFlopsPerS = 4 * task.flops / (task.windowS - task.minimumTxTimeS)
            return t
        }
        var pinned = 0
        for task in capped {
            for price in [1e-16, 1e-12, 1e-9, 1e-7] {
                let point = FeasibilityFrontier.point(task, price: price, startComputeTimeS: FeasibilityFrontier.middle(task))
                let brute = Self.brutePricedUse(task, price: price)
                #expect(abs(point.pricedUse - brute.use) <= 1e-9 * brute.use, "ν \(price)")
                #expect(point.computeTimeS >= task.minimumComputeTimeS * (1 - 1e-12))
                if point.computeTimeS == task.minimumComputeTimeS {
                    pinned += 1
                    #expect(point.computeRate == task.maxComputeRateFlopsPerS)
                    #expect(point.dComputeRate == 0 && point.dBandwidth == 0)
                }
            }
        }
        #expect(pinned > 0, "the cheapest compute price pins some clients at the cap")
    }

    /// The derivatives the Newton searches use are those of the sums: ∂f/∂ν and ∂b/∂ν against
    /// central differences of the points themselves, and ∂m/∂ν = f (the envelope theorem).
    @Test func derivativesMatchFiniteDifferences() {
        for task in F.randomTasks(8, seed: 21) {
            let price = 1e-9
            let h = 1e-4 * price
            let start = FeasibilityFrontier.middle(task)
            let p = FeasibilityFrontier.point(task, price: price, startComputeTimeS: start)
            let up = FeasibilityFrontier.point(task, price: price + h, startComputeTimeS: start)
            let down = FeasibilityFrontier.point(task, price: price - h, startComputeTimeS: start)
            let dF = (up.computeRate - down.computeRate) / (2 * h)
            let dB = (up.bandwidth - down.bandwidth) / (2 * h)
            let dM = (up.pricedUse - down.pricedUse) / (2 * h)
            #expect(abs(p.dComputeRate - dF) <= 1e-5 * abs(dF))
            #expect(abs(p.dBandwidth - dB) <= 1e-5 * abs(dB))
            #expect(abs(p.computeRate - dM) <= 1e-6 * p.computeRate)
            #expect(p.dComputeRate <= 0 && p.dBandwidth >= 0)
        }
    }
}

/// The probe the price search runs when its prices run off: a few passes of the verdict's search
/// that stop at a proof of infeasibility (the frontier's dual positive). Sound: it never claims a
/// proof on clients that fit (the exact verdict decides which do); and on clients that do not fit
/// it finds the proof once its passes get near ν_F.
struct FrontierProbeTests {
    typealias F = AllocationFixtures

    @Test func neverProvesClientsThatFitInfeasible() {
        var probes = 0
        for seed in UInt64(30)...37 {
            let tasks = F.randomTasks(25, seed: seed)
            let computeRate = 2 * FeasibilityFrontier.leastComputeRate(tasks)
            let needed = FeasibilityFrontier.verdict(tasks: tasks, computeRate: computeRate, bandwidth: 1).bandScale ?? .infinity
            guard needed.isFinite else { continue }
            let bandwidth = needed * (1 + 1e-6)   // just fits
            #expect(FeasibilityFrontier.verdict(tasks: tasks, computeRate: computeRate, bandwidth: bandwidth).fits)
            for price in [1e-14, 1e-12, 1e-10, 1e-8, 1e-6, 1e-4] {
                for sweeps in [1, 2, 8] {
                    let probe = FeasibilityFrontier.probe(tasks: tasks, computeRate: computeRate, bandwidth: bandwidth,
                                                          price: price, sweeps: sweeps)
                    #expect(probe?.provesInfeasible != true, "seed \(seed) ν \(price) sweeps \(sweeps)")
                    probes += 1
                }
            }
        }
        #expect(probes >= 100)
    }

    @Test func provesClientsThatDoNotFitOnceNearTheirPrice() throws {
        for seed in UInt64(40)...45 {
            let tasks = F.randomTasks(25, seed: seed)
            let computeRate = 2 * FeasibilityFrontier.leastComputeRate(tasks)
            let exact = FeasibilityFrontier.verdict(tasks: tasks, computeRate: computeRate, bandwidth: 1)
            let needed = try #require(exact.bandScale)
            let bandwidth = needed / 2
            let nuF = try #require(exact.price)
            // Started at ν_F the first pass is the proof; from four decades away the search needs
            // a few passes (steps of up to 10⁴ on the log-limit residual), so 8 suffice.
            let atPrice = FeasibilityFrontier.probe(tasks: tasks, computeRate: computeRate, bandwidth: bandwidth,
                                                    price: nuF, sweeps: 1)
            #expect(atPrice?.provesInfeasible == true, "seed \(seed)")
            for start in [nuF * 1e-4, nuF * 1e4] {
                let probe = FeasibilityFrontier.probe(tasks: tasks, computeRate: computeRate, bandwidth: bandwidth,
                                                      price: start, sweeps: 8)
                #expect(probe?.provesInfeasible == true, "seed \(seed) from ν = \(start)")
            }
        }
    }
}

/// The price search's extrapolated first step (`PriceSearch.extrapolatedStep`): the sum of the
/// geometric series 1 + ρ + ρ² + … = 1/(1 − ρ) of the remaining Newton steps when the residuals
/// shrink by a steady ratio ρ with unchanged signs, and the plain step otherwise.
struct ExtrapolatedStepTests {
    @Test func geometricSeriesOfASteadyRatio() {
        #expect(PriceSearch.extrapolatedStep(from: (0.02, -0.04), to: (0.01, -0.02)) == 2)   // ρ = 1/2
        let rho = 0.6
        let step = PriceSearch.extrapolatedStep(from: (1e-3, 2e-3), to: (rho * 1e-3, rho * 2e-3))
        #expect(abs(step - 1 / (1 - rho)) <= 1e-12)
    }

    @Test func plainStepOtherwise() {
        #expect(PriceSearch.extrapolatedStep(from: nil, to: (0.1, 0.1)) == 1)
        #expect(PriceSearch.extrapolatedStep(from: (0.1, 0.1), to: (-0.05, 0.05)) == 1, "a sign changed: overshoot")
        #expect(PriceSearch.extrapolatedStep(from: (0.1, 0.1), to: (0.01, 0.01)) == 1, "ρ = 0.1: Newton converging")
        #expect(PriceSearch.extrapolatedStep(from: (0.1, 0.1), to: (0.2, 0.2)) == 1, "growing residuals")
        #expect(PriceSearch.extrapolatedStep(from: (0.1, 0.1), to: (0.099, 0.099)) == PriceSearch.maxExtrapolation)
        #expect(PriceSearch.extrapolatedStep(from: (0, 0.1), to: (0, 0.05)) == 1, "a residual exactly zero has no sign")
    }
}
