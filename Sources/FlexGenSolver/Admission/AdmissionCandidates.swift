import FlexGenModel

/// The first stage of admission: clients that cannot be served even alone are rejected with their
/// reason, every other client is a candidate with its least-work admissible configuration.
///
/// - `quality`: no configuration the variant may use meets the client's requirement.
/// - `deadline`: with its least-work admissible configuration (the fastest: less work is less
///   compute time, and nothing else depends on the configuration), the client cannot meet its
///   deadline even with the whole compute rate, the whole band and full power.
///
/// For deciding *which* candidates fit, the least-work configuration is the right one: a client's
/// set of feasible (compute rate, band) pairs only shrinks as its work grows, so any admitted set
/// that fits with some configurations fits with the least-work ones (service targets aside, which
/// `AdmissionRun` handles by solving the admitted problem).
struct AdmissionCandidates {
    /// Indices into `problem.clients` of the candidates, in the problem's order.
    var indices: [Int]
    /// Per candidate: its least-work admissible configuration's task.
    var tasks: [ClientTask]
    /// Per candidate: its priority.
    var priorities: [Double]
    /// Rejections decided here, by problem index.
    var rejections: [Int: Admission.Rejection]

    init(problem: Problem, allowed: ((Configuration) -> Bool)?) {
        let profile = problem.profile
        let server = problem.server
        let usable = profile.configs.filter { allowed?($0) ?? true }
        indices = []
        tasks = []
        priorities = []
        rejections = [:]
        for (k, client) in problem.clients.enumerated() {
            var least: Configuration?
            for c in usable {
                if let requirement = client.qualityRequirement, !profile.metric.meets(c.quality, requirement: requirement) {
                    continue
                }
                if let l = least, !(c.flops < l.flops || (c.flops == l.flops && profile.metric.isBetter(c.quality, than: l.quality))) {
                    continue
                }
                least = c
            }
            guard let configuration = least else {
                rejections[k] = Admission.Rejection(
                    id: client.id, reason: .quality,
                    message: "no configuration\(allowed == nil ? "" : " this solver may use") of profile \"\(profile.name)\" "
                        + "reaches the required \(profile.metric.name) \(client.qualityRequirement ?? .nan)")
                continue
            }
            let task = ClientTask(client: client, configuration: configuration, server: server)
            let service = task.minimumServiceTimeS(computeRate: server.computeRateFlopsPerS, bandwidth: server.bandwidthHz)
            guard service < task.windowS else {
                rejections[k] = Admission.Rejection(
                    id: client.id, reason: .deadline,
                    message: "deadline \(client.deadlineS) s cannot be met even with the whole server: the least reachable "
                        + "latency is \(client.uplinkDelayS + service) s (\(configuration.key), whole compute rate and band, full power)")
                continue
            }
            indices.append(k)
            tasks.append(task)
            priorities.append(client.admissionPriority)
        }
    }
}
