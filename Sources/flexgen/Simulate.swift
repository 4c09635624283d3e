import ArgumentParser
import Foundation
import FlexGen

/// `flexgen simulate TRACE --policy NAME -o REPORT`: frame-by-frame planning of a trace, then the
/// independent invariant check of the whole timeline.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate a flexgen-trace/1 frame by frame with a policy; write and check the flexgen-simulation/1 report.",
        discussion: """
            At every frame boundary (multiples of the trace's frameS) the waiting requests are planned \
            on the compute rate and band that running jobs leave free (docs/online.md). The report lists \
            every request's outcome (served, rejected, missed) and schedule. The invariant checker \
            (the one `flexgen check TRACE REPORT` runs) then sweeps the timeline: held rates <= F and \
            bands <= B at every instant, and every served request's latency, delivered bits, quality \
            and energies re-derived. Exit codes: 0 the report checks, 1 a violation (listed on \
            stderr; the report is still written, for inspection), 2 bad input. Policies: \
            \(OnlinePolicy.allCases.map { "\($0.rawValue) (\($0.summary))" }.joined(separator: "; ")).
            """)

    @Argument(help: "The flexgen-trace/1 file.") var trace: String

    @Option(help: ArgumentHelp("Policy: \(OnlinePolicy.allCases.map(\.rawValue).joined(separator: ", ")).",
                               valueName: "name"))
    var policy: OnlinePolicy = .flexgen

    @Option(help: ArgumentHelp("A request a frame does not plan: wait for the next frame (until its deadline can no "
                               + "longer be met), or drop it.", valueName: "wait|drop"))
    var onReject: RejectAction = .wait

    @Option(help: ArgumentHelp("How running jobs' holds become a frame's budgets: the peak of what they hold at once "
                               + "from the frame on (peak), or every unfinished hold whole (until-end; docs/online.md).",
                               valueName: "peak|until-end"))
    var reservation: ReservationRule = .peak

    @Flag(inversion: .prefixedNo,
          help: ArgumentHelp("The flexgen policies' admission weighs each request by its estimated chance of being lost "
                             + "if this frame leaves it waiting, and a frame of few requests leaves band for the arrivals "
                             + "expected during their transmissions (docs/online.md, \"Look-ahead\"); --no-look-ahead counts "
                             + "every request alike and offers each frame all the residual band. Other policies ignore it."))
    var lookAhead = true

    @Option(help: ArgumentHelp("Also write one CSV line per request (id, outcome, times, rates, energies).", valueName: "file"))
    var csv: String?

    @Option(help: "Relative tolerance of the invariant checker.") var tolerance: Double = 1e-6

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard tolerance.isFinite, tolerance >= 0, tolerance < 1 else {
            throw ValidationError("--tolerance: must be in [0, 1), got \(tolerance)")
        }
        if output.json { throw ValidationError("--json: the report is JSON already; use -o FILE") }
        if let csv {
            let folder = URL(fileURLWithPath: csv).deletingLastPathComponent().path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--csv: folder \(folder) does not exist")
            }
        }
    }

    func run() throws {
        let trace: Trace
        do { trace = try TraceFile.load(path: self.trace) } catch let error as InputError { throw error.inFile(self.trace) }
        var settings = FramePlanner.Settings(policy: policy, onReject: onReject)
        settings.solver = SolverSettings()
        settings.reservation = reservation
        settings.lookAhead = settings.lookAhead && lookAhead
        let simulator = OnlineSimulator(trace: trace, settings: settings)
        let horizon = trace.requests.map(\.arrivalS).max().map { Int(($0 / trace.frameS).rounded(.up)) + 1 } ?? 1
        let bar = ProgressBar(label: "simulate", total: horizon)
        var records: [RequestRecord] = []
        records.reserveCapacity(trace.requests.count)
        let tally = try simulator.run(trace, frame: { plan, tally in
            bar.update(min(Int(plan.timeS / trace.frameS), horizon),
                       detail: "served \(tally.served) rejected \(tally.rejected)")
        }, record: { records.append($0) })
        bar.finish()
        let report = SimulationReport(trace: trace.name, policy: policy.rawValue, onReject: onReject.rawValue,
                                      frameS: trace.frameS, totals: tally.totals, requests: records)
        let check = SimulationCheck(trace: trace, report: report, relativeTolerance: tolerance)
        try output.emit(try FlexGenJSON.encode(report))
        if let csv { try AtomicFile.write(Self.csv(records), to: csv) }
        printError(SimulationSummary.render(report: report, check: check))
        if !check.passes { throw ExitCode(CLIExit.verdictNo) }
    }

    static func csv(_ records: [RequestRecord]) -> String {
        var lines = ["id,outcome,reason,planned_at_s,width,steps,quality,compute_start_s,compute_end_s,compute_rate_flops_per_s,"
                     + "tx_start_s,tx_end_s,bandwidth_hz,tx_power_w,compute_energy_j,tx_energy_j"]
        lines.reserveCapacity(records.count + 1)
        for r in records {
            var fields = [r.id, r.outcome.rawValue, r.reason ?? "", r.plannedAtS.map { "\($0)" } ?? ""]
            if let s = r.schedule {
                fields += [s.width, Double(s.steps), s.quality, s.computeStartS, s.computeEndS, s.computeRateFlopsPerS,
                           s.txStartS, s.txEndS, s.bandwidthHz, s.txPowerW, s.computeEnergyJ, s.txEnergyJ].map { "\($0)" }
            } else {
                fields += Array(repeating: "", count: 12)
            }
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension OnlinePolicy: ExpressibleByArgument {}
extension RejectAction: ExpressibleByArgument {}
extension ReservationRule: ExpressibleByArgument {}

/// The human-readable lines `flexgen simulate` and `flexgen check TRACE REPORT` print.
enum SimulationSummary {
    static func render(report: SimulationReport, check: SimulationCheck) -> String {
        let t = report.totals
        func share(_ n: Int) -> String { t.requests > 0 ? String(format: "%.1f %%", 100 * Double(n) / Double(t.requests)) : "–" }
        var lines = [
            "trace \(report.trace), policy \(report.policy)" + (report.onReject.map { ", on reject: \($0)" } ?? ""),
            "requests \(t.requests): served \(t.served) (\(share(t.served))), rejected \(t.rejected), missed \(t.missed)",
            "energy \(String(format: "%.6g", t.energyJ)) J" + (t.energyPerServedJ.map { String(format: ", %.6g J per served image", $0) } ?? ""),
            String(format: "planner time per frame: mean %.3g s, max %.3g s", t.plannerTimeMeanS, t.plannerTimeMaxS),
            String(format: "invariants: peak held compute %.4f of F, peak held band %.4f of B", check.peakComputeFraction,
                   check.peakBandFraction),
        ]
        if check.passes {
            lines.append("check: every invariant holds (tolerance \(check.relativeTolerance))")
        } else {
            lines.append("check: \(check.violationCount) violation(s):")
            lines += check.violations.map { "  \($0)" }
        }
        return lines.joined(separator: "\n")
    }
}
