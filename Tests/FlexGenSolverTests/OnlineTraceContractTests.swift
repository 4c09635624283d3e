import Foundation
import Testing
import FlexGenModel
@testable import FlexGenSolver

/// Traces the contract allows although FlexGen's own `flexgen trace` never writes them (MODEL.md,
/// "arrivals over time"): requests in any order, and a request whose deadline is not longer than
/// its uplink delay (its fields are a client's, and that client is valid in a problem).
@Suite struct OnlineTraceContractTests {
    static func trace(_ requests: [TraceRequest]) -> Trace {
        Trace(name: "contract", server: OnlineTests.server, profile: OnlineTests.profile, frameS: 1, requests: requests)
    }

    static func simulate(_ trace: Trace) throws -> SimulationReport {
        var records: [RequestRecord] = []
        let tally = try OnlineSimulator(trace: trace).run(trace) { records.append($0) }
        return SimulationReport(trace: trace.name, policy: "flexgen", totals: tally.totals, requests: records)
    }

    /// The same requests listed out of order are planned exactly as the sorted list: the simulator
    /// takes them by arrival (a stable sort, so b before c, both at 0.5 s), and the report checks.
    @Test func unsortedTracePlansAsTheSortedOne() throws {
        let a = OnlineTests.request("a", at: 1.2), b = OnlineTests.request("b", at: 0.5)
        let c = OnlineTests.request("c", at: 0.5), d = OnlineTests.request("d", at: 0)
        let unsorted = Self.trace([a, b, c, d])
        let sorted = Self.trace([d, b, c, a])
        #expect(unsorted.validationIssues() == [])
        let fromUnsorted = try Self.simulate(unsorted)
        let fromSorted = try Self.simulate(sorted)
        #expect(fromUnsorted.requests == fromSorted.requests)
        #expect(Set(fromUnsorted.requests.map(\.id)) == ["a", "b", "c", "d"])
        let check = SimulationCheck(trace: unsorted, report: fromUnsorted)
        #expect(check.passes, "\(check.violations)")
    }

    /// deadlineS 0.1 s with uplinkDelayS 0.2 s, and 0.2 s with 0.2 s: no time is left to compute
    /// and send, so no schedule can serve them (latency ≥ uplink ≥ deadline, and C/f > 0): each is
    /// `rejected` with reason `deadline`, never planned, and the third request is served as usual.
    @Test func requestWithoutServiceWindowIsRejectedForItsDeadline() throws {
        let early = OnlineTests.request("early", at: 0, deadline: 0.1, uplink: 0.2)
        let even = OnlineTests.request("even", at: 0, deadline: 0.2, uplink: 0.2)
        let fine = OnlineTests.request("fine", at: 0)
        let trace = Self.trace([early, even, fine])
        #expect(trace.validationIssues() == [])
        let report = try Self.simulate(trace)
        let byId = Dictionary(uniqueKeysWithValues: report.requests.map { ($0.id, $0) })
        for id in ["early", "even"] {
            let record = try #require(byId[id])
            #expect(record.outcome == .rejected && record.reason == "deadline" && record.schedule == nil, "\(record)")
        }
        #expect(byId["fine"]?.outcome == .served)
        #expect(report.totals.requests == 3 && report.totals.rejected == 2 && report.totals.served == 1)
        let check = SimulationCheck(trace: trace, report: report)
        #expect(check.passes, "\(check.violations)")
    }
}

extension OnlineTraceContractTests {
    /// MODEL.md: "The server plans at every frame boundary (multiples of frameS) the requests that
    /// are waiting". A request arriving at 0.31 s (uplink 0.1 s, frame 1 s) is first planned at
    /// t = 1, so its compute cannot start before 1 s. Moving its whole schedule 0.5 s earlier
    /// (compute from 0.5 s, after its uplink ends at 0.41 s, every duration, rate and energy
    /// unchanged) breaks only that rule, and the checker must say so.
    @Test func checkerRefusesComputeBeforeTheFirstFrameBoundary() throws {
        let trace = Self.trace([OnlineTests.request("r", at: 0.31)])
        var report = try Self.simulate(trace)
        #expect(SimulationCheck(trace: trace, report: report).passes)
        var schedule = try #require(report.requests[0].schedule)
        #expect(schedule.computeStartS == 1)
        for keyPath in [\RequestRecord.Schedule.computeStartS, \.computeEndS, \.txStartS, \.txEndS] {
            schedule[keyPath: keyPath] -= 0.5
        }
        report.requests[0].schedule = schedule
        let check = SimulationCheck(trace: trace, report: report)
        #expect(check.violations.map(\.kind) == ["schedule"], "\(check.violations)")
        #expect(check.violations.first?.message.contains("first frame boundary") == true)
    }
}
