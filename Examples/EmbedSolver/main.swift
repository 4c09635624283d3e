// Embedding FlexGen in another Swift service: decode a problem, solve it with a named variant and
// settings, check the answer independently, encode the solution. The FlexGen product is the only import.
//
//     swift run flexgen-embed-example problems/paper-default.json [variant]
import FlexGen
import Foundation

func embed(problemPath: String, variant: String) async throws -> Bool {
    let problem = try ProblemFile.loadValidated(path: problemPath)      // decode + validate, once
    var settings = SolverSettings()
    settings.decomposition.timeLimitS = 5                                // every setting has a documented default
    guard let solver = AsyncSolver(named: variant, settings: settings) else {
        throw InputError(path: "variant", reason: "unknown \"\(variant)\"; expected one of \(SolverVariant.allCases.map(\.rawValue))")
    }
    let solution = try await solver.solve(problem)                      // off the cooperative pool, cancellable
    let evaluation = await AsyncSolver.check(problem.problem, solution)  // independent re-check
    let energy = solution.totalEnergyJ.map { "\($0) J" } ?? "no energy"
    FileHandle.standardError.write(Data("\(solution.solver): \(solution.status.rawValue), feasible: \(evaluation.isFeasible), \(energy)\n".utf8))
    FileHandle.standardOutput.write(try FlexGenJSON.encode(solution))    // the flexgen-solution/1 document
    return evaluation.passes
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let problemPath = arguments.first else {
    FileHandle.standardError.write(Data("usage: flexgen-embed-example PROBLEM.json [variant]\n".utf8))
    exit(2)
}
do {
    exit(try await embed(problemPath: problemPath, variant: arguments.count > 1 ? arguments[1] : "flexgen") ? 0 : 1)
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(2)
}
