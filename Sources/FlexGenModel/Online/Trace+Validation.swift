import Foundation  // replacingOccurrences

/// Validation of a decoded trace (docs/formats.md, `flexgen-trace/1`). The server, the profile and
/// every request's client fields get exactly the checks of a problem (`Problem.validationIssues`,
/// paths renamed from `clients[i]` to `requests[i]`); on top of them:
/// - `frameS` finite and > 0;
/// - every `arrivalS` finite and ≥ 0, and the requests sorted by it (non-decreasing): the
///   simulator and `FramePlanner` consume them in one pass;
/// - every request's `deadlineS` > its `uplinkDelayS` (no time would be left to compute and send).
/// Duplicate ids are reported by the problem check (`requests[j].id: duplicate id …`). The order
/// and the deadline-vs-uplink rule relate two values, which docs/schemas/trace.schema.json cannot
/// state: they are marked `isRelational`, as the duplicate id is.
/// A trace with no requests is valid: simulating it gives an empty report.
extension Trace {
    public func validationIssues() -> [InputIssue] {
        var issues: [InputIssue] = []
        if !frameS.isFinite {
            issues.append(.init(path: "frameS", reason: "must be a finite number, got \(frameS)"))
        } else if !(frameS > 0) {
            issues.append(.init(path: "frameS", reason: "must be > 0, got \(frameS)"))
        }
        let asProblem = problem(name: name, clients: requests.map(\.client))
        for issue in asProblem.validationIssues() {
            issues.append(.init(path: Self.renamed(issue.path), reason: Self.renamed(issue.reason),
                                isRelational: issue.isRelational))
        }
        var previous = -Double.infinity
        for (i, request) in requests.enumerated() {
            let at = "requests[\(i)]"
            let arrival = request.arrivalS
            if !arrival.isFinite {
                issues.append(.init(path: "\(at).arrivalS", reason: "must be a finite number, got \(arrival)"))
                continue
            }
            if !(arrival >= 0) {
                issues.append(.init(path: "\(at).arrivalS", reason: "must be >= 0, got \(arrival)"))
            }
            if arrival < previous {
                issues.append(.init(path: "\(at).arrivalS",
                                    reason: "requests must be sorted by arrivalS: \(arrival) comes after \(previous) "
                                        + "(requests[\(i - 1)])", isRelational: true))
            }
            previous = max(previous, arrival)
            let client = request.client
            if client.deadlineS.isFinite, client.uplinkDelayS.isFinite, client.deadlineS > 0,
               client.uplinkDelayS >= 0, !(client.deadlineS > client.uplinkDelayS) {
                issues.append(.init(path: "\(at).deadlineS",
                                    reason: "must be > uplinkDelayS (\(client.uplinkDelayS)), got \(client.deadlineS): "
                                        + "no time is left to compute and send the image", isRelational: true))
            }
        }
        return issues
    }

    /// Throws an `InputError` listing every issue when the trace breaks the contract.
    public func validate() throws {
        let issues = validationIssues()
        if !issues.isEmpty { throw InputError(issues) }
    }

    /// `clients[i]` → `requests[i]` in a problem issue's path or reason.
    static func renamed(_ text: String) -> String {
        text.replacingOccurrences(of: "clients[", with: "requests[")
    }
}
