import Foundation  // String(format:)

/// An independent re-evaluation of a solution against its problem: every client's latency,
/// delivered bits and energies recomputed from the decisions (never trusting the reported
/// values), every constraint's slack, and every violation.
///
/// Tolerance: with relative tolerance `tol` (the contract's 1e-6), an upper bound holds when
/// `lhs ≤ rhs·(1+tol)` and a lower bound when `lhs ≥ rhs·(1−tol)` (for a quality requirement,
/// `tol·|requirement|` on the good side). A reported value agrees with its recomputation when
/// `|reported − recomputed| ≤ tol·max(|reported|, |recomputed|)`; a reported `lowerBoundJ` must not
/// exceed `totalEnergyJ` and a reported `gap` must equal (total − bound)/total within `tol`. The tolerance absorbs the
/// rounding of values that were written as decimal JSON; it is relative because the quantities
/// span 1e-20 (noise) to 1e15 (FLOP/s).
///
/// A solution whose status carries no allocation (`infeasible`, `numerical_error`, or a
/// `time_limit`/`iteration_limit` without clients) is "nothing to check": `hasAllocation` is
/// false, `clients` and `violations` are empty, and `isFeasible` is false (there is no feasible
/// allocation to vouch for) while `passes` is true (nothing it claims is wrong). A solution that
/// lists clients is checked in full whatever its status; `optimal`/`feasible` without a decision
/// for some client is a `missingClient` violation.
public struct Evaluation: Sendable, Hashable {
    public var relativeTolerance: Double
    /// Whether the solution carries an allocation to check.
    public var hasAllocation: Bool
    /// One entry per problem client that has a decision, in the problem's order.
    public var clients: [ClientEvaluation]
    public var serviceTargets: [ServiceTargetEvaluation]
    /// Σ_k (E^c_k + E^t_k), recomputed (J).
    public var totalEnergyJ: Double
    /// Σ_k E^c_k (J).
    public var totalComputeEnergyJ: Double
    /// Σ_k E^t_k (J).
    public var totalTxEnergyJ: Double
    /// Σ_k f_k (FLOP/s) and its budget F.
    public var computeRateUsed: Double
    public var computeRateBudget: Double
    /// Σ_k b_k (Hz) and its budget B.
    public var bandwidthUsed: Double
    public var bandwidthBudget: Double
    public var violations: [Violation]

    /// An allocation exists and every constraint holds within the tolerance.
    public var isFeasible: Bool { hasAllocation && violations.isEmpty }
    /// Nothing the solution claims is wrong (true for "nothing to check").
    public var passes: Bool { violations.isEmpty }
    /// F − Σ f_k (FLOP/s).
    public var computeRateSlack: Double { computeRateBudget - computeRateUsed }
    /// B − Σ b_k (Hz).
    public var bandwidthSlack: Double { bandwidthBudget - bandwidthUsed }
    /// The distinct kinds of violation, in `ConstraintKind` order.
    public var violatedKinds: [ConstraintKind] {
        let kinds = Set(violations.map(\.kind))
        return ConstraintKind.allCases.filter(kinds.contains)
    }

    /// Checks `solution` against `problem`. A solution with an `admission` block is checked against
    /// the problem restricted to its admitted clients (`Problem.restricted(to:)`), and the block
    /// itself is checked (`AdmissionCheck`).
    public init(problem: Problem, solution: Solution, relativeTolerance: Double = 1e-6) {
        guard let admission = solution.admission else {
            self.init(checking: problem, solution: solution, relativeTolerance: relativeTolerance)
            return
        }
        let check = AdmissionCheck(problem: problem, solution: solution, admission: admission,
                                   relativeTolerance: relativeTolerance)
        self.init(checking: check.admittedProblem, solution: solution, relativeTolerance: relativeTolerance)
        violations += check.violations
    }

    private init(checking problem: Problem, solution: Solution, relativeTolerance: Double) {
        let tol = relativeTolerance
        self.relativeTolerance = tol
        let server = problem.server
        computeRateBudget = server.computeRateFlopsPerS
        bandwidthBudget = server.bandwidthHz
        clients = []
        serviceTargets = []
        violations = []
        totalEnergyJ = 0
        totalComputeEnergyJ = 0
        totalTxEnergyJ = 0
        computeRateUsed = 0
        bandwidthUsed = 0
        hasAllocation = solution.hasAllocation
        guard hasAllocation else { return }

        // Match decisions to clients.
        let index = problem.clientIndex
        // Per client index (arrays, not dictionaries: at 10^5 clients the hashing was a visible
        // part of `flexgen check`).
        var decisionOf = [ClientDecision?](repeating: nil, count: problem.clients.count)
        for decision in solution.clients {
            guard let k = index[decision.id] else {
                violations.append(.init(kind: .unknownClient, clients: [decision.id],
                                        message: "the problem has no client \"\(decision.id)\""))
                continue
            }
            if decisionOf[k] != nil {
                violations.append(.init(kind: .unknownClient, clients: [decision.id],
                                        message: "client \"\(decision.id)\" has more than one decision"))
                continue
            }
            decisionOf[k] = decision
        }
        let missing = problem.clients.indices.filter { decisionOf[$0] == nil }.map { problem.clients[$0].id }
        if !missing.isEmpty {
            violations.append(.init(kind: .missingClient, clients: missing,
                                    message: "\(missing.count) client(s) have no decision"))
        }

        let metric = problem.profile.metric
        var qualityOf = [Double?](repeating: nil, count: problem.clients.count)
        for (k, client) in problem.clients.enumerated() {
            guard let d = decisionOf[k] else { continue }
            var local: [Violation] = []
            func add(_ kind: ConstraintKind, _ message: String) {
                local.append(.init(kind: kind, clients: [client.id], message: message))
            }

            // Positivity and finiteness of the decision itself.
            // One call per field, not an array of (name, value) per client: at 10^5 clients the
            // arrays were a visible part of `flexgen check`.
            func finite(_ name: String, _ value: Double) {
                if !value.isFinite { add(.positivity, "\(name) must be finite, got \(value)") }
            }
            finite("width", d.width); finite("flops", d.flops); finite("quality", d.quality)
            finite("computeRateFlopsPerS", d.computeRateFlopsPerS); finite("bandwidthHz", d.bandwidthHz)
            finite("txPowerW", d.txPowerW); finite("txTimeS", d.txTimeS); finite("latencyS", d.latencyS)
            finite("computeEnergyJ", d.computeEnergyJ); finite("txEnergyJ", d.txEnergyJ)
            func positive(_ name: String, _ value: Double) {
                if value.isFinite && !(value > 0) { add(.positivity, "\(name) must be > 0, got \(value)") }
            }
            positive("computeRateFlopsPerS", d.computeRateFlopsPerS); positive("bandwidthHz", d.bandwidthHz)
            positive("txTimeS", d.txTimeS)
            if d.txPowerW.isFinite && d.txPowerW < 0 { add(.positivity, "txPowerW must be >= 0, got \(d.txPowerW)") }

            // The configuration must be on the menu, with the menu's work and quality.
            let config = problem.profile.configuration(d.configurationKey)
            if let config {
                if !agrees(d.flops, config.flops, tol) {
                    add(.configuration, "flops \(d.flops) differs from the profile's \(config.flops) for \(config.key)")
                }
                if !agrees(d.quality, config.quality, tol) {
                    add(.configuration, "quality \(d.quality) differs from the profile's \(config.quality) for \(config.key)")
                }
            } else {
                add(.configuration, "\(d.configurationKey) is not in profile \"\(problem.profile.name)\"")
            }
            // Recompute from the profile's numbers when the configuration is known (the reported
            // ones otherwise), so that a wrong report cannot make a decision look cheaper.
            let flops = config?.flops ?? d.flops
            let quality = config?.quality ?? d.quality
            qualityOf[k] = quality

            let f = d.computeRateFlopsPerS, b = d.bandwidthHz, p = d.txPowerW, t = d.txTimeS
            let g = client.channelGain.linear
            let latency = EnergyModel.latency(uplinkDelayS: client.uplinkDelayS, flops: flops, rate: f, txTimeS: t)
            let bits = EnergyModel.deliveredBits(bandwidthHz: b, txTimeS: t, txPowerW: max(p, 0), gain: g,
                                                 noisePsd: server.noisePsdWPerHz)
            let computeEnergy = EnergyModel.computeEnergy(flops: flops, rate: f, server: server)
            let txEnergy = EnergyModel.txEnergy(txPowerW: p, txTimeS: t)
            let evaluation = ClientEvaluation(
                id: client.id, width: d.width, steps: d.steps, flops: flops, quality: quality,
                qualityRequirement: client.qualityRequirement, computeRateFlopsPerS: f, bandwidthHz: b,
                txPowerW: p, txTimeS: t, computeTimeS: EnergyModel.computeTime(flops: flops, rate: f),
                latencyS: latency, deadlineS: client.deadlineS, deliveredBits: bits, imageBits: client.imageBits,
                computeEnergyJ: computeEnergy, txEnergyJ: txEnergy,
                deadlineSlackS: client.deadlineS - latency, deliverySlackBits: bits - client.imageBits,
                qualitySlack: client.qualityRequirement.map { metric.margin(quality, requirement: $0) },
                powerSlackW: server.maxTxPowerW - p)

            if !(latency <= client.deadlineS * (1 + tol)) {
                add(.latency, "latency \(fmt(latency)) s exceeds deadline \(fmt(client.deadlineS)) s "
                    + "(uplink \(fmt(client.uplinkDelayS)) + compute \(fmt(evaluation.computeTimeS)) + transmit \(fmt(t)))")
            }
            if !(bits >= client.imageBits * (1 - tol)) {
                add(.delivery, "delivers \(fmt(bits)) bits, image needs \(fmt(client.imageBits))")
            }
            if let requirement = client.qualityRequirement,
               !metric.meets(quality, requirement: requirement, relativeTolerance: tol) {
                add(.quality, "\(metric.name) \(fmt(quality)) does not meet requirement \(fmt(requirement)) "
                    + "(\(metric.better.rawValue) is better)")
            }
            if !(p <= server.maxTxPowerW * (1 + tol)) {
                add(.power, "transmit power \(fmt(p)) W exceeds the cap \(fmt(server.maxTxPowerW)) W")
            }
            if let cap = server.maxJobComputeRateFlopsPerS, !(f <= cap * (1 + tol)) {
                add(.jobComputeRate, "compute rate \(fmt(f)) FLOP/s exceeds the per-job cap \(fmt(cap)) FLOP/s")
            }
            func reported(_ name: String, _ reported: Double, _ recomputed: Double) {
                if reported.isFinite && !agrees(reported, recomputed, tol) {
                    add(.reportedValue, "reported \(name) \(fmt(reported)) but recomputed \(fmt(recomputed))")
                }
            }
            reported("latencyS", d.latencyS, latency)
            reported("computeEnergyJ", d.computeEnergyJ, computeEnergy)
            reported("txEnergyJ", d.txEnergyJ, txEnergy)
            violations += local
            clients.append(evaluation)
            totalComputeEnergyJ += computeEnergy
            totalTxEnergyJ += txEnergy
            computeRateUsed += f
            bandwidthUsed += b
        }
        totalEnergyJ = totalComputeEnergyJ + totalTxEnergyJ

        if !(computeRateUsed <= computeRateBudget * (1 + tol)) {
            violations.append(.init(kind: .computeBudget, clients: [],
                                    message: "total compute rate \(fmt(computeRateUsed)) FLOP/s exceeds the budget \(fmt(computeRateBudget)) FLOP/s"))
        }
        if !(bandwidthUsed <= bandwidthBudget * (1 + tol)) {
            violations.append(.init(kind: .bandwidthBudget, clients: [],
                                    message: "total bandwidth \(fmt(bandwidthUsed)) Hz exceeds the budget \(fmt(bandwidthBudget)) Hz"))
        }

        for (j, target) in problem.serviceTargets.enumerated() {
            let members = target.memberIndices(in: problem)
            let qualities = members.compactMap { qualityOf[$0] }
            let mean = qualities.isEmpty ? Double.nan : qualities.reduce(0, +) / Double(qualities.count)
            let ids = members.map { problem.clients[$0].id }
            let evaluation = ServiceTargetEvaluation(index: j, clients: ids, meanQuality: mean,
                                                     target: target.meanQualityTarget,
                                                     slack: metric.margin(mean, requirement: target.meanQualityTarget))
            serviceTargets.append(evaluation)
            if mean.isFinite, !metric.meets(mean, requirement: target.meanQualityTarget, relativeTolerance: tol) {
                violations.append(.init(kind: .serviceTarget, clients: target.clients == nil ? [] : ids,
                                        message: "serviceTargets[\(j)]: mean \(metric.name) \(fmt(mean)) over \(ids.count) client(s) "
                                            + "does not meet target \(fmt(target.meanQualityTarget))",
                                        serviceTarget: j))
            }
        }

        if let reported = solution.totalEnergyJ, !agrees(reported, totalEnergyJ, tol) {
            violations.append(.init(kind: .reportedValue, clients: [],
                                    message: "reported totalEnergyJ \(fmt(reported)) but recomputed \(fmt(totalEnergyJ))"))
        } else if solution.totalEnergyJ == nil, solution.status.certifiesSolution {
            violations.append(.init(kind: .reportedValue, clients: [],
                                    message: "status \(solution.status.rawValue) but totalEnergyJ is missing"))
        }

        // The certificate must be consistent with the reported total: lowerBoundJ ≤ totalEnergyJ
        // (relative tol) and gap = (totalEnergyJ − lowerBoundJ) / totalEnergyJ (absolute tol: the gap
        // is already relative). Both are claims about the reported numbers, so they are checked on those.
        if let total = solution.totalEnergyJ, let bound = solution.lowerBoundJ {
            if !(bound <= total + tol * abs(total)) {
                violations.append(.init(kind: .reportedValue, clients: [],
                                        message: "lowerBoundJ \(fmt(bound)) exceeds totalEnergyJ \(fmt(total))"))
            }
            if let gap = solution.gap {
                let implied = total != 0 ? (total - bound) / total : 0
                if !(abs(gap - implied) <= tol) {
                    violations.append(.init(kind: .reportedValue, clients: [],
                                            message: "gap \(fmt(gap)) but (totalEnergyJ − lowerBoundJ)/totalEnergyJ = \(fmt(implied))"))
                }
            }
        }
    }
}

/// `|a − b| ≤ tol · max(|a|, |b|)`; false for any non-finite value.
func agrees(_ a: Double, _ b: Double, _ tol: Double) -> Bool {
    guard a.isFinite, b.isFinite else { return false }
    return abs(a - b) <= tol * max(abs(a), abs(b))
}

/// A number for a message: 7 significant digits; non-finite values in words, never "nan".
func fmt(_ x: Double) -> String {
    if x.isNaN { return "undefined" }
    if x.isInfinite { return x > 0 ? "infinity" : "-infinity" }
    return String(format: "%.7g", x)
}
