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

    @Test func everyReferenceResolves() throws {
        let text = OpenAPIDocument.json
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let components = try #require(document["components"] as? [String: [String: Any]])
        let pattern = try NSRegularExpression(pattern: ##""\$ref": "#/components/(\w+)/(\w+)""##)
        let matches = pattern.matches(in: text, range: NSRange(text.startIndex..., in: text))
        #expect(!matches.isEmpty)
        for match in matches {
            let kind = String(text[Range(match.range(at: 1), in: text)!])
            let name = String(text[Range(match.range(at: 2), in: text)!])
            #expect(components[kind]?[name] != nil, "#/components/\(kind)/\(name)")
        }
    }
}
