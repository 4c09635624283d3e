import Foundation
import Testing
import FlexGenModel
import FlexGenScenarios
@testable import FlexGenSolver

/// FramePlanner, the simulator and the invariant checker (docs/online.md), against hand
/// computations, the one-frame admission solve, and planted violations.
@Suite struct OnlineTests {
    static let profile = ProfileLaw.sdLike512.profile(name: ProfileLaw.sdLike512Name, widths: ProfileLaw.defaultWidths,
                                                      steps: ProfileLaw.defaultSteps)
    static let server = ScenarioSettings().server

    static func request(_ id: String, at arrival: Double, deadline: Double = 3, uplink: Double = 0.1,
                        requirement: Double? = 20) -> TraceRequest {
        TraceRequest(arrivalS: arrival, client: Client(id: id, deadlineS: deadline, uplinkDelayS: uplink,
                                                       channelGain: .decibels(-100), imageBits: 8e5,
                                                       qualityRequirement: requirement))
    }

    static func trace(load: Double, seconds: Double, seed: UInt64, frameS: Double = 1) -> Trace {
        var s = TraceSettings()
        s.horizonS = seconds
        s.frameS = frameS
        let capacity = TraceGenerator.computeCapacityPerS(scenario: s.scenario, profile: profile)
        s.rate = [.init(startS: 0, ratePerS: load * capacity)]
        return TraceGenerator.generate(settings: s, profile: profile, seed: seed)
    }

    static func simulate(_ trace: Trace, _ settings: FramePlanner.Settings) throws
        -> (report: SimulationReport, tally: OnlineSimulator.Tally) {
        var records: [RequestRecord] = []
        let tally = try OnlineSimulator(trace: trace, settings: settings).run(trace.requests) { records.append($0) }
        let report = SimulationReport(trace: trace.name, policy: settings.policy.rawValue, totals: tally.totals,
                                      requests: records)
        return (report, tally)
    }

    /// Three requests, frame 1 s, planned at t = 1 (hand computation):
    /// - a arrives 0.30, uplink 0.50 (in at 0.80 < 1): remaining uplink 0, compute starts at 1.00;
    ///   remaining deadline 0.30 + 3 − 1 = 2.30.
    /// - b arrives 0.60, uplink 0.60 (in at 1.20 > 1): remaining uplink 0.20, compute starts at 1.20;
    ///   remaining deadline 0.60 + 3 − 1 = 2.60.
    /// - c arrives 1.50: not waiting at t = 1, planned at t = 2 with residual F − Σ f of a and b if
    ///   they still compute at 2, B − Σ b of both (their transmissions end after 2), by the
    ///   `until-end` rule (`peakRuleResidualsAgainstBruteForce` checks the default one).
    @Test func handComputedTinyTrace() throws {
        let a = Self.request("a", at: 0.3, uplink: 0.5), b = Self.request("b", at: 0.6, uplink: 0.6)
        let c = Self.request("c", at: 1.5)
        var untilEnd = FramePlanner.Settings()
        untilEnd.reservation = .untilEnd
        var planner = FramePlanner(server: Self.server, profile: Self.profile, settings: untilEnd)
        let first = try planner.plan(at: 1, arrivals: [a, b])
        #expect(first.planned.count == 2)
        #expect(first.residualComputeRateFlopsPerS == Self.server.computeRateFlopsPerS)
        let sa = try #require(first.planned.first { $0.request.id == "a" }).schedule
        let sb = try #require(first.planned.first { $0.request.id == "b" }).schedule
        #expect(sa.computeStartS == 1.0)
        #expect(abs(sb.computeStartS - 1.2) < 1e-12)
        for s in [sa, sb] {
            #expect(abs(s.computeEndS - (s.computeStartS + s.flops / s.computeRateFlopsPerS)) < 1e-12)
            #expect(s.txStartS == s.computeEndS)
        }
        // Latency from arrival within the 3 s deadline, i.e. within the remaining 2.30 / 2.60 s.
        #expect(sa.txEndS - 0.3 <= 3 * (1 + 1e-9) && sb.txEndS - 0.6 <= 3 * (1 + 1e-9))
        // The one-frame problem the planner solved, written by hand, solved by admission directly.
        let frameServer = Self.server
        var ca = a.client, cb = b.client
        ca.deadlineS = 2.3; ca.uplinkDelayS = 0
        cb.deadlineS = 2.6; cb.uplinkDelayS = 0.6 - 0.4   // 0.6 + 0.6 − 1
        var settings = SolverSettings()
        settings.admission = .maxServed
        let direct = try FlexGenSolver(.flexgen, settings: settings)
            .solve(Problem(name: "hand", server: frameServer, profile: Self.profile, clients: [ca, cb]))
        let da = try #require(direct.clients.first { $0.id == "a" })
        #expect(abs(da.computeRateFlopsPerS / sa.computeRateFlopsPerS - 1) < 1e-6)
        // Frame 2: residual budgets by the reservation rule, by hand from the two schedules.
        let second = try planner.plan(at: 2, arrivals: [c])
        let heldF = [sa, sb].filter { $0.computeEndS > 2 }.map(\.computeRateFlopsPerS).reduce(0, +)
        let heldB = [sa, sb].filter { $0.txEndS > 2 }.map(\.bandwidthHz).reduce(0, +)
        #expect(second.residualComputeRateFlopsPerS == Self.server.computeRateFlopsPerS - heldF)
        #expect(second.residualBandwidthHz == Self.server.bandwidthHz - heldB)
        #expect(heldB > 0)
    }

    /// `ReservationRule.held` on hand-made holds (amounts 1, 2, 4 over [0, 2), [1, 3), [2.5, 4)):
    /// from t = 0 the instants at which they overlap are [1, 2) (1 + 2 = 3) and [2.5, 3) (2 + 4 = 6),
    /// so the peak is 6; from t = 3 only the third is left (4); a hold ending exactly when another
    /// starts does not overlap it (half-open: [0, 1) and [1, 2) peak at 5, not 8). `until-end`
    /// adds every unfinished hold: 7 at t = 0, 4 at t = 3.
    @Test func reservationRulesByHand() {
        let holds: [(start: Double, end: Double, amount: Double)] = [(0, 2, 1), (1, 3, 2), (2.5, 4, 4)]
        #expect(ReservationRule.peak.held(at: 0, holds: holds) == 6)
        #expect(ReservationRule.peak.held(at: 3, holds: holds) == 4)
        #expect(ReservationRule.peak.held(at: 4, holds: holds) == 0)
        #expect(ReservationRule.peak.held(at: 0, holds: [(0, 1, 5), (1, 2, 3)]) == 5)
        #expect(ReservationRule.untilEnd.held(at: 0, holds: holds) == 7)
        #expect(ReservationRule.untilEnd.held(at: 3, holds: holds) == 4)
    }

    /// The default (peak) rule at every frame of a simulation at 1.2× load: the residual budgets
    /// equal F and B less the largest sum of the running jobs' holds over every instant from t on,
    /// found by brute force (the sum evaluated at every hold's start and at t, over the schedules
    /// the planner returned, not its reservations), and the simulation passes the checker.
    @Test func peakRuleResidualsAgainstBruteForce() throws {
        let trace = Self.trace(load: 1.2, seconds: 12, seed: 4, frameS: 0.5)
        var planner = FramePlanner(server: trace.server, profile: trace.profile)
        var schedules: [RequestRecord.Schedule] = []
        var next = 0
        var checkedFrames = 0
        for k in 0..<30 {
            let t = Double(k) * trace.frameS
            var arrivals: [TraceRequest] = []
            while next < trace.requests.count && trace.requests[next].arrivalS <= t {
                arrivals.append(trace.requests[next]); next += 1
            }
            let plan = try planner.plan(at: t, arrivals: arrivals)
            func bruteForcePeak(_ hold: (RequestRecord.Schedule) -> (Double, Double, Double)) -> Double {
                let intervals = schedules.map(hold)
                let instants = [t] + intervals.map { max($0.0, t) }
                return instants.map { s in
                    intervals.filter { $0.0 <= s && s < $0.1 }.map(\.2).reduce(0, +)
                }.max() ?? 0
            }
            let peakF = bruteForcePeak { ($0.computeStartS, $0.computeEndS, $0.computeRateFlopsPerS) }
            let peakB = bruteForcePeak { ($0.txStartS, $0.txEndS, $0.bandwidthHz) }
            let F = trace.server.computeRateFlopsPerS, B = trace.server.bandwidthHz
            #expect(abs(plan.residualComputeRateFlopsPerS - (F - peakF)) <= 1e-12 * F, "frame \(k)")
            #expect(abs(plan.residualBandwidthHz - (B - peakB)) <= 1e-12 * B, "frame \(k)")
            if peakF > 0 && peakB > 0 { checkedFrames += 1 }
            schedules += plan.planned.map(\.schedule)
        }
        #expect(checkedFrames > 10)
        let (report, tally) = try Self.simulate(trace, .init())
        #expect(SimulationCheck(trace: trace, report: report).passes)
        #expect(tally.missed == 0)
    }

    /// The case that the peak rule fixes (docs/online.md, "The reservation rule"): at 0.2× load
    /// (seed 3, frame 1 s) the `until-end` rule leaves the frame at t = 2 no band and loses a
    /// request; the peak rule serves every request, and both pass the checker.
    @Test func peakRuleServesTheLightLoadTrace() throws {
        let trace = Self.trace(load: 0.2, seconds: 30, seed: 3)
        var untilEnd = FramePlanner.Settings()
        untilEnd.reservation = .untilEnd
        let (oldReport, old) = try Self.simulate(trace, untilEnd)
        let (newReport, new) = try Self.simulate(trace, .init())
        #expect(SimulationCheck(trace: trace, report: oldReport).passes)
        #expect(SimulationCheck(trace: trace, report: newReport).passes)
        #expect(old.served < old.requests)
        #expect(new.served == new.requests)
    }

    /// One frame, nothing running: the planner's choice is exactly the admission solve's.
    @Test func singleFrameEqualsAdmissionRun() throws {
        // 200 requests at t = 0 on the paper-default server: more than fit.
        var rng = SeededGenerator(seed: 7)
        let requests = (1...200).map { TraceRequest(arrivalS: 0, client: ScenarioGenerator.drawClient(
            id: "r\($0)", settings: ScenarioSettings(), rng: &rng)) }
        var planner = FramePlanner(server: Self.server, profile: Self.profile,
                                   settings: .init(policy: .flexgenCold, onReject: .drop))
        let plan = try planner.plan(at: 0, arrivals: requests)
        var settings = SolverSettings()
        settings.admission = .maxServed
        let direct = try FlexGenSolver(.flexgen, settings: settings).solve(
            Problem(name: "t0", server: Self.server, profile: Self.profile, clients: requests.map(\.client)))
        #expect(Set(plan.planned.map(\.request.id)) == Set(direct.clients.map(\.id)))
        #expect(plan.planned.count + plan.rejected.count == 200)
        #expect(plan.planned.count < 200 && !plan.planned.isEmpty)
        let energy = plan.planned.map(\.schedule.energyJ).reduce(0, +)
        #expect(abs(energy / (direct.totalEnergyJ ?? .nan) - 1) < 1e-12)
    }

    /// Every policy's simulation passes the independent checker, with no misses, and FlexGen
    /// serves at least as many as every baseline on the same trace.
    @Test func everyPolicyPassesTheChecker() throws {
        let trace = Self.trace(load: 1.2, seconds: 20, seed: 3)
        #expect(trace.requests.count > 50)
        var served: [OnlinePolicy: Int] = [:]
        for policy in OnlinePolicy.allCases {
            let (report, tally) = try Self.simulate(trace, .init(policy: policy))
            let check = SimulationCheck(trace: trace, report: report)
            #expect(check.passes, "\(policy): \(check.violations.prefix(3))")
            #expect(tally.missed == 0)
            #expect(report.requests.count == trace.requests.count)
            #expect(check.peakComputeFraction <= 1 + 1e-9 && check.peakBandFraction <= 1 + 1e-9)
            served[policy] = tally.served
        }
        for policy in OnlinePolicy.allCases where policy != .flexgenCold {
            #expect(served[.flexgen]! >= served[policy]!, "\(policy)")
        }
    }

    /// Warm and cold starts plan every frame alike: at each frame of a simulation, the warm planner
    /// and a copy of it with its prices and the previous frame's admission outcome forgotten (the
    /// same waiting requests and reservations) admit the same requests at energies equal within the
    /// allocation's gap tolerance. (Whole runs are not compared request by request: allocations
    /// equal within the certified gap 1e-9 differ by ~√gap per client, and later frames see slightly
    /// different residual budgets.) At 1.2× load most frames run the admission search; at 0.6× most
    /// take the admission's warm start (`WarmStart.admission`: all candidates solved at once).
    @Test(arguments: [1.2, 0.6]) func warmAndColdAgree(load: Double) throws {
        let trace = Self.trace(load: load, seconds: 20, seed: 5)
        var warm = FramePlanner(server: trace.server, profile: trace.profile, settings: .init(policy: .flexgen))
        #expect(warm.settings.warmStart == .standard)
        var next = 0
        var warmStarted = 0, allAtOnce = 0
        for k in 0..<40 {
            let t = Double(k) * trace.frameS
            var arrivals: [TraceRequest] = []
            while next < trace.requests.count && trace.requests[next].arrivalS <= t {
                arrivals.append(trace.requests[next]); next += 1
            }
            var cold = warm
            cold.lastPrices = nil
            cold.lastFrameAdmittedAll = false
            if warm.lastPrices != nil { warmStarted += 1 }
            if warm.lastFrameAdmittedAll { allAtOnce += 1 }
            let a = try warm.plan(at: t, arrivals: arrivals)
            let b = try cold.plan(at: t, arrivals: arrivals)
            #expect(Set(a.planned.map(\.request.id)) == Set(b.planned.map(\.request.id)), "frame \(k)")
            let ea = a.planned.map(\.schedule.energyJ).reduce(0, +), eb = b.planned.map(\.schedule.energyJ).reduce(0, +)
            #expect(abs(ea - eb) <= 1e-8 * max(ea, eb), "frame \(k): \(ea) vs \(eb)")
        }
        #expect(warmStarted > 10)
        if load < 1 { #expect(allAtOnce > 10) }
    }

    /// The allocation warm-started from a pair of prices converges to the cold solution.
    @Test func allocationWarmStartOnlyChangesSpeed() throws {
        let problem = ScenarioGenerator.generate(settings: ScenarioSettings(), profile: Self.profile, seed: 11)
        let cold = try FlexGenSolver().solve(problem)
        for scale in [0.5, 1.0, 2.0] {
            var settings = SolverSettings()
            let p = try #require(cold.prices)
            settings.decomposition.allocation.initialPrices = .init(computePrice: p.computeJPerFlopsPerS * scale,
                                                                     bandwidthPrice: p.bandwidthJPerHz * scale)
            let warm = try FlexGenSolver(settings: settings).solve(problem)
            #expect(warm.status == cold.status)
            #expect(abs((warm.totalEnergyJ ?? .nan) / (cold.totalEnergyJ ?? .nan) - 1) < 1e-9)
        }
    }

    /// A planner that ignores the reservation over-commits the server; the checker sees it.
    @Test func checkerCatchesAPlannerThatIgnoresReservations() throws {
        let trace = Self.trace(load: 1.5, seconds: 10, seed: 9, frameS: 0.5)
        var settings = FramePlanner.Settings(policy: .flexgenCold)
        settings.reserveRunningJobs = false
        let (report, _) = try Self.simulate(trace, settings)
        let check = SimulationCheck(trace: trace, report: report)
        #expect(!check.passes)
        #expect(check.violations.contains { $0.kind == "compute-budget" || $0.kind == "bandwidth-budget" })
        #expect(check.peakComputeFraction > 1 || check.peakBandFraction > 1)
    }

    /// Planted violations in a hand-made report: two overlapping jobs at 0.6 F each, a late
    /// delivery, and a configuration below the requirement; each is named.
    @Test func checkerCatchesPlantedViolations() throws {
        let server = Server(bandwidthHz: 4e6, noisePsdWPerHz: 1e-20, maxTxPowerW: 1, computeRateFlopsPerS: 2e13,
                            energyPerFlopJ: 1e-12, dvfsCoefficient: 1e-39)
        let profile = Profile(name: "hand", metric: .fid, configs: [
            Configuration(width: 1, steps: 10, flops: 1.2e13, quality: 15),
            Configuration(width: 0.5, steps: 20, flops: 4e12, quality: 25),
        ])
        func req(_ id: String, _ arrival: Double, requirement: Double) -> TraceRequest {
            TraceRequest(arrivalS: arrival, client: Client(id: id, deadlineS: 3, uplinkDelayS: 0, channelGain: .linear(1e-10),
                                                           imageBits: 2e5, qualityRequirement: requirement))
        }
        let trace = Trace(name: "planted", server: server, profile: profile, frameS: 1,
                          requests: [req("x", 0, requirement: 20), req("y", 0, requirement: 20), req("z", 0, requirement: 20)])
        // SNR 3 at b = 1e6, p = 3e-4 (N0 b = 1e-14, p g = 3e-14): 2 bits/s/Hz, 0.1 s carries 2e5 bits.
        func schedule(_ c: Configuration, start: Double, rate: Double) -> RequestRecord.Schedule {
            let end = start + c.flops / rate
            return RequestRecord.Schedule(width: c.width, steps: c.steps, flops: c.flops, quality: c.quality,
                                          computeStartS: start, computeEndS: end, computeRateFlopsPerS: rate,
                                          txStartS: end, txEndS: end + 0.1, bandwidthHz: 1e6, txPowerW: 3e-4,
                                          computeEnergyJ: c.flops * (1e-12 + 1e-39 * rate * rate), txEnergyJ: 3e-5)
        }
        let full = profile.configs[0], small = profile.configs[1]
        // x and y: 1.2e13 each (0.6 F), both over [0, 1): 1.2 F held.
        let x = schedule(full, start: 0, rate: 1.2e13), y = schedule(full, start: 0, rate: 1.2e13)
        // z: the small configuration (FID 25 > 20 asked) and starting late: ends 2.9 + 1 + 0.1 = 4.0 > 3.
        let z = schedule(small, start: 2.9, rate: 4e12)
        let records = [RequestRecord(id: "x", outcome: .served, schedule: x),
                       RequestRecord(id: "y", outcome: .served, schedule: y),
                       RequestRecord(id: "z", outcome: .served, schedule: z)]
        let energy = [x, y, z].map(\.energyJ).reduce(0, +)
        let report = SimulationReport(trace: "planted", policy: "hand", totals: SimulationTotals(
            requests: 3, served: 3, rejected: 0, missed: 0, energyJ: energy, energyPerServedJ: energy / 3,
            plannerTimeMeanS: 0, plannerTimeMaxS: 0), requests: records)
        let check = SimulationCheck(trace: trace, report: report)
        let kinds = Set(check.violations.map(\.kind))
        #expect(kinds == ["compute-budget", "latency", "quality"], "\(check.violations)")
        #expect(abs(check.peakComputeFraction - 1.2) < 1e-12)
        // Without the planted faults (y after x, z alone at the whole F after y, on time with the full model) the same report passes.
        let fixedY = schedule(full, start: 1, rate: 1.2e13), fixedZ = schedule(full, start: 2, rate: 2e13)
        let fixedEnergy = [x, fixedY, fixedZ].map(\.energyJ).reduce(0, +)
        let fixed = SimulationReport(trace: "planted", policy: "hand", totals: SimulationTotals(
            requests: 3, served: 3, rejected: 0, missed: 0, energyJ: fixedEnergy, energyPerServedJ: fixedEnergy / 3,
            plannerTimeMeanS: 0, plannerTimeMaxS: 0),
            requests: [records[0], RequestRecord(id: "y", outcome: .served, schedule: fixedY),
                       RequestRecord(id: "z", outcome: .served, schedule: fixedZ)])
        let ok = SimulationCheck(trace: trace, report: fixed)
        #expect(ok.passes, "\(ok.violations)")
    }

    /// Dropping instead of waiting never serves more; with `wait`, nobody waits past its deadline.
    @Test func onRejectWaitAndDrop() throws {
        let trace = Self.trace(load: 1.5, seconds: 15, seed: 4)
        let wait = try Self.simulate(trace, .init(policy: .flexgen, onReject: .wait))
        let drop = try Self.simulate(trace, .init(policy: .flexgen, onReject: .drop))
        #expect(wait.tally.served >= drop.tally.served)
        #expect(drop.tally.rejected > 0)
        #expect(SimulationCheck(trace: trace, report: wait.report).passes)
        #expect(SimulationCheck(trace: trace, report: drop.report).passes)
    }

    @Test func emptyTraceGivesEmptyReport() throws {
        let trace = Trace(name: "empty", server: Self.server, profile: Self.profile, frameS: 1, requests: [])
        let (report, tally) = try Self.simulate(trace, .init())
        #expect(report.requests.isEmpty && tally.frames == 0 && tally.requests == 0)
        #expect(SimulationCheck(trace: trace, report: report).passes)
    }

    @Test func generatorIsDeterministicAndPoisson() throws {
        let a = Self.trace(load: 1, seconds: 200, seed: 1), b = Self.trace(load: 1, seconds: 200, seed: 1)
        #expect(a == b)
        try a.validate()
        // Count over 200 s at rate λ: Poisson, sd √(200 λ); within 4 sd.
        var s = TraceSettings()
        let rate = TraceGenerator.computeCapacityPerS(scenario: s.scenario, profile: Self.profile)
        let expected = 200 * rate
        #expect(abs(Double(a.requests.count) - expected) < 4 * expected.squareRoot())
        // A piecewise profile: no arrivals where the rate is 0.
        s.horizonS = 30
        s.rate = [.init(startS: 0, ratePerS: 5), .init(startS: 10, ratePerS: 0), .init(startS: 20, ratePerS: 5)]
        let piecewise = TraceGenerator.generate(settings: s, profile: Self.profile, seed: 2)
        #expect(!piecewise.requests.contains { $0.arrivalS >= 10 && $0.arrivalS < 20 })
        #expect(piecewise.requests.contains { $0.arrivalS >= 20 })
    }
}
