import FlexGenModel

/// The first stage of admission: clients that cannot be served even alone are rejected with their
/// reason, every other client is a candidate with its least-work admissible configuration.
///
/// - `quality`: no configuration the variant may use meets the client's requirement.
/// - `deadline`: with its least-work admissible configuration (the fastest: less work is less
///   compute time, and nothing else depends on the configuration), the client cannot meet its
///   deadline even with the whole compute rate, the whole band and full power.
///
/// When only a variant's restricted menu is at fault (the whole profile has a configuration that
/// would do), the reason is `capacity` instead, with the message saying so: the contract's
/// `quality` and `deadline` are about the profile, and `flexgen check` re-derives them on it.
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
        func leastWork(_ configs: [Configuration], for client: Client) -> Configuration? {
            var least: Configuration?
            for c in configs {
                if let requirement = client.qualityRequirement, !profile.metric.meets(c.quality, requirement: requirement) {
                    continue
                }
                if let l = least, !(c.flops < l.flops || (c.flops == l.flops && profile.metric.isBetter(c.quality, than: l.quality))) {
                    continue
                }
                least = c
            }
            return least
        }
        /// The contract's reasons (`quality`, `deadline`) speak of the whole profile, and
        /// `flexgen check` re-derives them on it: a variant whose restricted menu is what fails
        /// leaves the client out for `capacity` (its own limit), saying so in the message.
        func restrictedOnly(_ client: Client, deadline: Bool) -> Bool {
            guard allowed != nil, let full = leastWork(profile.configs, for: client) else { return false }
            if !deadline { return true }
            return ClientTask(client: client, configuration: full, server: server)
                .canMeetDeadlineAlone(computeRate: server.computeRateFlopsPerS, bandwidth: server.bandwidthHz)
        }
        for (k, client) in problem.clients.enumerated() {
            guard let configuration = leastWork(usable, for: client) else {
                rejections[k] = Admission.Rejection(
                    id: client.id, reason: restrictedOnly(client, deadline: false) ? .capacity : .quality,
                    message: "no configuration\(allowed == nil ? "" : " this solver may use") of profile \"\(profile.name)\" "
                        + "reaches the required \(profile.metric.name) \(client.qualityRequirement ?? .nan)")
                continue
            }
            let task = ClientTask(client: client, configuration: configuration, server: server)
            let service = task.minimumServiceTimeS(computeRate: server.computeRateFlopsPerS, bandwidth: server.bandwidthHz)
            guard task.canMeetDeadlineAlone(computeRate: server.computeRateFlopsPerS, bandwidth: server.bandwidthHz) else {
                let rate = task.hasComputeRateCap && task.maxComputeRateFlopsPerS < server.computeRateFlopsPerS
                    ? "the per-job compute-rate cap" : "whole compute rate"
                rejections[k] = Admission.Rejection(
                    id: client.id, reason: restrictedOnly(client, deadline: true) ? .capacity : .deadline,
                    message: "deadline \(client.deadlineS) s cannot be met even with the whole server: the least reachable "
                        + "latency is \(client.uplinkDelayS + service) s (\(configuration.key), \(rate) and whole band, full power)")
                continue
            }
            indices.append(k)
            tasks.append(task)
            priorities.append(client.admissionPriority)
        }
    }
}
