import Foundation
import Testing
@testable import FlexGenService

/// The served OpenAPI document and the handlers describe the same service.
@Suite struct OpenAPITests {
    /// (METHOD, path) pairs of the document's `paths`.
    static func documentedRoutes(_ data: Data) throws -> Set<String> {
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((document["openapi"] as? String)?.hasPrefix("3.") == true)
        let paths = try #require(document["paths"] as? [String: Any])
        var routes = Set<String>()
        let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        for (path, item) in paths {
            let operations = try #require(item as? [String: Any])
            for method in operations.keys where methods.contains(method) {
                routes.insert("\(method.uppercased()) \(path)")
            }
        }
        return routes
    }

    @Test func everyDocumentedRouteExistsAndEveryRouteIsDocumented() async throws {
        try await withServer { server in
            let reply = try await server.get("/v1/openapi.json")
            #expect(reply.status == 200)
            #expect(reply.headers["content-type"] == "application/json")
            let documented = try Self.documentedRoutes(reply.body)
            #expect(documented == Set(Route.all.map(\.description)))
            // Every documented route answers with something other than 404/405 …
            for route in Route.all {
                let answer = try await server.send(.init(rawValue: route.method.rawValue), route.path,
                                                   body: route.method == .post ? Data("{}".utf8) : nil)
                #expect(answer.status != 404 && answer.status != 405, "\(route)")
            }
            // The documented solver names are the engine's.
            let document = try #require(try JSONSerialization.jsonObject(with: reply.body) as? [String: Any])
            let solve = try #require(((document["paths"] as? [String: Any])?["/v1/solve"] as? [String: Any])?["post"] as? [String: Any])
            let parameter = try #require((solve["parameters"] as? [[String: Any]])?.first)
            #expect((parameter["schema"] as? [String: Any])?["enum"] as? [String] == SolveEngine.library.solverNames)
            // … and a route that is not documented does not exist.
            let reply1 = try await server.get("/v1/calibrate")
            #expect(reply1.status == 404)
            let reply2 = try await server.send(.DELETE, "/v1/solve")
            #expect(reply2.status == 405)
        }
    }

    /// Every `$ref` of the served document (with and without a token) points at a component it has.
    @Test(arguments: [(false, false), (true, false), (true, true)])
    func everyReferenceResolves(authenticated: Bool, metricsPublic: Bool) throws {
        let text = OpenAPIDocument.json(authenticated: authenticated, metricsPublic: metricsPublic)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let components = try #require(document["components"] as? [String: Any])
        var references: [String] = []
        func collect(_ value: Any) {
            if let object = value as? [String: Any] {
                for (key, child) in object { if key == "$ref", let r = child as? String { references.append(r) } else { collect(child) } }
            } else if let array = value as? [Any] {
                array.forEach(collect)
            }
        }
        collect(document)
        #expect(references.count > 50)
        for reference in references {
            let parts = reference.split(separator: "/").map(String.init)
            #expect(parts.count == 4 && parts[0] == "#" && parts[1] == "components", "\(reference)")
            guard parts.count == 4 else { continue }
            #expect((components[parts[2]] as? [String: Any])?[parts[3]] != nil, "\(reference)")
        }
        // No reference into a schema file survives the embedding, and no file's `$id` or `$defs`.
        #expect(!text.contains(".schema.json#") && !text.contains("\"$defs\"") && !text.contains("\"$id\""))
    }

    /// The schema files the document is built from (this target's resources) are docs/schemas, byte
    /// for byte, and every file there is embedded.
    @Test func bundledSchemasAreDocsSchemas() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let docs = root.appendingPathComponent("docs/schemas")
        let bundled = root.appendingPathComponent("Sources/FlexGenService/Schemas")
        let names = try FileManager.default.contentsOfDirectory(atPath: docs.path).filter { $0.hasSuffix(".json") }.sorted()
        #expect(names.count >= 8)
        #expect(try FileManager.default.contentsOfDirectory(atPath: bundled.path).sorted() == names,
                "run: cp docs/schemas/*.schema.json Sources/FlexGenService/Schemas/")
        for name in names {
            #expect(try Data(contentsOf: docs.appendingPathComponent(name)) == Data(contentsOf: bundled.appendingPathComponent(name)),
                    "\(name) differs: cp docs/schemas/*.schema.json Sources/FlexGenService/Schemas/")
        }
        #expect(try OpenAPIDocument.bundledSchemas().keys.sorted() == names)
    }

    /// With a token every route but the health check declares the bearer scheme and its 401 (with
    /// WWW-Authenticate); without one, nothing mentions it. Every response declares the request id.
    @Test func securityAndHeadersMatchTheConfiguration() throws {
        func operations(_ authenticated: Bool, _ metricsPublic: Bool) throws -> [String: [String: Any]] {
            let text = OpenAPIDocument.json(authenticated: authenticated, metricsPublic: metricsPublic)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            var out: [String: [String: Any]] = [:]
            for (path, item) in try #require(document["paths"] as? [String: [String: Any]]) {
                for (method, operation) in item { out["\(method.uppercased()) \(path)"] = operation as? [String: Any] }
            }
            return out
        }
        for (name, operation) in try operations(true, false) {
            let responses = try #require(operation["responses"] as? [String: Any])
            let open = name == Route.health.description
            #expect((responses["401"] != nil) == !open, "\(name)")
            #expect(((operation["security"] as? [Any])?.isEmpty ?? true) == open, "\(name)")
        }
        let publicMetrics = try operations(true, true)
        #expect((publicMetrics[Route.metrics.description]?["responses"] as? [String: Any])?["401"] == nil)
        for (name, operation) in try operations(false, false) {
            let responses = try #require(operation["responses"] as? [String: Any])
            #expect(responses["401"] == nil && operation["security"] == nil, "\(name)")
        }
        let document = try #require(try JSONSerialization.jsonObject(
            with: Data(OpenAPIDocument.json(authenticated: true, metricsPublic: false).utf8)) as? [String: Any])
        let components = try #require(document["components"] as? [String: [String: Any]])
        #expect((components["securitySchemes"]?["bearerAuth"] as? [String: Any])?["scheme"] as? String == "bearer")
        for (name, response) in try #require(components["responses"]) {
            let headers = (response as? [String: Any])?["headers"] as? [String: Any]
            #expect(headers?["FlexGen-Request-Id"] != nil, "\(name)")
            let content = (response as? [String: Any])?["content"] as? [String: Any]
            #expect(((content?["application/json"] as? [String: Any])?["schema"] as? [String: Any])?["$ref"] as? String
                        == "#/components/schemas/ErrorBody", "\(name)")
        }
        #expect(((components["responses"]?["Unauthorized"] as? [String: Any])?["headers"] as? [String: Any])?["WWW-Authenticate"] != nil)
        #expect(((components["responses"]?["Unavailable"] as? [String: Any])?["headers"] as? [String: Any])?["Retry-After"] != nil)
    }
}
