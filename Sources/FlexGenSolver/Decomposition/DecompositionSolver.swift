import FlexGenGLPK
import FlexGenModel
import Foundation

/// FlexGen's solver for the whole problem: configurations *and* resources.
///
/// ## Method
/// For prices μ (compute) and λ (bandwidth) every client's price-adjusted cost of every useful
/// configuration, φ_kc(μ, λ), comes from `ClientOracle`. Then:
///
/// 1. **Alternation.** The assignment step (a multiple-choice knapsack over the service targets,
///    GLPK) picks one configuration per client at the current prices; the allocation subsolver
///    allocates the budgets to those configurations exactly and returns its own prices, which
///    price the next assignment. Every allocation is a checked primal solution: the best is kept.
/// 2. **Lower bound.** For *any* μ, λ ≥ 0, relaxing only the budgets,
///        LB(μ, λ) = min_{assignments meeting the targets} Σ_k φ_k,c_k(μ, λ) − μF − λB
///    is a lower bound on the optimal energy (weak duality; φ is each client's exact minimum).
///    The inner minimum is the knapsack's proven integer optimum (`AssignmentSolver` solves it
///    exactly by dynamic programming) or, when that is not proven, its LP relaxation — smaller,
///    so still valid. The integer minimum matters: at 20–50 clients the gap between the two is
///    ~1e-3 of the energy, the whole of the certificate's slack. Either value is concave in the
///    prices (a minimum of functions concave in φ, φ concave in the prices) with supergradient
///    (Σ x f − F, Σ x b − B) at the minimiser x. Once the alternation settles or
///    cycles, a trust-region cutting-plane method maximises LB over (μ, λ); each of its points
///    also yields an assignment, so the primal side keeps improving too.
/// 3. **Enumeration** (only while the gap exceeds the tolerance, i.e. on small instances):
///    at the best prices (μ, λ, ν) any assignment c meeting the targets has energy at least
///    Σ_k L_k,c_k − μF − λB − Σ_j ν_j s T_j with L_kc = φ_kc + Σ_{j∋k} ν_j s q_c/|G_j|; a depth-first
///    search over the clients prunes every partial assignment whose bound reaches the best energy
///    (or that can no longer meet a target) and solves the allocation of every leaf left. When it
///    completes, the bound is the least of the pruned bounds and the leaves' own allocation bounds.
///
/// The reported `lowerBoundJ` is the best of these, so `gap` is certified.
public struct DecompositionSolver: Sendable {
    public var settings: DecompositionSettings
    public init(settings: DecompositionSettings = DecompositionSettings()) { self.settings = settings }

    public func solve(_ problem: Problem) throws -> DecompositionResult {
        try settings.validate()
        var run = DecompositionRun(problem: problem, settings: settings)
        do {
            return try run.solve()
        } catch let failure as AssignmentFailure {
            // A numerical failure is an outcome, not bad input: no solution is claimed.
            return run.infeasible([Diagnostic(constraint: "numerical", clients: [], message: failure.description)],
                                  status: .numericalError)
        } catch let error as AssignmentError {
            // The problem is valid (the solver validated it), so the assignment step refusing its own
            // numbers is an outcome too: `numerical_error`, named `overflow` (FlexGenSolver) when the
            // instance's magnitudes left Double's range (e.g. profile qualities ±1e308, whose
            // differences are ∓∞), rather than an error that reads as bad input.
            let message = error.isOverflow
                ? "the assignment step met a number outside Double's range (\(error)): this instance's magnitudes "
                    + "exceed Double arithmetic (rescale its units)"
                : "the assignment step failed: \(error)"
            return run.infeasible([Diagnostic(constraint: error.isOverflow ? FlexGenSolver.overflowConstraint : "numerical",
                                              clients: [], message: message)],
                                  status: .numericalError)
        }
    }
}

/// GLPK failed numerically on an assignment step: ends the run with `numerical_error`.
struct AssignmentFailure: Error, CustomStringConvertible {
    var mu: Double
    var lambda: Double
    var description: String { "GLPK failed numerically on the assignment step at μ = \(mu), λ = \(lambda)" }
}

/// An assignment (option index per client) as a dictionary key: one byte per client when every
/// index fits (menus have at most a few dozen options), else the indices themselves. Two keys
/// are equal exactly when their assignments are. At 10^5 clients an `[Int]` key was 800 kB per
/// cached allocation.
struct ChoiceKey: Hashable {
    private let bytes: [UInt8]
    private let indices: [Int]

    init(_ choice: [Int]) {
        if choice.allSatisfy({ 0...255 ~= $0 }) {
            bytes = choice.map { UInt8($0) }
            indices = []
        } else {
            bytes = []
            indices = choice
        }
    }
}

/// The state of one solve.
struct DecompositionRun {
    let problem: Problem
    let settings: DecompositionSettings
    let menus: ClientMenus
    let start = Date()
    let metric: QualityMetric
    let sign: Double
    let targets: [AssignmentProblem.Target]
    let computeBudget: Double
    let bandwidthBudget: Double

    /// Warm starts of the oracle per option (flat, indexed like `menus.options.values`): the last response's compute
    /// time (NaN before the first) and spectral efficiency, the two fields a warm start reads
    /// (`ClientOracle.evaluate(_:computePrice:bandwidthPrice:warmStart:)`).
    var warmComputeTimeS: [Double]
    var warmEfficiency: [Double]
    /// Solved allocations by assignment (option indices per client). Only the first result for an
    /// assignment is returned whole; the cache keeps it without its per-client responses and
    /// iterations (callers of a cached result read its status, energy, bound, prices and
    /// diagnostics), since at 10^5 clients each would hold ~17 MB; the incumbent's whole result is
    /// in `best`.
    var allocations: [ChoiceKey: AllocationResult] = [:]
    var best: (choice: [Int], allocation: AllocationResult, energy: Double)?
    var bestBound = -Double.infinity
    var bestPrices: (mu: Double, lambda: Double, nu: [Double]) = (0, 0, [])
    var iterations: [DecompositionIteration] = []
    var enumeratedNodes = 0

    init(problem: Problem, settings: DecompositionSettings) {
        self.problem = problem
        self.settings = settings
        self.menus = ClientMenus(problem: problem)
        self.metric = problem.profile.metric
        self.sign = metric.better == .lower ? 1 : -1
        self.targets = problem.serviceTargets.map {
            AssignmentProblem.Target(members: $0.memberIndices(in: problem), meanQualityTarget: $0.meanQualityTarget)
        }
        self.computeBudget = problem.server.computeRateFlopsPerS
        self.bandwidthBudget = problem.server.bandwidthHz
        self.warmComputeTimeS = [Double](repeating: .nan, count: menus.options.totalCount)
        self.warmEfficiency = [Double](repeating: 0, count: menus.options.totalCount)
    }

    var elapsed: Double { Date().timeIntervalSince(start) }
    var outOfTime: Bool { elapsed > settings.timeLimitS || settings.allocation.stopRequested }

    var gap: Double? {
        guard let best else { return nil }
        return max(0, best.energy - bestBound) / best.energy
    }

    mutating func solve() throws -> DecompositionResult {
        if !menus.diagnostics.isEmpty { return infeasible(menus.diagnostics) }
        if problem.clients.isEmpty {
            return DecompositionResult(status: .optimal, configurations: [], allocation: nil, energyJ: 0, lowerBoundJ: 0,
                                       gap: 0, computePrice: 0, bandwidthPrice: 0, targetPrices: targets.map { _ in 0 },
                                       iterations: [], enumeratedNodes: 0, allocationsSolved: 0, diagnostics: [],
                                       solveTimeS: elapsed)
        }

        // The least-work assignment needs the least of both budgets (dominance, see ClientMenus):
        // if the budgets cannot carry it, no assignment fits.
        let leastWork = [Int](repeating: 0, count: menus.options.count)
        let first = try allocate(leastWork)
        guard first.status.certifiesSolution else {
            var diagnostics = first.diagnostics
            if diagnostics.isEmpty {
                diagnostics = [Diagnostic(constraint: "budget", clients: [],
                                          message: "the allocation of the least-work configurations failed (\(first.status.rawValue))")]
            }
            return infeasible(diagnostics, status: first.status == .infeasible ? .infeasible : first.status)
        }
        var mu = first.computePrice, lambda = first.bandwidthPrice
        let referenceEnergy = max(first.energyJ ?? 1, 1e-300)

        // Phase 1: alternation.
        var cuts: [Cut] = []
        var previousChoice: [Int]? = nil
        var stop: SolutionStatus? = nil
        for _ in 0..<settings.maxIterations {
            if outOfTime { stop = .timeLimit; break }
            guard let round = try evaluate(mu: mu, lambda: lambda, kind: .alternation) else {
                return targetInfeasible()
            }
            cuts.append(round.cut)
            if let g = gap, g <= settings.gapTolerance { break }
            if round.choice == previousChoice { break }  // settled: the next prices would repeat
            previousChoice = round.choice
            if let allocation = round.allocation {
                if allocation.computePrice == mu && allocation.bandwidthPrice == lambda { break }
                mu = allocation.computePrice
                lambda = allocation.bandwidthPrice
            } else {
                // The budgets cannot carry this assignment: it is priced too cheaply.
                mu = max(2 * mu, bestPrices.mu, 1e-3 * referenceEnergy / computeBudget)
                lambda = max(2 * lambda, 1e-3 * referenceEnergy / bandwidthBudget)
            }
        }

        // Phase 2: trust-region cutting planes on the Lagrangian bound.
        if stop == nil, let g = gap, g > settings.gapTolerance {
            stop = try improveBound(cuts: &cuts, referenceEnergy: referenceEnergy)
        }

        // Phase 3: primal polishing, Lagrangian branch-and-bound, then enumeration, for what the
        // bound cannot close.
        if stop == nil, let g = gap, g > settings.gapTolerance, settings.localSearchPasses > 0 {
            try localSearch(maxPasses: settings.localSearchPasses, movesPerPass: settings.localSearchMovesPerPass)
        }
        if stop == nil, let g = gap, g > settings.gapTolerance, settings.branchAndBoundNodeLimit > 0 {
            stop = try branchAndBound(referenceEnergy: referenceEnergy)
        }
        if stop == nil, let g = gap, g > settings.gapTolerance {
            stop = try enumerate()
        }
        return finish(stopReason: stop)
    }

    // MARK: - One round

    struct Cut {
        var mu: Double, lambda: Double
        var value: Double
        var gradientMu: Double, gradientLambda: Double
    }

    struct Round {
        var cut: Cut
        var choice: [Int]
        var allocation: AllocationResult?
    }

    /// Prices every option, solves the assignment, records the bound, allocates the assignment.
    /// Returns nil when no assignment can meet the service targets.
    mutating func evaluate(mu: Double, lambda: Double, kind: DecompositionIteration.Kind) throws -> Round? {
        let priced = price(mu: mu, lambda: lambda)
        let assignmentProblem = AssignmentProblem(candidates: priced.candidates, targets: targets, metric: metric)
        var assignmentSettings = settings.assignment
        assignmentSettings.stopSignal = settings.allocation.stopSignal
        assignmentSettings.relativeGap = max(assignmentSettings.relativeGap, 0.1 * settings.gapTolerance)
        // The knapsack's integer optimum comes from the exact DP (`KnapsackDynamicProgram`); GLPK's
        // branch-and-bound is only its fallback when the DP gives up, and the bound then falls back
        // to the LP relaxation (still valid), so a short budget is enough (see settings).
        assignmentSettings.integerTimeLimitS = max(1e-3, min(assignmentSettings.integerTimeLimitS,
                                                             settings.assignmentBranchAndBoundTimeS,
                                                             settings.timeLimitS - elapsed))
        let assignment = try AssignmentSolver(settings: assignmentSettings).solve(assignmentProblem)
        switch assignment.status {
        case .infeasible: return nil
        case .optimal, .feasible: break
        default: throw AssignmentFailure(mu: mu, lambda: lambda)
        }
        // The stronger of the two knapsack bounds, with its matching supergradient: the demand of
        // the LP solution for the relaxation, of the integer choice for the proven integer bound.
        let useInteger = assignment.integerBound > assignment.relaxationBound
        let knapsackBound = useInteger ? assignment.integerBound : assignment.relaxationBound
        let bound = knapsackBound - mu * computeBudget - lambda * bandwidthBudget
        var demandF = 0.0, demandB = 0.0
        if useInteger {
            for (k, n) in assignment.choice.enumerated() {
                demandF += priced.computeRate(k, n)
                demandB += priced.bandwidth(k, n)
            }
        } else {
            for (k, split) in assignment.relaxation.enumerated() {
                for part in split {
                    demandF += part.weight * priced.computeRate(k, part.candidate)
                    demandB += part.weight * priced.bandwidth(k, part.candidate)
                }
            }
        }
        let cut = Cut(mu: mu, lambda: lambda, value: bound, gradientMu: demandF - computeBudget,
                      gradientLambda: demandB - bandwidthBudget)
        if bound > bestBound {
            bestBound = bound
            bestPrices = (mu, lambda, assignment.targetPrices)
        }
        let allocation = try allocate(assignment.choice)
        let energy = allocation.status.certifiesSolution ? allocation.energyJ : nil
        iterations.append(DecompositionIteration(
            kind: kind, computePrice: mu, bandwidthPrice: lambda, targetPrices: assignment.targetPrices,
            lowerBoundJ: bound, energyJ: energy, bestEnergyJ: best?.energy, bestLowerBoundJ: bestBound))
        return Round(cut: cut, choice: assignment.choice, allocation: energy == nil ? nil : allocation)
    }

    /// Every option priced at (μ, λ): the assignment's menus and each option's compute rate and
    /// band, all flat (indexed like `menus.options`).
    struct Priced {
        var candidates: FlatLists<AssignmentProblem.Candidate>
        var computeRates: [Double]
        var bandwidths: [Double]
        /// Client k's option n's compute rate (FLOP/s) and band (Hz) at these prices.
        func computeRate(_ k: Int, _ n: Int) -> Double { computeRates[candidates.flatIndex(k, n)] }
        func bandwidth(_ k: Int, _ n: Int) -> Double { bandwidths[candidates.flatIndex(k, n)] }
    }

    mutating func price(mu: Double, lambda: Double) -> Priced {
        let configs = problem.profile.configs
        let menus = menus, total = menus.options.totalCount
        var values = [AssignmentProblem.Candidate](repeating: .init(configuration: 0, cost: 0, quality: 0), count: total)
        var rates = [Double](repeating: 0, count: total), bands = rates
        // Moved out and back (no copy), so that the chunks can write their clients' entries.
        var warmTimes: [Double] = [], warmEfficiencies: [Double] = []
        swap(&warmTimes, &warmComputeTimeS)
        swap(&warmEfficiencies, &warmEfficiency)
        // Every option is priced from its own warm start, so the chunks (`ClientChunks`) change
        // nothing but the wall time: each client's entries are written by one chunk.
        values.withUnsafeMutableBufferPointer { valueBuffer in
            rates.withUnsafeMutableBufferPointer { rateBuffer in
                bands.withUnsafeMutableBufferPointer { bandBuffer in
                    warmTimes.withUnsafeMutableBufferPointer { timeBuffer in
                        warmEfficiencies.withUnsafeMutableBufferPointer { efficiencyBuffer in
                            let (values, rates, bands) = (valueBuffer, rateBuffer, bandBuffer)
                            let (warmTimes, warmEfficiencies) = (timeBuffer, efficiencyBuffer)
                            _ = ClientChunks.map(count: menus.options.count, threads: settings.allocation.threads) { clients in
                                for k in clients {
                                    for (n, c) in menus.options[k].enumerated() {
                                        let i = menus.options.flatIndex(k, n)
                                        let start = warmTimes[i]
                                        let response = ClientOracle.evaluate(
                                            menus.task(k, n), computePrice: mu, bandwidthPrice: lambda,
                                            startComputeTimeS: start.isNaN ? nil : start, efficiencyHint: warmEfficiencies[i])
                                        warmTimes[i] = response.computeTimeS
                                        warmEfficiencies[i] = response.spectralEfficiency
                                        values[i] = .init(configuration: c, cost: response.value, quality: configs[c].quality)
                                        rates[i] = response.computeRateFlopsPerS
                                        bands[i] = response.bandwidthHz
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        swap(&warmTimes, &warmComputeTimeS)
        swap(&warmEfficiencies, &warmEfficiency)
        return Priced(candidates: FlatLists(values: values, shapedAs: menus.options), computeRates: rates, bandwidths: bands)
    }

    /// Allocation of an assignment (option index per client), cached; updates the incumbent.
    mutating func allocate(_ choice: [Int]) throws -> AllocationResult {
        let key = ChoiceKey(choice)
        if let cached = allocations[key] { return cached }
        let tasks = choice.enumerated().map { menus.task($0.offset, $0.element) }
        var allocationSettings = settings.allocation
        allocationSettings.timeLimitS = max(1e-3, min(allocationSettings.timeLimitS, settings.timeLimitS - elapsed))
        let result = try AllocationSolver(settings: allocationSettings)
            .solve(tasks: tasks, computeRateFlopsPerS: computeBudget, bandwidthHz: bandwidthBudget)
        var cached = result
        cached.clients = []
        cached.iterations = []
        allocations[key] = cached
        if result.status.certifiesSolution, let energy = result.energyJ, meetsTargets(choice) {
            if best == nil || energy < best!.energy { best = (choice, result, energy) }
        }
        return result
    }

    func meetsTargets(_ choice: [Int]) -> Bool {
        let configs = problem.profile.configs
        for target in targets where !target.members.isEmpty {
            var sum = 0.0
            for k in target.members { sum += configs[menus.options[k][choice[k]]].quality }
            if !metric.meets(sum / Double(target.members.count), requirement: target.meanQualityTarget,
                             relativeTolerance: settings.assignment.targetTolerance) { return false }
        }
        return true
    }

    // MARK: - Phase 2

    /// Maximises the cutting-plane model of LB over a trust region (box) around the best bound's
    /// prices, in prices scaled by F/E and B/E so that the model is of order one.
    mutating func improveBound(cuts: inout [Cut], referenceEnergy: Double) throws -> SolutionStatus? {
        let scaleMu = computeBudget / referenceEnergy, scaleLambda = bandwidthBudget / referenceEnergy
        var radius = 0.5
        var lastSerious = bestBound
        while iterations.count < settings.maxIterations {
            if outOfTime { return .timeLimit }
            if let g = gap, g <= settings.gapTolerance { return nil }
            let center = (bestPrices.mu * scaleMu, bestPrices.lambda * scaleLambda)
            var model = LinearModel(sense: .maximize)
            let theta = model.addVariable(lower: -.infinity, cost: 1)
            let halfMu = max(radius * center.0, 1e-3 * radius)
            let halfLambda = max(radius * center.1, 1e-3 * radius)
            let m = model.addVariable(lower: max(0, center.0 - halfMu), upper: center.0 + halfMu)
            let l = model.addVariable(lower: max(1e-9 * center.1, center.1 - halfLambda), upper: center.1 + halfLambda)
            for cut in cuts {
                // θ ≤ v + gμ (μ − μ_i) + gλ (λ − λ_i), all over E with μ = m/scaleMu.
                let gm = cut.gradientMu / computeBudget, gl = cut.gradientLambda / bandwidthBudget
                let v = cut.value / referenceEnergy
                model.addRow([(theta, 1), (m, -gm), (l, -gl)],
                             upper: v - gm * cut.mu * scaleMu - gl * cut.lambda * scaleLambda)
            }
            guard let step = try? GLPK.solve(model), step.outcome == .optimal, let predicted = step.objective else { break }
            let predictedGain = predicted * referenceEnergy - bestBound
            if predictedGain <= 0.1 * settings.gapTolerance * (best?.energy ?? referenceEnergy) {
                if radius < 1e-6 { break }
                radius *= 0.25
                continue
            }
            let mu = step.values[1] / scaleMu, lambda = step.values[2] / scaleLambda
            guard let round = try evaluate(mu: mu, lambda: lambda, kind: .cuttingPlane) else { return nil }
            cuts.append(round.cut)
            if round.cut.value >= lastSerious + 0.1 * predictedGain {
                lastSerious = round.cut.value
                radius = min(radius * 2, 4)
            } else {
                radius *= 0.5
            }
            if radius < 1e-7 { break }
        }
        return nil
    }

    // MARK: - Results

    mutating func finish(stopReason: SolutionStatus?) -> DecompositionResult {
        guard let best else {
            let diagnostics = stopReason == nil ? budgetDiagnostics() : []
            return DecompositionResult(
                status: stopReason ?? .infeasible, configurations: [], allocation: nil, energyJ: nil,
                lowerBoundJ: bestBound.isFinite ? bestBound : nil, gap: nil, computePrice: bestPrices.mu,
                bandwidthPrice: bestPrices.lambda, targetPrices: bestPrices.nu, iterations: iterations,
                enumeratedNodes: enumeratedNodes, allocationsSolved: allocations.count,
                diagnostics: diagnostics, solveTimeS: elapsed)
        }
        let bound = min(bestBound, best.energy)
        let gap = max(0, best.energy - bound) / best.energy
        let status: SolutionStatus = gap <= settings.gapTolerance ? .optimal : (stopReason ?? .feasible)
        return DecompositionResult(
            status: status, configurations: best.choice.enumerated().map { menus.options[$0.offset][$0.element] },
            allocation: best.allocation, energyJ: best.energy, lowerBoundJ: bound, gap: gap,
            computePrice: bestPrices.mu, bandwidthPrice: bestPrices.lambda, targetPrices: bestPrices.nu,
            iterations: iterations, enumeratedNodes: enumeratedNodes, allocationsSolved: allocations.count,
            diagnostics: [], solveTimeS: elapsed)
    }

    func infeasible(_ diagnostics: [Diagnostic], status: SolutionStatus = .infeasible) -> DecompositionResult {
        DecompositionResult(status: status, configurations: [], allocation: nil, energyJ: nil, lowerBoundJ: nil, gap: nil,
                            computePrice: 0, bandwidthPrice: 0, targetPrices: targets.map { _ in 0 },
                            iterations: iterations, enumeratedNodes: enumeratedNodes,
                            allocationsSolved: allocations.count, diagnostics: diagnostics, solveTimeS: elapsed)
    }

    /// No assignment meets a target even with every member on its best admissible configuration.
    func targetInfeasible() -> DecompositionResult {
        let configs = problem.profile.configs
        var diagnostics: [Diagnostic] = []
        for (j, target) in targets.enumerated() where !target.members.isEmpty {
            let best = target.members.reduce(0.0) { sum, k in
                sum + menus.options[k].map { configs[$0].quality }.min { metric.isBetter($0, than: $1) }!
            } / Double(target.members.count)
            if !metric.meets(best, requirement: target.meanQualityTarget, relativeTolerance: settings.assignment.targetTolerance) {
                diagnostics.append(Diagnostic(
                    constraint: "service", clients: target.members.map { problem.clients[$0].id },
                    message: "mean \(metric.name) target \(target.meanQualityTarget) is out of reach: the best admissible configurations give \(best) (short by \(abs(metric.margin(best, requirement: target.meanQualityTarget))))",
                    serviceTarget: j, bestReachableQuality: best))
            }
        }
        return infeasible(diagnostics)
    }

    /// Targets reachable, but no target-meeting assignment found that the budgets carry. The
    /// assignment meeting the targets with the least total work (a knapsack with φ = C) is the
    /// natural witness: its allocation's diagnosis says which budget and by what factor it would
    /// have to grow (a sufficient growth for the problem to become feasible).
    mutating func budgetDiagnostics() -> [Diagnostic] {
        let configs = problem.profile.configs
        let candidates = FlatLists(menus.options.map { options in
            options.map { AssignmentProblem.Candidate(configuration: $0, cost: configs[$0].flops / computeBudget,
                                                      quality: configs[$0].quality) }
        })
        let leastWork = try? AssignmentSolver(settings: settings.assignment)
            .solve(AssignmentProblem(candidates: candidates, targets: targets, metric: metric))
        var found: [Diagnostic] = []
        if let leastWork, leastWork.status == .optimal || leastWork.status == .feasible,
           let result = try? allocate(leastWork.choice) {
            found = result.diagnostics
        }
        if found.isEmpty {
            return [Diagnostic(constraint: "budget", clients: [],
                               message: "no assignment meeting the service targets was found that the budgets carry")]
        }
        return found.map { d in
            var d = d
            d.message = "the least-work assignment meeting the service targets does not fit: " + d.message
            return d
        }
    }
}
