import FlexGenModel

/// Phase 3's last resort, on small instances whose gap the bound cannot close: a depth-first
/// search over the clients' options that prunes every partial assignment whose Lagrangian bound
/// reaches the best energy (or that can no longer meet a target) and allocates every leaf left.
/// Stages: `enumerationPrices` (several price vectors around the best), `EnumerationTables` (the
/// Lagrangian costs per price vector, the search order, the targets' badness bookkeeping),
/// `EnumerationSearch.visit` (the search), and the bound update when the search completes.
extension DecompositionRun {
    mutating func enumerate() throws -> SolutionStatus? {
        guard let incumbent = best else { return nil }
        let tables = enumerationTables(priceVectors: enumerationPrices())
        var search = EnumerationSearch(tables: tables, targets: targets, sign: sign, upper: incumbent.energy,
                                       allocationsBefore: allocations.count)
        try search.visit(0, run: &self)
        if search.aborted { return outOfTime ? .timeLimit : nil }
        let completeBound = min(search.prunedMinimum, search.leafMinimum)
        if completeBound.isFinite, completeBound > bestBound { bestBound = completeBound }
        if completeBound == .infinity, let best { bestBound = max(bestBound, best.energy) }
        return nil
    }

    /// Several price vectors around the best one: each gives a valid bound, so a node is pruned
    /// when the largest of them reaches the incumbent. Assignments whose resource mix differs
    /// from the optimum's are cut off by prices that charge that mix more.
    func enumerationPrices() -> [(mu: Double, lambda: Double, nu: [Double])] {
        let (mu0, lambda0, nu0) = bestPrices
        let muStep = max(mu0, 0.1 * lambda0 * bandwidthBudget / computeBudget)
        var priceVectors: [(mu: Double, lambda: Double, nu: [Double])] = []
        for lambdaFactor in [1.0, 0.8, 1.25, 0.6, 1.6] {
            for muOffset in [0.0, 0.5, -0.5] {
                for nuFactor in [1.0, 0.8, 1.25] {
                    let mu = mu0 + muOffset * muStep
                    guard mu >= 0 else { continue }
                    priceVectors.append((mu, lambda0 * lambdaFactor, nu0.map { $0 * nuFactor }))
                }
            }
        }
        return priceVectors
    }

    /// What the search reads: per price vector p the Lagrangian costs L_kc = φ_kc + w_k s q_c
    /// (w_k = Σ_{j∋k} ν_j/|G_j|) and the constant −μF − λB − Σ_j ν_j s T_j, their per-client
    /// minima, the order of the clients (largest spread of L first, at the best prices) and of
    /// each client's options (cheapest L first), and per target the members' badness.
    struct EnumerationTables {
        var lagrangians: [[[Double]]]  // [price vector][client][option]
        var constants: [Double]
        var minima: [[Double]]  // [price vector][client]
        var order: [Int]
        var optionOrder: [[Int]]
        /// s q_c per client and option.
        var badness: [[Double]]
        /// Per client: its targets and its weight 1/|G_j| in each.
        var membership: [[(target: Int, weight: Double)]]
    }

    mutating func enumerationTables(priceVectors: [(mu: Double, lambda: Double, nu: [Double])]) -> EnumerationTables {
        let configs = problem.profile.configs
        let K = menus.options.count
        var lagrangians: [[[Double]]] = []
        var constants: [Double] = []
        for (mu, lambda, nu) in priceVectors {
            let priced = price(mu: mu, lambda: lambda)
            var w = [Double](repeating: 0, count: K)
            var constant = -mu * computeBudget - lambda * bandwidthBudget
            for (j, target) in targets.enumerated() where !target.members.isEmpty && j < nu.count {
                constant -= nu[j] * sign * target.meanQualityTarget
                for k in target.members { w[k] += nu[j] / Double(target.members.count) }
            }
            lagrangians.append((0..<K).map { k in priced.candidates[k].map { $0.cost + w[k] * sign * $0.quality } })
            constants.append(constant)
        }
        let lagrangian = lagrangians[0]
        let minimum = lagrangian.map { $0.min()! }
        let minima = lagrangians.map { $0.map { $0.min()! } }
        let order = (0..<K).sorted {
            (lagrangian[$0].max()! - minimum[$0]) > (lagrangian[$1].max()! - minimum[$1])
        }
        let optionOrder = lagrangian.map { row in row.indices.sorted { row[$0] < row[$1] } }
        let badness: [[Double]] = menus.options.map { $0.map { sign * configs[$0].quality } }
        var membership = [[(target: Int, weight: Double)]](repeating: [], count: K)
        for (j, target) in targets.enumerated() where !target.members.isEmpty {
            for k in target.members { membership[k].append((j, 1 / Double(target.members.count))) }
        }
        return EnumerationTables(lagrangians: lagrangians, constants: constants, minima: minima, order: order,
                                 optionOrder: optionOrder, badness: badness, membership: membership)
    }
}

/// The depth-first search's state: the partial assignment, its bound per price vector, the
/// targets' used and still-reachable badness, the incumbent energy and the least bounds seen.
struct EnumerationSearch {
    let tables: EnumerationTables
    /// Per target: its badness allowance s T_j.
    let allowance: [Double]
    let allocationsBefore: Int
    var upper: Double
    var prunedMinimum = Double.infinity
    var leafMinimum = Double.infinity
    var aborted = false
    var choice: [Int]
    /// Per price vector: constant + Σ_k (L_k,choice_k or, for unassigned k, min_c L_kc).
    var partials: [Double]
    /// Per target: the assigned members' badness, and the best the unassigned members can still add.
    var used: [Double]
    var remainingBest: [Double]

    typealias EnumerationTables = DecompositionRun.EnumerationTables

    init(tables: EnumerationTables, targets: [AssignmentProblem.Target], sign: Double, upper: Double, allocationsBefore: Int) {
        self.tables = tables
        self.upper = upper
        self.allocationsBefore = allocationsBefore
        let K = tables.badness.count
        choice = [Int](repeating: 0, count: K)
        partials = (0..<tables.lagrangians.count).map { p in tables.constants[p] + tables.minima[p].reduce(0, +) }
        remainingBest = targets.map { target -> Double in
            target.members.isEmpty ? 0 : target.members.reduce(0) { $0 + tables.badness[$1].min()! / Double(target.members.count) }
        }
        used = [Double](repeating: 0, count: targets.count)
        allowance = targets.map { sign * $0.meanQualityTarget }
    }

    /// The largest of the price vectors' bounds on the partial assignment.
    func bound() -> Double {
        var value = -Double.infinity
        for p in partials.indices where partials[p] > value { value = partials[p] }
        return value
    }

    func slackOK(_ j: Int, targetTolerance: Double) -> Bool {
        let limit = allowance[j] + targetTolerance * max(abs(allowance[j]), 1e-300)
        return used[j] + remainingBest[j] <= limit
    }

    mutating func visit(_ depth: Int, run: inout DecompositionRun) throws {
        if aborted { return }
        run.enumeratedNodes += 1
        let settings = run.settings
        if run.enumeratedNodes > settings.enumerationNodeLimit
            || run.allocations.count - allocationsBefore > settings.enumerationAllocationLimit || run.outOfTime {
            aborted = true
            return
        }
        let nodeBound = bound()
        if nodeBound >= upper * (1 - settings.gapTolerance) {
            prunedMinimum = min(prunedMinimum, nodeBound)
            return
        }
        let K = tables.order.count
        if depth == K {
            guard run.meetsTargets(choice) else { return }
            let result = try run.allocate(choice)
            if result.status.certifiesSolution, let energy = result.energyJ {
                upper = min(upper, energy)
                leafMinimum = min(leafMinimum, result.lowerBoundJ ?? energy)
            } else if result.status != .infeasible {
                aborted = true  // an allocation that stopped early proves nothing
            }
            return
        }
        let k = tables.order[depth]
        let P = partials.count
        for n in tables.optionOrder[k] {
            choice[k] = n
            for p in 0..<P { partials[p] += tables.lagrangians[p][k][n] - tables.minima[p][k] }
            for (j, weight) in tables.membership[k] {
                used[j] += weight * tables.badness[k][n]
                remainingBest[j] -= weight * tables.badness[k].min()!
            }
            let feasible = tables.membership[k].allSatisfy { slackOK($0.target, targetTolerance: settings.assignment.targetTolerance) }
            if feasible { try visit(depth + 1, run: &run) }
            for (j, weight) in tables.membership[k] {
                used[j] -= weight * tables.badness[k][n]
                remainingBest[j] += weight * tables.badness[k].min()!
            }
            for p in 0..<P { partials[p] -= tables.lagrangians[p][k][n] - tables.minima[p][k] }
            if aborted { return }
        }
    }
}
