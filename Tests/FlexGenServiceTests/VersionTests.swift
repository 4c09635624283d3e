import Foundation
import Testing
import FlexGen
@testable import FlexGenService

/// One version string: what `flexgen --version` prints is the served OpenAPI document's
/// `info.version`, and both are `FlexGenVersion.string`.
@Suite struct VersionTests {
    /// The `flexgen` executable built next to the running test bundle (e.g. `.build/debug/flexgen`).
    static func flexgenBinary() throws -> URL {
        let starts = [URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath(), Bundle.main.bundleURL]
        for start in starts {
            var folder = start.deletingLastPathComponent()
            for _ in 0..<6 {
                let binary = folder.appendingPathComponent("flexgen")
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: binary.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                   FileManager.default.isExecutableFile(atPath: binary.path) {
                    return binary
                }
                folder = folder.deletingLastPathComponent()
            }
        }
        throw TestFailure("flexgen was not built next to \(CommandLine.arguments[0]); run `swift build` first")
    }

    /// `flexgen --version`'s standard output (through a file: reading a pipe can be interrupted
    /// by SIGCHLD, which Foundation turns into a crash).
    static func cliVersion() throws -> String {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("flexgen-version-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out) }
        let handle = try FileHandle(forWritingTo: out)
        let process = Process()
        process.executableURL = try flexgenBinary()
        process.arguments = ["--version"]
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        #expect(process.terminationStatus == 0)
        return String(decoding: try Data(contentsOf: out), as: UTF8.self)
    }

    @Test func theCLIAndTheOpenAPIDocumentPrintTheSameVersion() async throws {
        let printed = try Self.cliVersion()
        let served = try await withServer { server in
            let reply = try await server.get("/v1/openapi.json")
            let document = try #require(try JSONSerialization.jsonObject(with: reply.body) as? [String: Any])
            return try #require((document["info"] as? [String: Any])?["version"] as? String)
        }
        #expect(printed == served + "\n")
        #expect(served == FlexGenVersion.string)
        // A semantic version, so clients can compare it.
        #expect(served.split(separator: ".").count == 3 && served.split(separator: ".").allSatisfy { Int($0) != nil })
    }
}
