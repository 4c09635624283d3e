// Embedding FlexGen in another Swift service: decode a problem, solve it with a named variant and
// settings, check the answer independently, encode the solution. The FlexGen product is the only import.
//
//     swift run flexgen-embed-example problems/paper-default.json [variant]
import FlexGen
import Foundation

let arguments = CommandLine.arguments.dropFirst()
guard let path = arguments.first else {
    FileHandle.standardError.write(Data("usage: flexgen-embed-example PROBLEM.json [variant]\n".utf8))
    exit(2)
}
do {
    let problem = try ProblemFile.load(path: path)                      // decode + validate
    var settings = VariantSettings()
    settings.decomposition.timeLimitS = 5                               // settings: every field has a documented default
    guard let solver = AsyncSolver(named: arguments.dropFirst().first ?? "flexgen", settings: settings) else {
        throw InputError(path: "variant", reason: "unknown; expected one of \(SolverVariant.allCases.map(\.rawValue))")
    }
    let solution = try await solver.solve(problem)                     // off the cooperative pool, cancellable
    let evaluation = await AsyncSolver.check(problem, solution)         // independent re-check
    FileHandle.standardError.write(Data("\(solution.solver): \(solution.status.rawValue), feasible: \(evaluation.isFeasible), \(solution.totalEnergyJ.map { "\($0) J" } ?? "no energy")\n".utf8))
    FileHandle.standardOutput.write(try FlexGenJSON.encode(solution))   // the flexgen-solution/1 document
    exit(evaluation.passes ? 0 : 1)
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(2)
}
