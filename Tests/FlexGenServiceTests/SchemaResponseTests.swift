import Foundation
import Testing
import FlexGen
import JSONSchemaSubset
@testable import FlexGenService

/// What the service answers is what its OpenAPI document (built from docs/schemas) says: real
/// responses validate against the schemas, and a body that satisfies its schema but breaks a
/// relation no schema states is a 422, not a 400.
@Suite struct SchemaResponseTests {
    static let registry: JSONSchemaRegistry = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        do { return try JSONSchemaRegistry(folder: root.appendingPathComponent("docs/schemas")) } catch {
            fatalError("docs/schemas: \(error)")
        }
    }()

    static func expectValid(_ body: Data, _ file: String, pointer: String = "#", _ what: String) throws {
        let value = try JSONValue(parsing: body)
        #expect(try registry.violations(of: value, against: file, pointer: pointer) == [], "\(what)")
    }

    @Test func solveCheckHealthAndErrorsMatchTheirSchemas() async throws {
        let problem = Fixtures.paperDefault()
        let body = try Fixtures.json(problem)
        // The request itself is what the document asks for.
        try Self.expectValid(body, "problem.schema.json", pointer: "#/$defs/inlineProblemDocument", "request")
        try await withServer { server in
            let solved = try await server.post("/v1/solve", body)
            #expect(solved.status == 200)
            try Self.expectValid(solved.body, "solution.schema.json", "solve 200")
            let admitted = try await server.post("/v1/solve?admission=max-served", body)
            try Self.expectValid(admitted.body, "solution.schema.json", "solve admission 200")

            var request = try Fixtures.object(body)
            let checkBody = try Fixtures.data(["problem": request, "solution": try Fixtures.object(solved.body)])
            try Self.expectValid(checkBody, "service.schema.json", pointer: "#/$defs/checkRequest", "check request")
            let checked = try await server.post("/v1/check", checkBody)
            #expect(checked.status == 200)
            try Self.expectValid(checked.body, "check.schema.json", "check 200")

            let health = try await server.get("/v1/health")
            try Self.expectValid(health.body, "service.schema.json", pointer: "#/$defs/health", "health")

            // 400: the body breaks its schema (a negative deadline).
            var clients = try #require(request["clients"] as? [[String: Any]])
            clients[0]["deadlineS"] = -1
            request["clients"] = clients
            let bad = try await server.post("/v1/solve", try Fixtures.data(request))
            #expect(bad.status == 400)
            #expect(bad.headers["flexgen-request-id"]?.isEmpty == false)
            try Self.expectValid(bad.body, "service.schema.json", pointer: "#/$defs/errorBody", "400")
            #expect(!(try Self.registry.isValid(try JSONValue(parsing: try Fixtures.data(request)), against: "problem.schema.json")))
        }
    }

    /// A solution inside a check request is read strictly, as `embeddedSolution` says: a key the
    /// CLI would read past with a warning, a `$schema` there, or a `prices` of another shape is a
    /// 400 naming it; the same body without it is a 200.
    @Test func aSolutionInARequestIsReadStrictly() async throws {
        let problem = Fixtures.paperDefault()
        let body = try Fixtures.json(problem)
        try await withServer { server in
            let solved = try await server.post("/v1/solve", body)
            let solution = try Fixtures.object(solved.body)
            let request = try Fixtures.object(body)
            #expect(try await server.post("/v1/check", try Fixtures.data(["problem": request, "solution": solution])).status == 200)
            var clients = try #require(solution["clients"] as? [[String: Any]])
            clients[0]["note"] = "extension"
            let cases: [(String, [String: Any])] = [
                ("solution.lowerBoundJJ", solution.merging(["lowerBoundJJ": 1.0]) { $1 }),
                ("solution.$schema", solution.merging(["$schema": "x"]) { $1 }),
                ("solution.prices", solution.merging(["prices": ["computeJPerFlopsPerS": "cheap", "bandwidthJPerHz": 1.0]]) { $1 }),
                ("solution.clients[0].note", solution.merging(["clients": clients]) { $1 }),
            ]
            for (path, broken) in cases {
                let data = try Fixtures.data(["problem": request, "solution": broken])
                #expect(!(try Self.registry.isValid(try JSONValue(parsing: data), against: "service.schema.json",
                                                    pointer: "#/$defs/checkRequest")), "\(path)")
                let reply = try await server.post("/v1/check", data)
                #expect(reply.status == 400, "\(path): \(reply.text)")
                #expect(reply.text.contains(path), "\(path): \(reply.text)")
            }
        }
    }

    /// A valid instance whose energy leaves Double's range (κ f² C overflows) is a 422 naming the
    /// cause, not a 500: schemathesis found the 500 with extreme but valid magnitudes.
    @Test func anInstanceBeyondDoubleArithmeticIs422() async throws {
        let problem = Problem(
            name: "overflow",
            server: Server(bandwidthHz: 1e6, noisePsdWPerHz: 1e-20, maxTxPowerW: 1, computeRateFlopsPerS: 1e300,
                           energyPerFlopJ: 0, dvfsCoefficient: 1e300),
            profile: Profile(name: "p", metric: .fid, configs: [Configuration(width: 1, steps: 1, flops: 1e10, quality: 1)]),
            clients: [Client(id: "a", deadlineS: 1, channelGain: .linear(1), imageBits: 1e3)])
        try await withServer { server in
            let reply = try await server.post("/v1/solve", try Fixtures.json(problem))
            #expect(reply.status == 422, "\(reply.text)")
            #expect(reply.text.contains("exceed Double arithmetic"), "\(reply.text)")
            try Self.expectValid(reply.body, "service.schema.json", pointer: "#/$defs/errorBody", "422")
        }
    }

    /// A solve that stops at the iteration limit without a feasible solution is a 422: the limit does
    /// not depend on the load, so the 503 it was ("retry later") misled. The instance is the one
    /// schemathesis shrank to (extreme but valid magnitudes, `width-only`).
    @Test func iterationLimitWithoutASolutionIs422() async throws {
        let problem = Problem(
            name: "extreme",
            server: Server(bandwidthHz: 4.556745481036546e+307, noisePsdWPerHz: 2.2250738585e-313, maxTxPowerW: 1.175494351e-38,
                           computeRateFlopsPerS: 5.609866193565219e+62, energyPerFlopJ: 4.302006230097374e+16,
                           dvfsCoefficient: 3.4295903398619126e+307, maxJobComputeRateFlopsPerS: 2.7123541430312245e+307),
            profile: Profile(name: "p", metric: QualityMetric(name: "q", better: .higher),
                             configs: [Configuration(width: 1.1851434844015969e+308, steps: 341913965, flops: 0.99999,
                                                     quality: 1.4763823343025162e+16)]),
            clients: [Client(id: "a", deadlineS: 1.320822528062778e+308, channelGain: .decibels(-1.4590837989195605e-299),
                             imageBits: 2.2962723270164195e-85)])
        try await withServer { server in
            let reply = try await server.post("/v1/solve?solver=width-only", try Fixtures.json(problem))
            #expect(reply.status == 422, "\(reply.text)")
            #expect(reply.text.contains("iteration limit"), "\(reply.text)")
            #expect(reply.headers["retry-after"] == nil)
        }
    }

    /// Duplicate ids and a service target naming an unknown client satisfy the schema (JSON Schema
    /// cannot state them): the service answers 422 naming the path, as `positive_data_acceptance`
    /// in .ci/conformance expects of a schema-valid body; mixed with a schema violation it is a 400.
    @Test func relationalIssuesAre422() async throws {
        let problem = Fixtures.paperDefault()
        var request = try Fixtures.object(try Fixtures.json(problem))
        var clients = try #require(request["clients"] as? [[String: Any]])
        clients[1]["id"] = clients[0]["id"]
        request["clients"] = clients
        let duplicate = try Fixtures.data(request)
        try Self.expectValid(duplicate, "problem.schema.json", pointer: "#/$defs/inlineProblem", "duplicate ids")
        request["serviceTargets"] = [["clients": ["nobody"], "meanQualityTarget": 20.0]]
        let unknown = try Fixtures.data(request)
        try Self.expectValid(unknown, "problem.schema.json", pointer: "#/$defs/inlineProblem", "unknown client")
        clients[2]["deadlineS"] = 0
        request["clients"] = clients
        let mixed = try Fixtures.data(request)
        try await withServer { server in
            let first = try await server.post("/v1/solve", duplicate)
            #expect(first.status == 422, "\(first.text)")
            #expect(first.text.contains("clients[1].id"))
            let second = try await server.post("/v1/solve", unknown)
            #expect(second.status == 422, "\(second.text)")
            #expect(second.text.contains("serviceTargets[0].clients[0]"))
            let third = try await server.post("/v1/solve", mixed)
            #expect(third.status == 400, "\(third.text)")
        }
    }
}
