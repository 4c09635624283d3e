import Foundation
import FlexGenModel

/// Admission mode (`SolverSettings.admission`): choose the admitted set A that maximises the
/// admitted priority Σ_{k∈A} p_k such that the problem restricted to A is feasible, then minimise
/// that problem's energy with the variant (docs/model.md, "Admission").
///
/// Stages:
/// 1. `AdmissionCandidates`: clients that cannot be served even alone are rejected (`quality`,
///    `deadline`); the others are candidates with their least-work configuration.
/// 2. `AdmissionBound`: a proven upper bound on the admitted priority (priced knapsack relaxation).
/// 3. The admitted set:
///    - **exact** when every subset of the candidates can be examined (2^n ≤
///      `admissionEnumerationLimit`, or the `exhaustive` variant): subsets in order of decreasing
///      priority, each screened by the exact joint-feasibility test (`FeasibilityFrontier`) and
///      solved by the variant; the first priority level with a solvable subset is the optimum,
///      and among its subsets the least energy wins;
///    - **relaxation-guided** otherwise: the candidates in increasing order of priced use per unit
///      of priority at the bound's price ν*, admitted while the priced capacity lasts; then
///      repaired (while the set does not fit, the clients with the largest priced use at the
///      violating price leave) and extended by witnesses (at the set's own price its frontier
///      points are an allocation; outside clients whose frontier point fits in what is left join,
///      in rank order; then the set is re-priced and the pass repeated).
/// 4. The variant solves the admitted problem. With service targets the relaxation-guided set is
///    built first from the target-safe candidates (each with a configuration that meets its
///    groups' targets on its own, `AdmissionCandidates.targetSafe`), which the variant can serve;
///    the larger least-work set is then tried once within a short time budget. If the variant
///    finds no allocation (a service target the admitted members cannot reach within the
///    budgets), the members with the largest priced use leave, by doubling then bisection on how
///    many.
/// Status `optimal` means the admitted priority equals its bound and the energy is certified within
/// the gap tolerance; a maximal-unproven admission is `feasible`.
struct AdmissionRun {
    let problem: Problem
    let variant: SolverVariant
    let settings: SolverSettings
    let mode: Admission.Mode
    let started: Date

    /// Largest candidate count the `exhaustive` variant enumerates subsets of.
    static let exhaustiveCandidateLimit = 12

    var elapsed: Double { Date().timeIntervalSince(started) }
    var outOfTime: Bool {
        elapsed > settings.timeLimitS || settings.decomposition.allocation.stopSignal?.isStopped == true
    }

    /// The admitted set and the variant's solution of its problem.
    struct Outcome {
        /// Positions in the candidate list.
        var admitted: [Int]
        var run: VariantRun
        var bound: Double
        /// A lower bound on the energy of every admissible set of the admitted priority, when the
        /// exact stage proved one (else the admitted problem's own bound is kept).
        var energyLowerBound: Double?
        /// Why the admission search stopped early, if it did.
        var stop: SolutionStatus?
    }

    func solve() throws -> VariantRun {
        guard variant.supportsAdmission else {
            throw SolverError.unsupported("admission mode needs a variant with the optimal allocation; \(variant.rawValue) has none")
        }
        let candidates = AdmissionCandidates(problem: problem, allowed: variant.menuRestriction(for: problem.profile))
        let n = candidates.indices.count
        if variant == .exhaustive, n > Self.exhaustiveCandidateLimit {
            throw SolverError.unsupported(
                "exhaustive admission enumerates every subset of the clients that could be served: \(n) exceed its limit of \(Self.exhaustiveCandidateLimit)")
        }
        let bound = AdmissionBound(tasks: candidates.tasks, priorities: candidates.priorities,
                                   computeRate: problem.server.computeRateFlopsPerS,
                                   bandwidth: problem.server.bandwidthHz)
        let exact = variant == .exhaustive || (n < 62 && (1 << n) <= settings.admissionEnumerationLimit)
        let outcome = exact ? try enumerate(candidates, relaxationBound: bound.value)
                            : try search(candidates, bound: bound)
        return assemble(outcome, candidates)
    }

    // MARK: - Solving an admitted set

    /// The variant's solution of the problem restricted to the candidates at `positions`, within
    /// the time left. The empty set is served at zero energy, trivially optimal.
    func solveAdmitted(_ positions: [Int], _ candidates: AdmissionCandidates,
                       timeLimitS: Double = .infinity) throws -> VariantRun {
        let ids = Set(positions.map { problem.clients[candidates.indices[$0]].id })
        if ids.isEmpty {
            return VariantRun(solution: Solution(problem: problem.name, solver: variant.rawValue, status: .optimal,
                                                 totalEnergyJ: 0, lowerBoundJ: 0, gap: 0, solveTimeS: 0, clients: []))
        }
        var inner = settings
        inner.admission = nil
        inner.timeLimitS = max(1e-3, min(timeLimitS, settings.timeLimitS - elapsed))
        return try VariantSolver(variant, settings: inner).run(problem.restricted(to: ids))
    }

    /// The quick exact test (a witness allocation or a separating price, whichever comes first).
    func fits(_ positions: [Int], _ candidates: AdmissionCandidates) -> FeasibilityFrontier.Verdict {
        FeasibilityFrontier.verdict(tasks: positions.map { candidates.tasks[$0] },
                                    computeRate: problem.server.computeRateFlopsPerS,
                                    bandwidth: problem.server.bandwidthHz, quick: true,
                                    threads: settings.decomposition.allocation.threads)
    }

    /// Whether a run produced an allocation of its admitted set (the empty set always has one).
    static func served(_ run: VariantRun, count: Int) -> Bool {
        count == 0 || run.solution.hasAllocation
    }

    // MARK: - Exact stage

    func enumerate(_ candidates: AdmissionCandidates, relaxationBound: Double) throws -> Outcome {
        let n = candidates.indices.count
        let priorities = candidates.priorities
        let masks = (0..<(1 << n)).map { mask -> (mask: Int, priority: Double) in
            var p = 0.0
            for i in 0..<n where mask & (1 << i) != 0 { p += priorities[i] }
            return (mask, p)
        }.sorted { $0.priority != $1.priority ? $0.priority > $1.priority : $0.mask < $1.mask }
        var unprovenAbove: Double? = nil   // the highest priority of a subset whose solve ended unproven
        var level = 0
        while level < masks.count {
            let priority = masks[level].priority
            var end = level
            while end < masks.count && Self.samePriority(masks[end].priority, priority) { end += 1 }
            var solved: [(positions: [Int], run: VariantRun)] = []
            for (mask, _) in masks[level..<end] {
                if outOfTime {
                    if let best = solved.min(by: { Self.energy($0.run) < Self.energy($1.run) }) {
                        return Outcome(admitted: best.positions, run: best.run,
                                       bound: min(relaxationBound, unprovenAbove ?? priority), energyLowerBound: nil,
                                       stop: .timeLimit)
                    }
                    return try fallback(candidates, bound: min(relaxationBound, unprovenAbove ?? priority), stop: .timeLimit)
                }
                let positions = (0..<n).filter { mask & (1 << $0) != 0 }
                // The exact oracle examines every subset by its own enumeration; the driver first
                // screens by the exact joint test (necessary for any configuration choice).
                if variant != .exhaustive, !fits(positions, candidates).fits { continue }
                let run = try solveAdmitted(positions, candidates)
                if Self.served(run, count: positions.count) {
                    solved.append((positions, run))
                } else if run.solution.status != .infeasible {
                    unprovenAbove = max(unprovenAbove ?? priority, priority)
                }
            }
            if let best = solved.min(by: { Self.energy($0.run) < Self.energy($1.run) }) {
                // Every subset of this priority was examined: the least of their energy bounds is a
                // bound on the least energy at this priority.
                let bounds = solved.map { $0.run.solution.lowerBoundJ ?? ($0.positions.isEmpty ? 0 : nil) }
                let energyBound = bounds.contains { $0 == nil } ? nil : bounds.compactMap { $0 }.min()
                return Outcome(admitted: best.positions, run: best.run, bound: unprovenAbove ?? priority,
                               energyLowerBound: energyBound, stop: nil)
            }
            level = end
        }
        // Unreachable: the empty set is always served.
        return try fallback(candidates, bound: relaxationBound, stop: nil)
    }

    static func samePriority(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * max(abs(a), abs(b), 1) }

    static func energy(_ run: VariantRun) -> Double { run.solution.totalEnergyJ ?? .infinity }

    /// Nothing better in hand: admit nobody.
    func fallback(_ candidates: AdmissionCandidates, bound: Double, stop: SolutionStatus?) throws -> Outcome {
        Outcome(admitted: [], run: try solveAdmitted([], candidates), bound: bound, energyLowerBound: nil, stop: stop)
    }

    // MARK: - Relaxation-guided stage

    func search(_ candidates: AdmissionCandidates, bound: AdmissionBound) throws -> Outcome {
        guard let (members, price) = relaxedSet(candidates, bound: bound) else {
            return try fallback(candidates, bound: bound.value, stop: .timeLimit)
        }
        if let safe = candidates.targetSafe(problem: problem, allowed: variant.menuRestriction(for: problem.profile)),
           let outcome = try searchTargetSafe(safe, leastWork: members, price: price, candidates, bound: bound) {
            return outcome
        }
        return try solveDropping(members, price: price, candidates, bound: bound)
    }

    /// The relaxation-guided set of `candidates` (greedy by priced use at the bound's price,
    /// repaired, extended by witnesses; see the type's comment) and the price of its last exact
    /// verdict; nil when the time ran out while repairing.
    func relaxedSet(_ candidates: AdmissionCandidates, bound: AdmissionBound) -> (members: [Int], price: Double?)? {
        let n = candidates.indices.count
        let p = candidates.priorities
        let order = (0..<n).sorted { bound.weights[$0] * p[$1] < bound.weights[$1] * p[$0] }
        var inSet = [Bool](repeating: false, count: n)
        var used = 0.0
        for i in order where used + bound.weights[i] <= bound.capacity {
            used += bound.weights[i]
            inSet[i] = true
        }
        var admitted: [Int] { (0..<n).filter { inSet[$0] } }

        // Repair: while the set does not fit, the largest priced users at the violating price leave.
        var verdict = fits(admitted, candidates)
        var rounds = 0
        while !verdict.fits && rounds < 64 {
            rounds += 1
            if outOfTime { return nil }
            let members = admitted
            let (weights, capacity) = pricedUse(members, candidates, price: verdict.price)
            let excess = weights.reduce(0, +) - capacity
            let leaving = members.indices.sorted { weights[$0] * p[members[$1]] > weights[$1] * p[members[$0]] }
            var removed = 0.0
            for j in leaving {
                inSet[members[j]] = false
                removed += weights[j]
                if removed >= excess { break }
            }
            verdict = fits(admitted, candidates)
        }
        // Extension by witnesses: at the set's price ν its frontier points are an allocation
        // (Σf ≤ F, Σb ≤ B once it fits); an outside client whose own frontier point at ν fits in
        // what is left joins, and the allocation with it stays a witness, so no test is needed.
        // After each pass the set is re-priced by an exact verdict (its own ν_F), which frees room
        // the old price did not see. A pass is O(n); at most four verdicts.
        let computeBudget = problem.server.computeRateFlopsPerS * (1 - 1e-9)
        let bandBudget = problem.server.bandwidthHz * (1 - 1e-9)
        for round in 0..<4 {
            if round > 0 {
                verdict = FeasibilityFrontier.verdict(tasks: admitted.map { candidates.tasks[$0] },
                                                      computeRate: problem.server.computeRateFlopsPerS,
                                                      bandwidth: problem.server.bandwidthHz,
                                                      threads: settings.decomposition.allocation.threads)
            }
            guard verdict.fits, let price = verdict.price, price.isFinite, !outOfTime else { break }
            var usedF = verdict.computeRateUsed, usedB = verdict.bandwidthUsed
            let outside = (0..<n).filter { !inSet[$0] }
            let points = outside.map { i -> FeasibilityFrontier.Point in
                let task = candidates.tasks[i]
                return FeasibilityFrontier.point(task, price: price,
                                                 startComputeTimeS: FeasibilityFrontier.middle(task))
            }
            let ranked = outside.indices.sorted {
                points[$0].pricedUse * p[outside[$1]] < points[$1].pricedUse * p[outside[$0]]
            }
            var joined = 0
            for j in ranked where usedF + points[j].computeRate <= computeBudget
                && usedB + points[j].bandwidth <= bandBudget {
                usedF += points[j].computeRate
                usedB += points[j].bandwidth
                inSet[outside[j]] = true
                joined += 1
            }
            if joined == 0 && round > 0 { break }
        }

        return (admitted, verdict.price)
    }

    /// Admission with service targets: the relaxation-guided set of the target-safe candidates
    /// (`AdmissionCandidates.targetSafe`), which the variant can serve with every target met; then
    /// grown towards the least-work set `leastWork` (whose members may fit with configurations
    /// mixed within the groups), each step within a short time budget. Nil when the safe set was
    /// not served (the caller then drops members from the least-work set).
    func searchTargetSafe(_ safe: AdmissionCandidates, leastWork: [Int], price: Double?,
                          _ candidates: AdmissionCandidates, bound: AdmissionBound) throws -> Outcome? {
        guard !outOfTime else { return nil }
        let safeBound = AdmissionBound(tasks: safe.tasks, priorities: safe.priorities,
                                       computeRate: problem.server.computeRateFlopsPerS,
                                       bandwidth: problem.server.bandwidthHz)
        guard let (local, _) = relaxedSet(safe, bound: safeBound) else { return nil }
        var position: [Int: Int] = [:]
        for (i, k) in candidates.indices.enumerated() { position[k] = i }
        let members = local.compactMap { position[safe.indices[$0]] }.sorted()
        let solveStarted = elapsed
        let run = try solveAdmitted(members, candidates)
        guard Self.served(run, count: members.count) else { return nil }
        // Grow it towards the least-work set: its members the safe set lacks, in their relaxed
        // order (cheapest priced use per priority first), by bisection on how many join. Each trial
        // is screened by the exact test with least-work configurations and solved within twice
        // what the safe set took (at least 0.5 s): a failing solve can take its whole time limit.
        let safeSet = Set(members)
        let (weights, _) = pricedUse(leastWork, candidates, price: price)
        let p = candidates.priorities
        let extra = leastWork.indices.filter { !safeSet.contains(leastWork[$0]) }
            .sorted { weights[$0] * p[leastWork[$1]] < weights[$1] * p[leastWork[$0]] }
            .map { leastWork[$0] }
        let budget = max(0.5, 2 * (elapsed - solveStarted))
        var best = (members: members, run: run)
        var low = 0, high = extra.count + 1   // `low` joined is served; `high` is not (or untried)
        while !extra.isEmpty && high - low > 1 && !outOfTime {
            let mid = low == 0 && high == extra.count + 1 ? extra.count : (low + high) / 2
            let trial = (members + extra.prefix(mid)).sorted()
            var served = false
            if fits(trial, candidates).fits {
                let attempt = try solveAdmitted(trial, candidates, timeLimitS: budget)
                if Self.served(attempt, count: trial.count) {
                    served = true
                    best = (trial, attempt)
                }
            }
            if served { low = mid } else { high = mid }
        }
        return Outcome(admitted: best.members, run: best.run, bound: bound.value, energyLowerBound: nil, stop: nil)
    }

    /// The variant on the admitted problem `members`; if it finds no allocation, the largest priced
    /// users at `price` leave: doubling the number that leave until it does, then bisection back.
    func solveDropping(_ members: [Int], price: Double?, _ candidates: AdmissionCandidates,
                       bound: AdmissionBound) throws -> Outcome {
        let p = candidates.priorities
        let (weights, _) = pricedUse(members, candidates, price: price)
        let leavingOrder = members.indices.sorted { weights[$0] * p[members[$1]] > weights[$1] * p[members[$0]] }
            .map { members[$0] }
        func keeping(droppingFirst d: Int) -> [Int] {
            let gone = Set(leavingOrder.prefix(d))
            return members.filter { !gone.contains($0) }
        }
        var run = try solveAdmitted(members, candidates)
        if Self.served(run, count: members.count) || outOfTime {
            return Outcome(admitted: members, run: run, bound: bound.value, energyLowerBound: nil,
                           stop: outOfTime && !Self.served(run, count: members.count) ? .timeLimit : nil)
        }
        var failing = 0, working: Int? = nil
        var d = 1
        while working == nil {
            d = min(d, members.count)
            run = try solveAdmitted(keeping(droppingFirst: d), candidates)
            if Self.served(run, count: members.count - d) { working = d } else { failing = d; d *= 2 }
            if outOfTime { break }
        }
        guard var good = working else { return try fallback(candidates, bound: bound.value, stop: .timeLimit) }
        var goodRun = run
        while good - failing > 1 && !outOfTime {
            let mid = (good + failing) / 2
            let trial = try solveAdmitted(keeping(droppingFirst: mid), candidates)
            if Self.served(trial, count: members.count - mid) { good = mid; goodRun = trial } else { failing = mid }
        }
        return Outcome(admitted: keeping(droppingFirst: good), run: goodRun, bound: bound.value, energyLowerBound: nil,
                       stop: good - failing > 1 ? .timeLimit : nil)
    }

    /// The priced uses m_k(ν) of `positions` and the capacity B + νF; at ν = nil (no band can
    /// compensate: Σ C/τ_max ≥ F) the compute rates C/τ_max and the capacity F.
    func pricedUse(_ positions: [Int], _ candidates: AdmissionCandidates, price: Double?)
        -> (weights: [Double], capacity: Double) {
        guard let price, price.isFinite else {
            return (positions.map { let t = candidates.tasks[$0]; return t.flops / (t.windowS - t.minimumTxTimeS) },
                    problem.server.computeRateFlopsPerS)
        }
        let weights = positions.map { i -> Double in
            let task = candidates.tasks[i]
            return FeasibilityFrontier.point(task, price: price,
                                             startComputeTimeS: FeasibilityFrontier.middle(task)).pricedUse
        }
        return (weights, problem.server.bandwidthHz + price * problem.server.computeRateFlopsPerS)
    }

    // MARK: - The solution

    func assemble(_ outcome: Outcome, _ candidates: AdmissionCandidates) -> VariantRun {
        var run = outcome.run
        let admittedProblemIndices = Set(outcome.admitted.map { candidates.indices[$0] })
        var rejected: [Admission.Rejection] = []
        var priority = 0.0
        for (k, client) in problem.clients.enumerated() {
            if admittedProblemIndices.contains(k) {
                priority += client.admissionPriority
            } else if let rejection = candidates.rejections[k] {
                rejected.append(rejection)
            } else {
                rejected.append(Admission.Rejection(
                    id: client.id, reason: .capacity,
                    message: "left out so that the admitted clients fit the shared compute rate and band"))
            }
        }
        let bound = max(outcome.bound, priority)
        var solution = run.solution
        if let energyBound = outcome.energyLowerBound, let total = solution.totalEnergyJ {
            let lower = min(energyBound, total)
            solution.lowerBoundJ = lower
            solution.gap = total > 0 ? max(0, total - lower) / total : 0
            let tolerance = problem.restricted(to: Set(admittedProblemIndices.map { problem.clients[$0].id }))
                .serviceTargets.isEmpty && variant == .flexgen
                ? settings.decomposition.allocation.gapTolerance : settings.decomposition.gapTolerance
            if solution.status == .optimal, let gap = solution.gap, gap > tolerance { solution.status = .feasible }
        }
        let maximal = Self.samePriority(priority, bound) || priority >= bound
        if let stop = outcome.stop {
            solution.status = stop
        } else if solution.status == .optimal && !maximal {
            solution.status = .feasible
        }
        solution.admission = Admission(mode: mode, admittedCount: admittedProblemIndices.count,
                                       admittedPriority: priority, admittedPriorityUpperBound: bound,
                                       rejected: rejected)
        if admittedProblemIndices.isEmpty {
            solution.clients = []
            solution.totalEnergyJ = 0
        }
        run.solution = solution
        return run
    }
}
