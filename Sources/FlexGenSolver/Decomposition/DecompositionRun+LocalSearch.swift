import FlexGenModel

/// Primal polishing when the bound and the incumbent stay apart: neighbouring assignments (one
/// client moved to another option, or two clients moved at once — one up, one down — so that a
/// binding target still holds) are ranked by their first-order energy change at the incumbent's
/// prices, L_k,new − L_k,old with L = φ + w s q, and the most promising ones are allocated
/// exactly. The alternation stops at assignments that are optimal *at fixed prices*; moving a
/// client shifts the prices too, which only an exact allocation sees.
extension DecompositionRun {
    mutating func localSearch(maxPasses: Int, movesPerPass: Int) throws {
        guard var incumbent = best else { return }
        for _ in 0..<maxPasses {
            if outOfTime { return }
            if let g = gap, g <= settings.gapTolerance { return }
            let mu = incumbent.allocation.computePrice, lambda = incumbent.allocation.bandwidthPrice
            let nu = bestPrices.nu
            let priced = price(mu: mu, lambda: lambda)
            let K = menus.options.count
            var w = [Double](repeating: 0, count: K)
            for (j, target) in targets.enumerated() where !target.members.isEmpty && j < nu.count {
                for k in target.members { w[k] += nu[j] / Double(target.members.count) }
            }
            func lagrangian(_ k: Int, _ n: Int) -> Double {
                priced.candidates[k][n].cost + w[k] * sign * priced.candidates[k][n].quality
            }
            let current = incumbent.choice
            var single: [(k: Int, n: Int, delta: Double)] = []
            for k in 0..<K {
                let base = lagrangian(k, current[k])
                for n in menus.options[k].indices where n != current[k] {
                    single.append((k, n, lagrangian(k, n) - base))
                }
            }
            single.sort { $0.delta < $1.delta }
            var moves: [[(Int, Int)]] = single.prefix(movesPerPass / 2).map { [($0.k, $0.n)] }
            // Pairs: the cheapest moves combined, so that an upgrade can pay for a downgrade's target loss.
            let head = Array(single.prefix(24))
            var pairs: [(moves: [(Int, Int)], delta: Double)] = []
            for a in head.indices {
                for b in head.indices where b > a && head[a].k != head[b].k {
                    pairs.append(([(head[a].k, head[a].n), (head[b].k, head[b].n)], head[a].delta + head[b].delta))
                }
            }
            pairs.sort { $0.delta < $1.delta }
            moves += pairs.prefix(movesPerPass - moves.count).map(\.moves)
            var improved = false
            for move in moves {
                if outOfTime { return }
                var candidate = current
                for (k, n) in move { candidate[k] = n }
                guard meetsTargets(candidate) else { continue }
                _ = try allocate(candidate)
                if let now = best, now.energy < incumbent.energy * (1 - 1e-12) {
                    incumbent = now
                    improved = true
                }
            }
            if !improved { return }
        }
    }
}
