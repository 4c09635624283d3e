import AsyncHTTPClient
import Foundation
import NIOCore
import Testing
import FlexGen
@testable import FlexGenService

@Suite struct SolveAdmissionTests {
    /// One slot, two queue places, worked by hand: a runs; b and c wait in order; d is refused;
    /// a's release admits b (not c); c, cancelled, leaves the queue; e's wait reaches its deadline.
    @Test func slotsQueueAndRefusals() async throws {
        let admission = SolveAdmission(maxRunning: 1, maxQueued: 2)
        // "Never" for this test: b and c must not reach their deadline while they queue. On a loaded
        // 2-core machine the suite's CPU-bound tests can hold both cooperative threads for over a
        // minute before b's task even runs (76 s once, with a 60 s deadline here).
        let far = ContinuousClock.now + .seconds(3600)
        #expect(try await admission.acquire(deadline: far) == true)                      // a
        let order = OrderRecorder()
        let b = Task { _ = try await admission.acquire(deadline: far); await order.append("b") }
        // Sleep, not Task.yield(): a yielding loop keeps a cooperative thread busy, and with the
        // suite's CPU-bound tests holding the other one, b's task could wait minutes to enqueue.
        while admission.load.queued < 1 { try await Task.sleep(for: .milliseconds(1)) }
        let c = Task { _ = try await admission.acquire(deadline: far); await order.append("c") }
        while admission.load.queued < 2 { try await Task.sleep(for: .milliseconds(1)) }
        await #expect(throws: SolveAdmission.Refusal.queueFull) { _ = try await admission.acquire(deadline: far) }  // d
        admission.release()                                                                 // a done → b
        try await b.value
        #expect(await order.items == ["b"])
        #expect(admission.load == (running: 1, queued: 1))
        c.cancel()
        await #expect(throws: CancellationError.self) { try await c.value }
        #expect(admission.load == (running: 1, queued: 0))
        let start = ContinuousClock.now
        await #expect(throws: SolveAdmission.Refusal.queueTimeout) {
            _ = try await admission.acquire(deadline: .now + .milliseconds(200))           // e
        }
        #expect(ContinuousClock.now - start >= .milliseconds(190))
        admission.release()                                                                 // b done
        #expect(admission.load == (running: 0, queued: 0))
    }
}

actor OrderRecorder {
    var items: [String] = []
    func append(_ item: String) { items.append(item) }
}

@Suite struct BoundedWorkTests {
    /// One solve slot and one queue place: with a solve held open and one request queued, the
    /// next is a 503 with Retry-After at once and counted; the held and queued ones then finish
    /// with 200. Every response carries its own request id.
    @Test func aFullQueueIs503WithRetryAfterAtOnce() async throws {
        let gate = Gate()
        let (entered, enteredSink) = AsyncStream.makeStream(of: Void.self)
        let engine = SolveEngine(solverNames: ["gated"], defaultSolver: "gated") { problem, _, limit in
            enteredSink.yield()
            await gate.wait()
            return try await SolveEngine.library.solve(problem, SolveEngine.library.defaultSolver, limit)
        }
        let body = try Fixtures.json(Fixtures.paperDefault())
        let configuration = ServiceConfiguration(timeLimitS: 60, maxConcurrentSolves: 1, maxQueuedSolves: 1)
        try await withServer(configuration, engine: engine) { server in
            async let held = server.post("/v1/solve", body)
            var iterator = entered.makeAsyncIterator()
            _ = await iterator.next()                       // the first solve holds the slot
            async let queued = server.post("/v1/solve", body)
            var metrics = ""
            repeat {
                try await Task.sleep(for: .milliseconds(20))
                metrics = try await server.get("/metrics").text
            } while metricValue(metrics, "flexgen_solve_queue_depth") < 1
            let clock = ContinuousClock(), start = clock.now
            let refused = try await server.post("/v1/solve", body)
            let waited = clock.now - start
            #expect(refused.status == 503, "\(refused.text)")
            #expect(refused.headers["retry-after"] == "1")
            #expect(refused.error?.reason.contains("--max-queued-solves") == true)
            // "At once" against the 60 s the queued request could wait: a loaded CI machine has
            // taken seconds to answer anything, so the bound separates the two, no more.
            #expect(waited < .seconds(20), "refusal took \(waited)")
            metrics = try await server.get("/metrics").text
            #expect(metricValue(metrics, "flexgen_solve_rejections_total", labels: ["queue_full"]) == 1)
            #expect(metricValue(metrics, "flexgen_solves_running") == 1)
            await gate.open()
            let (first, second) = try await (held, queued)
            #expect(first.status == 200 && second.status == 200)
            let ids = [first, second, refused].compactMap { $0.headers["flexgen-request-id"] }
            #expect(ids.count == 3 && Set(ids).count == 3, "\(ids)")
            #expect(try await server.get("/nowhere").headers["flexgen-request-id"] != nil)
        }
    }

    /// A request that waits in the queue for its whole time limit is a 503 then, not later.
    @Test func aQueuedRequestWaitsAtMostTheTimeLimit() async throws {
        let gate = Gate()
        let (entered, enteredSink) = AsyncStream.makeStream(of: Void.self)
        let engine = SolveEngine(solverNames: ["gated"], defaultSolver: "gated") { problem, _, limit in
            enteredSink.yield()
            await gate.wait()
            return try await SolveEngine.library.solve(problem, SolveEngine.library.defaultSolver, limit)
        }
        let body = try Fixtures.json(Fixtures.paperDefault())
        let configuration = ServiceConfiguration(timeLimitS: 0.5, maxConcurrentSolves: 1, maxQueuedSolves: 4)
        try await withServer(configuration, engine: engine) { server in
            async let held = server.post("/v1/solve", body)
            var iterator = entered.makeAsyncIterator()
            _ = await iterator.next()
            let clock = ContinuousClock(), start = clock.now
            let late = try await server.post("/v1/solve", body)
            let waited = clock.now - start
            #expect(late.status == 503, "\(late.text)")
            #expect(late.headers["retry-after"] == "1")
            // The other outcome is waiting for the gate, which never opens before this line; 20 s
            // separates the two on a loaded machine.
            #expect(waited >= .milliseconds(400) && waited < .seconds(20), "waited \(waited)")
            let metrics = try await server.get("/metrics").text
            #expect(metricValue(metrics, "flexgen_solve_rejections_total", labels: ["queue_timeout"]) == 1)
            await gate.open()
            _ = try await held
        }
    }
}
