import Foundation

/// The repository root (this file is Tests/FlexGenCLITests/Support/FlexgenRunner.swift).
let repoRoot: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .path

/// The `flexgen` executable built next to the running test bundle (the build products folder,
/// e.g. `.build/debug`). Found by walking up from the test executable's path.
let flexgenBinary: String = {
    var candidates: [URL] = [URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()]
    candidates.append(Bundle.main.bundleURL)
    for start in candidates {
        var folder = start.deletingLastPathComponent()
        for _ in 0..<6 {
            let binary = folder.appendingPathComponent("flexgen")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: binary.path, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: binary.path) {
                return binary.path
            }
            folder = folder.deletingLastPathComponent()
        }
    }
    return "flexgen-binary-not-found"
}()

struct FlexgenNotFound: Error, CustomStringConvertible {
    var description: String { "the flexgen executable was not found next to \(CommandLine.arguments[0]); run `swift build` first" }
}

/// Runs the real `flexgen` binary with `args` (in `cwd`, default the repository root) and returns
/// its exit status and everything it wrote. Output goes through temporary files, so a chatty
/// process can never deadlock on a full pipe.
func runFlexgen(_ args: [String], cwd: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
    guard FileManager.default.isExecutableFile(atPath: flexgenBinary) else { throw FlexgenNotFound() }
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("flexgen-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let outHandle = try FileHandle(forWritingTo: outURL), errHandle = try FileHandle(forWritingTo: errURL)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: flexgenBinary)
    process.arguments = args
    process.currentDirectoryURL = URL(fileURLWithPath: cwd ?? repoRoot)
    process.standardOutput = outHandle
    process.standardError = errHandle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try outHandle.close()
    try errHandle.close()
    let stdout = String(decoding: try Data(contentsOf: outURL), as: UTF8.self)
    let stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
    return (process.terminationStatus, stdout, stderr)
}

/// A fresh temporary folder for a test's files (removed by the caller with `removeItem`).
func makeTemporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("flexgen-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Writes `text` to `name` inside `folder` and returns the path.
@discardableResult
func writeFile(_ text: String, _ name: String, in folder: URL) throws -> String {
    let url = folder.appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url.path
}
