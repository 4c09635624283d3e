import Foundation
import Testing
import FlexGenModel
import FlexGenScenarios
@testable import FlexGenSolver

/// The band headroom for arrivals (docs/online.md, "Band headroom for arrivals"): the estimate's
/// closed forms, and a lone request planned with and without it.
@Suite struct ArrivalOutlookTests {
    /// Before any data the share is 1. Three arrivals every 0.5 s: the decayed counts and times carry
    /// the same geometric factor, so the rate is 6/s exactly at every step; one transmission time
    /// repeated is its own mean, and two give the decayed mean (0.99·a + b)/(0.99 + 1). With λ = 6/s and
    /// τ = 0.5 s, m = 3: one request gets 1/3 of the band, three or more all of it.
    @Test func outlookFollowsItsClosedForms() {
        var outlook = ArrivalOutlook()
        #expect(outlook.expectedOverlap == nil && outlook.bandShare(requests: 1) == 1)
        outlook.record(arrivals: 2, elapsedS: 0)                     // the first frame: no time yet
        #expect(outlook.arrivalRate == nil && outlook.bandShare(requests: 1) == 1)
        var steady = ArrivalOutlook()
        for _ in 0..<200 { steady.record(arrivals: 3, elapsedS: 0.5) }
        #expect(abs((steady.arrivalRate ?? 0) - 6) < 1e-12)
        #expect(steady.expectedOverlap == nil)                        // no transmission yet
        steady.record(transmissionS: 0.5)
        steady.record(transmissionS: 0.5)
        #expect(abs((steady.meanTransmissionS ?? 0) - 0.5) < 1e-15)
        #expect(abs((steady.expectedOverlap ?? 0) - 3) < 1e-12)
        #expect(abs(steady.bandShare(requests: 1) - 1.0 / 3) < 1e-12)
        #expect(steady.bandShare(requests: 3) == 1 && steady.bandShare(requests: 50) == 1)
        var two = ArrivalOutlook()
        two.record(transmissionS: 2)
        two.record(transmissionS: 4)
        #expect(abs((two.meanTransmissionS ?? 0) - (0.99 * 2 + 4) / 1.99) < 1e-15)
        // A long quiet spell: the old arrivals fade (e^(−60/30) of their weight after 60 s).
        var quiet = steady
        quiet.record(arrivals: 0, elapsedS: 60)
        #expect((quiet.arrivalRate ?? 99) < 6)
    }

    /// Frames of 1 ms, one request at a time arriving every 0.1 s for 10 s, then one more at the next
    /// arrival time. Without the headroom (look-ahead off) the last request is planned on the whole
    /// residual band; with it, on at most the share the outlook gives one request at that frame,
    /// which is below 1: the arrivals' rate (10/s) times the transmissions' mean time exceeds one.
    /// Every plan keeps the held bands within B.
    @Test func aLoneRequestLeavesBandForTheArrivalsExpected() throws {
        let profile = OnlineTests.profile, server = OnlineTests.server
        func request(_ i: Int) -> TraceRequest {
            TraceRequest(arrivalS: Double(i) * 0.1, client: Client(id: "r\(i)", deadlineS: 6, uplinkDelayS: 0,
                                                               channelGain: .decibels(-100), imageBits: 8e5,
                                                               qualityRequirement: 20))
        }
        func run(lookAhead: Bool) throws -> (plan: FramePlan, share: Double) {
            var settings = FramePlanner.Settings(policy: .flexgen, frameS: 0.001)
            settings.lookAhead = lookAhead
            var planner = FramePlanner(server: server, profile: profile, settings: settings)
            for i in 0..<100 { _ = try planner.plan(at: Double(i) * 0.1, arrivals: [request(i)]) }
            // The share the last frame will use: the outlook after recording its own arrival.
            var probe = planner.arrivalOutlook
            probe.record(arrivals: 1, elapsedS: 0.1)
            return (try planner.plan(at: 10, arrivals: [request(100)]), probe.bandShare(requests: 1))
        }
        let (plain, _) = try run(lookAhead: false)
        let (headroom, share) = try run(lookAhead: true)
        let plainBand = try #require(plain.planned.first?.schedule.bandwidthHz)
        let headroomBand = try #require(headroom.planned.first?.schedule.bandwidthHz)
        #expect(share < 1)
        #expect(abs(plainBand - plain.residualBandwidthHz) <= 1e-6 * server.bandwidthHz,
                "\(plainBand) of a residual \(plain.residualBandwidthHz)")
        #expect(headroomBand <= share * headroom.residualBandwidthHz * (1 + 1e-9),
                "\(headroomBand) of \(share) × \(headroom.residualBandwidthHz)")
        for plan in [plain, headroom] {
            #expect(plan.residualBandwidthHz <= server.bandwidthHz)
            #expect(plan.planned.map(\.schedule.bandwidthHz).reduce(0, +) <= plan.residualBandwidthHz * (1 + 1e-9))
        }
    }
}
