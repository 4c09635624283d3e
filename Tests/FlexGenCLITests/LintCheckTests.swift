import Foundation
import Testing

/// `.ci/lint`, which CI runs first, fails on a rule finding and on trailing whitespace, naming
/// file:line:column, and passes the codebase's own hand layout (CONTRIBUTING.md).
@Suite struct LintCheckTests {
    /// Runs `.ci/lint FILE` on a temporary file holding `source`; returns the status and output.
    static func lint(_ source: String) throws -> (status: Int32, output: String, file: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flexgen-lint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("Probe.swift")
        try Data(source.utf8).write(to: file)
        let log = folder.appendingPathComponent("output")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [repoRoot + "/.ci/lint", file.path]
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, String(decoding: try Data(contentsOf: log), as: UTF8.self), file.path)
    }

    @Test func aRuleFindingAndTrailingWhitespaceFailWithTheirPlace() throws {
        let (status, output, file) = try Self.lint("let x = try! f()   \nfunc f() throws -> Int { 1 }\n")
        #expect(status == 1)
        #expect(output.contains("\(file):1:9: error: [NeverUseForceTry]"))
        #expect(output.contains("\(file):1:17: error: [TrailingWhitespace]"))
    }

    @Test func theHouseLayoutPasses() throws {
        // Semicolons between related assignments, two variables per `let`, a one-line body, a
        // single-letter model symbol, imports in house order, aligned continuation, two blank
        // lines in a body (which swift-format files as trailing whitespace): all allowed.
        let source = """
            import Foundation
            import Dispatch

            struct S {
                var x: [Double]


                func f() -> Double {
                    var lo = 0.0, hi = 1.0
                    if x.isEmpty { lo = 1; hi = 2 }
                    let K = x.count
                    return lo + hi
                        + Double(K)
                }
            }

            """
        let (status, output, _) = try Self.lint(source)
        #expect(status == 0, "\(output)")
    }
}
