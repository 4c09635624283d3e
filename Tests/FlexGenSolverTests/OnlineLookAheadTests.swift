import Foundation
import Testing
import FlexGenModel
import FlexGenScenarios
@testable import FlexGenSolver

/// The look-ahead of `flexgen` admission (docs/online.md, "Look-ahead"): slack by hand, the
/// estimate's closed form, and a frame where weighing by the chance of being served later must
/// plan the request at its last chance that counting requests turns away.
@Suite struct OnlineLookAheadTests {
    /// Slack by hand, frame 0.5 s, least service 0.6 s:
    /// - no uplink left, 2.0 s left: at +0.5 the window is 1.5, at +1.0 it is 1.0, at +1.5 it is
    ///   0.5 < 0.6, so 2 frames;
    /// - 0.8 s of uplink left, 2.0 s left: at +0.5 the window is 2.0 − 0.5 − 0.3 = 1.2, at +1.0 it
    ///   is 1.0, at +1.5 it is 0.5: 2 frames again (the uplink runs whether the request waits or not);
    /// - 1.0 s left: at +0.5 the window is 0.5 < 0.6: 0, this frame is its last chance;
    /// - 100 s left: counted up to the horizon, 8.
    @Test func slackFramesByHand() {
        #expect(FramePlanner.slackFrames(deadlineLeft: 2.0, uplinkLeft: 0, leastServiceS: 0.6, frameS: 0.5) == 2)
        #expect(FramePlanner.slackFrames(deadlineLeft: 2.0, uplinkLeft: 0.8, leastServiceS: 0.6, frameS: 0.5) == 2)
        #expect(FramePlanner.slackFrames(deadlineLeft: 1.0, uplinkLeft: 0, leastServiceS: 0.6, frameS: 0.5) == 0)
        #expect(FramePlanner.slackFrames(deadlineLeft: 100, uplinkLeft: 0, leastServiceS: 0.6, frameS: 0.5)
                == DeferralOutlook.slackHorizon)
        #expect(DeferralOutlook.slackHorizon == 8)
    }

    /// The estimate against its closed form. Before any trial q = 1/2, so the weight is 2^−k
    /// (floored at 0.01: 2^−7 = 0.0078 → 0.01). After n successes in a row the decayed counts are
    /// both T = (1 − d^n) / (1 − d), so q = (T + 1) / (T + 2); after n failures q = 1 / (T + 2).
    @Test func outlookFollowsItsClosedForm() {
        var outlook = DeferralOutlook()
        #expect(outlook.planLaterProbability == 0.5)
        #expect(outlook.weight(slackFrames: 0) == 1)
        for k in 1...6 { #expect(outlook.weight(slackFrames: k) == Foundation.pow(0.5, Double(k))) }
        #expect(outlook.weight(slackFrames: 7) == DeferralOutlook.minimumWeight)
        let d = DeferralOutlook.decay, n = 50
        let t = (1 - Foundation.pow(d, Double(n))) / (1 - d)
        var failing = outlook
        for _ in 0..<n { outlook.record(plannedLater: true) }
        for _ in 0..<n { failing.record(plannedLater: false) }
        #expect(abs(outlook.planLaterProbability - (t + 1) / (t + 2)) < 1e-12)
        #expect(abs(failing.planLaterProbability - 1 / (t + 2)) < 1e-12)
        // Mostly successes (light load): a request that can wait one frame weighs 1 − q = 1/(T + 2).
        #expect(abs(outlook.weight(slackFrames: 1) - 1 / (t + 2)) < 1e-12)
        // Mostly failures (overload): the weights approach 1, as plain counting.
        #expect(failing.weight(slackFrames: 1) > 0.97)
        #expect(failing.weight(slackFrames: 3) > 0.9)
    }

    /// One frame at t = 0, frame length 0.5 s: twenty requests that can wait (deadline 8 s, slack 8)
    /// and one at its last chance (quality tier FID ≤ 16, a window only 0.3 s longer than its least
    /// service time, so at t = 0.5 it could not be served even with the whole server), on a compute
    /// rate of 1/20 of the paper-default server's, which cannot serve them all. Counting requests (no look-ahead) turns the expensive one
    /// away and plans more of the others; with the look-ahead a fresh estimate (q = 1/2) weighs the
    /// others 0.01 each and the last-chance one 1, so it must be planned as long as it fits alone.
    @Test func aLastChanceRequestIsPlannedBeforeOnesThatCanWait() throws {
        let profile = OnlineTests.profile
        var server = OnlineTests.server
        server.computeRateFlopsPerS *= 0.05
        func client(_ id: String, deadline: Double, requirement: Double) -> Client {
            Client(id: id, deadlineS: deadline, uplinkDelayS: 0, channelGain: .decibels(-100), imageBits: 8e5,
                   qualityRequirement: requirement)
        }
        let probe = FramePlanner(server: server, profile: profile)
        let urgentConfiguration = try #require(probe.leastWorkConfiguration(for: client("u", deadline: 1, requirement: 16)))
        let service = EnergyModel.minimumServiceTime(
            flops: urgentConfiguration.flops, computeRate: server.maxComputeRatePerJobFlopsPerS, imageBits: 8e5,
            bandwidthHz: server.bandwidthHz, maxTxPowerW: server.maxTxPowerW,
            gain: ChannelGain.decibels(-100).linear, noisePsd: server.noisePsdWPerHz)
        let urgent = TraceRequest(arrivalS: 0, client: client("urgent", deadline: service + 0.3, requirement: 16))
        let patient = (1...20).map { TraceRequest(arrivalS: 0, client: client("p\($0)", deadline: 8, requirement: 20)) }
        let arrivals = patient + [urgent]

        var counting = FramePlanner.Settings(policy: .flexgen, frameS: 0.5)
        counting.lookAhead = false
        var plain = FramePlanner(server: server, profile: profile, settings: counting)
        let countingPlan = try plain.plan(at: 0, arrivals: arrivals)
        var lookingAhead = FramePlanner(server: server, profile: profile,
                                        settings: .init(policy: .flexgen, frameS: 0.5))
        let lookAheadPlan = try lookingAhead.plan(at: 0, arrivals: arrivals)

        let countingIds = Set(countingPlan.planned.map(\.request.id))
        let lookAheadIds = Set(lookAheadPlan.planned.map(\.request.id))
        // The instance does what it is built for: not everyone fits, and counting drops the urgent one.
        #expect(countingIds.count < arrivals.count)
        #expect(!countingIds.contains("urgent"), "\(countingIds.sorted())")
        #expect(lookAheadIds.contains("urgent"), "\(lookAheadIds.sorted())")
        #expect(lookAheadIds.count <= countingIds.count)
        // Both plans are feasible for the frame: the independent check of the planned schedules.
        for plan in [countingPlan, lookAheadPlan] {
            let compute = plan.planned.map(\.schedule.computeRateFlopsPerS).reduce(0, +)
            let band = plan.planned.map(\.schedule.bandwidthHz).reduce(0, +)
            #expect(compute <= server.computeRateFlopsPerS * (1 + 1e-9))
            #expect(band <= server.bandwidthHz * (1 + 1e-9))
            for p in plan.planned {
                #expect(p.schedule.txEndS <= p.request.arrivalS + p.request.client.deadlineS + 1e-9)
            }
        }
        // The waiting requests' trials start counting: the next frame decides about them.
        #expect(lookingAhead.deferred == Set(arrivals.map(\.id)).subtracting(lookAheadIds))
    }
}
