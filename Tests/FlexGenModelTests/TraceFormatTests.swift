import Foundation
import Testing
import FlexGenModel
import FlexGenIO

/// `flexgen-trace/1` decoding and validation: every bad input names its JSON path; a report
/// round-trips.
@Suite struct TraceFormatTests {
    static let server = #"{"bandwidthHz": 2e7, "noisePsdWPerHz": 3.98e-21, "maxTxPowerW": 1, "computeRateFlopsPerS": 1e15, "energyPerFlopJ": 1e-12, "dvfsCoefficient": 0}"#
    static let profile = #"{"format": "flexgen-profile/1", "name": "p", "metric": {"name": "FID", "better": "lower"}, "configs": [{"width": 1, "steps": 20, "flops": 1e13, "quality": 15}]}"#

    static func document(frameS: String = "1", requests: [String]) -> Data {
        Data(#"{"format": "flexgen-trace/1", "name": "t", "server": \#(server), "profile": \#(profile), "frameS": \#(frameS), "requests": [\#(requests.joined(separator: ","))]}"#.utf8)
    }

    static func request(_ id: String, _ arrival: String, deadline: String = "3", uplink: String = "0.1") -> String {
        #"{"id": "\#(id)", "arrivalS": \#(arrival), "deadlineS": \#(deadline), "uplinkDelayS": \#(uplink), "channelGainDb": -100, "imageBits": 8e5}"#
    }

    static func issues(_ data: Data) -> [String] {
        do {
            _ = try TraceFile.decode(data, baseDirectory: nil)
            return []
        } catch let error as InputError {
            return error.issues.map(\.description)
        } catch {
            return ["unexpected \(error)"]
        }
    }

    @Test func validTraceDecodesAndRoundTrips() throws {
        let trace = try TraceFile.decode(Self.document(requests: [Self.request("a", "0"), Self.request("b", "0.5")]),
                                         baseDirectory: nil)
        #expect(trace.requests.map(\.id) == ["a", "b"])
        #expect(trace.requests[1].absoluteDeadlineS == 3.5)
        let again = try TraceFile.decode(try TraceFile.encode(trace), baseDirectory: nil)
        #expect(again == trace)
    }

    @Test func emptyTraceIsValid() {
        #expect(Self.issues(Self.document(requests: [])).isEmpty)
    }

    @Test func badInputNamesItsPath() {
        let cases: [([String], String, String)] = [
            ([Self.request("a", "0"), Self.request("a", "0.5")], "1", "requests[1].id: duplicate id"),
            ([Self.request("a", "-0.5")], "1", "requests[0].arrivalS: must be >= 0"),
            ([Self.request("a", "0")], "0", "frameS: must be > 0"),
            ([Self.request("a", "0")], "-1", "frameS: must be > 0"),
            ([Self.request("a", "0", deadline: "-1")], "1", "requests[0].deadlineS: must be > 0"),
        ]
        for (requests, frame, expected) in cases {
            let found = Self.issues(Self.document(frameS: frame, requests: requests))
            #expect(found.contains { $0.hasPrefix(expected) }, "expected \(expected), got \(found)")
        }
        // An unknown key and a missing arrival, by the strict decoder.
        let typo = Self.request("a", "0").replacingOccurrences(of: "\"arrivalS\"", with: "\"arrivalSec\"")
        let found = Self.issues(Self.document(requests: [typo]))
        #expect(found.contains { $0.hasPrefix("requests[0].arrivalSec: unknown key") }, "\(found)")
    }

    @Test func reportRoundTripsAndKnowsItsFormat() throws {
        let schedule = RequestRecord.Schedule(width: 1, steps: 20, flops: 1e13, quality: 15, computeStartS: 1,
                                              computeEndS: 1.5, computeRateFlopsPerS: 2e13, txStartS: 1.5, txEndS: 1.7,
                                              bandwidthHz: 1e6, txPowerW: 0.1, computeEnergyJ: 10, txEnergyJ: 0.02)
        let report = SimulationReport(trace: "t", policy: "flexgen", totals: SimulationTotals(
            requests: 2, served: 1, rejected: 1, missed: 0, energyJ: 10.02, energyPerServedJ: 10.02,
            plannerTimeMeanS: 0.001, plannerTimeMaxS: 0.002),
            requests: [RequestRecord(id: "a", outcome: .served, plannedAtS: 1, schedule: schedule),
                       RequestRecord(id: "b", outcome: .rejected, reason: "capacity")])
        let data = try FlexGenJSON.encode(report)
        #expect(try SimulationReportFile.decode(data) == report)
        #expect(SimulationReportFile.declaredFormat(of: data) == SimulationReport.formatName)
        #expect(SimulationReportFile.declaredFormat(of: Self.document(requests: [])) == Trace.formatName)
    }
}

extension TraceFormatTests {
    /// The rules a JSON Schema cannot state are marked relational (the schema conformance tests
    /// rely on it); single-value rules are not.
    @Test func relationalIssuesAreMarked() {
        func issues(_ data: Data) -> [InputIssue] {
            do { _ = try TraceFile.decode(data, baseDirectory: nil); return [] } catch let error as InputError {
                return error.issues
            } catch { return [] }
        }
        let duplicate = issues(Self.document(requests: [Self.request("a", "0"), Self.request("a", "0.5")]))
        let frame = issues(Self.document(frameS: "0", requests: []))
        #expect(!duplicate.isEmpty && duplicate.allSatisfy(\.isRelational))
        #expect(!frame.isEmpty && !frame.contains(where: \.isRelational))
    }
}

extension TraceFormatTests {
    /// MODEL.md ("arrivals over time") states no order for `requests` and makes a request's fields
    /// other than `arrivalS` "a client's"; a client whose deadline is not longer than its uplink
    /// delay is a valid (unservable) client in a problem. So both traces below are valid input, not
    /// an exit-2 error: unsorted arrivals, and deadlineS < / = uplinkDelayS.
    @Test func contractAllowsAnyOrderAndAnUnservableWindow() throws {
        let unsorted = Self.document(requests: [Self.request("a", "1"), Self.request("b", "0.5"), Self.request("c", "0.5"),
                                                Self.request("d", "0")])
        #expect(Self.issues(unsorted) == [])
        let trace = try TraceFile.decode(unsorted, baseDirectory: nil)
        // The file's order is kept; the arrival order is a stable sort (b before c: both at 0.5).
        #expect(trace.requests.map(\.id) == ["a", "b", "c", "d"])
        #expect(trace.requestsInArrivalOrder.map(\.id) == ["d", "b", "c", "a"])
        for (deadline, uplink) in [("0.1", "0.2"), ("0.2", "0.2")] {
            let short = Self.document(requests: [Self.request("a", "0", deadline: deadline, uplink: uplink)])
            #expect(Self.issues(short) == [], "deadlineS \(deadline), uplinkDelayS \(uplink)")
        }
    }
}
