import AsyncHTTPClient
import Foundation
import NIOCore
import Testing
import FlexGen

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

/// The embedding example and `flexgen serve` as real processes.
@Suite(.serialized) struct ExecutableTests {
    @Test func theEmbeddingExampleSolvesAndItsSolutionChecksOut() throws {
        let problemPath = repoRoot.appendingPathComponent("problems/paper-default.json").path
        let process = Process()
        process.executableURL = try productBinary("flexgen-embed-example")
        process.arguments = [problemPath, "flexgen"]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(message)")
        let solution = try SolutionFile.decode(data)
        let problem = try ProblemFile.load(path: problemPath)
        #expect(solution.solver == "flexgen")
        #expect(Evaluation(problem: problem, solution: solution).isFeasible)
        #expect(message.contains("feasible: true"))
    }

    @Test func theEmbeddingExampleRejectsAnUnknownVariant() throws {
        let process = Process()
        process.executableURL = try productBinary("flexgen-embed-example")
        process.arguments = [repoRoot.appendingPathComponent("problems/tiny-3.json").path, "simplex"]
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
    }

    /// `flexgen serve` on an ephemeral port: SIGTERM while a request is still uploading its body;
    /// the request completes with a checked solution, then the process exits 0.
    @Test func serveFinishesTheRequestInFlightOnSIGTERM() async throws {
        let process = Process()
        process.executableURL = try productBinary("flexgen")
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", "0", "--time-limit", "20"]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // "listening on http://127.0.0.1:PORT"
        let reader = output.fileHandleForReading
        let port: Int = try await Task.detached {
            var text = ""
            while !text.contains("\n") {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            guard let line = text.split(separator: "\n").first, line.hasPrefix("listening on http://127.0.0.1:"),
                  let port = Int(line.split(separator: ":").last ?? "") else {
                throw TestFailure("unexpected first line from flexgen serve: \(text)")
            }
            return port
        }.value

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

        let exited = try await Task.detached { () -> Int32 in
            process.waitUntilExit()
            return process.terminationStatus
        }.value
        #expect(exited == 0)
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let requestLines = log.split(separator: "\n").filter { $0.contains("request") && $0.contains("path=/v1/solve") }
        #expect(requestLines.count == 1, "\(log)")
        #expect(requestLines.first?.contains("status=200") == true)
    }
}
