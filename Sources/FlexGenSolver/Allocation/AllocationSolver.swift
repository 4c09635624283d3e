import Foundation
import FlexGenModel
import FlexGenNumerics

/// The resource allocation for fixed configurations: compute rate, bandwidth, power and transmit
/// time for every client, minimising the total energy under the shared budgets Σf ≤ F, Σb ≤ B.
///
/// ## Method: Newton on the market-clearing conditions of the dual
/// Dualising the two budgets with prices μ, λ ≥ 0 splits the problem into one `ClientOracle`
/// call per client. The dual G(μ, λ) = Σ_k L_k(μ, λ) − μF − λB is concave and smooth, with
/// ∇G = (Σf − F, Σb − B) and ∇²G = Σ_k ∂(f_k, b_k)/∂(μ, λ), a 2×2 matrix the oracle returns per
/// client (implicit differentiation). The price search:
/// 1. λ > 0 always (transmit energy strictly decreases in b, so an unpriced band would be
///    wanted without limit). If every client has κ > 0 or a per-job cap, first test μ = 0: a 1-D bracketed Newton
///    on log λ for Σb = B. Σf is increasing in λ at μ = 0 (less band ⇒ longer transmission ⇒
///    faster compute), which lets this phase stop as soon as the answer (μ = 0 or μ > 0) is
///    certain. If μ = 0 clears, the compute budget is slack: complementary slackness holds.
/// 2. Otherwise Newton in (log μ, log λ) on r = (log Σf/F', log Σb/B') with the exact Jacobian
///    from the per-client sensitivities, step capped at a factor 100 per price, and backtracking
///    until either ‖r‖₂ falls or the concave dual (with F', B') rises by the Armijo fraction of
///    its slope — the step is an ascent direction of the dual, so the second test always succeeds
///    for a short step and safeguards the search where the residuals are ill-conditioned (near the
///    feasibility frontier, prices grow without bound). Demands are close to power laws in the
///    prices, so in log coordinates Newton is nearly linear and converges in a handful of steps
///    (quadratically at the end). Four heavily damped steps in a row mean the budgets cannot
///    clear: the frontier diagnosis then decides.
/// Each sweep warm-starts every client's split search at its previous compute time, so a sweep
/// costs ~3–6 Newton steps per client: the whole solve is O(K) with a small constant.
///
/// If the search stops early, the best strictly feasible sweep seen (every sweep whose sums fit
/// the budgets is a checked allocation) is returned with the best dual value seen as its bound.
///
/// ## Per-job cap
/// f_k ≤ f_max stays inside each client's subproblem (`ClientOracle`: an exact bound on τ with its
/// own multiplier), so the dual and its bound are unchanged in form. A capped client's rate does
/// not respond to the prices; should every client be capped (Σf insensitive to μ) the Newton step
/// falls back to scaling μ by 4 along its residual. If Σ f_max ≤ F the compute budget can never bind
/// and phase 1 ends with μ = 0.
///
/// ## Primal recovery and certificate
/// The prices clear F' = F(1 − margin) and B' = B(1 − margin), so the recovered primal (the
/// oracle's responses at the final prices, unique since each client's problem is strictly convex)
/// satisfies Σf < F and Σb < B strictly despite rounding; latency and delivery are tight by
/// construction and p ≤ P_max. The lower bound is G(μ, λ) with the exact budgets, so
/// energy − bound = μ(F − Σf) + λ(B − Σb) ≥ 0 up to rounding: the certified gap.
///
/// ## Infeasibility
/// A client whose window cannot hold C/min(F, f_max) + D/(B log2(1 + P_max g/(N0 B))) is
/// infeasible alone (`ClientTask.canMeetDeadlineAlone`; reported with its least reachable latency). If all fit alone but the price search cannot clear,
/// `FeasibilityFrontier` decides joint feasibility exactly and computes by how much F or B must grow.
public struct AllocationSolver: Sendable {
    public var settings: AllocationSettings

    public init(settings: AllocationSettings = .init()) { self.settings = settings }

    /// Allocates `computeRateFlopsPerS` (F) and `bandwidthHz` (B) among `tasks`.
    /// Throws `SolverError` only for invalid settings or numbers (non-finite, non-positive where
    /// the contract requires positive); every solvable or unsolvable instance returns a result.
    public func solve(tasks: [ClientTask], computeRateFlopsPerS computeRate: Double,
                      bandwidthHz bandwidth: Double) throws -> AllocationResult {
        try settings.validate()
        try Self.validate(tasks: tasks, computeRate: computeRate, bandwidth: bandwidth)
        var search = PriceSearch(tasks: tasks, computeRate: computeRate, bandwidth: bandwidth, settings: settings)
        let result = search.run()
        // A warm start only changes where the search starts: when it does not end certified
        // (optimal, or infeasible by the exact frontier test, which does not depend on the start),
        // the start was too far off (e.g. prices of a frame with other budgets) and the search is
        // repeated cold, so that a warm start never changes a result beyond the gap tolerance.
        if settings.initialPrices != nil, result.status != .optimal, result.status != .infeasible,
           result.status != .timeLimit {
            var cold = settings
            cold.initialPrices = nil
            var again = PriceSearch(tasks: tasks, computeRate: computeRate, bandwidth: bandwidth, settings: cold)
            return again.run()
        }
        return result
    }

    static func validate(tasks: [ClientTask], computeRate: Double, bandwidth: Double) throws {
        guard computeRate > 0, computeRate.isFinite else {
            throw SolverError.invalidInput("computeRateFlopsPerS must be finite and > 0, got \(computeRate)")
        }
        guard bandwidth > 0, bandwidth.isFinite else {
            throw SolverError.invalidInput("bandwidthHz must be finite and > 0, got \(bandwidth)")
        }
        for (i, task) in tasks.enumerated() {
            let positive: [(String, Double)] = [
                ("flops", task.flops), ("imageBits", task.imageBits), ("channelGain", task.channelGain),
                ("noisePsdWPerHz", task.noisePsdWPerHz), ("maxTxPowerW", task.maxTxPowerW),
            ]
            for (name, value) in positive where !(value > 0 && value.isFinite) {
                throw SolverError.invalidInput("tasks[\(i)] (\(task.id)).\(name) must be finite and > 0, got \(value)")
            }
            let nonNegative: [(String, Double)] = [
                ("energyPerFlopJ", task.energyPerFlopJ), ("dvfsCoefficient", task.dvfsCoefficient),
                ("uplinkDelayS", task.uplinkDelayS),
            ]
            for (name, value) in nonNegative where !(value >= 0 && value.isFinite) {
                throw SolverError.invalidInput("tasks[\(i)] (\(task.id)).\(name) must be finite and ≥ 0, got \(value)")
            }
            if !task.windowS.isFinite {
                throw SolverError.invalidInput("tasks[\(i)] (\(task.id)).windowS must be finite, got \(task.windowS)")
            }
        }
    }
}

/// The state of one price search (see `AllocationSolver` for the method).
struct PriceSearch {
    let tasks: [ClientTask]
    let computeRate: Double
    let bandwidth: Double
    let settings: AllocationSettings
    let computeTarget: Double
    let bandwidthTarget: Double
    let clock = ContinuousClock()
    let started: ContinuousClock.Instant

    var current: [ClientResponse]
    var trial: [ClientResponse]
    var iterations: [AllocationIteration] = []
    var innerIterations = 0
    var sweeps = 0
    var hasWarmStart = false

    /// Sums over the clients at one price pair.
    struct Aggregate {
        var computeRate = 0.0
        var bandwidth = 0.0
        var h11 = 0.0, h12 = 0.0, h22 = 0.0
        var value = 0.0
        var energy = 0.0

        /// Adds another set of clients' sums (0 + x = x exactly, so one chunk's sums come through unchanged).
        mutating func add(_ other: Aggregate) {
            computeRate += other.computeRate
            bandwidth += other.bandwidth
            h11 += other.h11
            h12 += other.h12
            h22 += other.h22
            value += other.value
            energy += other.energy
        }
    }

    /// The best strictly feasible sweep seen (any sweep whose sums fit the budgets is a checked
    /// allocation: latency and delivery are tight and p ≤ P_max per client), and the best dual
    /// value (the Lagrangian is a lower bound at any prices ≥ 0). Used when Newton stalls.
    var bestFeasible: (clients: [ClientResponse], sum: Aggregate, mu: Double, lambda: Double)?
    var bestDual = -Double.infinity

    init(tasks: [ClientTask], computeRate: Double, bandwidth: Double, settings: AllocationSettings) {
        self.tasks = tasks
        self.computeRate = computeRate
        self.bandwidth = bandwidth
        self.settings = settings
        self.computeTarget = computeRate * (1 - settings.budgetMargin)
        self.bandwidthTarget = bandwidth * (1 - settings.budgetMargin)
        self.started = clock.now
        let blank = ClientResponse(value: 0, computeRateFlopsPerS: 0, bandwidthHz: 0, txPowerW: 0, txTimeS: 0,
                                   computeTimeS: 0, computeEnergyJ: 0, txEnergyJ: 0, spectralEfficiency: 0,
                                   powerCapActive: false, dComputeRateDComputePrice: 0,
                                   dComputeRateDBandwidthPrice: 0, dBandwidthDComputePrice: 0,
                                   dBandwidthDBandwidthPrice: 0, stationarityResidual: 0, iterations: 0,
                                   isFeasible: true)
        current = Array(repeating: blank, count: tasks.count)
        trial = current
    }

    var elapsed: Double {
        let d = clock.now - started
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// Evaluates every client at (μ, λ) into `trial`, warm-started from `current`.
    mutating func sweep(_ mu: Double, _ lambda: Double) -> Aggregate {
        let warm = hasWarmStart
        let maxSplit = settings.maxSplitIterations, threads = settings.threads
        // Per chunk of clients (`ClientChunks`): the same loop, its sums added in chunk order.
        let partials = tasks.withUnsafeBufferPointer { taskBuffer in
            current.withUnsafeBufferPointer { previous in
                trial.withUnsafeMutableBufferPointer { buffer in
                    let out = buffer   // writes through the pointer; the buffer itself stays put
                    return ClientChunks.map(count: taskBuffer.count, threads: threads) { range -> (Aggregate, Int) in
                        var sum = Aggregate()
                        var inner = 0
                        // Cold sweep: start each client at the relative split of the one before
                        // (clients at the same prices sit at similar fractions of their range).
                        var fraction = 0.5, lastEfficiency = 0.0
                        for i in range {
                            let task = taskBuffer[i]
                            let r: ClientResponse
                            if warm {
                                r = ClientOracle.evaluate(task, computePrice: mu, bandwidthPrice: lambda,
                                                          startComputeTimeS: previous[i].computeTimeS,
                                                          efficiencyHint: previous[i].spectralEfficiency,
                                                          maxIterations: maxSplit)
                            } else {
                                let tauMax = task.windowS - task.minimumTxTimeS
                                r = ClientOracle.evaluate(task, computePrice: mu, bandwidthPrice: lambda,
                                                          startComputeTimeS: fraction * tauMax, efficiencyHint: lastEfficiency,
                                                          maxIterations: maxSplit)
                                if r.computeTimeS > 0 && r.computeTimeS < tauMax {
                                    fraction = r.computeTimeS / tauMax
                                    lastEfficiency = r.spectralEfficiency
                                }
                            }
                            out[i] = r
                            sum.computeRate += r.computeRateFlopsPerS
                            sum.bandwidth += r.bandwidthHz
                            sum.h11 += r.dComputeRateDComputePrice
                            sum.h12 += r.dComputeRateDBandwidthPrice
                            sum.h22 += r.dBandwidthDBandwidthPrice
                            sum.value += r.value
                            sum.energy += r.energyJ
                            inner += r.iterations
                        }
                        return (sum, inner)
                    }
                }
            }
        }
        var sum = Aggregate()
        var inner = 0
        for (part, iterations) in partials {
            sum.add(part)
            inner += iterations
        }
        innerIterations += inner
        sweeps += 1
        let dual = sum.value - mu * computeRate - lambda * bandwidth
        if dual.isFinite { bestDual = max(bestDual, dual) }
        if sum.computeRate <= computeRate && sum.bandwidth <= bandwidth && sum.energy.isFinite
            && sum.energy < (bestFeasible?.sum.energy ?? .infinity) {
            bestFeasible = (trial, sum, mu, lambda)
        }
        return sum
    }

    mutating func accept() {
        swap(&current, &trial)
        hasWarmStart = true
    }

    /// A scale-aware first λ: the geometric mean over clients of the marginal transmit energy
    /// −∂E/∂b = a·h(y)/(y·b) at an equal share b = B/K and t halfway between t₀ and W.
    /// The warm start's prices (`AllocationSettings.initialPrices`), each when positive and finite.
    var warmComputePrice: Double? {
        settings.initialPrices.map(\.computePrice).flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
    }
    var warmBandwidthPrice: Double? {
        settings.initialPrices.map(\.bandwidthPrice).flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
    }

    func initialBandwidthPrice() -> Double {
        let share = bandwidth / Double(tasks.count)
        var logSum = 0.0
        var count = 0
        for task in tasks {
            let t = (task.windowS + task.minimumTxTimeS) / 2
            let y = min(ClientOracle.ln2 * task.imageBits / (share * t), 600)
            let marginal = task.shannonEnergyJ * LambertW.oneMinusExpTimesOneMinus(y) / (y * share)
            if marginal > 0 && marginal.isFinite { logSum += log(marginal); count += 1 }
        }
        return count > 0 ? exp(logSum / Double(count)) : 1
    }

    func record(_ mu: Double, _ lambda: Double, _ sum: Aggregate, step: Double) -> AllocationIteration {
        AllocationIteration(computePrice: mu, bandwidthPrice: lambda,
                            computeExcess: sum.computeRate / computeTarget - 1,
                            bandwidthExcess: sum.bandwidth / bandwidthTarget - 1,
                            dualValue: sum.value - mu * computeRate - lambda * bandwidth, stepLength: step)
    }

    enum Outcome { case converged, iterationLimit, timeLimit, stalled }

    /// Price iterations after which a search that has not converged asks the exact feasibility
    /// test (about five sweeps) whether the budgets can clear at all. 12: feasible searches
    /// typically converge in 5–15 iterations, and the test costs less than one damped step's
    /// backtracking.
    static let verdictAfterIterations = 12

    /// Phase-1 sweeps with the band over budget and no bracket yet after which the exact feasibility
    /// test runs. 3: the scale-aware first λ brackets Σb = B within one or two sweeps on feasible
    /// instances, so a third unbracketed sweep is the mark of a band that cannot clear.
    static let verdictAfterOverBandSweeps = 3

    /// Consecutive phase-2 Newton steps clipped at a factor 100 in the prices, with both budgets
    /// exceeded, after which the exact feasibility test runs. 2: a feasible search that starts far
    /// off needs at most one or two such steps before its residuals change sign.
    static let verdictAfterClippedSteps = 2

    /// The search's moving parts between its stages.
    struct Progress {
        var mu = 0.0
        var lambda: Double
        var sum = Aggregate()
        var outcome = Outcome.iterationLimit
        /// Set when the exact frontier test has proven that the budgets cannot clear.
        var provenInfeasible: FeasibilityFrontier.Verdict? = nil
        /// Price iterations left.
        var budget: Int
        var computeBinds: Bool
    }

    /// Largest step of the prices per iteration, in log: a factor 100.
    static let maxStep = log(100.0)

    var outOfTime: Bool { elapsed > settings.timeLimitS || settings.stopRequested }

    mutating func run() -> AllocationResult {
        if tasks.isEmpty { return emptyResult() }
        // 1. Clients that cannot make it even with the whole server.
        let alone = unservableAlone()
        if !alone.isEmpty { return infeasible(alone) }
        // 1b. Budgets that even the ends of the frontier exceed: no price search can clear them.
        if FeasibilityFrontier.surelyDoesNotFit(tasks: tasks, computeRate: computeRate, bandwidth: bandwidth) {
            return infeasible(FeasibilityFrontier.diagnose(tasks: tasks, computeRate: computeRate, bandwidth: bandwidth,
                                                           threads: settings.threads))
        }
        // Without κ and without a per-job cap, unpriced compute is wanted without limit.
        var progress = Progress(lambda: warmBandwidthPrice ?? initialBandwidthPrice(), budget: settings.maxPriceIterations,
                                computeBinds: tasks.contains { $0.dvfsCoefficient == 0 && !$0.hasComputeRateCap })
        // 2. Phase 1: is the compute budget slack (μ = 0)?
        if progress.computeBinds {
            progress.mu = warmComputePrice ?? progress.lambda * bandwidth / computeRate
        } else {
            clearBandwidthAtFreeCompute(&progress)
        }
        // 3. Phase 2: Newton in (log μ, log λ).
        if progress.provenInfeasible == nil && progress.computeBinds && progress.outcome == .iterationLimit {
            clearBothBudgets(&progress)
        }
        if let verdict = progress.provenInfeasible {
            return infeasible(FeasibilityFrontier.diagnose(tasks: tasks, computeRate: computeRate, bandwidth: bandwidth,
                                                           verdict: verdict, threads: settings.threads))
        }
        return finish(mu: progress.computeBinds ? progress.mu : 0, lambda: progress.lambda, sum: progress.sum,
                      outcome: progress.outcome)
    }

    /// The result for no clients: nothing to allocate, zero energy, trivially optimal.
    func emptyResult() -> AllocationResult {
        AllocationResult(status: .optimal, clients: [], computePrice: 0, bandwidthPrice: 0, energyJ: 0,
                         lowerBoundJ: 0, gap: 0,
                         residuals: KKTResiduals(stationarity: 0, computeComplementarity: 0,
                                                 bandwidthComplementarity: 0, primalFeasibility: 0),
                         computeRateUsed: 0, bandwidthUsed: 0, iterations: [], innerIterations: 0, sweeps: 0,
                         diagnostics: [], solveTimeS: elapsed)
    }

    /// One `latency` diagnostic per client that cannot meet its deadline even with the whole
    /// compute rate (or its per-job cap), the whole band and full power.
    func unservableAlone() -> [Diagnostic] {
        var alone: [Diagnostic] = []
        for task in tasks where !task.canMeetDeadlineAlone(computeRate: computeRate, bandwidth: bandwidth) {
            let latency = task.uplinkDelayS + task.minimumServiceTimeS(computeRate: computeRate, bandwidth: bandwidth)
            let deadline = task.uplinkDelayS + task.windowS
            let rate = task.maxComputeRateFlopsPerS < computeRate
                ? "the per-job compute-rate cap (\(task.maxComputeRateFlopsPerS) FLOP/s)" : "the whole compute rate"
            alone.append(Diagnostic(
                constraint: "latency", clients: [task.id],
                message: "deadline \(deadline) s cannot be met even with \(rate), the whole band "
                    + "and full power: the least reachable latency is \(latency) s",
                minimumLatencyS: latency))
        }
        return alone
    }

    /// Phase 1: Newton in log λ on Σb = B with compute unpriced (μ = 0), inside a bracket. Ends
    /// converged (the compute budget is slack: done), with `computeBinds` and a first μ from the
    /// linear prediction of Σf (phase 2 follows), or proven infeasible.
    mutating func clearBandwidthAtFreeCompute(_ progress: inout Progress) {
        let tol = settings.clearingTolerance
        let maxStep = Self.maxStep
        var low = -Double.infinity, high = Double.infinity   // bracket on log λ
        var l = log(progress.lambda)
        var overBandSweeps = 0
        while progress.budget > 0 {
            progress.budget -= 1
            if outOfTime { progress.outcome = .timeLimit; break }
            progress.sum = sweep(0, exp(l))
            accept()
            progress.lambda = exp(l)
            let sum = progress.sum
            iterations.append(record(0, progress.lambda, sum, step: 1))
            let r = log(sum.bandwidth / bandwidthTarget)
            if r > 0 {
                low = l
                if sum.computeRate > computeTarget { progress.computeBinds = true; break }
                overBandSweeps += 1
            } else {
                high = l
            }
            // The band is still over budget after `verdictAfterOverBandSweeps` rising prices: a
            // feasible search has bracketed Σb = B by then (the first λ is scale-aware), while a
            // band-overloaded one would climb for many more sweeps before the compute budget
            // binds. Settle feasibility with the exact frontier test now.
            if !high.isFinite && overBandSweeps == Self.verdictAfterOverBandSweeps {
                let verdict = FeasibilityFrontier.verdict(tasks: tasks, computeRate: computeRate, bandwidth: bandwidth,
                                                          threads: settings.threads)
                if !verdict.fits { progress.provenInfeasible = verdict; break }
            }
            if abs(r) <= tol {
                if sum.computeRate <= computeTarget { progress.outcome = .converged } else { progress.computeBinds = true }
                break
            }
            let slope = progress.lambda * sum.h22 / sum.bandwidth
            var next = l - r / slope
            if !next.isFinite || !(next > low && next < high) {
                next = (low.isFinite && high.isFinite) ? (low + high) / 2 : (r > 0 ? l + maxStep : l - maxStep)
            }
            next = min(max(next, l - maxStep), l + maxStep)
            if next == l { progress.outcome = .stalled; break }
            l = next
        }
        if progress.computeBinds && progress.outcome != .timeLimit && progress.provenInfeasible == nil {
            // First μ from the linear prediction of Σf at μ = 0.
            let predicted = (computeTarget - progress.sum.computeRate) / progress.sum.h11
            progress.mu = warmComputePrice
                ?? (predicted > 0 && predicted.isFinite ? predicted : progress.lambda * bandwidth / computeRate)
            progress.outcome = .iterationLimit
        }
    }

    /// Phase 2: damped Newton in (log μ, log λ) on Σf = F, Σb = B, with the exact frontier test
    /// called in when the search shows the signs of an infeasible instance (see the thresholds).
    mutating func clearBothBudgets(_ progress: inout Progress) {
        let tol = settings.clearingTolerance
        progress.sum = sweep(progress.mu, progress.lambda)
        accept()
        var step = 1.0
        var shortSteps = 0
        var clippedSteps = 0
        var verdict: FeasibilityFrontier.Verdict? = nil
        var previousResiduals: (Double, Double)? = nil
        while true {
            let (mu, lambda, sum) = (progress.mu, progress.lambda, progress.sum)
            iterations.append(record(mu, lambda, sum, step: step))
            let r1 = log(sum.computeRate / computeTarget)
            let r2 = log(sum.bandwidth / bandwidthTarget)
            let firstStep = step >= 1 ? Self.extrapolatedStep(from: previousResiduals, to: (r1, r2)) : 1
            previousResiduals = (r1, r2)
            if max(abs(r1), abs(r2)) <= tol { progress.outcome = .converged; break }
            if progress.budget <= 0 { progress.outcome = .iterationLimit; break }
            if outOfTime { progress.outcome = .timeLimit; break }
            // A search still running after `verdictAfterIterations` price iterations (a typical
            // feasible one has converged by then) is settled by the exact frontier test too:
            // near an infeasible frontier the Newton steps can shrink slowly without ever being
            // rejected outright.
            if verdict == nil && iterations.count >= Self.verdictAfterIterations {
                verdict = FeasibilityFrontier.verdict(tasks: tasks, computeRate: computeRate, bandwidth: bandwidth,
                                                          threads: settings.threads)
                if let verdict, !verdict.fits { progress.provenInfeasible = verdict; break }
            }
            progress.budget -= 1
            guard var (d1, d2) = newtonDirection(progress, r1: r1, r2: r2) else { progress.outcome = .stalled; break }
            let longest = max(abs(d1), abs(d2))
            if longest > Self.maxStep { d1 *= Self.maxStep / longest; d2 *= Self.maxStep / longest }
            // Prices running off: Newton asks for more than a factor 100 in a row while both sums
            // stay over budget. On an infeasible instance they climb towards the frontier's far
            // end with every step accepted (the merit barely moves but does decrease), so neither
            // a rejected step nor the iteration count would stop them soon; settle it now.
            clippedSteps = longest > Self.maxStep && r1 > 0 && r2 > 0 ? clippedSteps + 1 : 0
            if verdict == nil && clippedSteps == 1, let proven = probeFrontier(at: mu / lambda) {
                progress.provenInfeasible = proven
                break
            }
            if verdict == nil && clippedSteps >= Self.verdictAfterClippedSteps {
                verdict = FeasibilityFrontier.verdict(tasks: tasks, computeRate: computeRate, bandwidth: bandwidth,
                                                          threads: settings.threads)
                if let verdict, !verdict.fits { progress.provenInfeasible = verdict; break }
            }
            // The extrapolation stays within the per-iteration cap on the prices (`maxStep`).
            let (alpha, accepted) = lineSearch(&progress, d1: d1, d2: d2, r1: r1, r2: r2,
                                               firstStep: min(firstStep, max(1, Self.maxStep / max(abs(d1), abs(d2)))),
                                               verdict: &verdict)
            if let verdict, !verdict.fits { progress.provenInfeasible = verdict; break }
            step = alpha
            // Repeated heavy damping means Newton is not converging: typically the budgets
            // cannot clear at any price (infeasible), which `finish` then diagnoses.
            shortSteps = alpha < 1.0 / 64 ? shortSteps + 1 : 0
            if shortSteps >= 4 { progress.outcome = .stalled; break }
            if !accepted || !(progress.mu < .greatestFiniteMagnitude && progress.lambda < .greatestFiniteMagnitude) {
                progress.outcome = .stalled
                break
            }
        }
    }

    /// The first step length to try along the next Newton direction: 1, or 1/(1 − ρ) (at most
    /// `maxExtrapolation`) after a full Newton step that shrank both residuals only by the factor ρ
    /// without changing their signs.
    ///
    /// Why: with the admitted set packed against the frontier (admission) or a budget barely
    /// slack, the sums approach their clearing values like a high power of the prices, and Newton
    /// in log prices undershoots by about the same fraction step after step: measured on 55 093
    /// admitted clients, eight full steps each removing only 30–70 % of the distance. If the ratio
    /// is steady, the geometric series of the remaining steps sums to 1/(1 − ρ) of the next one.
    /// The line search tries that first and falls back to the plain step when it does not lower the
    /// residual merit, so the extrapolation costs at most one sweep when it fails.
    static func extrapolatedStep(from previous: (Double, Double)?, to current: (Double, Double)) -> Double {
        guard let (p1, p2) = previous, p1 * current.0 > 0, p2 * current.1 > 0 else { return 1 }
        let rho = ((current.0 * current.0 + current.1 * current.1) / (p1 * p1 + p2 * p2)).squareRoot()
        guard rho > minimumRatioToExtrapolate, rho < 1 else { return 1 }
        return min(1 / (1 - rho), maxExtrapolation)
    }

    /// Residual ratios below this are Newton converging well: no extrapolation. 0.2.
    static let minimumRatioToExtrapolate = 0.2
    /// The longest extrapolated step, in Newton steps. 4: a ratio of 0.75.
    static let maxExtrapolation = 4.0

    /// The exact verdict when `probeSweeps` passes of its search, started at the exchange rate
    /// ν = μ/λ, prove that the budgets cannot clear; nil otherwise (nothing proven either way).
    /// Run at the first Newton step clipped with both budgets exceeded: the mark of prices running
    /// off towards an infeasible frontier, which a feasible search that starts far off also shows
    /// once. The passes are a third of a price sweep each (closed forms per client, no energy
    /// terms), so a feasible search loses little, and an infeasible one skips its next price sweep
    /// and line search; the exact verdict goes on from where the passes ended.
    func probeFrontier(at price: Double) -> FeasibilityFrontier.Verdict? {
        guard price > 0, price.isFinite,
              let probe = FeasibilityFrontier.probe(tasks: tasks, computeRate: computeRate, bandwidth: bandwidth,
                                                    price: price, sweeps: Self.probeSweeps, threads: settings.threads),
              probe.provesInfeasible
        else { return nil }
        let verdict = FeasibilityFrontier.verdict(tasks: tasks, computeRate: computeRate, bandwidth: bandwidth, quick: false,
                                                  warmStart: probe.warmStart, sumsAtWarmStart: probe.sums, threads: settings.threads)
        return verdict.fits ? nil : verdict
    }

    /// Passes of the frontier search the probe may spend. 2: from a start within a decade or two of
    /// ν_F the second pass is close to it, where the frontier's dual is largest.
    static let probeSweeps = 2

    /// The Newton step in (log μ, log λ) for the residuals (r1, r2) = (log Σf/F', log Σb/B');
    /// nil when it is not finite.
    func newtonDirection(_ progress: Progress, r1: Double, r2: Double) -> (Double, Double)? {
        let (mu, lambda, sum) = (progress.mu, progress.lambda, progress.sum)
        let j11 = mu * sum.h11 / sum.computeRate, j12 = lambda * sum.h12 / sum.computeRate
        let j21 = mu * sum.h12 / sum.bandwidth, j22 = lambda * sum.h22 / sum.bandwidth
        let det = j11 * j22 - j12 * j21
        var d1 = -(j22 * r1 - j12 * r2) / det
        var d2 = -(-j21 * r1 + j11 * r2) / det
        if !(det > 0 && d1.isFinite && d2.isFinite) {
            // Singular Jacobian: every client's rate is pinned at its per-job cap, so Σf does
            // not respond to the prices here. Step μ by a factor 4 in the direction of r1 (the
            // dual rises along it) and λ by its own Newton step.
            d1 = r1 > 0 ? log(4.0) : -log(4.0)
            d2 = j22 < 0 ? -r2 / j22 : 0
        }
        return d1.isFinite && d2.isFinite ? (d1, d2) : nil
    }

    /// Backtracking along (d1, d2) from the current prices; the first step that passes moves
    /// `progress` and is accepted. Returns the step length and whether one passed. The first
    /// rejected step runs the exact frontier test into `verdict` (when none has run yet) and
    /// stops the backtracking if it proves the budgets cannot clear.
    mutating func lineSearch(_ progress: inout Progress, d1: Double, d2: Double, r1: Double, r2: Double,
                             firstStep: Double = 1,
                             verdict: inout FeasibilityFrontier.Verdict?) -> (alpha: Double, accepted: Bool) {
        let tol = settings.clearingTolerance
        let (mu, lambda, sum) = (progress.mu, progress.lambda, progress.sum)
        let merit = r1 * r1 + r2 * r2
        // Two acceptance tests, either suffices: the residual merit decreases (fast local
        // convergence), or the dual G'(μ, λ) = Σ L_k − μF' − λB' rises by the Armijo
        // fraction of its slope along the step (G' is concave and the step is an ascent
        // direction, so this always succeeds for a short enough step: the global safeguard,
        // which matters near the feasibility frontier where the residuals are ill-conditioned).
        let dual = sum.value - mu * computeTarget - lambda * bandwidthTarget
        let slope = (sum.computeRate - computeTarget) * mu * d1 + (sum.bandwidth - bandwidthTarget) * lambda * d2
        var alpha = firstStep
        for _ in 0..<30 {
            let trialMu = mu * exp(alpha * d1), trialLambda = lambda * exp(alpha * d2)
            let s = sweep(trialMu, trialLambda)
            let t1 = log(s.computeRate / computeTarget), t2 = log(s.bandwidth / bandwidthTarget)
            let trialMerit = t1 * t1 + t2 * t2
            let trialDual = s.value - trialMu * computeTarget - trialLambda * bandwidthTarget
            let dualRises = slope > 0 && trialDual >= dual + 1e-4 * alpha * slope
            if trialMerit.isFinite && (trialMerit <= (1 - 1e-4 * alpha) * merit || dualRises
                                       || max(abs(t1), abs(t2)) <= tol) {
                progress.mu = trialMu; progress.lambda = trialLambda; progress.sum = s
                accept()
                return (alpha, true)
            }
            if alpha > 1 {
                // An extrapolated step that did not pass: the plain Newton step next.
                alpha = 1
                continue
            }
            // The first rejected Newton step: damping is how an infeasible instance shows
            // itself (the prices run off towards the frontier), so settle feasibility now,
            // with the exact frontier test (~6 sweeps), instead of after many damped steps.
            if verdict == nil {
                verdict = FeasibilityFrontier.verdict(tasks: tasks, computeRate: computeRate, bandwidth: bandwidth,
                                                          threads: settings.threads)
                if verdict?.fits == false { return (alpha, false) }
            }
            alpha /= 2
        }
        return (alpha, false)
    }

    func infeasible(_ diagnostics: [Diagnostic]) -> AllocationResult {
        AllocationResult(status: .infeasible, clients: [], computePrice: 0, bandwidthPrice: 0, energyJ: nil,
                         lowerBoundJ: nil, gap: nil, residuals: nil, computeRateUsed: 0, bandwidthUsed: 0,
                         iterations: iterations, innerIterations: innerIterations, sweeps: sweeps, diagnostics: diagnostics,
                         solveTimeS: elapsed)
    }

    func finish(mu: Double, lambda: Double, sum: Aggregate, outcome: Outcome) -> AllocationResult {
        // `hasWarmStart`: at least one sweep was accepted (a limit can stop the search before any).
        let strictlyFeasible = hasWarmStart && sum.computeRate <= computeRate && sum.bandwidth <= bandwidth
            && sum.computeRate.isFinite && sum.bandwidth.isFinite
        if outcome != .converged && !strictlyFeasible {
            if let best = bestFeasible {
                // Newton stopped short, but an earlier sweep was strictly feasible: return it with
                // the best lower bound seen (status by its certified gap).
                var fallback = self
                fallback.current = best.clients
                return fallback.certify(mu: best.mu, lambda: best.lambda, sum: best.sum, outcome: outcome)
            }
            // No usable allocation: decide whether the budgets can hold at all (not after the time
            // limit: the diagnosis is a further ~40 sweeps).
            if settings.diagnoseInfeasibility && outcome != .timeLimit {
                let diagnostics = FeasibilityFrontier.diagnose(tasks: tasks, computeRate: computeRate,
                                                               bandwidth: bandwidth, threads: settings.threads)
                if !diagnostics.isEmpty { return infeasible(diagnostics) }
            }
            let status: SolutionStatus = switch outcome {
            case .timeLimit: .timeLimit
            case .iterationLimit: .iterationLimit
            default: .numericalError
            }
            var result = infeasible([])
            result.status = status
            result.computePrice = mu
            result.bandwidthPrice = lambda
            return result
        }
        return certify(mu: mu, lambda: lambda, sum: sum, outcome: outcome)
    }

    /// The result for the allocation in `current` (at prices μ, λ with sums `sum`), with its
    /// certificate: the lower bound is the best dual value seen, at least the one at (μ, λ).
    func certify(mu: Double, lambda: Double, sum: Aggregate, outcome: Outcome) -> AllocationResult {
        var energy = 0.0
        var stationarity = 0.0
        var clientViolation = 0.0
        for (task, r) in zip(tasks, current) {
            energy += r.energyJ
            stationarity = max(stationarity, r.stationarityResidual)
            let latencyExcess = (r.computeTimeS + r.txTimeS - task.windowS) / max(task.windowS + task.uplinkDelayS, .leastNormalMagnitude)
            clientViolation = max(clientViolation, latencyExcess, r.txPowerW / task.maxTxPowerW - 1)
        }
        let lowerBound = max(sum.value - mu * computeRate - lambda * bandwidth, bestDual)
        let gap = energy > 0 ? max(0, (energy - lowerBound) / energy) : 0
        let scale = max(energy, .leastNormalMagnitude)
        let residuals = KKTResiduals(
            stationarity: stationarity,
            computeComplementarity: mu * (computeRate - sum.computeRate) / scale,
            bandwidthComplementarity: lambda * (bandwidth - sum.bandwidth) / scale,
            primalFeasibility: max(0, sum.computeRate / computeRate - 1, sum.bandwidth / bandwidth - 1, clientViolation))
        // A certified gap within tolerance is optimal however the search stopped; otherwise the
        // allocation is a checked feasible one, labelled by why the search stopped.
        let status: SolutionStatus
        if gap <= settings.gapTolerance {
            status = .optimal
        } else {
            switch outcome {
            case .converged, .stalled: status = .feasible
            case .timeLimit: status = .timeLimit
            case .iterationLimit: status = .iterationLimit
            }
        }
        return AllocationResult(status: status, clients: current, computePrice: mu, bandwidthPrice: lambda,
                                energyJ: energy, lowerBoundJ: lowerBound, gap: gap, residuals: residuals,
                                computeRateUsed: sum.computeRate, bandwidthUsed: sum.bandwidth,
                                iterations: iterations, innerIterations: innerIterations, sweeps: sweeps, diagnostics: [],
                                solveTimeS: elapsed)
    }
}
