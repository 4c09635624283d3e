import FlexGenModel

extension AdmissionCandidates {
    /// The candidates again, each with the least-work configuration that meets its own requirement
    /// *and*, individually, the mean-quality target of every service-target group it belongs to;
    /// the candidates no such configuration exists for are left out. Nil when the problem has no
    /// service target.
    ///
    /// Why: the least-work configurations decide which sets fit the budgets, but not whether the
    /// admitted members can also reach their groups' targets. A set that fits with these
    /// configurations can: every member of a group meets the group's target, so the group's mean
    /// does (a mean of values each at least as good as the target is at least as good), and those
    /// configurations are an allocation witness. Admission builds such a set first, so it holds an
    /// admitted problem the variant can solve without the trial and error of dropping members.
    /// It is conservative: mixing configurations within a group can admit more, which the run
    /// tries afterwards when time allows.
    func targetSafe(problem: Problem, allowed: ((Configuration) -> Bool)?) -> AdmissionCandidates? {
        guard !problem.serviceTargets.isEmpty else { return nil }
        let profile = problem.profile
        let metric = profile.metric
        // The strictest target over the groups of each client (the best quality any group asks).
        var strictest: [Int: Double] = [:]
        for target in problem.serviceTargets {
            for k in target.memberIndices(in: problem) {
                if let current = strictest[k], metric.isBetter(current, than: target.meanQualityTarget) { continue }
                strictest[k] = target.meanQualityTarget
            }
        }
        let usable = profile.configs.filter { allowed?($0) ?? true }
        var safe = AdmissionCandidates(indices: [], tasks: [], priorities: [], rejections: rejections)
        for (position, k) in indices.enumerated() {
            guard let target = strictest[k] else {
                safe.append(index: k, task: tasks[position], priority: priorities[position])
                continue
            }
            let client = problem.clients[k]
            var least: Configuration?
            for c in usable where metric.meets(c.quality, requirement: target)
                && (client.qualityRequirement.map { metric.meets(c.quality, requirement: $0) } ?? true) {
                if let l = least, !(c.flops < l.flops || (c.flops == l.flops && metric.isBetter(c.quality, than: l.quality))) {
                    continue
                }
                least = c
            }
            guard let configuration = least else { continue }
            let task = ClientTask(client: client, configuration: configuration, server: problem.server)
            guard task.canMeetDeadlineAlone(computeRate: problem.server.computeRateFlopsPerS,
                                            bandwidth: problem.server.bandwidthHz) else { continue }
            safe.append(index: k, task: task, priority: priorities[position])
        }
        return safe
    }

    init(indices: [Int], tasks: [ClientTask], priorities: [Double], rejections: [Int: Admission.Rejection]) {
        self.indices = indices
        self.tasks = tasks
        self.priorities = priorities
        self.rejections = rejections
    }

    private mutating func append(index: Int, task: ClientTask, priority: Double) {
        indices.append(index)
        tasks.append(task)
        priorities.append(priority)
    }
}
