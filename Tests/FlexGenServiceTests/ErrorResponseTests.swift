import Foundation
import Testing
import FlexGen
@testable import FlexGenService

/// Every class of bad request gets its status and a JSON error naming the path and the reason.
@Suite struct ErrorResponseTests {
    @Test func malformedJSONIs400() async throws {
        try await withServer { server in
            let reply = try await server.post("/v1/solve", Data("{\"format\": ".utf8))
            #expect(reply.status == 400)
            let error = try #require(reply.error)
            #expect(error.status == 400)
            // The CLI's message for the same bytes (FlexGenIO locates the syntax error).
            do {
                _ = try ProblemFile.decode(Data("{\"format\": ".utf8), baseDirectory: nil)
            } catch let expected as InputError {
                #expect(error.path == expected.issues[0].path && error.reason == expected.issues[0].reason)
            }
            #expect(!error.reason.isEmpty)
            #expect(reply.headers["content-type"] == "application/json")
        }
    }

    @Test func schemaViolationsAre400WithEveryIssueAndTheCLIMessages() async throws {
        var object = try Fixtures.object(try Fixtures.json(Fixtures.paperDefault()))
        var clients = try #require(object["clients"] as? [[String: Any]])
        clients[3]["deadlineS"] = -1
        clients[5]["id"] = clients[4]["id"]
        object["clients"] = clients
        let body = try Fixtures.data(object)
        // The CLI's messages for the same document: FlexGenIO's decoder + validation.
        let expected: InputError
        do {
            _ = try ProblemFile.decode(body, baseDirectory: nil)
            Issue.record("the broken problem decoded")
            return
        } catch let error as InputError {
            expected = error
        }
        #expect(expected.issues.count >= 2)
        try await withServer { server in
            let reply = try await server.post("/v1/solve", body)
            #expect(reply.status == 400)
            let error = try #require(reply.error)
            #expect(error.issues.map(\.path) == expected.issues.map(\.path))
            #expect(error.issues.map(\.reason) == expected.issues.map(\.reason))
            #expect(error.issues.map(\.path).contains("clients[3].deadlineS"))
            #expect(error.issues.map(\.path).contains("clients[5].id"))
            #expect(error.path == expected.issues[0].path && error.reason == expected.issues[0].reason)
        }
    }

    @Test func unknownKeyAndMissingFieldName400Paths() async throws {
        var object = try Fixtures.object(try Fixtures.json(Fixtures.paperDefault()))
        var clients = try #require(object["clients"] as? [[String: Any]])
        clients[2]["deadlineSec"] = 5
        object["clients"] = clients
        let typo = try Fixtures.data(object)
        object = try Fixtures.object(try Fixtures.json(Fixtures.paperDefault()))
        var server = try #require(object["server"] as? [String: Any])
        server.removeValue(forKey: "bandwidthHz")
        object["server"] = server
        let missing = try Fixtures.data(object)
        try await withServer { running in
            let first = try #require(try await running.post("/v1/solve", typo).error)
            #expect(first.status == 400)
            #expect(first.path == "clients[2].deadlineSec")
            #expect(first.reason.contains("unknown key"))
            let second = try #require(try await running.post("/v1/solve", missing).error)
            #expect(second.path == "server.bandwidthHz")
            #expect(second.reason == "required field is missing")
        }
    }

    @Test func profileGivenAsAPathIs400() async throws {
        var object = try Fixtures.object(try Fixtures.json(Fixtures.paperDefault()))
        object["profile"] = "profiles/sd-like-512.json"
        try await withServer { server in
            let reply = try await server.post("/v1/solve", try Fixtures.data(object))
            #expect(reply.status == 400)
            let error = try #require(reply.error)
            #expect(error.path == "profile")
            #expect(error.reason.contains("inline"))
        }
    }

    @Test func bodyOverTheLimitIs413() async throws {
        let body = try Fixtures.json(Fixtures.paperDefault())
        try await withServer(ServiceConfiguration(maxBodyBytes: body.count - 1)) { server in
            let reply = try await server.post("/v1/solve", body)
            #expect(reply.status == 413)
            #expect(reply.error?.reason.contains("\(body.count - 1) bytes") == true)
            // The server still serves after refusing a body.
            let reply1 = try await server.get("/v1/health")
            #expect(reply1.status == 200)
        }
        try await withServer(ServiceConfiguration(maxBodyBytes: body.count)) { server in
            let reply = try await server.post("/v1/solve", body)
            #expect(reply.status != 413)
        }
    }

    @Test func moreClientsThanTheMaximumIs422() async throws {
        let problem = Fixtures.paperDefault()
        try await withServer(ServiceConfiguration(maxClients: problem.clients.count - 1)) { server in
            let reply = try await server.post("/v1/solve", try Fixtures.json(problem))
            #expect(reply.status == 422)
            let error = try #require(reply.error)
            #expect(error.path == "clients")
            #expect(error.reason.contains("\(problem.clients.count) clients"))
        }
    }

    @Test func unknownRouteIs404AndWrongMethodIs405() async throws {
        try await withServer { server in
            let missing = try await server.get("/v1/solver")
            #expect(missing.status == 404)
            #expect(missing.error?.status == 404)
            let wrong = try await server.get("/v1/solve")
            #expect(wrong.status == 405)
            #expect(wrong.headers["allow"] == "POST")
            #expect(wrong.error?.status == 405)
            let wrongPost = try await server.send(.POST, "/v1/health", body: Data("{}".utf8))
            #expect(wrongPost.status == 405)
            #expect(wrongPost.headers["allow"] == "GET")
        }
    }

    @Test func unknownSolverAndUnknownQueryParameterAre400() async throws {
        let body = try Fixtures.json(Fixtures.paperDefault())
        try await withServer { server in
            let solver = try #require(try await server.post("/v1/solve?solver=simplex", body).error)
            #expect(solver.status == 400)
            #expect(solver.path == "query.solver")
            #expect(solver.reason.contains("simplex"))
            let parameter = try #require(try await server.post("/v1/solve?timeLimit=3", body).error)
            #expect(parameter.path == "query.timeLimit")
        }
    }

    @Test func checkRejectsAnUnknownKeyWithItsPath() async throws {
        let problem = try Fixtures.object(try Fixtures.json(Fixtures.paperDefault()))
        try await withServer { server in
            let reply = try await server.post("/v1/check", try Fixtures.data(["problem": problem, "solutions": []]))
            #expect(reply.status == 400)
            #expect(reply.error?.path == "solutions")
            var broken = problem
            broken["name"] = 3
            let typed = try await server.post("/v1/check", try Fixtures.data(["problem": broken, "solution": [:]]))
            #expect(typed.error?.path == "problem.name")
        }
    }

    @Test func garbageNeverCrashesTheServer() async throws {
        let bodies: [Data] = [Data(), Data([0xFF, 0x00, 0xFE]), Data("[]".utf8), Data("null".utf8), Data("1e999".utf8),
                              Data(#"{"format":"flexgen-problem/1","clients":[{"id":{}}]}"#.utf8),
                              Data(String(repeating: "[", count: 10_000).utf8)]
        try await withServer { server in
            for body in bodies {
                for path in ["/v1/solve", "/v1/check"] {
                    let reply = try await server.post(path, body)
                    #expect(reply.status == 400, "\(path) with \(body.count) bytes")
                    #expect(reply.error != nil)
                }
            }
            let reply2 = try await server.get("/v1/health")
            #expect(reply2.status == 200)
        }
    }
}
