import FlexGenModel

/// Per client, the configurations worth considering, and the diagnostics of clients left with none.
///
/// A configuration c is *admissible* for client k when it meets k's quality requirement and k
/// alone could meet its deadline with it given the whole server (C_c/min(F, f_max) + D/(B log2(1 +
/// P g/(N0 B))) < T − u, `ClientTask.canMeetDeadlineAlone`). Among admissible ones only the *useful* are kept: for any prices the client's
/// price-adjusted cost φ_kc and its demands for compute and band grow with the work C_c (more work
/// means more compute and less time to transmit), so a configuration with more work and no better
/// quality never helps; and a client in no service target only ever needs its least-work option.
///
/// Layout: the options are one flat buffer (`FlatLists`), and a client's tasks are not stored per
/// option: every option's `ClientTask` is the client's task with the option's work C_c put in
/// (`task(_:_:)`), which is all `ClientTask(client:configuration:server:)` takes from the
/// configuration. At 10^5 clients the stored per-option tasks were a fifth of the solve's peak
/// memory (docs/architecture.md, "Memory at 10^5 clients").
struct ClientMenus: Sendable {
    /// Per client: indices into `problem.profile.configs`, least work first.
    var options: FlatLists<Int>
    /// Per client: its task with the work of its first option (`task(_:_:)` sets the work).
    private var clientTasks: [ClientTask]
    /// Work C_c (FLOP) per profile configuration.
    private var configurationFlops: [Double]
    /// Per client: the index (into the profile) of its least-work admissible configuration.
    var leastWork: [Int]
    /// Clients with no admissible configuration, explained.
    var diagnostics: [Diagnostic]
    /// Whether each client belongs to some service target.
    var inTarget: [Bool]

    init(problem: Problem, pruneDominated: Bool = true, allowed: ((Configuration) -> Bool)? = nil) {
        let server = problem.server
        let metric = problem.profile.metric
        let configs = problem.profile.configs
        var inTarget = [Bool](repeating: false, count: problem.clients.count)
        for target in problem.serviceTargets { for k in target.memberIndices(in: problem) { inTarget[k] = true } }
        self.inTarget = inTarget
        var options = FlatLists<Int>(), clientTasks: [ClientTask] = [], leastWork: [Int] = [], diagnostics: [Diagnostic] = []
        clientTasks.reserveCapacity(problem.clients.count)
        let byWork = configs.indices.filter { allowed?(configs[$0]) ?? true }.sorted {
            configs[$0].flops != configs[$1].flops ? configs[$0].flops < configs[$1].flops
                : metric.isBetter(configs[$0].quality, than: configs[$1].quality)
        }
        for (k, client) in problem.clients.enumerated() {
            let meetsQuality = byWork.filter { c in
                client.qualityRequirement.map { metric.meets(configs[c].quality, requirement: $0) } ?? true
            }
            var admissible: [Int] = []
            var firstTask: ClientTask? = nil
            var fastest = Double.infinity
            for c in meetsQuality {
                let task = ClientTask(client: client, configuration: configs[c], server: server)
                let time = task.minimumServiceTimeS(computeRate: server.computeRateFlopsPerS, bandwidth: server.bandwidthHz)
                fastest = min(fastest, time)
                guard task.canMeetDeadlineAlone(computeRate: server.computeRateFlopsPerS,
                                                bandwidth: server.bandwidthHz) else { continue }
                if pruneDominated, let last = admissible.last {
                    // Least work first: keep c only if it is strictly better than everything kept.
                    if !metric.isBetter(configs[c].quality, than: configs[last].quality) { continue }
                    if !inTarget[k] { continue }
                }
                admissible.append(c)
                if firstTask == nil { firstTask = task }
            }
            if admissible.isEmpty {
                if meetsQuality.isEmpty {
                    diagnostics.append(Diagnostic(
                        constraint: "quality", clients: [client.id],
                        message: "no configuration\(allowed == nil ? "" : " allowed to this solver") meets the quality requirement \(client.qualityRequirement ?? .nan)"))
                } else {
                    diagnostics.append(Diagnostic(
                        constraint: "latency", clients: [client.id],
                        message: "even the whole server\(server.maxJobComputeRateFlopsPerS.map { " (at the per-job cap of \($0) FLOP/s)" } ?? "") "
                            + "cannot meet the deadline \(client.deadlineS) s with any admissible configuration",
                        minimumLatencyS: client.uplinkDelayS + fastest))
                }
            }
            options.append(contentsOf: admissible)
            // A client without options keeps a placeholder (never read) so that indices stay aligned.
            clientTasks.append(firstTask ?? ClientTask(id: client.id, flops: 0, windowS: 0, imageBits: 0, channelGain: 1,
                                                       noisePsdWPerHz: 0, maxTxPowerW: 0, energyPerFlopJ: 0,
                                                       dvfsCoefficient: 0))
            leastWork.append(admissible.first ?? -1)
        }
        self.options = options
        self.clientTasks = clientTasks
        self.configurationFlops = configs.map(\.flops)
        self.leastWork = leastWork
        self.diagnostics = diagnostics
    }

    /// Client k's task on its option n: `ClientTask(client:configuration:server:)` for that
    /// configuration (the client's task with the configuration's work).
    @inline(__always) func task(_ k: Int, _ n: Int) -> ClientTask {
        var task = clientTasks[k]
        task.flops = configurationFlops[options.element(k, n)]
        return task
    }
}
