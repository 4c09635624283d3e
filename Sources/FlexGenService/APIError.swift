import Foundation
import Hummingbird
import FlexGenModel
import FlexGenIO

/// A request the service refuses or cannot serve, as an HTTP status and a JSON body
///
///     {"error": {"status": 400, "path": "clients[3].deadlineS", "reason": "must be > 0, got -1",
///                "issues": [{"path": "clients[3].deadlineS", "reason": "must be > 0, got -1"}, …]}}
///
/// `path`/`reason` are the first issue (the shape every client can rely on); `issues` lists all
/// of them, with the same texts `flexgen` prints on the command line (both come from
/// `InputError`). The path is empty for the document as a whole or the request itself.
public struct APIError: Error, Sendable, HTTPResponseError {
    public var status: HTTPResponse.Status
    public var issues: [InputIssue]
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, issues: [InputIssue], headers: HTTPFields = [:]) {
        self.status = status
        self.issues = issues.isEmpty ? [InputIssue(path: "", reason: status.reasonPhrase)] : issues
        self.headers = headers
    }

    public init(_ status: HTTPResponse.Status, path: String = "", reason: String, headers: HTTPFields = [:]) {
        self.init(status, issues: [InputIssue(path: path, reason: reason)], headers: headers)
    }

    /// Every issue of a rejected input, paths prefixed with `prefix` (`problem.`): 400 when the
    /// body breaks its JSON Schema (docs/schemas), 422 when it satisfies the schema and breaks only
    /// relations between values that no schema states (`InputIssue.isRelational`: duplicate ids, a
    /// service target naming an unknown client, a repeated (width, steps)).
    public static func badInput(_ error: InputError, prefix: String = "") -> APIError {
        let relational = !error.issues.isEmpty && error.issues.allSatisfy(\.isRelational)
        return APIError(relational ? .unprocessableContent : .badRequest, issues: error.issues.map { issue in
            InputIssue(path: prefix.isEmpty ? issue.path : (issue.path.isEmpty ? prefix : "\(prefix).\(issue.path)")
                           .replacingOccurrences(of: ".[", with: "["),
                       reason: issue.reason, isRelational: issue.isRelational)
        })
    }

    /// The JSON body.
    public var body: Body {
        Body(error: .init(status: Int(status.code), path: issues[0].path, reason: issues[0].reason,
                          issues: issues.map { .init(path: $0.path, reason: $0.reason) }))
    }

    public struct Body: Codable, Sendable, Hashable {
        public var error: Detail
        public struct Detail: Codable, Sendable, Hashable {
            public var status: Int
            public var path: String
            public var reason: String
            public var issues: [Issue]
        }
        public struct Issue: Codable, Sendable, Hashable {
            public var path: String
            public var reason: String
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSONResponse.make(status: status, body)
        for field in headers { response.headers.append(field) }
        return response
    }
}

/// JSON responses in FlexGen's canonical encoding (sorted keys; never NaN: the encoder throws).
enum JSONResponse {
    static func make<T: Encodable>(status: HTTPResponse.Status = .ok, _ value: T) -> Response {
        do {
            return Response(status: status, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: try FlexGenJSON.encode(value))))
        } catch {
            // Only a non-finite number can make the encoder fail: answer 500 rather than send NaN.
            let text = #"{"error":{"status":500,"path":"","reason":"the response could not be encoded as JSON","issues":[]}}"#
            return Response(status: .internalServerError, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
        }
    }

    /// A solve's answer, streamed: `SolutionJSONChunks` writes the canonical bytes in pieces of
    /// `pieceBytes`, each handed to the connection and dropped before the next is written, so the
    /// response holds one piece at a time instead of the whole document (40 MB at 10^5 clients,
    /// which `make` would build three times over: bytes, `Data`, `ByteBuffer`). An answer that
    /// fits in one piece goes out as one buffer with a Content-Length, as before; a longer one
    /// uses chunked transfer encoding. Falls back to `make` when the direct writer declines.
    static func solution(_ solution: Solution, pieceBytes: Int = 1 << 16) -> Response {
        guard var pieces = SolutionJSONChunks(solution, chunkBytes: pieceBytes) else { return make(solution) }
        guard let first = pieces.next() else { return make(solution) }
        guard let second = pieces.next() else {
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: first)))
        }
        let rest = pieces
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody { writer in
            var pieces = rest
            try await writer.write(ByteBuffer(bytes: first))
            try await writer.write(ByteBuffer(bytes: second))
            while let piece = pieces.next() { try await writer.write(ByteBuffer(bytes: piece)) }
            try await writer.finish(nil)
        })
    }

    static func raw(_ text: String, contentType: String) -> Response {
        Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
