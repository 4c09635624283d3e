import Foundation
import Testing
import FlexGenModel
import FlexGenScenarios
@testable import FlexGenSolver

/// Sweeps over the clients on several threads (`ClientChunks`, `AllocationSettings.threads`): the
/// chunks, and every result built on them, must not depend on the thread count.
@Suite struct ClientChunksTests {
    typealias F = AllocationFixtures

    /// The ranges tile 0..<count in order, `size` each but the last, for any thread count; the
    /// partial sums of the indices are the closed form Σ_{i=a}^{b−1} i = (a + b − 1)(b − a)/2.
    @Test(arguments: [0, 1, 1023, 1024, 1025, 2500, 10_000])
    func chunksTileTheClientsInOrder(_ count: Int) {
        for threads in [1, 2, 3, 8] {
            let ranges = ClientChunks.map(count: count, threads: threads) { $0 }
            #expect(ranges.count == (count + ClientChunks.size - 1) / ClientChunks.size)
            #expect(ranges.first?.lowerBound ?? 0 == 0 && (ranges.last?.upperBound ?? 0) == count)
            #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            #expect(ranges.dropLast().allSatisfy { $0.count == ClientChunks.size })
            let sums = ClientChunks.map(count: count, threads: threads) { r in r.reduce(0, +) }
            #expect(sums == ranges.map { ($0.lowerBound + $0.upperBound - 1) * $0.count / 2 })
        }
    }

    /// Chunks may run at the same time: each writes only its own slots, and every slot is written once.
    @Test func concurrentChunksWriteTheirOwnSlotsOnce() {
        let count = 9 * ClientChunks.size + 17
        var marks = [Int](repeating: 0, count: count)
        marks.withUnsafeMutableBufferPointer { buffer in
            let marks = buffer
            _ = ClientChunks.map(count: count, threads: 4) { range in
                for i in range { marks[i] += i + 1 }
            }
        }
        #expect(marks == (0..<count).map { $0 + 1 })
    }

    /// 5 000 clients (5 chunks) solved with 1 and with 2 threads: the same allocation, prices,
    /// bound and iteration counts, bit for bit; and it is a certified optimum whose budgets hold.
    @Test func anAllocationDoesNotDependOnTheThreadCount() throws {
        let tasks = F.randomTasks(5_000, seed: 21)
        let computeRate = 2e12 * 5_000 * 0.85, bandwidth = 4e5 * 5_000
        var results: [AllocationResult] = []
        for threads in [1, 2] {
            var settings = AllocationSettings()
            settings.threads = threads
            results.append(try AllocationSolver(settings: settings).solve(tasks: tasks, computeRateFlopsPerS: computeRate,
                                                                          bandwidthHz: bandwidth))
        }
        let (one, two) = (results[0], results[1])
        #expect(one.status == .optimal && (one.gap ?? 1) <= 1e-9)
        #expect(one.clients.map(\.computeRateFlopsPerS).reduce(0, +) <= computeRate)
        #expect(one.clients.map(\.bandwidthHz).reduce(0, +) <= bandwidth)
        #expect(one.clients == two.clients)
        #expect(one.energyJ == two.energyJ && one.lowerBoundJ == two.lowerBoundJ)
        #expect(one.computePrice == two.computePrice && one.bandwidthPrice == two.bandwidthPrice)
        #expect(one.iterations == two.iterations && one.innerIterations == two.innerIterations && one.sweeps == two.sweeps)
    }

    /// The frontier's verdict and an infeasible allocation's diagnosis (the exact budget scales)
    /// are the same with 1 and 3 threads, on 3 000 clients that need 1.25× the band.
    @Test func verdictAndDiagnosisDoNotDependOnTheThreadCount() throws {
        let tasks = F.randomTasks(3_000, seed: 5)
        let computeRate = 2e12 * 3_000
        let fits = FeasibilityFrontier.verdict(tasks: tasks, computeRate: computeRate, bandwidth: 1e15)
        #expect(fits.fits)
        let needed = try #require(fits.bandScale) * 1e15
        let bandwidth = needed / 1.25
        let v1 = FeasibilityFrontier.verdict(tasks: tasks, computeRate: computeRate, bandwidth: bandwidth, threads: 1)
        let v3 = FeasibilityFrontier.verdict(tasks: tasks, computeRate: computeRate, bandwidth: bandwidth, threads: 3)
        #expect(!v1.fits && v1.bandScale == v3.bandScale && v1.price == v3.price)
        #expect(abs(try #require(v1.bandScale) - 1.25) <= 1e-9)
        var settings = AllocationSettings()
        settings.threads = 3
        let one = try AllocationSolver().solve(tasks: tasks, computeRateFlopsPerS: computeRate, bandwidthHz: bandwidth)
        let three = try AllocationSolver(settings: settings).solve(tasks: tasks, computeRateFlopsPerS: computeRate,
                                                                  bandwidthHz: bandwidth)
        #expect(one.status == .infeasible && three.status == .infeasible)
        #expect(one.diagnostics == three.diagnostics && !one.diagnostics.isEmpty)
    }

    /// A solve with a service target (the decomposition prices every option of 2 500 clients per
    /// round, in chunks) with 1 and 2 threads: the same solution, bit for bit but the solve time;
    /// certified, and checked by `Evaluation`.
    @Test func aSolveWithAServiceTargetDoesNotDependOnTheThreadCount() throws {
        let scenario = ScenarioSettings.preset("service-target")!.scaled(toClients: 2_500)
        let problem = ScenarioGenerator.generate(settings: scenario, profile: ProfileLaw.sdLike512Profile, seed: 4)
        var solutions: [Solution] = []
        for threads in [1, 2] {
            var settings = SolverSettings()
            settings.decomposition.allocation.threads = threads
            var solution = try FlexGenSolver(.flexgen, settings: settings).solve(problem)
            solution.solveTimeS = 0
            solutions.append(solution)
        }
        #expect(solutions[0].status == .optimal && (solutions[0].gap ?? 1) <= 1e-3)
        #expect(Evaluation(problem: problem, solution: solutions[0]).isFeasible)
        #expect(solutions[0] == solutions[1])
    }

    @Test func threadsBelowOneAreRejected() {
        var settings = AllocationSettings()
        settings.threads = 0
        #expect(throws: SolverError.self) { try settings.validate() }
    }
}
