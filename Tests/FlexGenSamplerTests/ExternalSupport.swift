import Foundation

/// The repository root (this file is Tests/FlexGenSamplerTests/ExternalSupport.swift).
let samplerTestsRepoRoot: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// The `flexgen` executable built next to the running test bundle (walks up from the test
/// executable, as the CLI tests' runner does).
let samplerTestsFlexgen: String? = {
    let starts = [URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath(), Bundle.main.bundleURL]
    for start in starts {
        var folder = start.deletingLastPathComponent()
        for _ in 0..<6 {
            let binary = folder.appendingPathComponent("flexgen").path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: binary, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: binary) {
                return binary
            }
            folder = folder.deletingLastPathComponent()
        }
    }
    return nil
}()

struct FlexgenBinaryMissing: Error, CustomStringConvertible {
    var description: String { "the flexgen executable was not found next to the test bundle; run `swift build` first" }
}

/// Runs `flexgen` with `args` in the repository root; output through files (no pipe deadlock).
func runSamplerFlexgen(_ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    guard let binary = samplerTestsFlexgen else { throw FlexgenBinaryMissing() }
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("d2-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let out = scratch.appendingPathComponent("out"), err = scratch.appendingPathComponent("err")
    FileManager.default.createFile(atPath: out.path, contents: nil)
    FileManager.default.createFile(atPath: err.path, contents: nil)
    let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = args
    process.currentDirectoryURL = URL(fileURLWithPath: samplerTestsRepoRoot)
    process.standardOutput = outHandle
    process.standardError = errHandle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try outHandle.close(); try errHandle.close()
    return (process.terminationStatus, String(decoding: try Data(contentsOf: out), as: UTF8.self),
            String(decoding: try Data(contentsOf: err), as: UTF8.self))
}
