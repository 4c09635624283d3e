import FlexGenModel
import FlexGenNumerics

/// One row of `summary.csv`: one variant at one sweep point, over all seeds.
///
/// Energies, qualities and times are averaged over the instances where THIS variant was feasible
/// (`feasible` of `instances`); the ratio to FlexGen is over the instances where both this variant
/// and FlexGen were feasible (`ratio.pairedInstances`), as `EnergyRatio` documents.
public struct SummaryRow: Sendable {
    public var sweep: String
    public var value: Double
    public var variant: String
    public var instances: Int
    public var counts: [RunOutcome: Int]
    public var energy: SampleSummary?
    public var quality: SampleSummary?
    public var solveTime: SampleSummary?
    public var ratio: EnergyRatio?
    /// The same ratio with the instance's idle energy (`IdleEnergy`) added to both energies.
    public var ratioWithIdle: EnergyRatio?
    /// Feasible runs whose status is not `optimal`: a checked solution without the solver's own
    /// certificate of optimality (stopped at the time or iteration limit, or a heuristic).
    public var uncertified: Int

    public var feasible: Int { counts[.feasible, default: 0] }
    public var failures: Int { counts.filter { $0.key.isFailure }.map(\.value).reduce(0, +) }
    public var feasibilityRate: Double { instances == 0 ? 0 : Double(feasible) / Double(instances) }

    public static let csvHeader = [
        "sweep", "value", "variant", "instances", "feasible", "infeasible", "limit_without_solution",
        "numerical_error", "check_failed", "error", "feasibility_rate", "feasible_uncertified",
        "energy_mean_j", "energy_ci95_j", "quality_mean", "quality_ci95", "solve_time_mean_s", "solve_time_ci95_s",
        "paired_with_flexgen", "energy_ratio_of_means", "energy_mean_of_ratios", "energy_mean_of_ratios_ci95",
        "with_idle_mean_of_ratios", "with_idle_mean_of_ratios_ci95",
    ]

    public var csvRow: [String] {
        [sweep, CSVTable.number(value), variant, "\(instances)", "\(feasible)",
         "\(counts[.infeasible, default: 0])", "\(counts[.limitWithoutSolution, default: 0])",
         "\(counts[.numericalError, default: 0])", "\(counts[.checkFailed, default: 0])", "\(counts[.error, default: 0])",
         CSVTable.number(feasibilityRate), "\(uncertified)",
         CSVTable.number(energy?.mean), CSVTable.number(energy?.confidenceHalfWidth95),
         CSVTable.number(quality?.mean), CSVTable.number(quality?.confidenceHalfWidth95),
         CSVTable.number(solveTime?.mean), CSVTable.number(solveTime?.confidenceHalfWidth95),
         CSVTable.number(ratio?.pairedInstances), CSVTable.number(ratio?.ratioOfMeans),
         CSVTable.number(ratio?.meanOfRatios.mean), CSVTable.number(ratio?.meanOfRatios.confidenceHalfWidth95),
         CSVTable.number(ratioWithIdle?.meanOfRatios.mean), CSVTable.number(ratioWithIdle?.meanOfRatios.confidenceHalfWidth95)]
    }
}

public enum Summarizer {
    /// Groups records by (sweep, value, variant), in first-seen order, and compares every variant
    /// with `reference` seed by seed.
    public static func summarize(_ records: [RunRecord], reference: String = "flexgen") -> [SummaryRow] {
        struct Key: Hashable { var sweep: String; var value: Double; var variant: String }
        struct Point: Hashable { var sweep: String; var value: Double }
        var order: [Key] = []
        var groups: [Key: [RunRecord]] = [:]
        var referenceEnergy: [Point: [UInt64: Double]] = [:]
        for r in records {
            let key = Key(sweep: r.sweep, value: r.value, variant: r.variant)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(r)
            if r.variant == reference, let e = r.energyJ {
                referenceEnergy[Point(sweep: r.sweep, value: r.value), default: [:]][r.seed] = e
            }
        }
        return order.map { key in
            let rs = groups[key]!
            var counts: [RunOutcome: Int] = [:]
            for r in rs { counts[r.outcome, default: 0] += 1 }
            let ok = rs.filter { $0.outcome == .feasible }
            let ref = referenceEnergy[Point(sweep: key.sweep, value: key.value)] ?? [:]
            let pairs = ok.compactMap { r -> (baseline: Double, flexgen: Double)? in
                guard let e = r.energyJ, let f = ref[r.seed] else { return nil }
                return (e, f)
            }
            let idlePairs = ok.compactMap { r -> (baseline: Double, flexgen: Double)? in
                guard let e = r.energyJ, let f = ref[r.seed], let idle = r.idleEnergyJ else { return nil }
                return (e + idle, f + idle)
            }
            return SummaryRow(sweep: key.sweep, value: key.value, variant: key.variant, instances: rs.count,
                              counts: counts, energy: SampleSummary(ok.compactMap(\.energyJ)),
                              quality: SampleSummary(ok.compactMap(\.meanQuality)),
                              solveTime: SampleSummary(rs.map(\.solveTimeS)),
                              ratio: EnergyRatio(pairs: pairs), ratioWithIdle: EnergyRatio(pairs: idlePairs),
                              uncertified: ok.filter { $0.status != .optimal }.count)
        }
    }
}
