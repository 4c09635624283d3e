import FlexGenGLPK
import FlexGenModel

/// Lagrangian branch-and-bound over the configuration choice: what closes the gap when the
/// budgets' duality gap (a few clients' worth of integrality) exceeds the tolerance.
///
/// A node restricts some clients' options (fixes one, or excludes one). Its bound is the
/// Lagrangian dual of the restricted problem, maximised by a few trust-region cutting-plane steps
/// from the parent's prices: valid for every assignment in the node. Every knapsack choice met on
/// the way is allocated (a primal candidate). A node whose bound reaches the incumbent (within the
/// gap tolerance) is pruned; otherwise it branches on its most ambiguous client (the smallest
/// Lagrangian margin between its two best options): one child fixes that client's current choice,
/// the other excludes it. Best-first; when the tree is exhausted or stopped, the bound is the
/// least over pruned and open nodes.
extension DecompositionRun {
    struct Probe {
        var cut: Cut
        var options: [Int]     // chosen option per client
        var nu: [Double]
    }

    /// Prices the allowed options, solves the restricted knapsack, allocates its choice.
    /// nil: no assignment within `allowed` meets the targets.
    mutating func probe(mu: Double, lambda: Double, allowed: [[Int]]) throws -> Probe? {
        let priced = price(mu: mu, lambda: lambda)
        let candidates = FlatLists(allowed.enumerated().map { k, options in options.map { priced.candidates.element(k, $0) } })
        var assignmentSettings = settings.assignment
        assignmentSettings.stopSignal = settings.allocation.stopSignal
        assignmentSettings.relativeGap = max(assignmentSettings.relativeGap, 0.1 * settings.gapTolerance)
        // Node bounds come from the LP relaxation: many cheap probes beat a few exact knapsacks.
        assignmentSettings.branchAndBound = false
        let assignment = try AssignmentSolver(settings: assignmentSettings)
            .solve(AssignmentProblem(candidates: candidates, targets: targets, metric: metric))
        guard assignment.status == .optimal || assignment.status == .feasible else { return nil }
        let useInteger = assignment.integerBound > assignment.relaxationBound
        let value = (useInteger ? assignment.integerBound : assignment.relaxationBound)
            - mu * computeBudget - lambda * bandwidthBudget
        var demandF = 0.0, demandB = 0.0
        let options = assignment.choice.enumerated().map { allowed[$0.offset][$0.element] }
        if useInteger {
            for (k, n) in options.enumerated() { demandF += priced.computeRate(k, n); demandB += priced.bandwidth(k, n) }
        } else {
            for (k, split) in assignment.relaxation.enumerated() {
                for part in split {
                    let n = allowed[k][part.candidate]
                    demandF += part.weight * priced.computeRate(k, n)
                    demandB += part.weight * priced.bandwidth(k, n)
                }
            }
        }
        _ = try allocate(options)
        return Probe(cut: Cut(mu: mu, lambda: lambda, value: value, gradientMu: demandF - computeBudget,
                              gradientLambda: demandB - bandwidthBudget),
                     options: options, nu: assignment.targetPrices)
    }

    /// The cutting-plane model's maximiser over a box of relative half-width `radius` around
    /// `center` (prices), with the predicted value; nil if GLPK has nothing to say.
    func cuttingPlaneStep(cuts: [Cut], center: (mu: Double, lambda: Double), radius: Double,
                          referenceEnergy: Double) -> (mu: Double, lambda: Double, predicted: Double)? {
        let scaleMu = computeBudget / referenceEnergy, scaleLambda = bandwidthBudget / referenceEnergy
        let c = (center.mu * scaleMu, center.lambda * scaleLambda)
        var model = LinearModel(sense: .maximize)
        let theta = model.addVariable(lower: -.infinity, cost: 1)
        let halfMu = max(radius * c.0, 1e-3 * radius), halfLambda = max(radius * c.1, 1e-3 * radius)
        let m = model.addVariable(lower: max(0, c.0 - halfMu), upper: c.0 + halfMu)
        let l = model.addVariable(lower: max(1e-9 * c.1, c.1 - halfLambda), upper: c.1 + halfLambda)
        for cut in cuts {
            let gm = cut.gradientMu / computeBudget, gl = cut.gradientLambda / bandwidthBudget
            model.addRow([(theta, 1), (m, -gm), (l, -gl)],
                         upper: cut.value / referenceEnergy - gm * cut.mu * scaleMu - gl * cut.lambda * scaleLambda)
        }
        guard let step = try? GLPK.solve(model), step.outcome == .optimal, let predicted = step.objective else { return nil }
        return (step.values[1] / scaleMu, step.values[2] / scaleLambda, predicted * referenceEnergy)
    }

    struct NodeDual {
        var bound: Double
        var mu: Double, lambda: Double, nu: [Double]
        var options: [Int]
    }

    /// Maximises the node's Lagrangian dual with at most `evaluations` probes.
    mutating func nodeDual(allowed: [[Int]], start: (mu: Double, lambda: Double), evaluations: Int,
                           referenceEnergy: Double, stopAt: Double) throws -> NodeDual? {
        guard let first = try probe(mu: start.mu, lambda: start.lambda, allowed: allowed) else { return nil }
        var cuts = [first.cut]
        var bestProbe = first
        var radius = 0.25
        for _ in 1..<max(evaluations, 1) {
            if bestProbe.cut.value >= stopAt || outOfTime { break }
            guard let step = cuttingPlaneStep(cuts: cuts, center: (bestProbe.cut.mu, bestProbe.cut.lambda),
                                              radius: radius, referenceEnergy: referenceEnergy) else { break }
            let predictedGain = step.predicted - bestProbe.cut.value
            if predictedGain <= 1e-3 * settings.gapTolerance * referenceEnergy {
                if radius < 1e-4 { break }
                radius *= 0.25
                continue
            }
            guard let next = try probe(mu: step.mu, lambda: step.lambda, allowed: allowed) else { return nil }
            cuts.append(next.cut)
            if next.cut.value >= bestProbe.cut.value + 0.1 * predictedGain {
                bestProbe = next
                radius = min(radius * 2, 4)
            } else {
                if next.cut.value > bestProbe.cut.value { bestProbe = next }
                radius *= 0.5
            }
        }
        return NodeDual(bound: bestProbe.cut.value, mu: bestProbe.cut.mu, lambda: bestProbe.cut.lambda,
                        nu: bestProbe.nu, options: bestProbe.options)
    }

    /// The free client whose two best options (Lagrangian cost at the node's prices) are closest.
    mutating func mostAmbiguousClient(allowed: [[Int]], dual: NodeDual) -> Int? {
        let priced = price(mu: dual.mu, lambda: dual.lambda)
        var w = [Double](repeating: 0, count: allowed.count)
        for (j, target) in targets.enumerated() where !target.members.isEmpty && j < dual.nu.count {
            for k in target.members { w[k] += dual.nu[j] / Double(target.members.count) }
        }
        var best: (k: Int, margin: Double)? = nil
        for (k, options) in allowed.enumerated() where options.count > 1 {
            let costs = options.map { priced.candidates[k][$0].cost + w[k] * sign * priced.candidates[k][$0].quality }.sorted()
            let margin = costs[1] - costs[0]
            if best == nil || margin < best!.margin { best = (k, margin) }
        }
        return best?.k
    }

    struct Node {
        var allowed: [[Int]]
        var bound: Double
        var mu: Double, lambda: Double
    }

    /// Runs the branch-and-bound; raises `bestBound` when it can prove more.
    mutating func branchAndBound(referenceEnergy: Double) throws -> SolutionStatus? {
        guard best != nil else { return nil }
        let root = Node(allowed: menus.options.map { Array($0.indices) }, bound: bestBound,
                        mu: bestPrices.mu, lambda: bestPrices.lambda)
        var open = [root]
        var closedMinimum = Double.infinity  // least bound over pruned nodes and leaves
        var nodes = 0
        var stopped: SolutionStatus? = nil
        while !open.isEmpty {
            if outOfTime { stopped = .timeLimit; break }
            if nodes >= settings.branchAndBoundNodeLimit { break }
            // Best first: the open node with the least bound.
            let index = open.indices.min { open[$0].bound < open[$1].bound }!
            let node = open.remove(at: index)
            let incumbent = best!.energy
            let cutoff = incumbent * (1 - settings.gapTolerance)
            if node.bound >= cutoff { closedMinimum = min(closedMinimum, node.bound); continue }
            nodes += 1
            if node.allowed.allSatisfy({ $0.count == 1 }) {
                let result = try allocate(node.allowed.map { $0[0] })
                if result.status.certifiesSolution, meetsTargets(node.allowed.map { $0[0] }) {
                    closedMinimum = min(closedMinimum, result.lowerBoundJ ?? result.energyJ ?? incumbent)
                } else if result.status != .infeasible, meetsTargets(node.allowed.map { $0[0] }) {
                    closedMinimum = min(closedMinimum, node.bound)  // unresolved leaf: keep its bound
                }
                continue
            }
            guard let dual = try nodeDual(allowed: node.allowed, start: (node.mu, node.lambda),
                                          evaluations: settings.branchAndBoundProbesPerNode,
                                          referenceEnergy: referenceEnergy, stopAt: cutoff) else {
                continue  // nothing in this node meets the targets
            }
            let bound = max(dual.bound, node.bound)
            if bound >= best!.energy * (1 - settings.gapTolerance) {
                closedMinimum = min(closedMinimum, bound)
                continue
            }
            guard let k = mostAmbiguousClient(allowed: node.allowed, dual: dual) else { continue }
            let chosen = dual.options[k]
            var fixed = node.allowed, excluded = node.allowed
            fixed[k] = [chosen]
            excluded[k].removeAll { $0 == chosen }
            open.append(Node(allowed: fixed, bound: bound, mu: dual.mu, lambda: dual.lambda))
            if !excluded[k].isEmpty {
                open.append(Node(allowed: excluded, bound: bound, mu: dual.mu, lambda: dual.lambda))
            }
        }
        enumeratedNodes += nodes
        let openMinimum = open.map(\.bound).min() ?? .infinity
        let proven = min(closedMinimum, openMinimum)
        if proven.isFinite, proven > bestBound { bestBound = proven }
        if proven == .infinity, let best { bestBound = max(bestBound, best.energy) }
        return stopped
    }
}
