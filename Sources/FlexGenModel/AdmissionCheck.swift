/// The independent check of an `admission` block (docs/formats.md, "Admission"):
/// - admitted and rejected ids together are exactly the problem's ids, each once;
/// - `admittedCount` and `admittedPriority` are those of the admitted clients;
/// - `admittedPriorityUpperBound` is at least the admitted priority, and status `optimal` claims
///   they are equal (the admission is maximal);
/// - a `quality` rejection holds: no configuration of the profile meets the requirement;
/// - a `deadline` rejection holds: with every configuration that meets the requirement, the
///   least service time with the whole server (`EnergyModel.minimumServiceTime`, compute at
///   min(F, f_max) under a per-job cap) exceeds the window.
/// A `capacity` rejection is a choice of the solver, not a checkable fact, and is not re-derived.
struct AdmissionCheck {
    var admittedProblem: Problem
    var violations: [Violation] = []

    init(problem: Problem, solution: Solution, admission: Admission, relativeTolerance tol: Double) {
        admittedProblem = problem
        let index = problem.clientIndex
        var rejectedIds = Set<String>()
        func add(_ clients: [String], _ message: String) {
            violations.append(Violation(kind: .admission, clients: clients, message: message))
        }
        for rejection in admission.rejected {
            if index[rejection.id] == nil {
                add([rejection.id], "admission.rejected names client \"\(rejection.id)\", which the problem does not have")
            } else if !rejectedIds.insert(rejection.id).inserted {
                add([rejection.id], "admission.rejected names client \"\(rejection.id)\" twice")
            }
        }
        let decided = Set(solution.clients.map(\.id))
        let both = problem.clients.map(\.id).filter { decided.contains($0) && rejectedIds.contains($0) }
        if !both.isEmpty { add(both, "\(both.count) client(s) are both admitted and rejected") }
        let admitted = Set(problem.clients.map(\.id).filter { !rejectedIds.contains($0) })
        admittedProblem = problem.restricted(to: admitted)

        let priority = admittedProblem.clients.reduce(0.0) { $0 + $1.admissionPriority }
        if admission.admittedCount != admittedProblem.clients.count {
            add([], "admission.admittedCount is \(admission.admittedCount) but \(admittedProblem.clients.count) client(s) are not rejected")
        }
        if !(abs(admission.admittedPriority - priority) <= tol * max(abs(priority), 1)) {
            add([], "admission.admittedPriority is \(fmt(admission.admittedPriority)) but the admitted clients' priorities sum to \(fmt(priority))")
        }
        let bound = admission.admittedPriorityUpperBound
        if !(bound.isFinite && bound >= priority - tol * max(abs(priority), 1)) {
            add([], "admission.admittedPriorityUpperBound \(fmt(bound)) is below the admitted priority \(fmt(priority))")
        }
        if solution.status == .optimal, !(bound <= priority + tol * max(abs(priority), 1)) {
            add([], "status optimal claims a maximal admission, but the admitted priority \(fmt(priority)) is below its bound \(fmt(bound))")
        }

        let profile = problem.profile
        let server = problem.server
        // `capacity` rejections are most of them under heavy overload (45 000 of 100 000 clients at
        // 3× overload) and need nothing re-derived: the menu is filtered for the other two only.
        for rejection in admission.rejected where rejection.reason != .capacity {
            guard let k = index[rejection.id] else { continue }
            let client = problem.clients[k]
            let meeting = profile.configs.filter { c in
                client.qualityRequirement.map { profile.metric.meets(c.quality, requirement: $0) } ?? true
            }
            switch rejection.reason {
            case .quality:
                if !meeting.isEmpty {
                    add([client.id], "rejected for quality, but \(meeting.count) configuration(s) meet its requirement")
                }
            case .deadline:
                guard let least = meeting.map(\.flops).min() else {
                    add([client.id], "rejected for its deadline, but no configuration meets its quality requirement (reason quality)")
                    continue
                }
                let time = EnergyModel.minimumServiceTime(
                    flops: least, computeRate: server.maxComputeRatePerJobFlopsPerS, imageBits: client.imageBits,
                    bandwidthHz: server.bandwidthHz, maxTxPowerW: server.maxTxPowerW,
                    gain: client.channelGain.linear, noisePsd: server.noisePsdWPerHz)
                if time < client.serviceWindowS * (1 - tol) {
                    add([client.id], "rejected for its deadline, but alone it could finish in \(fmt(client.uplinkDelayS + time)) s, before its deadline \(fmt(client.deadlineS)) s")
                }
            case .capacity:
                break
            }
        }
    }
}
