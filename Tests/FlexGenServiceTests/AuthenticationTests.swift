import FlexGenNumerics
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import FlexGen
@testable import FlexGenService

@Suite struct BearerTokenTests {
    /// Equality agrees with `==` on random pairs (equal, same length, prefixes, longer).
    @Test func matchesIsByteEquality() {
        var random = Xoshiro256(seed: 7)
        func text(_ count: Int) -> String {
            String((0..<count).map { _ in "ab01-_~".randomElement(using: &random)! })
        }
        for _ in 0..<2_000 {
            let secret = text(1 + Int(random.next() % 12))
            let token = BearerToken(secret)!
            let presented: String
            switch random.next() % 4 {
            case 0: presented = secret
            case 1: presented = String(secret.dropLast())
            case 2: presented = secret + text(1)
            default: presented = text(secret.count)
            }
            #expect(token.matches(presented.utf8) == (presented == secret))
        }
    }

    /// No early exit: the comparison reads both sides' bytes exactly token-length times whatever
    /// is presented (a naive comparison stops at the first difference, or at a length mismatch).
    @Test func theComparisonTakesTheSameStepsForEveryPresentedValue() {
        let secret = Array("s3cr3t-token-0123456789abcdef".utf8)
        var first = secret; first[0] ^= 1
        var last = secret; last[secret.count - 1] ^= 1
        let cases: [[UInt8]] = [secret, first, last, [], Array(secret.prefix(3)), secret + secret]
        for presented in cases {
            var reads = 0
            let equal = BearerToken.constantTimeEqual(secret: secret, presented: presented, reads: &reads)
            #expect(equal == (presented == secret))
            #expect(reads == 2 * secret.count)
        }
    }

    @Test func tokensAndHeaders() {
        #expect(BearerToken("") == nil)
        #expect(BearerToken("has space") == nil)
        #expect(BearerToken("===") == nil)
        #expect(BearerToken("abc+/==") != nil)
        #expect(!"\(BearerToken("supersecret")!)".contains("supersecret"))
        #expect(BearerToken.credentials(fromAuthorization: "Bearer abc") == "abc")
        #expect(BearerToken.credentials(fromAuthorization: "bearer  abc") == "abc")
        #expect(BearerToken.credentials(fromAuthorization: "Basic abc") == nil)
        #expect(BearerToken.credentials(fromAuthorization: "Bearer") == nil)
    }
}

@Suite struct AuthenticationTests {
    static let secret = "flexgen-test-token-4f1c2a"

    func send(_ server: RunningServer, _ route: Route, authorization: String?) async throws -> RunningServer.Reply {
        var request = HTTPClientRequest(url: server.base + route.path)
        request.method = HTTPMethod(rawValue: route.method.rawValue)
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        if route.method == .post {
            request.body = .bytes(ByteBuffer(bytes: try Fixtures.json(Fixtures.paperDefault())))
        }
        return try await RunningServer.collect(try await server.client.execute(request, timeout: .seconds(60)))
    }

    /// Every route but the health check answers 401 without the token or with a wrong one (with
    /// the RFC 6750 challenge), and is served as usual with it.
    @Test(arguments: [false, true])
    func everyProtectedRouteNeedsTheToken(metricsPublic: Bool) async throws {
        let configuration = ServiceConfiguration(authToken: BearerToken(Self.secret), metricsPublic: metricsPublic)
        try await withServer(configuration) { server in
            for route in Route.all {
                let open = route == .health || (metricsPublic && route == .metrics)
                let missing = try await send(server, route, authorization: nil)
                let wrong = try await send(server, route, authorization: "Bearer " + Self.secret.dropLast() + "x")
                let otherScheme = try await send(server, route, authorization: "Basic " + Self.secret)
                let right = try await send(server, route, authorization: "Bearer " + Self.secret)
                #expect(right.status != 401, "\(route)")
                if open {
                    #expect(missing.status != 401 && wrong.status != 401, "\(route)")
                    continue
                }
                #expect(missing.status == 401, "\(route)")
                #expect(missing.headers["www-authenticate"] == #"Bearer realm="flexgen""#)
                #expect(missing.error?.path == "headers.Authorization")
                for reply in [wrong, otherScheme] {
                    #expect(reply.status == 401, "\(route)")
                    #expect(reply.headers["www-authenticate"] == #"Bearer realm="flexgen", error="invalid_token""#)
                }
            }
            // A route that does not exist is a 401 too without the token, a 404 with it.
            #expect(try await server.get("/nowhere").status == 401)
            var request = HTTPClientRequest(url: server.base + "/nowhere")
            request.headers.add(name: "Authorization", value: "Bearer " + Self.secret)
            #expect(try await RunningServer.collect(try await server.client.execute(request, timeout: .seconds(10))).status == 404)
        }
    }

    /// At the level a test can see (HTTP round trips on loopback), a token wrong in its first
    /// byte, one wrong in its last byte and a much shorter one are refused in the same time: the
    /// medians of interleaved runs agree within the round trip's own noise (the comparison is
    /// nanoseconds; `theComparisonTakesTheSameStepsForEveryPresentedValue` is the exact check).
    @Test func refusalTimeDoesNotDependOnTheToken() async throws {
        let configuration = ServiceConfiguration(authToken: BearerToken(Self.secret))
        var firstWrong = Array(Self.secret); firstWrong[0] = "X"
        var lastWrong = Array(Self.secret); lastWrong[lastWrong.count - 1] = "X"
        let candidates = [String(firstWrong), String(lastWrong), "x"]
        let medians = try await withServer(configuration) { server in
            var samples = [[Double]](repeating: [], count: candidates.count)
            let clock = ContinuousClock()
            for round in 0..<120 {
                for (index, candidate) in candidates.enumerated() {
                    let start = clock.now
                    let reply = try await send(server, .openAPI, authorization: "Bearer " + candidate)
                    let elapsed = clock.now - start
                    #expect(reply.status == 401)
                    if round >= 20 { samples[index].append(Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds)) }
                }
            }
            return samples.map { $0.sorted()[$0.count / 2] }
        }
        // The bound catches a dependence of milliseconds (work per matching byte, an early exit
        // before an expensive step), not nanoseconds: with the suite's CPU-bound tests beside it,
        // medians of one round trip have differed by 3.5 against 1.7 ms with no dependence at all.
        let (low, high) = (medians.min()!, medians.max()!)
        #expect(high <= low * 2 + 0.002, "medians \(medians) s")
    }
}
