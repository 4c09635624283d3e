/// Validation of a decoded problem against the contract (docs/model.md, docs/formats.md).
///
/// Decoding already rejects malformed JSON, missing fields, unknown keys and a wrong `format`;
/// validation checks the *values*: every number finite, budgets and sizes positive, ids unique,
/// service targets naming known clients, the per-job compute-rate cap (when given) positive, and
/// the profile. A deadline not longer than the uplink delay is valid: no allocation can serve that
/// client, which `solve` reports as `infeasible` (docs/formats.md), not as bad input.
/// An empty `clients` list is valid (MODEL.md states no rule against it: the least energy is 0),
/// but then no service target may cover "every client" (an empty group has no mean).
/// It collects every issue rather than stopping at the first, each naming its JSON path.
extension Problem {
    /// Every way this problem breaks the contract; empty when it is valid.
    public func validationIssues() -> [InputIssue] {
        var issues: [InputIssue] = []
        // Paths are made only for an issue (autoclosures): at 10^5 clients, five path strings per
        // client were most of the validation's time.
        func positive(_ value: Double, _ path: @autoclosure () -> String) {
            if !value.isFinite { issues.append(.init(path: path(), reason: "must be a finite number, got \(value)")) }
            else if !(value > 0) { issues.append(.init(path: path(), reason: "must be > 0, got \(value)")) }
        }
        func nonNegative(_ value: Double, _ path: @autoclosure () -> String) {
            if !value.isFinite { issues.append(.init(path: path(), reason: "must be a finite number, got \(value)")) }
            else if !(value >= 0) { issues.append(.init(path: path(), reason: "must be >= 0, got \(value)")) }
        }

        positive(server.bandwidthHz, "server.bandwidthHz")
        positive(server.noisePsdWPerHz, "server.noisePsdWPerHz")
        positive(server.maxTxPowerW, "server.maxTxPowerW")
        positive(server.computeRateFlopsPerS, "server.computeRateFlopsPerS")
        nonNegative(server.energyPerFlopJ, "server.energyPerFlopJ")
        nonNegative(server.dvfsCoefficient, "server.dvfsCoefficient")
        if let cap = server.maxJobComputeRateFlopsPerS { positive(cap, "server.maxJobComputeRateFlopsPerS") }

        issues += profile.validationIssues(pathPrefix: "profile")

        var firstIndexOfId: [String: Int] = [:]
        firstIndexOfId.reserveCapacity(clients.count)
        for (k, client) in clients.enumerated() {
            func at() -> String { "clients[\(k)]" }
            if client.id.isEmpty {
                issues.append(.init(path: "\(at()).id", reason: "must not be empty"))
            } else if let first = firstIndexOfId[client.id] {
                issues.append(.init(path: "\(at()).id",
                                    reason: "duplicate id \"\(client.id)\" (already used by clients[\(first)])",
                                    isRelational: true))
            } else {
                firstIndexOfId[client.id] = k
            }
            positive(client.deadlineS, "\(at()).deadlineS")
            nonNegative(client.uplinkDelayS, "\(at()).uplinkDelayS")
            switch client.channelGain {
            case .linear(let g): positive(g, "\(at()).channelGain")
            case .decibels(let db):
                if !db.isFinite {
                    issues.append(.init(path: "\(at()).channelGainDb", reason: "must be a finite number, got \(db)"))
                } else if !(client.channelGain.linear > 0 && client.channelGain.linear.isFinite) {
                    // 10^(dB/10) leaves the Double range below about -3240 dB and above about 3080 dB:
                    // the linear gain g the model needs would be 0 or infinite.
                    issues.append(.init(path: "\(at()).channelGainDb",
                                        reason: "gives a linear gain 10^(dB/10) = \(client.channelGain.linear) that is not "
                                            + "a finite number > 0, got \(db)"))
                }
            }
            positive(client.imageBits, "\(at()).imageBits")
            if let q = client.qualityRequirement, !q.isFinite {
                issues.append(.init(path: "\(at()).qualityRequirement", reason: "must be a finite number, got \(q)"))
            }
            if let priority = client.priority { positive(priority, "\(at()).priority") }
        }

        for (j, target) in serviceTargets.enumerated() {
            let at = "serviceTargets[\(j)]"
            if !target.meanQualityTarget.isFinite {
                issues.append(.init(path: "\(at).meanQualityTarget",
                                    reason: "must be a finite number, got \(target.meanQualityTarget)"))
            }
            guard let ids = target.clients else {
                // Covers every client: with none, the group mean is undefined (as for an explicit []).
                if clients.isEmpty {
                    issues.append(.init(path: at, reason: "covers every client, but the problem has none: "
                                            + "the mean quality of an empty group is undefined", isRelational: true))
                }
                continue
            }
            if ids.isEmpty {
                issues.append(.init(path: "\(at).clients",
                                    reason: "must name at least one client (omit the field to cover every client)"))
            }
            var seen: Set<String> = []
            for (i, id) in ids.enumerated() {
                if firstIndexOfId[id] == nil {
                    issues.append(.init(path: "\(at).clients[\(i)]", reason: "names unknown client \"\(id)\"", isRelational: true))
                } else if !seen.insert(id).inserted {
                    issues.append(.init(path: "\(at).clients[\(i)]", reason: "names client \"\(id)\" twice"))
                }
            }
        }
        return issues
    }

    /// Throws an `InputError` listing every issue when the problem breaks the contract.
    public func validate() throws {
        let issues = validationIssues()
        if !issues.isEmpty { throw InputError(issues) }
    }
}
