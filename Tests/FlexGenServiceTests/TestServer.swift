import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Testing
import FlexGen
@testable import FlexGenService

/// A real FlexGen HTTP server on 127.0.0.1 with an ephemeral port, and a real HTTP client.
struct RunningServer: Sendable {
    let port: Int
    let client: HTTPClient
    let group: ServiceGroup
    var base: String { "http://127.0.0.1:\(port)" }

    struct Reply: Sendable {
        var status: Int
        var headers: [String: String]
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSONDecoder().decode(T.self, from: body) }
        var error: APIError.Body.Detail? { try? decode(APIError.Body.self).error }
    }

    func send(_ method: HTTPMethod, _ path: String, body: Data? = nil, timeout: TimeAmount = .seconds(60)) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        return try await Self.collect(try await client.execute(request, timeout: timeout))
    }

    func post(_ path: String, _ body: Data) async throws -> Reply { try await send(.POST, path, body: body) }
    func get(_ path: String) async throws -> Reply { try await send(.GET, path) }

    static func collect(_ response: HTTPClientResponse) async throws -> Reply {
        let buffer = try await response.body.collect(upTo: 64 << 20)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return Reply(status: Int(response.status.code), headers: headers, body: Data(buffer.readableBytesView))
    }
}

/// A logger that drops everything (the default `Logger` would print every request of every test).
let quietLogger = Logger(label: "flexgen.test", factory: { _ in SwiftLogNoOpLogHandler() })

/// The configuration a test gets unless it is about limits: the service's defaults, but a time
/// limit of 120 s instead of 10. A queued request is refused with 503 once it has waited its time
/// limit, and on CI the suite's CPU-heavy tests (the Fashion U-Net, the theory fits) run beside
/// the service tests on two cores: fifty concurrent solves once waited more than 10 s there. A test
/// about the time limit sets its own.
let testConfiguration = ServiceConfiguration(timeLimitS: 120)

/// Starts a service, runs `body` against it, then shuts it down gracefully and waits for it.
func withServer<T: Sendable>(
    _ configuration: ServiceConfiguration = testConfiguration,
    engine: SolveEngine = .library,
    logger: Logger = quietLogger,
    _ body: (RunningServer) async throws -> T
) async throws -> T {
    var configuration = configuration
    configuration.host = "127.0.0.1"
    configuration.port = 0
    let service = FlexGenHTTPService(configuration: configuration, engine: engine, logger: logger)
    let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
    let application = service.makeApplication { port in
        portSink.yield(port)
        portSink.finish()
    }
    let group = ServiceGroup(configuration: .init(services: [application], logger: quietLogger))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestFailure("the server never reported its port") }
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfiguration)
        let server = RunningServer(port: port, client: client, group: group)
        let result: Result<T, any Error>
        do { result = .success(try await body(server)) } catch { result = .failure(error) }
        do { try await client.shutdown() } catch { UnclosedClients.keep(client) }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return try result.get()
    }
}

/// Clients whose `shutdown()` threw. AsyncHTTPClient traps in its deinit (debug builds) when a
/// client was not shut down, which would take the whole test process down with it: seen once when
/// a test failed under heavy load with a request still in flight. A test that failed that way has
/// already recorded its failure; keeping its client alive until the process exits lets every other
/// test still run and report.
enum UnclosedClients {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var clients: [HTTPClient] = []

    static func keep(_ client: HTTPClient) {
        lock.lock()
        clients.append(client)
        lock.unlock()
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Test instances, generated (not read from files) so that the tests own their inputs.
enum Fixtures {
    /// The 20-client paper-default scenario with the sd-like-512 profile inline.
    static func paperDefault(seed: UInt64 = 1) -> Problem {
        let settings = ScenarioSettings.preset("paper-default")!
        let profile = ProfileLaw.sdLike512.profile(name: "sd-like-512", widths: ProfileLaw.defaultWidths,
                                                   steps: ProfileLaw.defaultSteps)
        return ScenarioGenerator.generate(settings: settings, profile: profile, seed: seed)
    }

    static func json(_ problem: Problem) throws -> Data {
        try ProblemFile.encode(problem, embedProfile: true)
    }

    /// A JSON object as a dictionary, for tests that break documents on purpose.
    static func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func data(_ object: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: object)
    }
}
