import Foundation  // replacingOccurrences

/// Validation of a decoded trace (docs/formats.md, `flexgen-trace/1`). The server, the profile and
/// every request's client fields get exactly the checks of a problem (`Problem.validationIssues`,
/// paths renamed from `clients[i]` to `requests[i]`); on top of them:
/// - `frameS` finite and > 0;
/// - every `arrivalS` finite and ≥ 0.
/// Duplicate ids are reported by the problem check (`requests[j].id: duplicate id …`), marked
/// `isRelational` (docs/schemas/trace.schema.json cannot state it).
/// What the contract allows stays valid here: a request's fields are a client's, so a `deadlineS`
/// not longer than its `uplinkDelayS` is a request no schedule can serve (`flexgen simulate` rejects
/// it with reason `deadline`), as the same client in a problem is an infeasible instance, not bad
/// input; and the requests may come in any order (`requestsInArrivalOrder` is what the simulator
/// consumes). A trace with no requests is valid: simulating it gives an empty report.
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
        for (i, request) in requests.enumerated() {
            let arrival = request.arrivalS
            if !arrival.isFinite {
                issues.append(.init(path: "requests[\(i)].arrivalS", reason: "must be a finite number, got \(arrival)"))
            } else if !(arrival >= 0) {
                issues.append(.init(path: "requests[\(i)].arrivalS", reason: "must be >= 0, got \(arrival)"))
            }
        }
        return issues
    }

    /// Throws an `InputError` listing every issue when the trace breaks the contract.
    public func validate() throws {
        let issues = validationIssues()
        if !issues.isEmpty { throw InputError(issues) }
    }

    /// The requests in order of non-decreasing `arrivalS`, simultaneous arrivals in the file's
    /// order (a stable sort): what `OnlineSimulator.run` consumes. The contract states no order
    /// for `requests`, so a trace is not refused for being unsorted. O(n) when already sorted.
    public var requestsInArrivalOrder: [TraceRequest] {
        if zip(requests, requests.dropFirst()).allSatisfy({ $0.arrivalS <= $1.arrivalS }) { return requests }
        return requests.enumerated()
            .sorted { ($0.element.arrivalS, $0.offset) < ($1.element.arrivalS, $1.offset) }
            .map(\.element)
    }

    /// `clients[i]` → `requests[i]` in a problem issue's path or reason.
    static func renamed(_ text: String) -> String {
        text.replacingOccurrences(of: "clients[", with: "requests[")
    }
}
