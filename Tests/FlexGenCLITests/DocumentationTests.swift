import Foundation
import Testing

/// The DocC getting-started article shows real code: every line of its Swift blocks is a line of
/// the embedding example, which FlexGenServiceTests builds and runs.
@Suite struct DocumentationTests {
    /// A source line without its trailing `//` comment and surrounding spaces.
    static func code(_ line: Substring) -> String {
        var text = String(line)
        if let comment = text.range(of: "  //") { text = String(text[..<comment.lowerBound]) }
        return text.trimmingCharacters(in: .whitespaces)
    }

    @Test func gettingStartedCodeIsTheEmbeddingExample() throws {
        let article = try String(contentsOfFile: repoRoot + "/Sources/FlexGen/FlexGen.docc/GettingStarted.md", encoding: .utf8)
        let example = try String(contentsOfFile: repoRoot + "/Examples/EmbedSolver/main.swift", encoding: .utf8)
        let exampleLines = Set(example.split(separator: "\n").map(Self.code))
        var inSwift = false, shown = 0
        for line in article.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                inSwift = line == "```swift"
                continue
            }
            guard inSwift else { continue }
            let code = Self.code(line)
            guard !code.isEmpty, !code.hasPrefix("//") else { continue }
            shown += 1
            #expect(exampleLines.contains(code), "GettingStarted.md shows a line that is not in Examples/EmbedSolver/main.swift: \(code)")
        }
        // The article walks through load, solve, check and write.
        #expect(shown >= 8)
        for step in ["ProblemFile.loadValidated(path:", "solver.solve(problem)", "AsyncSolver.check(problem.problem, solution)",
                     "FlexGenJSON.encode(solution)"] {
            #expect(article.contains(step), "\(step)")
        }
    }
}
