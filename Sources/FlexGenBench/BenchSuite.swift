import Foundation
import FlexGenModel
import FlexGenIO
import FlexGenScenarios

/// Everything one `flexgen bench` run measured.
public struct BenchResults: Sendable {
    public var settings: BenchSettings
    public var machine: MachineInfo
    public var sweeps: [Sweep] = []
    public var runs = SweepRunner.Results()
    public var summary: [SummaryRow] = []
    /// Runs on problems/paper-default.json itself (sweep name `paper-default.json`).
    public var paperRuns: [RunRecord] = []
    /// The base scenario over seeds with each profile (sweep names `profile:…`).
    public var profileRuns = SweepRunner.Results()
    public var profileSummary: [SummaryRow] = []
    public var scaling: [ScalingBenchmark.Row] = []
    public var io: [IOBenchmark.Row] = []
    /// io benchmark sizes that failed (an error, or the fast and Foundation paths disagreeing).
    public var ioFailures = 0
    public var gap: [OptimalityGapBenchmark.Row] = []
    public var admission: [AdmissionBenchmark.Row] = []
    public var admissionSummary: [AdmissionBenchmark.SummaryRow] = []
    public var overload: [OverloadBenchmark.Row] = []
    public var online: [OnlineBenchmark.Row] = []
    public var onlineSummary: [OnlineBenchmark.SummaryRow] = []
    public var onlineThroughput: OnlineBenchmark.Throughput?
    /// Variants named in the settings that the toolkit does not provide.
    public var missingVariants: [String] = []
    /// Notes for the report (absent files, skipped parts).
    public var notes: [String] = []
    public var wallTimeS = 0.0

    /// Runs whose outcome is a solver defect, across every part.
    public var failureCount: Int {
        runs.failures.count + profileRuns.failures.count + paperRuns.filter(\.outcome.isFailure).count
            + gap.filter { (RunOutcome(rawValue: $0.flexgenStatus)?.isFailure ?? false)
                || (RunOutcome(rawValue: $0.exactStatus)?.isFailure ?? false) }.count
            + scaling.filter { $0.status == "error" || ($0.note.hasPrefix("check failed")) }.count
            + admission.filter(\.isFailure).count + overload.filter(\.isFailure).count
            + online.filter(\.isFailure).count + (onlineThroughput.map { $0.missed > 0 ? 1 : 0 } ?? 0)
            + ioFailures
    }
}

/// Runs the benchmark parts the settings select, then writes results/ and figures/.
public struct BenchSuite: Sendable {
    public var settings: BenchSettings

    public init(settings: BenchSettings) { self.settings = settings }

    public func run(warn: @escaping (String) -> Void) throws -> BenchResults {
        let clock = ContinuousClock()
        let start = clock.now
        var results = BenchResults(settings: settings, machine: .current())
        let make = { (name: String) in BenchVariants.make(name, timeLimitS: settings.solveTimeLimitS) }
        let available = settings.variantNames.compactMap(make)
        results.missingVariants = settings.variantNames.filter { make($0) == nil }
        let needsReference = !settings.parts.isDisjoint(with: [.sweeps, .paper])
        if needsReference, available.first?.name != BenchVariants.reference {
            throw BenchError.referenceMissing(BenchVariants.reference)
        }
        // Read the input files first: bad input fails before minutes of sweeps, not after.
        func readable(_ path: String) -> Bool { settings.parts.contains(.paper) && FileManager.default.fileExists(atPath: path) }
        let paperProblem: Problem?
        let measuredProfile: Profile?
        do {
            paperProblem = readable(settings.paperDefaultPath) ? try ProblemFile.load(path: settings.paperDefaultPath) : nil
        } catch let error as InputError { throw error.inFile(settings.paperDefaultPath) }
        do {
            measuredProfile = readable(settings.measuredProfilePath) ? try ProfileFile.load(path: settings.measuredProfilePath) : nil
        } catch let error as InputError { throw error.inFile(settings.measuredProfilePath) }
        let seeds = (1...UInt64(max(settings.seedCount, 1))).map { $0 }
        let runner = SweepRunner(variants: available, seeds: seeds)

        if settings.parts.contains(.sweeps) {
            results.sweeps = BenchScenarios.sweeps(quick: settings.quick)
                .filter { settings.sweepNames?.contains($0.name) ?? true }
            let bar = ProgressBar(label: "sweeps", total: runner.workCount(results.sweeps), enabled: settings.showProgress)
            results.runs = try runner.run(results.sweeps, progress: { bar.update($0) }, warn: warn)
            bar.finish()
            results.summary = Summarizer.summarize(results.runs.records)
        }

        if settings.parts.contains(.paper) {
            if let problem = paperProblem {
                for variant in available {
                    let (record, _) = SweepRunner.runOne(problem: problem, variant: variant, sweep: "paper-default.json",
                                                         value: Double(problem.clients.count), seed: 0)
                    if record.outcome.isFailure { warn("FAILURE \(variant.name) on paper-default.json: \(record.note)") }
                    results.paperRuns.append(record)
                }
            } else {
                results.notes.append("\(settings.paperDefaultPath) not found: the single-instance table is missing.")
            }
            var sweeps = [profileSweep(name: "sd-like-512", profile: BenchScenarios.sdLikeProfile)]
            if let measured = measuredProfile {
                // Labelled with the profile's own name (digits-measured, fashion-measured, …).
                sweeps.append(profileSweep(name: measured.name,
                                           profile: ProfileAdapter.adapt(measured, onto: BenchScenarios.sdLikeProfile)))
            } else {
                results.notes.append("\(settings.measuredProfilePath) not found: the digits-measured comparison is pending.")
            }
            let bar = ProgressBar(label: "profiles", total: runner.workCount(sweeps), enabled: settings.showProgress)
            results.profileRuns = try runner.run(sweeps, progress: { bar.update($0) }, warn: warn)
            bar.finish()
            results.profileSummary = Summarizer.summarize(results.profileRuns.records)
        }

        if settings.parts.contains(.gap) {
            if let flexgen = make(BenchVariants.reference), let exact = BenchVariants.make(BenchVariants.exact) {
                let gap = OptimalityGapBenchmark(flexgen: flexgen, exact: exact, clientCounts: settings.gapClientCounts,
                                                 seeds: (1...UInt64(max(settings.gapSeedCount, 1))).map { $0 })
                let bar = ProgressBar(label: "gap", total: gap.workCount, enabled: settings.showProgress)
                results.gap = gap.run(progress: { bar.update($0) }, warn: warn)
                bar.finish()
            } else {
                results.notes.append("The exact oracle `\(BenchVariants.exact)` is not available: no optimality-gap table.")
            }
        }

        if settings.parts.contains(.scaling) {
            var targets: [ScalingBenchmark.Target] = []
            if let allocation = BenchVariants.allocationOnly { targets.append(allocation) }
            else { results.notes.append("The allocation entry point is not available: no allocation scaling rows.") }
            if let flexgen = BenchVariants.make(BenchVariants.reference, timeLimitS: settings.scalingSolveTimeLimitS) {
                targets.append(.init(name: "full solve (flexgen, service target 0.5)", serviceTargetTightness: 0.5,
                                     solve: { TimedSolution(try flexgen.solve($0)) }))
            }
            let scaling = ScalingBenchmark(sizes: settings.scalingSizes, targets: targets,
                                           projectedTimeLimitS: settings.scalingProjectedLimitS)
            let bar = ProgressBar(label: "scaling", total: targets.count * settings.scalingSizes.count, enabled: settings.showProgress)
            results.scaling = scaling.run(progress: { bar.update($0) }, warn: warn)
            bar.finish()
        }

        if settings.parts.contains(.admission) {
            let admission = AdmissionBenchmark(loads: settings.admissionLoads,
                                               seeds: (1...UInt64(max(settings.admissionSeedCount, 1))).map { $0 },
                                               timeLimitS: settings.solveTimeLimitS)
            let bar = ProgressBar(label: "admission", total: admission.workCount, enabled: settings.showProgress)
            results.admission = admission.run(progress: { bar.update($0) }, warn: warn)
            bar.finish()
            results.admissionSummary = AdmissionBenchmark.summarize(results.admission)
        }
        if settings.parts.contains(.overload) {
            let overload = OverloadBenchmark(cases: OverloadBenchmark.standard(verdictSizes: settings.overloadVerdictSizes,
                                                                               admissionSizes: settings.overloadAdmissionSizes),
                                             timeLimitS: settings.scalingSolveTimeLimitS)
            let obar = ProgressBar(label: "overload", total: overload.workCount, enabled: settings.showProgress)
            results.overload = overload.run(progress: { obar.update($0) }, warn: warn)
            obar.finish()
        }
        if settings.parts.contains(.io) {
            let bar = ProgressBar(label: "io", total: settings.ioSizes.count, enabled: settings.showProgress)
            var failed = false
            results.io = IOBenchmark(sizes: settings.ioSizes).run(progress: { bar.update($0) }, warn: { failed = true; warn($0) })
            bar.finish()
            if failed { results.ioFailures += 1 }
        }

        if settings.parts.contains(.online) {
            let online = OnlineBenchmark(loads: settings.onlineLoads, frames: settings.onlineFrames,
                                         seeds: (1...UInt64(max(settings.onlineSeedCount, 1))).map { $0 },
                                         horizonS: settings.onlineHorizonS,
                                         throughputHorizonS: settings.onlineThroughputHorizonS,
                                         warmStartHorizonS: settings.onlineWarmStartHorizonS)
            let bar = ProgressBar(label: "online", total: online.workCount, enabled: settings.showProgress)
            results.online = online.run(progress: { bar.update($0) }, warn: warn)
            results.onlineSummary = OnlineBenchmark.summarize(results.online)
            results.onlineThroughput = try online.throughput()
            bar.finish()
        }

        results.wallTimeS = (clock.now - start).seconds
        return results
    }

    /// The paper-default scenario (K = 20, three tiers) over the seeds, with `profile`.
    func profileSweep(name: String, profile: Profile) -> Sweep {
        Sweep(name: "profile:\(name)", label: "K", values: [20]) { value, seed in
            var s = ScenarioSettings()
            s.name = "paper-default-\(name)-seed\(seed)"
            s.clientCount = Int(value)
            return ScenarioGenerator.generate(settings: s, profile: profile, seed: seed)
        }
    }
}

public enum BenchError: Error, CustomStringConvertible {
    case referenceMissing(String)
    case unknownPolicy(String)
    public var description: String {
        switch self {
        case .unknownPolicy(let name):
            "unknown admission policy `\(name)` (known: \(AdmissionPolicies.names.joined(separator: ", ")))"
        case .referenceMissing(let name):
            "the reference variant `\(name)` is not available (or not first in the list): every ratio is taken against it"
        }
    }
}
