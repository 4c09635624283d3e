import FlexGenModel
import Foundation
import Testing
@testable import FlexGenSolver

/// The infeasibility verdict on band-overloaded instances, where the price search's prices run off
/// with every step accepted: the verdict comes within a few sweeps, and both growth factors it
/// reports are exact, checked by solving again at the reported scale (the price search, not the
/// frontier code that computed them).
struct OverloadVerdictTests {
    typealias F = AllocationFixtures

    /// The least band the tasks need with compute rate `computeRate` (β(F), from the exact
    /// frontier verdict), and the band they need with unlimited compute.
    static func bands(_ tasks: [ClientTask], computeRate: Double) -> (needed: Double, least: Double) {
        let verdict = FeasibilityFrontier.verdict(tasks: tasks, computeRate: computeRate, bandwidth: 1)
        return (verdict.bandScale ?? .infinity, FeasibilityFrontier.leastBandwidth(tasks))
    }

    @Test func bandOverloadReportsBothExactScales() throws {
        var checked = 0
        for seed in UInt64(1)...6 {
            let tasks = F.randomTasks(12, seed: seed)
            let computeRate = 3 * FeasibilityFrontier.leastComputeRate(tasks)
            let (needed, least) = Self.bands(tasks, computeRate: computeRate)
            guard needed.isFinite, needed > least * 1.01 else { continue }
            // Halfway between the band needed with unlimited compute and the band needed at F:
            // infeasible, yet a larger compute rate alone can make it fit.
            let bandwidth = least + 0.5 * (needed - least)
            let result = try AllocationSolver().solve(tasks: tasks, computeRateFlopsPerS: computeRate, bandwidthHz: bandwidth)
            #expect(result.status == .infeasible, "seed \(seed): \(result.status)")
            let band = try #require(result.diagnostics.first { $0.constraint == "bandwidth" }?.requiredScale)
            #expect(abs(band - needed / bandwidth) <= 1e-9 * band, "seed \(seed): band scale \(band)")
            let compute = try #require(result.diagnostics.first { $0.constraint == "compute" }?.requiredScale)
            #expect(compute > 1 && compute.isFinite)
            let above = try AllocationSolver().solve(tasks: tasks, computeRateFlopsPerS: computeRate * compute * (1 + 1e-4),
                                                     bandwidthHz: bandwidth)
            #expect(above.status.certifiesSolution, "seed \(seed): \(above.status) at compute × \(compute)(1 + 1e-4)")
            let below = try AllocationSolver().solve(tasks: tasks, computeRateFlopsPerS: computeRate * compute * (1 - 1e-6),
                                                     bandwidthHz: bandwidth)
            #expect(below.status == .infeasible, "seed \(seed): \(below.status) at compute × \(compute)(1 − 1e-6)")
            checked += 1
        }
        #expect(checked >= 4, "instances with both scales finite: \(checked)")
    }

    /// A band divided by 7 on instances that fit: the verdict is settled within a few price sweeps,
    /// not after the prices have climbed for a dozen (the count is a property of the search,
    /// independent of the machine's speed).
    @Test func runawayPricesAreSettledWithinAFewSweeps() throws {
        for seed in UInt64(10)...15 {
            let tasks = F.randomTasks(40, seed: seed)
            let computeRate = 3 * FeasibilityFrontier.leastComputeRate(tasks)
            let (needed, least) = Self.bands(tasks, computeRate: computeRate)
            guard needed.isFinite else { continue }
            let bandwidth = max(needed / 7, least * 1.001)
            guard bandwidth < needed else { continue }
            let result = try AllocationSolver().solve(tasks: tasks, computeRateFlopsPerS: computeRate, bandwidthHz: bandwidth)
            #expect(result.status == .infeasible, "seed \(seed)")
            #expect(result.sweeps <= 8, "seed \(seed): \(result.sweeps) sweeps before the verdict")
            let band = try #require(result.diagnostics.first { $0.constraint == "bandwidth" }?.requiredScale)
            #expect(abs(band - needed / bandwidth) <= 1e-9 * band)
        }
    }
}
