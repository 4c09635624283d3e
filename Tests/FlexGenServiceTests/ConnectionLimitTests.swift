import FlexGenNumerics
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Testing
import FlexGen
@testable import FlexGenService

/// The connection table against a reference model written the obvious way (a list in eviction
/// order, scanned), over random operation sequences.
@Suite struct ConnectionTableTests {
    /// The reference: admitted connections in a dictionary, evictable ones in a list ordered by
    /// when they (last) became evictable.
    struct Model {
        let capacity: Int
        var open: Set<UInt64> = []
        var order: [UInt64] = []   // evictable, oldest first
        var nextID: UInt64 = 0
        mutating func admit() -> (admitted: UInt64?, victim: UInt64?) {
            var victim: UInt64?
            if open.count >= capacity {   // victims still closing count as open
                guard !order.isEmpty else { return (nil, nil) }
                victim = order.removeFirst()
                pendingVictims.insert(victim!)
            }
            nextID += 1
            open.insert(nextID)
            return (nextID, victim)
        }
        var pendingVictims: Set<UInt64> = []
        mutating func markEvictable(_ id: UInt64) { order.removeAll { $0 == id }; order.append(id) }
        mutating func markBusy(_ id: UInt64) { order.removeAll { $0 == id } }
        mutating func remove(_ id: UInt64) { open.remove(id); order.removeAll { $0 == id }; pendingVictims.remove(id) }
    }

    @Test(arguments: [1, 3, 17])
    func admissionAndEvictionMatchTheReferenceModel(capacity: Int) {
        var random = Xoshiro256(seed: UInt64(capacity))
        let table = ConnectionTable<UInt64>(capacity: capacity)
        var model = Model(capacity: capacity)
        for _ in 0..<20_000 {
            let open = Array(model.open)
            switch random.next() % 4 {
            case 0:
                let expected = model.admit()
                switch table.admit() {
                case .refused:
                    #expect(expected.admitted == nil)
                case .admitted(let id, let victim):
                    #expect(id == expected.admitted)
                    #expect(victim == expected.victim)
                }
            case 1 where !open.isEmpty:
                let id = open[Int(random.next() % UInt64(open.count))]
                guard !model.pendingVictims.contains(id) else { break }
                model.markEvictable(id)
                table.markEvictable(id, handle: id)
            case 2 where !open.isEmpty:
                let id = open[Int(random.next() % UInt64(open.count))]
                model.markBusy(id)
                table.markBusy(id)
            case 3 where !open.isEmpty:
                let id = open[Int(random.next() % UInt64(open.count))]
                model.remove(id)
                table.remove(id)
            default:
                break
            }
            #expect(table.openCount == model.open.count)
        }
    }

    /// Memory stays bounded below the cap: a kept-alive connection marked evictable after every
    /// response (a million times) leaves at most 3 × evictable + 1024 tickets queued.
    @Test func staleTicketsDoNotAccumulate() {
        let table = ConnectionTable<UInt64>(capacity: 100)
        guard case .admitted(let id, nil) = table.admit() else { Issue.record("not admitted"); return }
        for _ in 0..<1_000_000 {
            table.markEvictable(id, handle: id)
            table.markBusy(id)
        }
        #expect(table.queuedTickets <= 3 + 1024)
    }

    /// Worked by hand: capacity 2; a, b open (both evictable, a older); c evicts a; b becomes
    /// busy; d evicts c (the only evictable one left); with b and d both busy, e is refused.
    @Test func handWorkedSequence() {
        let table = ConnectionTable<String>(capacity: 2)
        guard case .admitted(let a, nil) = table.admit() else { Issue.record("a"); return }
        table.markEvictable(a, handle: "a")
        guard case .admitted(let b, nil) = table.admit() else { Issue.record("b"); return }
        table.markEvictable(b, handle: "b")
        guard case .admitted(let c, "a") = table.admit() else { Issue.record("c should evict a"); return }
        table.markEvictable(c, handle: "c")
        table.remove(a)
        table.markBusy(b)
        guard case .admitted(let d, "c") = table.admit() else { Issue.record("d should evict c"); return }
        table.remove(c)
        table.markBusy(d)
        guard case .refused = table.admit() else { Issue.record("e should be refused"); return }
        #expect(table.openCount == 2)
    }

    @Test func defaultCapLeavesTheReserve() {
        // reserve = min(1024, max(64, limit / 8)), by hand:
        #expect(DescriptorLimit.defaultMaxConnections(forLimit: 1024) == 1024 - 128)
        #expect(DescriptorLimit.defaultMaxConnections(forLimit: 20_000) == 20_000 - 1024)
        #expect(DescriptorLimit.defaultMaxConnections(forLimit: 256) == 256 - 64)
        #expect(DescriptorLimit.defaultMaxConnections(forLimit: 50) == 1)
        #expect(DescriptorLimit.defaultMaxConnections(forLimit: Int.max) == Int.max - 1024)
    }
}

/// Real sockets against a real server on 127.0.0.1: stalled requests, idle connections, hung-up
/// uploads, and thousands of stalled connections. Serialized: the descriptor-heavy test must not
/// share the process's descriptors with another.
@Suite(.serialized) struct ConnectionLimitTests {
    static let stalledHead = "POST /v1/solve HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"format\""

    /// A request that sent its headers and a few body bytes, then stalled: 408, then closed,
    /// within the read timeout (+ a generous margin for a loaded machine; the benchmark measures
    /// the real delay). A connection that sends nothing at all is closed too.
    @Test func stalledRequestsAreClosedAfterTheReadTimeout() async throws {
        // 5 s, not less: the 408 needs the server to have read the headers before the timer fires.
        // On a loaded machine 0.5 s once passed before it did (a full suite beside other builds),
        // and in a CI rehearsal 2 s did too (the suite's Fashion and theory tests keep both cores
        // busy), each time giving the plain close of a connection that sent nothing.
        let timeout = 5.0
        try await withServer(ServiceConfiguration(readTimeoutS: timeout)) { server in
            let (stalledBody, silent) = try await onThread {
                let stalled = try RawConnection.open(port: server.port)
                let silent = try RawConnection.open(port: server.port)
                defer { stalled.close(); silent.close() }
                let start = Date()
                stalled.send(Self.stalledHead)
                let answer = stalled.readUntilClosed(timeout: 20)
                let stalledAfter = Date().timeIntervalSince(start)
                let quiet = silent.readUntilClosed(timeout: 20)
                let silentAfter = Date().timeIntervalSince(start)
                return ((answer.closed, String(decoding: answer.data, as: UTF8.self), stalledAfter),
                        (quiet.closed, quiet.data.count, silentAfter))
            }
            #expect(stalledBody.0, "the stalled request's connection was not closed within 20 s")
            #expect(stalledBody.1.hasPrefix("HTTP/1.1 408"), "\(stalledBody.1)")
            #expect(stalledBody.1.lowercased().contains("connection: close"))
            #expect(stalledBody.2 >= timeout * 0.9 && stalledBody.2 < timeout + 10, "closed after \(stalledBody.2) s")
            #expect(silent.0 && silent.1 == 0)
            #expect(silent.2 < timeout + 10, "silent connection closed after \(silent.2) s")
            let metrics = try await server.get("/metrics").text
            #expect(metricValue(metrics, "flexgen_http_connections_closed_total", labels: ["read_timeout"]) == 2)
            #expect(metricValue(metrics, "flexgen_http_requests_total", labels: ["status=\"408\""]) == 1)
        }
    }

    /// A kept-alive connection is closed after the idle timeout, and only then.
    @Test func idleKeepAliveConnectionsAreClosed() async throws {
        let idle = 0.5
        try await withServer(ServiceConfiguration(readTimeoutS: 30, idleTimeoutS: idle)) { server in
            let (first, second, closed, after) = try await onThread {
                let connection = try RawConnection.open(port: server.port)
                defer { connection.close() }
                let request = "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                connection.send(request)
                let first = connection.readResponse(timeout: 10)
                connection.send(request)   // the same connection serves a second request
                let second = connection.readResponse(timeout: 10)
                let start = Date()
                let end = connection.readUntilClosed(timeout: 20)
                return (first, second, end.closed, Date().timeIntervalSince(start))
            }
            #expect(first?.hasPrefix("HTTP/1.1 200") == true)
            #expect(second?.hasPrefix("HTTP/1.1 200") == true)
            #expect(closed)
            #expect(after >= idle * 0.9 && after < idle + 3, "idle connection closed after \(after) s")
            let metrics = try await server.get("/metrics").text
            #expect(metricValue(metrics, "flexgen_http_connections_closed_total", labels: ["idle_timeout"]) == 1)
        }
    }

    /// Uploads cut short by the client (a FIN, then a reset): logged as client aborts at info,
    /// counted, and no 5xx anywhere in the log or the metrics.
    @Test func abortedUploadsAreTheClientsNotServerErrors() async throws {
        let records = LogRecords()
        let logger = Logger(label: "flexgen.test") { _ in
            var handler = CapturingLogHandler(records: records)
            handler.logLevel = .debug
            return handler
        }
        try await withServer(ServiceConfiguration(readTimeoutS: 30), logger: logger) { server in
            for reset in [false, true] {
                try await onThread {
                    let connection = try RawConnection.open(port: server.port)
                    connection.send(Self.stalledHead)
                    Thread.sleep(forTimeInterval: 0.2)   // the handler is now reading the body
                    connection.close(reset: reset)
                }
            }
            var aborts = 0.0, metrics = ""
            let clock = ContinuousClock(), start = clock.now
            while aborts < 2, clock.now - start < .seconds(20) {
                try await Task.sleep(for: .milliseconds(50))
                metrics = try await server.get("/metrics").text
                aborts = metricValue(metrics, "flexgen_http_client_aborts_total", labels: ["path=\"/v1/solve\""])
            }
            #expect(aborts == 2, "\(metrics)")
            #expect(metricValue(metrics, "flexgen_http_requests_total", labels: ["status=\"5"]) == 0)
            #expect(metricValue(metrics, "flexgen_http_requests_in_flight") == 1)   // this /metrics request
        }
        let all = records.all
        #expect(!all.contains { ($0.metadata["status"] ?? "").hasPrefix("5") }, "\(all.map(\.metadata))")
        #expect(!all.contains { $0.level >= .error })
        let aborts = all.filter { $0.message == "request aborted by client" }
        #expect(aborts.count == 2)
        #expect(aborts.allSatisfy { $0.level == .info && $0.metadata["path"] == "/v1/solve" })
    }

    /// Hundreds of stalled connections against a capped server: the stalled ones are evicted
    /// oldest first, the server never holds more than its cap, and an ordinary solve on a fresh
    /// connection is still answered. The issue's scenario is 2000 against a 1024-descriptor server
    /// (benchmarks/service/stalled.sh, a separate process). Here both ends live in the test process,
    /// which also runs `Foundation.Process` children in parallel (ExecutableTests), and Foundation
    /// watches their pipes with `select()`, undefined for descriptors ≥ 1024 (seen: a hang with
    /// nfds 2688). So the counts keep every descriptor of this process below 1024: 400 stalled
    /// clients against a cap of 150, still 2.7× the cap.
    @Test func anOrdinarySolveIsAnsweredWhileHundredsOfConnectionsStall() async throws {
        let limit = raiseTestDescriptorLimit()
        let cap = min(150, (limit - 200) / 3)
        let stalledCount = min(400, limit - 200 - cap)
        try #require(cap >= 16 && stalledCount > cap, "descriptor limit \(limit) too low for this test")
        let body = try Fixtures.json(Fixtures.paperDefault())
        try await withServer(ServiceConfiguration(readTimeoutS: 60, maxConnections: cap)) { server in
            let stalled = try await onThread {
                try (0..<stalledCount).map { _ in
                    let connection = try RawConnection.open(port: server.port)
                    connection.send(Self.stalledHead)
                    return connection
                }
            }
            defer { stalled.forEach { $0.close() } }
            // Let the server accept (and evict) them all before the ordinary request.
            var metrics = ""
            let clock = ContinuousClock(), start = clock.now
            repeat {
                try await Task.sleep(for: .milliseconds(100))
                metrics = try await server.get("/metrics").text
            } while metricValue(metrics, "flexgen_http_connections_closed_total", labels: ["evicted"]) < Double(stalledCount - cap)
                && clock.now - start < .seconds(30)
            // The /metrics request's own connection is one of those counted: it was let in by
            // evicting a stalled one, whose close can be counted a moment later (seen once as 151
            // against a cap of 150 in a loaded full run), so one over the cap is allowed here.
            #expect(metricValue(metrics, "flexgen_http_connections_open") <= Double(cap + 1))

            let fresh = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
            var request = HTTPClientRequest(url: server.base + "/v1/solve")
            request.method = .POST
            request.body = .bytes(ByteBuffer(bytes: body))
            let sent = clock.now
            let reply = try await RunningServer.collect(try await fresh.execute(request, timeout: .seconds(30)))
            let latency = clock.now - sent
            try await fresh.shutdown()
            #expect(reply.status == 200, "\(reply.text)")
            // Starved, the request gets no answer until the stalled connections go (the 60 s read
            // timeout), so the 30 s timeout above fails it. The 1 s target is measured by
            // benchmarks/service/stalled.sh on a quiet machine; here the rest of the suite shares
            // the two cores (1.3 s seen, and 6.3 s in a CI rehearsal once the suite had the Fashion
            // U-Net's and the theory's CPU-heavy tests beside it), so the bound only separates
            // "answered" from "starved", with room for a loaded machine on the answered side.
            #expect(latency < .seconds(20), "the solve took \(latency) behind \(stalledCount) stalled connections")
            metrics = try await server.get("/metrics").text
            #expect(metricValue(metrics, "flexgen_http_connections_closed_total", labels: ["refused"]) == 0)
            #expect(metricValue(metrics, "flexgen_http_requests_total", labels: ["status=\"5"]) == 0)
        }
    }
}
