import Foundation
import Hummingbird
import FlexGenModel
import FlexGenIO

/// Turns request bodies into contract types, or into an `APIError` naming every problem with its
/// JSON path — the same `InputError` texts the CLI prints for the same documents.
enum RequestDecoding {
    /// Reads the whole body, refusing more than `limit` bytes with 413 (before reading anything
    /// when the client announced a larger Content-Length).
    static func body(of request: Request, limit: Int) async throws -> Data {
        let tooLarge = APIError(.contentTooLarge, reason: "the request body exceeds the limit of \(limit) bytes (--max-body-bytes)")
        if let announced = request.headers[.contentLength].flatMap(Int.init), announced > limit { throw tooLarge }
        do {
            let buffer = try await request.body.collect(upTo: limit)
            let data = Data(buffer.readableBytesView)
            try checkNesting(data)
            return data
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw tooLarge
        }
    }

    /// Refuses bodies nested deeper than `JSONNesting.maximumDepth` with a 400, before any
    /// recursive parser sees them (the same guard the file loaders use).
    static func checkNesting(_ data: Data) throws {
        do {
            try JSONNesting.check(data)
        } catch let error as InputError {
            throw APIError(.badRequest, reason: error.description)
        }
    }

    /// The decoding context of documents that arrive over HTTP. A problem that names its profile by a
    /// file path is refused: the service reads no files on a client's behalf (and the path would
    /// be relative to nothing the client knows).
    static let userInfo: [CodingUserInfoKey: any Sendable] = [.profileResolver: ProfileResolver { _ in
        throw InputError(path: "", reason: "the HTTP service reads no files: give the profile inline, as a flexgen-profile/1 object")
    }]

    /// Decodes and validates a `flexgen-problem/1` body through FlexGenIO's `ProblemFile`, so that
    /// every message (syntax errors located by path and line included) is the CLI's. The body is
    /// parsed once (`ProblemFile.decodeInlineValidated`).
    static func problem(from data: Data) throws -> Problem {
        let validated: ValidatedProblem?
        do {
            validated = try ProblemFile.decodeInlineValidated(data)
        } catch let error as InputError {
            throw APIError.badInput(error)
        }
        // FlexGenIO would resolve a string profile against the server's disk: refused.
        guard let validated else {
            throw APIError(.badRequest, path: "profile",
                           reason: "the HTTP service reads no files: give the profile inline, as a flexgen-profile/1 object")
        }
        return validated.problem
    }

    /// Decodes a check request `{"problem": …, "solution": …}`; the problem is validated, the
    /// solution only decoded (whether it is any good is the evaluation's verdict, not an input error).
    static func checkRequest(from data: Data) throws -> CheckRequest {
        try problemAndSolution(CheckRequest.self, from: data)
    }

    /// Decodes a validate request `{"problem": …, "solution": …, "seeds": …, "samplesPerSeed": …}`
    /// exactly as a check request (the counts are only decoded here; the handler bounds them).
    static func validateRequest(from data: Data) throws -> ValidateRequest {
        try problemAndSolution(ValidateRequest.self, from: data)
    }

    /// A body carrying a problem and a solution: decoded strictly, the problem validated.
    private static func problemAndSolution<T: ProblemAndSolutionRequest>(_ type: T.Type, from data: Data) throws -> T {
        let request: T
        do {
            request = try FlexGenJSON.decode(T.self, from: data, userInfo: userInfo)
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
                // Not JSON at all: FlexGenIO's reader locates the syntax error by path and line.
                do { _ = try SolutionFile.decode(data) } catch let located as InputError { throw APIError.badInput(located) }
            }
            throw APIError.badInput(InputError(decoding: error))
        }
        do {
            try request.problem.validate()
        } catch let error as InputError {
            throw APIError.badInput(error, prefix: "problem")
        }
        try refuseIgnoredSolutionKeys(data, decoded: request.solution)
        return request
    }

    /// A solution inside a request is read strictly, as its schema (docs/schemas,
    /// `embeddedSolution`) says: a key FlexGen would read past (`flexgen check` warns about it on
    /// the command line, where a person reads the warning), a `prices` that is not FlexGen's, or a
    /// `$schema` (only a document's top level may have one) is a 400 naming it, because an HTTP
    /// client sees no warning and a typo in an optional field (`lowerBoundJ`) would go unnoticed.
    static func refuseIgnoredSolutionKeys(_ data: Data, decoded: Solution) throws {
        guard let body = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let solution = body["solution"] as? [String: Any] else { return }
        var paths = Solution.unknownKeys(inJSON: solution)
        if solution[schemaDeclarationKey] != nil { paths.insert(schemaDeclarationKey, at: 0) }
        if let prices = solution["prices"], !(prices is NSNull), decoded.prices == nil, !paths.contains("prices") {
            paths.append("prices")
        }
        guard !paths.isEmpty else { return }
        throw APIError(.badRequest, issues: paths.map { path in
            InputIssue(path: "solution.\(path)", reason: path == "prices"
                ? "not FlexGen's prices extension (computeJPerFlopsPerS, bandwidthJPerHz and optionally serviceTargets, all numbers)"
                : "unknown key: a solution sent to the service is read strictly (flexgen check reads past it with a warning)")
        })
    }
}

/// A request body with a problem (validated on decoding) and a solution.
protocol ProblemAndSolutionRequest: Decodable, Sendable {
    var problem: Problem { get }
    var solution: Solution { get }
}

/// Any JSON object key, to find the unknown ones.
private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Strict like the file formats: an unknown key is an error.
private func refuseUnknownKeys<K: CodingKey & CaseIterable>(_ decoder: any Decoder, allowed: K.Type) throws {
    let known = K.allCases.map(\.stringValue)
    for key in try decoder.container(keyedBy: AnyKey.self).allKeys where !known.contains(key.stringValue) {
        throw DecodingError.dataCorrupted(.init(codingPath: [key],
                                                debugDescription: "unknown key (expected one of: \(known.joined(separator: ", ")))"))
    }
}

/// The body of `POST /v1/check`. Strict like the file formats: an unknown key is an error.
struct CheckRequest: ProblemAndSolutionRequest {
    var problem: Problem
    var solution: Solution

    enum CodingKeys: String, CodingKey, CaseIterable { case problem, solution }

    init(from decoder: any Decoder) throws {
        try refuseUnknownKeys(decoder, allowed: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        problem = try c.decode(Problem.self, forKey: .problem)
        solution = try c.decode(Solution.self, forKey: .solution)
    }
}

/// The body of `POST /v1/validate`: a check request plus the optional sampling effort.
struct ValidateRequest: ProblemAndSolutionRequest {
    var problem: Problem
    var solution: Solution
    var seeds: Int?
    var samplesPerSeed: Int?

    enum CodingKeys: String, CodingKey, CaseIterable { case problem, solution, seeds, samplesPerSeed }

    init(from decoder: any Decoder) throws {
        try refuseUnknownKeys(decoder, allowed: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        problem = try c.decode(Problem.self, forKey: .problem)
        solution = try c.decode(Solution.self, forKey: .solution)
        // As in the formats, null is not "absent" (the schema says integer).
        seeds = c.contains(.seeds) ? try c.decode(Int.self, forKey: .seeds) : nil
        samplesPerSeed = c.contains(.samplesPerSeed) ? try c.decode(Int.self, forKey: .samplesPerSeed) : nil
    }
}
