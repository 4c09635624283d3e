import AsyncHTTPClient
import Foundation
import Testing
import FlexGen
@testable import FlexGenService

/// A one-shot gate: `wait()` suspends until `open()`.
actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }
    func open() {
        isOpen = true
        waiters.forEach { $0.resume() }
        waiters = []
    }
}

@Suite struct ShutdownTests {
    /// Graceful shutdown finishes the request in flight and then stops accepting connections.
    @Test func gracefulShutdownFinishesTheRequestInFlight() async throws {
        let gate = Gate()
        let (entered, enteredSink) = AsyncStream.makeStream(of: Void.self)
        let engine = SolveEngine(solverNames: ["gated"], defaultSolver: "gated") { problem, _, limit in
            enteredSink.yield()
            await gate.wait()
            return try await SolveEngine.library.solve(problem, SolveEngine.library.defaultSolver, limit)
        }
        let problem = Fixtures.paperDefault()
        let body = try Fixtures.json(problem)
        try await withServer(engine: engine) { server in
            async let inFlight = server.post("/v1/solve", body)
            var iterator = entered.makeAsyncIterator()
            _ = await iterator.next()  // the handler is inside the solve
            await server.group.triggerGracefulShutdown()
            // No new connections once shutdown began (a fresh client each time: no pooled
            // connection). The listener closes asynchronously, so allow it a few seconds.
            var refused = false
            for _ in 0..<50 where !refused {
                try await Task.sleep(for: .milliseconds(100))
                let fresh = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
                do {
                    _ = try await fresh.execute(HTTPClientRequest(url: server.base + "/v1/health"), timeout: .seconds(5))
                } catch {
                    refused = true
                }
                try await fresh.shutdown()
            }
            #expect(refused, "the server still accepted connections 5 s after shutdown began")
            await gate.open()
            let reply = try await inFlight
            #expect(reply.status == 200)
            let solution = try SolutionFile.decode(reply.body)
            #expect(Evaluation(problem: problem, solution: solution).isFeasible)
        }
    }
}
