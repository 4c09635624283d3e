import Foundation
import Testing
import FlexGenModel
@testable import FlexGenBench

/// The harness on a one-client problem whose solutions are built by hand, with stub "solvers"
/// that succeed, waste energy, violate the compute budget, refuse, or throw.
@Suite struct SweepRunnerTests {
    static let server = Server(bandwidthHz: 1e6, noisePsdWPerHz: 1e-20, maxTxPowerW: 1, computeRateFlopsPerS: 1e14,
                               energyPerFlopJ: 1e-12, dvfsCoefficient: 1e-40)
    static let profile = Profile(name: "two", metric: .fid, configs: [
        Configuration(width: 1, steps: 50, flops: 4e13, quality: 13),
        Configuration(width: 0.5, steps: 20, flops: 5e12, quality: 20),
    ])
    static let problem = Problem(name: "one", server: server, profile: profile, clients: [
        Client(id: "u1", deadlineS: 2, uplinkDelayS: 0.1, channelGain: .decibels(-100), imageBits: 1e6, qualityRequirement: 25),
    ])

    /// Config (0.5, 20) at rate f on the whole band with t = 1.3 s at exactly the power that delivers 1e6 bits.
    static func solution(rate f: Double, solver: String) -> Solution {
        let t = 1.3, b = 1e6, g = 1e-10
        let p = 1e-20 * b / g * (pow(2, 1e6 / (b * t)) - 1)
        let ec = 5e12 * (1e-12 + 1e-40 * f * f)
        let decision = ClientDecision(id: "u1", width: 0.5, steps: 20, flops: 5e12, quality: 20, computeRateFlopsPerS: f,
                                      bandwidthHz: b, txPowerW: p, txTimeS: t, latencyS: 0.1 + 5e12 / f + t,
                                      computeEnergyJ: ec, txEnergyJ: p * t)
        return Solution(problem: "one", solver: solver, status: .feasible, totalEnergyJ: ec + p * t, solveTimeS: 0,
                        clients: [decision])
    }

    struct Boom: Error {}

    static let variants = [
        BenchVariant(name: "flexgen") { _ in solution(rate: 1e13, solver: "flexgen") },
        BenchVariant(name: "wasteful") { _ in solution(rate: 2e13, solver: "wasteful") },
        BenchVariant(name: "violator") { _ in solution(rate: 2e14, solver: "violator") },  // > F = 1e14
        BenchVariant(name: "refuser") { _ in
            Solution(problem: "one", solver: "refuser", status: .infeasible, totalEnergyJ: nil, solveTimeS: 0,
                     diagnostics: [Diagnostic(constraint: "latency", clients: ["u1"], message: "no")], clients: [])
        },
        BenchVariant(name: "thrower") { _ in throw Boom() },
    ]

    @Test func everyRunIsClassifiedAndNoneDropped() throws {
        let sweep = Sweep(name: "toy", label: "toy", values: [1, 2]) { _, _ in Self.problem }
        let runner = SweepRunner(variants: Self.variants, seeds: [1, 2, 3])
        var warnings: [String] = []
        let results = try runner.run([sweep], warn: { warnings.append($0) })
        #expect(results.records.count == 2 * 3 * 5)
        #expect(runner.workCount([sweep]) == 30)
        func outcomes(_ v: String) -> Set<RunOutcome> { Set(results.records.filter { $0.variant == v }.map(\.outcome)) }
        #expect(outcomes("flexgen") == [.feasible])
        #expect(outcomes("wasteful") == [.feasible])
        #expect(outcomes("violator") == [.checkFailed])
        #expect(outcomes("refuser") == [.infeasible])
        #expect(outcomes("thrower") == [.error])
        #expect(warnings.count == 12)  // violator and thrower, 6 runs each, all reported
        #expect(results.failures.count == 12)

        // Energies are the check's recomputation: 5e12·(1e-12 + 1e-40 f²) + p t.
        let e = try #require(results.records.first { $0.variant == "flexgen" }?.energyJ)
        let t = 1.3, p = 1e-20 * 1e6 / 1e-10 * (pow(2, 1 / t) - 1)
        #expect(abs(e - (5.05 + p * t)) < 1e-9 * e)

        let summary = Summarizer.summarize(results.records)
        #expect(summary.count == 2 * 5)
        let wasteful = try #require(summary.first { $0.variant == "wasteful" && $0.value == 1 })
        #expect(wasteful.feasibilityRate == 1)
        let ratio = try #require(wasteful.ratio)
        #expect(abs(ratio.ratioOfMeans - (5.2 + p * t) / (5.05 + p * t)) < 1e-12)
        #expect(ratio.meanOfRatios.confidenceHalfWidth95 == 0)
        let refuser = try #require(summary.first { $0.variant == "refuser" && $0.value == 2 })
        #expect(refuser.feasibilityRate == 0 && refuser.energy == nil && refuser.ratio == nil)
        #expect(refuser.counts[.infeasible] == 3)
        #expect(summary.first { $0.variant == "thrower" }?.failures == 3)

        // FlexGen's choices are tallied per tier.
        #expect(results.choices.contains { $0.variant == "flexgen" && $0.requirement == 25 && $0.width == 0.5 && $0.count == 3 })
    }

    @Test func outputsAreWrittenAndParse() throws {
        let sweep = Sweep(name: "clients", label: "clients K", values: [20]) { _, _ in Self.problem }
        let runner = SweepRunner(variants: Self.variants, seeds: [1, 2])
        var results = BenchResults(settings: .quick, machine: .current())
        results.sweeps = [sweep]
        results.runs = try runner.run([sweep])
        results.summary = Summarizer.summarize(results.runs.records)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flexgen-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let written = try BenchOutput.write(results, to: dir, command: "test", renderPNG: false)
        let runs = try String(contentsOfFile: dir + "/results/runs.csv", encoding: .utf8)
        #expect(runs.split(separator: "\n").count == 1 + 2 * 5)
        #expect(!runs.contains("nan"))
        for svg in written.filter({ $0.hasSuffix(".svg") }) {
            #expect(OutputFormatTests.parse(try String(contentsOfFile: svg, encoding: .utf8)).error == nil, "\(svg)")
        }
        #expect(written.contains(dir + "/figures/energy-vs-clients.svg"))
        #expect(written.contains(dir + "/figures/flexgen-choices-by-tier.svg"))
        let report = try String(contentsOfFile: dir + "/results/report.md", encoding: .utf8)
        #expect(report.contains("Failures (a solution rejected by the check, a numerical error, or a solver that threw): **4**"))
    }
}

/// The real pipeline on a tiny sweep: the generator's instances, the toolkit's solvers, the
/// evaluator's check, the files. Every solution of every variant must pass the check.
@Suite struct QuickSweepEndToEndTests {
    @Test func tinyQuickSweep() throws {
        var settings = BenchSettings.quick
        settings.seedCount = 1
        settings.parts = [.sweeps]
        settings.sweepNames = ["clients"]
        settings.variantNames = ["flexgen", "full-model", "equal-share"]
        settings.showProgress = false
        var warnings: [String] = []
        let results = try BenchSuite(settings: settings).run(warn: { warnings.append($0) })
        #expect(results.missingVariants.isEmpty)
        #expect(results.runs.records.count == 2 * 1 * 3)  // K ∈ {5, 20}, one seed, three variants
        #expect(results.failureCount == 0, "\(warnings)")
        // FlexGen is the optimum over a superset of every baseline's choices: never worse where both are feasible.
        for row in results.summary where row.variant != "flexgen" {
            // (up to FlexGen's certified gap tolerance, 1e-3)
            if let ratio = row.ratio { #expect(ratio.ratioOfMeans >= 1 - 1e-3, "\(row.variant) at K = \(row.value)") }
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flexgen-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let written = try BenchOutput.write(results, to: dir, command: "test", renderPNG: false)
        let svg = try String(contentsOfFile: dir + "/figures/energy-vs-clients.svg", encoding: .utf8)
        #expect(OutputFormatTests.parse(svg).error == nil)
        #expect(written.contains(dir + "/results/summary.csv"))
    }
}

@Suite struct OutcomeTests {
    @Test func numericalErrorIsALoudFailure() throws {
        let variant = BenchVariant(name: "broken") { _ in
            Solution(problem: "one", solver: "broken", status: .numericalError, totalEnergyJ: nil, solveTimeS: 0, clients: [])
        }
        let (record, picks) = SweepRunner.runOne(problem: SweepRunnerTests.problem, variant: variant, sweep: "s", value: 0, seed: 1)
        #expect(record.outcome == .numericalError && record.outcome.isFailure && picks.isEmpty)
        #expect(!RunOutcome.infeasible.isFailure && !RunOutcome.limitWithoutSolution.isFailure)
    }
}
