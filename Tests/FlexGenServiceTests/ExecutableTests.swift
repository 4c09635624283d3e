import AsyncHTTPClient
import Foundation
import NIOCore
import Testing
import FlexGen
import FlexGenService

/// The repository root (this file is Tests/FlexGenServiceTests/ExecutableTests.swift).
private let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// An executable product built next to the running test bundle (e.g. `.build/debug/NAME`).
private func productBinary(_ name: String) throws -> URL {
    let starts = [URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath(), Bundle.main.bundleURL]
    for start in starts {
        var folder = start.deletingLastPathComponent()
        for _ in 0..<6 {
            let binary = folder.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
            folder = folder.deletingLastPathComponent()
        }
    }
    throw TestFailure("\(name) was not built next to \(CommandLine.arguments[0]); run `swift build` first")
}

/// Standard output and error of a child process, through temporary files: reading a pipe with
/// FileHandle can be interrupted by SIGCHLD (EINTR), which Foundation turns into a crash.
private struct CapturedOutput {
    let folder: URL
    let out: URL
    let err: URL
    init(_ process: Process) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("flexgen-service-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        out = folder.appendingPathComponent("stdout")
        err = folder.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
    }
    var stdout: Data { (try? Data(contentsOf: out)) ?? Data() }
    var stderr: String { String(decoding: (try? Data(contentsOf: err)) ?? Data(), as: UTF8.self) }
    func remove() { try? FileManager.default.removeItem(at: folder) }
}

/// Waits for a child process without blocking a cooperative-pool thread for long.
private func exitStatus(of process: Process) async throws -> Int32 {
    while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
    return process.terminationStatus
}

/// The embedding example and `flexgen serve` as real processes.
@Suite(.serialized) struct ExecutableTests {
    @Test func theEmbeddingExampleSolvesAndItsSolutionChecksOut() async throws {
        let problemPath = repoRoot.appendingPathComponent("problems/paper-default.json").path
        let process = Process()
        process.executableURL = try productBinary("flexgen-embed-example")
        process.arguments = [problemPath, "flexgen"]
        let captured = try CapturedOutput(process)
        defer { captured.remove() }
        try process.run()
        let status = try await exitStatus(of: process)
        let data = captured.stdout, message = captured.stderr
        #expect(status == 0, "\(message)")
        let solution = try SolutionFile.decode(data)
        let problem = try ProblemFile.load(path: problemPath)
        #expect(solution.solver == "flexgen")
        #expect(Evaluation(problem: problem, solution: solution).isFeasible)
        #expect(message.contains("feasible: true"))
    }

    @Test func theEmbeddingExampleRejectsAnUnknownVariant() async throws {
        let process = Process()
        process.executableURL = try productBinary("flexgen-embed-example")
        process.arguments = [repoRoot.appendingPathComponent("problems/tiny-3.json").path, "simplex"]
        let captured = try CapturedOutput(process)
        defer { captured.remove() }
        try process.run()
        #expect(try await exitStatus(of: process) == 2)
        #expect(captured.stderr.contains("simplex"))
    }

    /// `flexgen serve` on an ephemeral port: SIGTERM while a request is still uploading its body;
    /// the request completes with a checked solution, then the process exits 0.
    @Test func serveFinishesTheRequestInFlightOnSIGTERM() async throws {
        let process = Process()
        process.executableURL = try productBinary("flexgen")
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", "0", "--time-limit", "20"]
        let captured = try CapturedOutput(process)
        defer { captured.remove() }
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // "listening on http://127.0.0.1:PORT"
        var text = ""
        for _ in 0..<500 where !text.contains("\n") && process.isRunning {
            try await Task.sleep(for: .milliseconds(20))
            text = String(decoding: captured.stdout, as: UTF8.self)
        }
        guard let line = text.split(separator: "\n").first, line.hasPrefix("listening on http://127.0.0.1:"),
              let port = Int(line.split(separator: ":").last ?? "") else {
            throw TestFailure("unexpected first line from flexgen serve: \(text) \(captured.stderr)")
        }

        let problem = Fixtures.paperDefault()
        let body = try Fixtures.json(problem)
        let half = body.count / 2
        let (chunks, sink) = AsyncStream.makeStream(of: ByteBuffer.self)
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/solve")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .stream(chunks, length: .known(Int64(body.count)))
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        sink.yield(ByteBuffer(bytes: body.prefix(half)))
        async let reply = RunningServer.collect(try await client.execute(request, timeout: .seconds(60)))
        try await Task.sleep(for: .milliseconds(300))   // the server is now reading the body
        kill(process.processIdentifier, SIGTERM)
        try await Task.sleep(for: .milliseconds(300))
        #expect(process.isRunning, "the server must wait for the request in flight")
        sink.yield(ByteBuffer(bytes: body.suffix(from: half)))
        sink.finish()
        let answer = try await reply
        try await client.shutdown()
        #expect(answer.status == 200, "\(answer.text)")
        let solution = try SolutionFile.decode(answer.body)
        #expect(Evaluation(problem: problem, solution: solution).isFeasible)

        #expect(try await exitStatus(of: process) == 0)
        let log = captured.stderr
        let requestLines = log.split(separator: "\n").filter { $0.contains("request") && $0.contains("path=/v1/solve") }
        #expect(requestLines.count == 1, "\(log)")
        #expect(requestLines.first?.contains("status=200") == true)
    }

    /// At start `flexgen serve` raises its soft descriptor limit to the hard one, logs both, and
    /// derives `--max-connections` from it: started from a shell with a lowered soft limit, its
    /// log must show that soft limit, this process's hard limit, and hard − reserve(hard).
    @Test func serveRaisesTheDescriptorLimitAndDerivesTheConnectionCap() async throws {
        let hard = try #require(DescriptorLimit.current()).hard
        let lowered = min(512, hard)
        let expected = min(hard, 1 << 20)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -Sn \(lowered) && exec \"$0\" serve --host 127.0.0.1 --port 0",
                             try productBinary("flexgen").path]
        let captured = try CapturedOutput(process)
        defer { captured.remove() }
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        for _ in 0..<500 where !String(decoding: captured.stdout, as: UTF8.self).contains("\n") && process.isRunning {
            try await Task.sleep(for: .milliseconds(20))
        }
        kill(process.processIdentifier, SIGTERM)
        #expect(try await exitStatus(of: process) == 0)
        let line = try #require(captured.stderr.split(separator: "\n").first { $0.contains("descriptor limit") },
                                "\(captured.stderr)")
        #expect(line.contains("soft_at_start=\(lowered)"), "\(line)")
        #expect(line.contains("soft=\(expected) "), "\(line)")
        #expect(line.contains("hard=\(hard)"), "\(line)")
        #expect(line.contains("max_connections=\(expected - min(1024, max(64, expected / 8)))"), "\(line)")
    }

    @Test func serveRejectsAnUnusableTokenFile() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flexgen-token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = folder.appendingPathComponent("empty"), spaced = folder.appendingPathComponent("spaced")
        try Data("\n".utf8).write(to: empty)
        try Data("two words\n".utf8).write(to: spaced)
        let cases: [([String], String)] = [
            (["--auth-token-file", folder.appendingPathComponent("missing").path], "--auth-token-file"),
            (["--auth-token-file", empty.path], "empty"),
            (["--auth-token-file", spaced.path], "--auth-token-file"),
            (["--metrics-public"], "--metrics-public"),
        ]
        for (arguments, expected) in cases {
            let process = Process()
            process.executableURL = try productBinary("flexgen")
            process.arguments = ["serve", "--port", "0"] + arguments
            let captured = try CapturedOutput(process)
            defer { captured.remove() }
            try process.run()
            #expect(try await exitStatus(of: process) == 2, "\(arguments)")
            #expect(captured.stderr.contains(expected), "\(captured.stderr)")
            #expect(!captured.stderr.contains("two words"), "the file's content must not be echoed")
        }
    }

    @Test func serveRejectsBadConnectionLimits() async throws {
        for (flag, value) in [("--read-timeout", "0"), ("--idle-timeout", "nan"), ("--max-connections", "0")] {
            let process = Process()
            process.executableURL = try productBinary("flexgen")
            process.arguments = ["serve", "--port", "0", flag, value]
            let captured = try CapturedOutput(process)
            defer { captured.remove() }
            try process.run()
            #expect(try await exitStatus(of: process) == 2, "\(flag) \(value)")
            #expect(captured.stderr.contains(flag), "\(captured.stderr)")
        }
    }
}
