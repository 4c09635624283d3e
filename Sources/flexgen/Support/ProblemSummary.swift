import FlexGen

/// `flexgen check PROBLEM` without a solution: what the instance asks for, and per client the
/// least latency any decision could reach (the whole server's compute, at most the per-job cap, for its least-work
/// admissible configuration plus the whole band at full power) — a quick necessary-condition check.
enum ProblemSummary {
    static func render(_ problem: Problem) -> String {
        let s = problem.server, metric = problem.profile.metric
        var lines = [
            "problem \(problem.name): valid · \(problem.clients.count) client(s) · profile \"\(problem.profile.name)\" "
                + "(\(problem.profile.configs.count) configurations, \(metric.name), \(metric.better.rawValue) is better)",
            "server: F = \(num(s.computeRateFlopsPerS, 4)) FLOP/s, B = \(num(s.bandwidthHz, 4)) Hz, "
                + "P_max = \(num(s.maxTxPowerW, 4)) W, N0 = \(num(s.noisePsdWPerHz, 4)) W/Hz, "
                + "e0 = \(num(s.energyPerFlopJ, 4)) J/FLOP, kappa = \(num(s.dvfsCoefficient, 4)) J s^2/FLOP^3"
                + (s.maxJobComputeRateFlopsPerS.map { ", per-job cap f_max = \(num($0, 4)) FLOP/s" } ?? ""),
        ]
        let header = ["client", "deadline s", "uplink s", "gain dB", "image bits", "required", "least-work config",
                      "least latency s"]
        var rows: [[String]] = []
        var unreachable: [String] = []
        for client in problem.clients {
            let admissible = problem.profile.configs.filter { c in
                client.qualityRequirement.map { metric.meets(c.quality, requirement: $0) } ?? true
            }
            let cheapest = admissible.min { $0.flops < $1.flops }
            var least = Double.infinity
            if let cheapest {
                let task = ClientTask(client: client, configuration: cheapest, server: s)
                least = client.uplinkDelayS + task.minimumServiceTimeS(computeRate: s.computeRateFlopsPerS,
                                                                      bandwidth: s.bandwidthHz)
            }
            if !(least <= client.deadlineS) { unreachable.append(client.id) }
            rows.append([client.id, num(client.deadlineS, 4), num(client.uplinkDelayS, 3),
                         num(client.channelGain.decibels, 4), num(client.imageBits, 3),
                         client.qualityRequirement.map { num($0, 4) } ?? "-",
                         cheapest.map { "(\(num($0.width, 3)), \($0.steps))" } ?? "none", num(least, 4)])
        }
        lines += CheckTable.table(header: header, rows: rows)
        for (j, target) in problem.serviceTargets.enumerated() {
            let n = target.clients?.count ?? problem.clients.count
            lines.append("serviceTargets[\(j)]: mean \(metric.name) of \(n) client(s) at least as good as \(num(target.meanQualityTarget, 6))")
        }
        if !unreachable.isEmpty {
            lines.append("note: even alone on the whole server these clients miss their deadline: "
                + unreachable.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
