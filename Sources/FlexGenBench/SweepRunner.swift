import Foundation  // ContinuousClock is in the stdlib; Foundation for String(describing:)
import FlexGenModel

/// Runs every variant on every seeded instance of every sweep point, re-checks each solution
/// with `Evaluation`, and keeps one record per (point, seed, variant), whatever happened.
public struct SweepRunner: Sendable {
    public var variants: [BenchVariant]
    public var seeds: [UInt64]
    /// Relative tolerance of the re-check (the contract's 1e-6).
    public var relativeTolerance: Double

    public init(variants: [BenchVariant], seeds: [UInt64], relativeTolerance: Double = 1e-6) {
        self.variants = variants
        self.seeds = seeds
        self.relativeTolerance = relativeTolerance
    }

    public struct Results: Sendable {
        public var records: [RunRecord] = []
        public var choices: [ChoiceCount] = []
        public init() {}
        /// Records whose outcome is a solver defect (check failure or thrown error).
        public var failures: [RunRecord] { records.filter { $0.outcome.isFailure } }
    }

    /// Total number of solves `run` performs (for a progress bar).
    public func workCount(_ sweeps: [Sweep]) -> Int {
        sweeps.reduce(0) { $0 + $1.values.count } * seeds.count * variants.count
    }

    /// - Parameters:
    ///   - progress: called after each solve with the number done so far.
    ///   - warn: called at once for every failure (the CLI prints it to stderr).
    public func run(_ sweeps: [Sweep], progress: (Int) -> Void = { _ in },
                    warn: (String) -> Void = { _ in }) throws -> Results {
        var results = Results()
        var done = 0
        for sweep in sweeps {
            for value in sweep.values {
                var tally: [ChoiceKey: Int] = [:]
                for seed in seeds {
                    let problem = try sweep.makeProblem(value, seed)
                    for variant in variants {
                        let (record, picks) = Self.runOne(problem: problem, variant: variant, sweep: sweep.name,
                                                          value: value, seed: seed, tolerance: relativeTolerance)
                        if record.outcome.isFailure {
                            warn("FAILURE \(variant.name) on \(sweep.name)=\(value) seed \(seed): \(record.outcome.rawValue): \(record.note)")
                        }
                        results.records.append(record)
                        for key in picks { tally[ChoiceKey(variant: variant.name, key: key), default: 0] += 1 }
                        done += 1
                        progress(done)
                    }
                }
                for (key, count) in tally.sorted(by: { $0.key < $1.key }) {
                    results.choices.append(ChoiceCount(sweep: sweep.name, value: value, variant: key.variant,
                                                       requirement: key.key.requirement, width: key.key.width,
                                                       steps: key.key.steps, count: count))
                }
            }
        }
        return results
    }

    /// (tier, configuration) of one client's choice.
    public struct Pick: Sendable, Hashable {
        public var requirement: Double?
        public var width: Double
        public var steps: Int
    }

    struct ChoiceKey: Hashable, Comparable {
        var variant: String
        var key: Pick
        static func < (a: ChoiceKey, b: ChoiceKey) -> Bool {
            (a.variant, a.key.requirement ?? -.infinity, a.key.width, a.key.steps)
                < (b.variant, b.key.requirement ?? -.infinity, b.key.width, b.key.steps)
        }
    }

    /// Solves one instance with one variant, times it and classifies the result.
    public static func runOne(problem: Problem, variant: BenchVariant, sweep: String, value: Double,
                              seed: UInt64, tolerance: Double = 1e-6) -> (RunRecord, [Pick]) {
        let clock = ContinuousClock()
        let start = clock.now
        let solution: Solution
        do {
            solution = try variant.solve(problem)
        } catch {
            let elapsed = (clock.now - start).seconds
            var record = RunRecord(sweep: sweep, value: value, seed: seed, variant: variant.name, clients: problem.clients.count,
                                   status: nil, outcome: .error, solveTimeS: elapsed, note: "threw: \(error)")
            record.idleEnergyJ = IdleEnergy.energyJ(problem)
            return (record, [])
        }
        let elapsed = (clock.now - start).seconds
        var record = RunRecord(sweep: sweep, value: value, seed: seed, variant: variant.name,
                               clients: problem.clients.count, status: solution.status, outcome: .infeasible,
                               lowerBoundJ: solution.lowerBoundJ, gap: solution.gap, solveTimeS: elapsed)
        record.idleEnergyJ = IdleEnergy.energyJ(problem)
        // A solver that does not claim a solution is taken at its word (no allocation to check).
        switch solution.status {
        case .infeasible, .numericalError:
            record.outcome = solution.status == .infeasible ? .infeasible : .numericalError
            record.note = (solution.diagnostics ?? []).map(\.description).joined(separator: "; ")
            return (record, [])
        case .timeLimit where solution.clients.isEmpty, .iterationLimit where solution.clients.isEmpty:
            record.outcome = .limitWithoutSolution
            return (record, [])
        default:
            break
        }
        // Everything else claims an allocation: it must pass the independent check in full.
        let evaluation = Evaluation(problem: problem, solution: solution, relativeTolerance: tolerance)
        guard evaluation.isFeasible, evaluation.clients.count == problem.clients.count else {
            record.outcome = .checkFailed
            var reasons = evaluation.violations.map(\.description)
            if evaluation.violations.isEmpty {
                reasons.append("status \(solution.status.rawValue) with an allocation for \(evaluation.clients.count) of \(problem.clients.count) clients")
            }
            record.note = reasons.prefix(5).joined(separator: "; ")
            return (record, [])
        }
        record.outcome = .feasible
        record.energyJ = evaluation.totalEnergyJ
        record.computeEnergyJ = evaluation.totalComputeEnergyJ
        record.txEnergyJ = evaluation.totalTxEnergyJ
        record.meanQuality = evaluation.clients.map(\.quality).reduce(0, +) / Double(evaluation.clients.count)
        let picks = evaluation.clients.map { Pick(requirement: $0.qualityRequirement, width: $0.width, steps: $0.steps) }
        return (record, picks)
    }
}

extension Duration {
    /// The duration in seconds as a Double.
    public var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
