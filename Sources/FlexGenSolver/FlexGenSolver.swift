import Foundation
import FlexGenModel

/// The FlexGen solver, for embedding:
///
///     let solution = try FlexGenSolver().solve(problem)
///
/// Problems without service targets: every client gets its cheapest admissible configuration
/// (`CheapestConfiguration`: optimal, see there), then `AllocationSolver` computes the optimal
/// compute rate, band, power and transmit time with a certified gap. Status `optimal` when the
/// certified relative gap ≤ `settings.gapTolerance`; `infeasible` with `diagnostics` when a client
/// has no admissible configuration, cannot meet its deadline with the whole server, or the clients
/// cannot fit together (with the factor by which F or B must grow).
///
/// Problems with service targets are handed to the decomposition (`VariantSolver(.flexgen)`),
/// whose allocation steps use these settings; it reports `optimal` at a certified gap
/// ≤ `settings.serviceTargetGapTolerance` (default 1e-3).
///
/// Errors are thrown only for an invalid problem (`SolverError.invalidProblem`, the issues carry
/// JSON paths) or invalid settings; every other outcome is a status.
public struct FlexGenSolver: Sendable {
    public var settings: SolverSettings

    public init(settings: SolverSettings = .init()) { self.settings = settings }

    public func solve(_ problem: Problem) throws -> Solution {
        try solveWithInfo(problem).solution
    }

    /// `solve` with the allocation's certificate and iteration record.
    public func solveWithInfo(_ problem: Problem) throws -> SolveInfo {
        let started = Date()
        try settings.validate()
        do { try problem.validate() } catch let error as InputError { throw SolverError.invalidProblem(error) }

        if !problem.serviceTargets.isEmpty {
            var variantSettings = VariantSettings()
            variantSettings.decomposition.allocation = settings
            variantSettings.decomposition.timeLimitS = settings.timeLimitS
            variantSettings.decomposition.gapTolerance = settings.serviceTargetGapTolerance
            let solution = try VariantSolver(.flexgen, settings: variantSettings).solve(problem)
            return SolveInfo(solution: solution, configurationIndices: [], allocation: nil)
        }

        let profile = problem.profile
        let choices = problem.clients.map { CheapestConfiguration.index(in: profile, requirement: $0.qualityRequirement) }
        let unmet = zip(problem.clients, choices).filter { $0.1 == nil }.map(\.0)
        if !unmet.isEmpty {
            let diagnostics = unmet.map { client in
                Diagnostic(constraint: "quality", clients: [client.id],
                           message: "no configuration of profile \"\(profile.name)\" reaches the required "
                               + "\(profile.metric.name) \(client.qualityRequirement ?? .nan)")
            }
            return SolveInfo(solution: Self.noSolution(problem, status: .infeasible, diagnostics: diagnostics,
                                                       started: started),
                             configurationIndices: choices, allocation: nil)
        }
        let configurations = choices.map { profile.configs[$0!] }
        let tasks = zip(problem.clients, configurations).map {
            ClientTask(client: $0.0, configuration: $0.1, server: problem.server)
        }
        let result = try AllocationSolver(settings: settings).solve(
            tasks: tasks, computeRateFlopsPerS: problem.server.computeRateFlopsPerS,
            bandwidthHz: problem.server.bandwidthHz)
        guard result.status.hasSolution || !result.clients.isEmpty else {
            return SolveInfo(solution: Self.noSolution(problem, status: result.status, diagnostics: result.diagnostics,
                                                       started: started),
                             configurationIndices: choices, allocation: result)
        }
        var decisions: [ClientDecision] = []
        decisions.reserveCapacity(problem.clients.count)
        var total = 0.0
        for ((client, configuration), r) in zip(zip(problem.clients, configurations), result.clients) {
            let computeEnergy = EnergyModel.computeEnergy(flops: configuration.flops, rate: r.computeRateFlopsPerS,
                                                          server: problem.server)
            let txEnergy = EnergyModel.txEnergy(txPowerW: r.txPowerW, txTimeS: r.txTimeS)
            total += computeEnergy + txEnergy
            decisions.append(ClientDecision(
                id: client.id, width: configuration.width, steps: configuration.steps, flops: configuration.flops,
                quality: configuration.quality, computeRateFlopsPerS: r.computeRateFlopsPerS,
                bandwidthHz: r.bandwidthHz, txPowerW: r.txPowerW, txTimeS: r.txTimeS,
                latencyS: EnergyModel.latency(uplinkDelayS: client.uplinkDelayS, flops: configuration.flops,
                                              rate: r.computeRateFlopsPerS, txTimeS: r.txTimeS),
                computeEnergyJ: computeEnergy, txEnergyJ: txEnergy))
        }
        let bound = result.lowerBoundJ.map { min($0, total) }
        let gap = bound.map { total > 0 ? max(0, total - $0) / total : 0 }
        var status = result.status
        if status == .optimal, let gap, gap > settings.gapTolerance { status = .feasible }
        let solution = Solution(
            problem: problem.name, solver: "flexgen", status: status, totalEnergyJ: total, lowerBoundJ: bound,
            gap: gap, solveTimeS: Date().timeIntervalSince(started), diagnostics: nil, clients: decisions,
            prices: Solution.Prices(computeJPerFlopsPerS: result.computePrice, bandwidthJPerHz: result.bandwidthPrice))
        return SolveInfo(solution: solution, configurationIndices: choices, allocation: result)
    }

    static func noSolution(_ problem: Problem, status: SolutionStatus, diagnostics: [Diagnostic],
                           started: Date) -> Solution {
        Solution(problem: problem.name, solver: "flexgen", status: status, totalEnergyJ: nil,
                 solveTimeS: Date().timeIntervalSince(started), diagnostics: diagnostics.isEmpty ? nil : diagnostics,
                 clients: [])
    }
}
