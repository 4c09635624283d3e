import FlexGenGLPK
import FlexGenModel

/// Solves `AssignmentProblem` (a multiple-choice knapsack) exactly, in four stages that keep
/// the models small even at 10 000 clients × 24 configurations:
///
/// 1. **Exact pruning.** A client in no target takes its cheapest candidate. Otherwise only its
///    Pareto candidates matter (a candidate that costs at least as much and is not better is
///    never needed); a client whose cheapest candidate is also its best is fixed.
/// 2. **LP relaxation** (GLPK simplex) over the lower convex hull of each client's Pareto set in
///    the (badness, cost) plane: every target row uses the same per-client quality, so hull
///    points give the same LP value as all candidates. The LP value is a valid lower bound; the
///    target rows' duals are the prices ν ≥ 0.
/// 3. **Rounding.** A basic LP optimum splits at most (number of targets) clients; giving each
///    split client the best-quality candidate of its split keeps every target row satisfied
///    (all rows share the quality's sign), so this is a feasible incumbent.
/// 4. **Reduced-cost fixing + exact search.** With Lagrangian costs L_kc = φ_kc + w_k s q_c
///    (w_k = Σ_{j∋k} ν_j/|G_j|), every choice meeting the targets costs at least
///    LB + Σ_k (L_k,c_k − min_c L_kc); candidates whose own excess already exceeds
///    incumbent − LB are dropped. The knapsack over the survivors is then solved exactly by
///    `KnapsackDynamicProgram` (Pareto states with bound pruning: milliseconds where GLPK's
///    branch-and-bound needs minutes, because many clients are nearly indifferent between
///    neighbouring options), with GLPK's branch-and-bound (`glp_intopt`) as the fallback when the
///    DP exceeds its state or work limit.
struct AssignmentSolver: Sendable {
    var settings: AssignmentSettings
    init(settings: AssignmentSettings = AssignmentSettings()) { self.settings = settings }

    func solve(_ problem: AssignmentProblem) throws(AssignmentError) -> AssignmentResult {
        try validate(problem)
        let reach = reachability(problem)
        if reach.unreachable { return unreachableResult(problem, bestReachable: reach.bestReachable) }
        var menus = paretoMenus(problem, inTarget: reach.inTarget)
        if menus.free.isEmpty {
            return finish(problem, choice: menus.choice, bound: problem.cost(of: menus.choice),
                          nu: .init(repeating: 0, count: problem.targets.count), fractional: 0,
                          bestReachable: reach.bestReachable, proven: true,
                          relaxation: menus.choice.map { [.init(candidate: $0, weight: 1)] })
        }
        guard let lp = try relax(problem, menus: menus, inTarget: reach.inTarget) else {
            // The best candidates reach every target (checked above), so the LP is feasible; a
            // failure here is numerical.
            return AssignmentResult(status: .numericalError, choice: [], cost: .infinity, relaxationBound: -.infinity,
                                    integerBound: -.infinity, targetPrices: Array(repeating: 0, count: problem.targets.count),
                                    fractionalClients: 0, bestReachableQuality: reach.bestReachable, relaxation: [])
        }
        let rounding = roundRelaxation(problem, menus: &menus, lp: lp)
        let incumbent = problem.cost(of: menus.choice)
        if rounding.fractional == 0 || withinGap(incumbent, lp.bound) || !settings.branchAndBound {
            let proven = rounding.fractional == 0 || withinGap(incumbent, lp.bound)
            return finish(problem, choice: menus.choice, bound: lp.bound, nu: lp.nu, fractional: rounding.fractional,
                          bestReachable: reach.bestReachable, proven: proven, relaxation: rounding.relaxation)
        }
        return exactSearch(problem, menus: menus, lp: lp, rounding: rounding, incumbent: incumbent,
                           bestReachable: reach.bestReachable)
    }

    // MARK: - Stages

    /// Per target, the best mean quality its members reach (each on its best candidate), whether
    /// some target is out of reach even so, and which clients belong to some target.
    private func reachability(_ problem: AssignmentProblem) -> (bestReachable: [Double], inTarget: [Bool], unreachable: Bool) {
        let metric = problem.metric
        var bestReachable: [Double] = []
        var inTarget = [Bool](repeating: false, count: problem.candidates.count)
        for target in problem.targets {
            var sum = 0.0
            for k in target.members {
                inTarget[k] = true
                sum += problem.candidates[k].map(\.quality).min { metric.isBetter($0, than: $1) }!
            }
            bestReachable.append(target.members.isEmpty ? target.meanQualityTarget : sum / Double(target.members.count))
        }
        let unreachable = problem.targets.indices.contains { j in
            !metric.meets(bestReachable[j], requirement: problem.targets[j].meanQualityTarget,
                          relativeTolerance: settings.targetTolerance)
        }
        return (bestReachable, inTarget, unreachable)
    }

    /// The result when no choice meets the targets.
    private func unreachableResult(_ problem: AssignmentProblem, bestReachable: [Double]) -> AssignmentResult {
        AssignmentResult(status: .infeasible, choice: [], cost: .infinity, relaxationBound: .infinity,
                         integerBound: .infinity, targetPrices: Array(repeating: 0, count: problem.targets.count),
                         fractionalClients: 0, bestReachableQuality: bestReachable, relaxation: [])
    }

    /// Stage 1's output: every client's choice so far, and the Pareto sets of the targeted ones.
    struct ParetoMenus {
        /// Per client: its cheapest candidate when in no target, its only Pareto candidate when
        /// fixed; for a free client, 0 until stage 3 rounds it.
        var choice: [Int]
        /// Per targeted client: candidate indices, best quality first, cost strictly decreasing
        /// (empty for a client in no target).
        var pareto: [[Int]]
        /// Targeted clients with more than one Pareto candidate.
        var free: [Int]
    }

    /// Stage 1, exact pruning: the cheapest candidate for untargeted clients, Pareto sets for the rest.
    private func paretoMenus(_ problem: AssignmentProblem, inTarget: [Bool]) -> ParetoMenus {
        let s = problem.badnessSign
        let K = problem.candidates.count
        var choice = [Int](repeating: 0, count: K)
        var pareto = [[Int]](repeating: [], count: K)
        var free: [Int] = []
        for k in 0..<K {
            let menu = problem.candidates[k]
            if !inTarget[k] {
                choice[k] = menu.indices.min { menu[$0].cost < menu[$1].cost }!
                continue
            }
            let order = menu.indices.sorted {
                let a = s * menu[$0].quality, b = s * menu[$1].quality
                return a != b ? a < b : menu[$0].cost < menu[$1].cost
            }
            var kept: [Int] = []
            for c in order where kept.isEmpty || menu[c].cost < menu[kept.last!].cost { kept.append(c) }
            pareto[k] = kept
            if kept.count == 1 { choice[k] = kept[0] } else { free.append(k) }
        }
        return ParetoMenus(choice: choice, pareto: pareto, free: free)
    }

    /// Stage 2's output: the LP relaxation over the hull points of the free clients.
    struct Relaxation {
        /// Per free client: its lower hull (best quality first, cost decreasing); empty otherwise.
        var hull: [[Int]]
        /// Per client: its targets and its row coefficient in each (`targetIncidence`).
        var targetsOf: [[Int]]
        var coefficient: [[Double]]
        /// The LP's columns: group g is free client `free[g]`, its step i goes from hull point
        /// `hull[k][count − 1 − i]` to `hull[k][count − 2 − i]` and changes the badness by
        /// `program.badness[n]` (n = `program.stepStart[g] + i`).
        var program: HullStepProgram
        /// The LP's value of each step, y ∈ [0, 1].
        var values: [Double]
        /// ν_j ≥ 0 per target, in cost per unit of mean quality.
        var nu: [Double]
        /// The LP value: a lower bound on every choice meeting the targets.
        var bound: Double
    }

    /// Stage 2, the LP relaxation (GLPK simplex) over the lower convex hull of each free client's
    /// Pareto set, by column generation above `HullStepProgram.wholeStepLimit` steps unless
    /// `settings.columnGeneration` is off. nil when GLPK does not return an optimum (numerical).
    private func relax(_ problem: AssignmentProblem, menus: ParetoMenus, inTarget: [Bool]) throws(AssignmentError) -> Relaxation? {
        let K = problem.candidates.count
        let s = problem.badnessSign
        let (choice, pareto, free) = (menus.choice, menus.pareto, menus.free)
        var hull = [[Int]](repeating: [], count: K)
        for k in free { hull[k] = lowerHull(problem.candidates[k], pareto[k], sign: s) }
        let (targetsOf, coefficient) = targetIncidence(problem)
        // Scale costs by a typical per-client spread so that the LP sees numbers of order one
        // (the scale is undone on the objective and on ν).
        var spread = 0.0
        for k in free {
            let costs = pareto[k].map { problem.candidates[k][$0].cost }
            spread += costs.max()! - costs.min()!
        }
        let scale = max(spread / Double(free.count), 1e-300)

        // Incremental form: each free client starts on its cheapest hull point and y_ki ∈ [0, 1]
        // buys the step to the next better hull point (Δcost > 0, Δbadness < 0). Hull steps have
        // ever-worse cost per unit of badness removed, so an LP optimum takes them in order and no
        // convexity row is needed: the LP has one row per target, which the dual simplex (with
        // long-step bound flipping) solves in a handful of iterations even for 10 000 clients.
        // At 10^5 clients it has ~10^6 columns, most of them at 0 or 1 at the optimum: column
        // generation gives GLPK only the steps near each client's price (`HullStepProgram`).
        var rhs = problem.targets.map { s * $0.meanQualityTarget }
        var cheapestCost = 0.0
        for k in 0..<K where inTarget[k] {
            // Fixed clients sit on their only option; free ones start on their cheapest hull point.
            let start = hull[k].last ?? choice[k]
            let quality = problem.candidates[k][start].quality
            for (j, a) in zip(targetsOf[k], coefficient[k]) { rhs[j] -= a * s * quality }
            if !hull[k].isEmpty { cheapestCost += problem.candidates[k][start].cost }
        }
        // A target over nobody is vacuous: its row stays free (so that row indices stay aligned).
        var program = HullStepProgram(rowUpper: problem.targets.indices.map {
            problem.targets[$0].members.isEmpty ? .infinity : rhs[$0]
        })
        var stepCount = 0
        for k in free { stepCount += hull[k].count - 1 }
        program.reserveCapacity(groups: free.count, steps: stepCount)
        for k in free {
            let points = hull[k]  // best quality first, cost decreasing
            let menu = problem.candidates[k]
            for i in stride(from: points.count - 1, to: 0, by: -1) {
                let from = menu[points[i]], to = menu[points[i - 1]]
                program.appendStep(cost: (to.cost - from.cost) / scale, badness: s * (to.quality - from.quality))
            }
            program.closeGroup(rows: targetsOf[k], coefficients: coefficient[k])
        }

        let lp: HullStepProgram.Solution
        do {
            lp = settings.columnGeneration ? try program.solve() : try program.solveWhole()
        } catch {
            if case .invalidModel = error { throw .nonFiniteModel(error.description) }
            throw .glpk(error.description)
        }
        guard lp.outcome == .optimal else { return nil }
        let nu = problem.targets.indices.map { max(0, -lp.rowDuals[$0] * scale) }
        var fixedCost = 0.0
        for k in 0..<K where hull[k].isEmpty { fixedCost += problem.candidates[k][choice[k]].cost }
        let bound = fixedCost + cheapestCost + lp.objective * scale
        return Relaxation(hull: hull, targetsOf: targetsOf, coefficient: coefficient, program: program,
                          values: lp.values, nu: nu, bound: bound)
    }

    /// Stage 3's output: the relaxation as weights on candidates, and how many clients it splits.
    struct Rounding {
        var relaxation: [[AssignmentResult.WeightedCandidate]]
        var fractional: Int
    }

    /// Stage 3, rounding: the LP solution back to weights on hull points, and each split client on
    /// the best-quality candidate of its split (a feasible incumbent, repaired if rounding met a
    /// target only within floating-point noise). Sets the free clients' `menus.choice`.
    private func roundRelaxation(_ problem: AssignmentProblem, menus: inout ParetoMenus, lp: Relaxation) -> Rounding {
        let metric = problem.metric
        // Steps taken out of order (possible only between steps of equal cost per badness) are
        // re-filled in order with the same total badness removed: the rows see the same usage and
        // the cost does not grow.
        var relaxation: [[AssignmentResult.WeightedCandidate]] = menus.choice.map { [.init(candidate: $0, weight: 1)] }
        let program = lp.program
        var fractional = 0
        for (g, k) in menus.free.enumerated() {
            let steps = program.stepStart[g]..<program.stepStart[g + 1]
            var remaining = 0.0
            for n in steps { remaining += -program.badness[n] * min(1, max(0, lp.values[n])) }
            var weights: [AssignmentResult.WeightedCandidate] = []
            var previous = 1.0  // y of the previous step (the start point carries 1 − y_first)
            let points = lp.hull[k]
            var current = points.last!
            for n in steps {
                let size = -program.badness[n]
                let y = remaining >= size ? 1 : max(0, remaining / size)
                remaining -= y * size
                if previous - y > 1e-12 { weights.append(.init(candidate: current, weight: previous - y)) }
                previous = y
                current = points[points.count - 2 - (n - steps.lowerBound)]
            }
            if previous > 1e-12 { weights.append(.init(candidate: current, weight: previous)) }
            relaxation[k] = weights
            // A split client takes the best-quality candidate of its split.
            let used = weights.filter { $0.weight > 1e-9 }
            menus.choice[k] = used.min { metric.isBetter(problem.candidates[k][$0.candidate].quality,
                                                         than: problem.candidates[k][$1.candidate].quality) }!.candidate
            if (weights.map(\.weight).max() ?? 1) < 1 - 1e-9 { fractional += 1 }
        }
        if !problem.meetsTargets(menus.choice, relativeTolerance: settings.targetTolerance) {
            repair(problem, choice: &menus.choice, pareto: menus.pareto)
        }
        return Rounding(relaxation: relaxation, fractional: fractional)
    }

    /// Stage 4: reduced-cost fixing with the Lagrangian costs, then the exact knapsack DP (GLPK's
    /// branch-and-bound when the DP gives up), from the rounded incumbent.
    private func exactSearch(_ problem: AssignmentProblem, menus: ParetoMenus, lp: Relaxation, rounding: Rounding,
                             incumbent rounded: Double, bestReachable: [Double]) -> AssignmentResult {
        let K = problem.candidates.count
        let s = problem.badnessSign
        let (pareto, targetsOf, coefficient, nu) = (menus.pareto, lp.targetsOf, lp.coefficient, lp.nu)
        var choice = menus.choice
        var incumbent = rounded
        var w = [Double](repeating: 0, count: K)
        for k in 0..<K { for (j, a) in zip(targetsOf[k], coefficient[k]) { w[k] += nu[j] * a } }
        var minLagrangian = [Double](repeating: 0, count: K)
        var lagrangianBound = -zip(nu, problem.targets).reduce(0) { $0 + $1.0 * s * $1.1.meanQualityTarget }
        for k in 0..<K {
            let menu = problem.candidates[k]
            let candidates = pareto[k].isEmpty ? [choice[k]] : pareto[k]
            minLagrangian[k] = candidates.map { menu[$0].cost + w[k] * s * menu[$0].quality }.min()!
            lagrangianBound += minLagrangian[k]
        }
        let slack = incumbent - lagrangianBound + 1e-12 * abs(incumbent) + 1e-300
        var survivors = [[Int]](repeating: [], count: K)
        var branching: [Int] = []
        for k in 0..<K {
            guard !pareto[k].isEmpty, pareto[k].count > 1 else { survivors[k] = [choice[k]]; continue }
            let menu = problem.candidates[k]
            survivors[k] = pareto[k].filter {
                menu[$0].cost + w[k] * s * menu[$0].quality - minLagrangian[k] <= slack || $0 == choice[k]
            }
            if survivors[k].count > 1 { branching.append(k) }
        }
        var proven = false
        var provenBound: Double? = nil
        let absoluteTolerance = settings.relativeGap * abs(incumbent)
        let knapsack = exactKnapsack(problem, survivors: survivors, branching: branching, fixed: choice,
                                     targetsOf: targetsOf, coefficient: coefficient, nu: nu, incumbent: incumbent,
                                     absoluteTolerance: absoluteTolerance)
        let exact = knapsack.flatMap {
            dynamicProgram($0, problem, survivors: survivors, branching: branching, fixed: choice, lowerBound: lp.bound)
        }
        if case .optimal(let exactChoice, let exactCost)? = exact {
            if exactCost < incumbent, problem.meetsTargets(exactChoice, relativeTolerance: settings.targetTolerance) {
                choice = exactChoice
                incumbent = exactCost
            }
            proven = true
        } else if settings.stopSignal?.isStopped != true {
            if case .bound(let value)? = exact { provenBound = value }
            // Several target rows whose DP gave up: the one-row surrogate may still prove more.
            if let knapsack, let value = surrogateBound(knapsack, lowerBound: lp.bound) {
                provenBound = max(provenBound ?? -.infinity, value)
            }
            if let improved = branchAndBound(problem, survivors: survivors, branching: branching, fixed: choice,
                                             targetsOf: targetsOf, coefficient: coefficient,
                                             absoluteTolerance: absoluteTolerance) {
                if improved.cost <= incumbent {
                    choice = improved.choice
                    incumbent = improved.cost
                }
                proven = improved.proven
            }
        }
        var result = finish(problem, choice: choice, bound: lp.bound, nu: nu, fractional: rounding.fractional,
                            bestReachable: bestReachable, proven: proven, relaxation: rounding.relaxation)
        if let provenBound {
            // Valid for every choice: those the reduced-cost fixing dropped cannot beat the
            // incumbent, and the DP's (or the surrogate's) proven bound covers the rest.
            result.integerBound = max(result.integerBound, min(provenBound, result.cost))
            if result.cost - result.integerBound <= absoluteTolerance { result.status = .optimal }
        }
        if proven {
            // Branch-and-bound proved the integer optimum within the absolute tolerance (the
            // candidates it did not see cannot beat the incumbent, which it did see).
            result.integerBound = max(result.integerBound, min(result.cost, incumbent) - absoluteTolerance)
        }
        return result
    }

    // MARK: - Pieces

    private func withinGap(_ cost: Double, _ bound: Double) -> Bool {
        cost - bound <= settings.relativeGap * max(abs(cost), 1e-300)
    }

    private func finish(_ problem: AssignmentProblem, choice: [Int], bound: Double, nu: [Double], fractional: Int,
                        bestReachable: [Double], proven: Bool,
                        relaxation: [[AssignmentResult.WeightedCandidate]]) -> AssignmentResult {
        let cost = problem.cost(of: choice)
        return AssignmentResult(status: proven ? .optimal : .feasible, choice: choice, cost: cost,
                                relaxationBound: min(bound, cost), integerBound: min(bound, cost),
                                targetPrices: nu, fractionalClients: fractional,
                                bestReachableQuality: bestReachable, relaxation: relaxation)
    }

    private func validate(_ problem: AssignmentProblem) throws(AssignmentError) {
        for (k, menu) in problem.candidates.enumerated() {
            guard !menu.isEmpty else { throw .clientWithoutCandidates(client: k) }
            for (c, candidate) in menu.enumerated() where !candidate.cost.isFinite || !candidate.quality.isFinite {
                throw .nonFiniteCost(client: k, candidate: c)
            }
        }
        for (j, target) in problem.targets.enumerated() {
            for k in target.members where k < 0 || k >= problem.candidates.count {
                throw .targetMemberOutOfRange(target: j, member: k)
            }
        }
    }

    /// For each client, the targets it belongs to and its row coefficient 1/|G_j| in each.
    private func targetIncidence(_ problem: AssignmentProblem) -> ([[Int]], [[Double]]) {
        var targetsOf = [[Int]](repeating: [], count: problem.candidates.count)
        var coefficient = [[Double]](repeating: [], count: problem.candidates.count)
        for (j, target) in problem.targets.enumerated() where !target.members.isEmpty {
            let a = 1 / Double(target.members.count)
            for k in target.members {
                if let existing = targetsOf[k].firstIndex(of: j) {
                    coefficient[k][existing] += a  // a client listed twice counts twice in the mean
                } else {
                    targetsOf[k].append(j)
                    coefficient[k].append(a)
                }
            }
        }
        return (targetsOf, coefficient)
    }

    /// Lower convex hull of a Pareto set in the (s·q, cost) plane; `pareto` is sorted by s·q
    /// ascending with strictly decreasing cost. Monotone chain: drop a middle point that lies on
    /// or above the segment joining its neighbours.
    private func lowerHull(_ menu: FlatLists<AssignmentProblem.Candidate>.List, _ pareto: [Int], sign s: Double) -> [Int] {
        var hull: [Int] = []
        for c in pareto {
            while hull.count >= 2 {
                let a = menu[hull[hull.count - 2]], b = menu[hull[hull.count - 1]], p = menu[c]
                let (ax, ay) = (s * a.quality, a.cost), (bx, by) = (s * b.quality, b.cost), (px, py) = (s * p.quality, p.cost)
                let cross = (bx - ax) * (py - ay) - (by - ay) * (px - ax)
                if cross <= 0 { hull.removeLast() } else { break }
            }
            hull.append(c)
        }
        return hull
    }

    /// Upgrades clients (cheapest extra cost per unit of quality gained first) until every
    /// target holds. Used only if rounding met a target merely within floating-point noise.
    private func repair(_ problem: AssignmentProblem, choice: inout [Int], pareto: [[Int]]) {
        for j in problem.targets.indices {
            while !problem.metric.meets(problem.meanQuality(target: j, choice: choice),
                                        requirement: problem.targets[j].meanQualityTarget,
                                        relativeTolerance: settings.targetTolerance) {
                var best: (k: Int, c: Int, rate: Double)? = nil
                for k in problem.targets[j].members {
                    let menu = problem.candidates[k], current = menu[choice[k]]
                    for c in pareto[k] where problem.metric.isBetter(menu[c].quality, than: current.quality) {
                        let gain = abs(menu[c].quality - current.quality)
                        let rate = (menu[c].cost - current.cost) / gain
                        if best == nil || rate < best!.rate { best = (k, c, rate) }
                    }
                }
                guard let upgrade = best else { return }
                choice[upgrade.k] = upgrade.c
            }
        }
    }

    /// The clients outside `branching` on their only survivor, and what each target row has left
    /// for the branching clients (its badness allowance minus the settled clients' use).
    private func settleNonBranching(_ problem: AssignmentProblem, survivors: [[Int]], branching: [Int], fixed: [Int],
                                    targetsOf: [[Int]], coefficient: [[Double]]) -> (choice: [Int], rhs: [Double]) {
        let s = problem.badnessSign
        var choice = fixed
        var rhs = problem.targets.map { s * $0.meanQualityTarget }
        let branchingSet = Set(branching)
        for k in problem.candidates.indices where !branchingSet.contains(k) {
            choice[k] = survivors[k][0]
            for (j, a) in zip(targetsOf[k], coefficient[k]) { rhs[j] -= a * s * problem.candidates[k][choice[k]].quality }
        }
        return (choice, rhs)
    }

    /// The knapsack over the surviving candidates of the branching clients (the others fixed), as
    /// a `KnapsackDynamicProgram` with one item list per branching client and one row per target
    /// that some branching client enters, costs measured without the fixed clients' `fixedCost`;
    /// `choice` has the fixed clients on their only survivor. nil when the DP is switched off.
    struct ExactKnapsack {
        var program: KnapsackDynamicProgram
        var rows: [Int]
        var fixedCost: Double
        var choice: [Int]
    }

    private func exactKnapsack(_ problem: AssignmentProblem, survivors: [[Int]], branching: [Int], fixed: [Int],
                               targetsOf: [[Int]], coefficient: [[Double]], nu: [Double], incumbent: Double,
                               absoluteTolerance: Double) -> ExactKnapsack? {
        guard settings.dynamicProgramStateLimit > 0 else { return nil }
        let s = problem.badnessSign
        let (choice, rhs) = settleNonBranching(problem, survivors: survivors, branching: branching, fixed: fixed,
                                               targetsOf: targetsOf, coefficient: coefficient)
        let branchingSet = Set(branching)
        let fixedCost = problem.candidates.indices.reduce(0.0) {
            branchingSet.contains($1) ? $0 : $0 + problem.candidates[$1][choice[$1]].cost
        }
        var rows: [Int] = []
        for k in branching { for j in targetsOf[k] where !rows.contains(j) { rows.append(j) } }
        let rowIndex = Dictionary(uniqueKeysWithValues: rows.enumerated().map { ($0.element, $0.offset) })
        let items = branching.map { k in
            survivors[k].map { c -> KnapsackDynamicProgram.Item in
                var weight = [Double](repeating: 0, count: rows.count)
                for (j, a) in zip(targetsOf[k], coefficient[k]) { weight[rowIndex[j]!] += a * s * problem.candidates[k][c].quality }
                return .init(cost: problem.candidates[k][c].cost, weight: weight)
            }
        }
        var program = KnapsackDynamicProgram(items: items, capacity: rows.map { rhs[$0] }, prices: rows.map { nu[$0] },
                                             cutoff: incumbent - fixedCost, absoluteTolerance: absoluteTolerance,
                                             stateLimit: settings.dynamicProgramStateLimit,
                                             workLimit: settings.dynamicProgramWorkLimit)
        // Bounded by its work limit (~0.1 s per attempt); only a cancelled caller stops it earlier.
        let signal = settings.stopSignal
        program.shouldStop = { signal?.isStopped == true }
        return ExactKnapsack(program: program, rows: rows, fixedCost: fixedCost, choice: choice)
    }

    enum ExactOutcome {
        case optimal(choice: [Int], cost: Double)
        /// A proven lower bound on the whole knapsack's integer optimum.
        case bound(Double)
    }

    /// The exact knapsack by `KnapsackDynamicProgram`, cutoff raised from the LP bound to the
    /// incumbent. Returns the optimal choice (the incumbent `fixed` when nothing beats it by more
    /// than the tolerance), or the best lower bound proven before a limit stopped it, or nil.
    private func dynamicProgram(_ knapsack: ExactKnapsack, _ problem: AssignmentProblem, survivors: [[Int]],
                                branching: [Int], fixed: [Int], lowerBound: Double) -> ExactOutcome? {
        let program = knapsack.program
        switch program.solveWithRisingCutoff(from: lowerBound - knapsack.fixedCost) {
        case .nothing: return nil
        case .bound(let value):
            if value >= program.cutoff - program.absoluteTolerance {
                return .optimal(choice: fixed, cost: problem.cost(of: fixed))
            }
            return .bound(knapsack.fixedCost + value)
        case .optimal(let picked, _):
            var choice = knapsack.choice
            for (i, k) in branching.enumerated() { choice[k] = survivors[k][picked[i]] }
            return .optimal(choice: choice, cost: problem.cost(of: choice))
        }
    }

    /// A lower bound on the knapsack's integer optimum when the several-row DP gave up: the rows
    /// combined with the LP prices, Σ_r ν_r (row r), form one surrogate row that every feasible
    /// choice also meets, so the exact optimum of the one-row knapsack (a DP that stays small) is
    /// a valid bound, and at least the LP bound (its LP relaxation with price 1 is the LP's
    /// Lagrangian). nil when there is a single row (the DP already failed on it), no row is
    /// priced, or the surrogate DP gives up too.
    private func surrogateBound(_ knapsack: ExactKnapsack, lowerBound: Double) -> Double? {
        let prices = knapsack.program.prices
        guard knapsack.rows.count > 1, prices.contains(where: { $0 > 0 }) else { return nil }
        let program = knapsack.program.surrogate(multipliers: prices)
        switch program.solveWithRisingCutoff(from: lowerBound - knapsack.fixedCost) {
        case .nothing: return nil
        case .bound(let value): return knapsack.fixedCost + value
        case .optimal(_, let cost): return knapsack.fixedCost + cost - program.absoluteTolerance
        }
    }

    /// GLPK branch-and-bound over the surviving candidates of the branching clients, the others
    /// fixed. Returns nil when GLPK finds nothing better to say.
    private func branchAndBound(_ problem: AssignmentProblem, survivors: [[Int]], branching: [Int], fixed: [Int],
                                targetsOf: [[Int]], coefficient: [[Double]],
                                absoluteTolerance: Double) -> (choice: [Int], cost: Double, proven: Bool)? {
        let s = problem.badnessSign
        var (choice, rhs) = settleNonBranching(problem, survivors: survivors, branching: branching, fixed: fixed,
                                               targetsOf: targetsOf, coefficient: coefficient)
        if branching.isEmpty {
            return problem.meetsTargets(choice, relativeTolerance: settings.targetTolerance)
                ? (choice, problem.cost(of: choice), true) : nil
        }
        // The MILP's objective is shifted by each branching client's cheapest survivor, so GLPK's
        // relative gap must be translated from the absolute tolerance on the whole cost.
        var incumbentShifted = 0.0
        for k in branching {
            let base = survivors[k].map { problem.candidates[k][$0].cost }.min()!
            incumbentShifted += problem.candidates[k][fixed[k]].cost - base
        }
        if incumbentShifted <= absoluteTolerance {
            // Every branching client's cheapest survivor is a lower bound on its cost: the
            // incumbent is already within the tolerance.
            return (fixed, problem.cost(of: fixed), true)
        }
        var model = LinearModel()
        var columns: [(Int, Int)] = []
        var targetTerms = [[(LinearModel.Variable, Double)]](repeating: [], count: problem.targets.count)
        for k in branching {
            let base = survivors[k].map { problem.candidates[k][$0].cost }.min()!
            var convexity: [(LinearModel.Variable, Double)] = []
            for c in survivors[k] {
                let candidate = problem.candidates[k][c]
                let v = model.addVariable(kind: .binary, cost: candidate.cost - base)
                columns.append((k, c))
                convexity.append((v, 1))
                for (j, a) in zip(targetsOf[k], coefficient[k]) { targetTerms[j].append((v, a * s * candidate.quality)) }
            }
            model.addRow(convexity, lower: 1, upper: 1)
        }
        for j in problem.targets.indices where !targetTerms[j].isEmpty && !problem.targets[j].members.isEmpty {
            // A hair of slack on the rows keeps GLPK's integer point from being rejected by our
            // own check for rounding noise; the final check below uses the true targets.
            model.addRow(targetTerms[j], upper: rhs[j] + 1e-12 * max(abs(rhs[j]), 1))
        }
        var glpkSettings = GLPKSettings()
        glpkSettings.relativeMIPGap = max(absoluteTolerance / incumbentShifted, 1e-12)
        glpkSettings.timeLimitS = settings.integerTimeLimitS
        guard let mip = try? GLPK.solve(model, settings: glpkSettings), !mip.values.isEmpty else { return nil }
        for (n, (k, c)) in columns.enumerated() where mip.values[n] > 0.5 { choice[k] = c }
        guard problem.meetsTargets(choice, relativeTolerance: settings.targetTolerance) else { return nil }
        return (choice, problem.cost(of: choice), mip.outcome == .optimal)
    }
}
