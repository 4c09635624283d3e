import Foundation
import FlexGenModel

/// Reading `flexgen-problem/1` files. Every failure is an `InputError` naming the file and the
/// JSON path: a missing or unreadable file, text that is not JSON, a decoding error, a profile
/// file that is missing or bad, or a value that fails validation.
public enum ProblemFile {
    /// Reads, decodes (resolving a string `profile` relative to the file's folder) and validates.
    public static func load(path: String) throws -> Problem {
        try loadValidated(path: path).problem
    }

    /// `load`, keeping the proof of validation, so that the solver does not validate it again.
    public static func loadValidated(path: String) throws -> ValidatedProblem {
        let url = URL(fileURLWithPath: path)
        let data = try readInput(path: path)
        return try decodeValidated(data, baseDirectory: url.deletingLastPathComponent())
    }

    /// Decodes and validates a problem. A string `profile` is resolved relative to
    /// `baseDirectory` (nil: the current directory).
    public static func decode(_ data: Data, baseDirectory: URL?) throws -> Problem {
        try decodeValidated(data, baseDirectory: baseDirectory).problem
    }

    /// `decode`, keeping the proof of validation.
    public static func decodeValidated(_ data: Data, baseDirectory: URL?) throws -> ValidatedProblem {
        try ValidatedProblem(try decodeDocument(Problem.self, from: data, userInfo: fileResolving(baseDirectory)))
    }

    /// Decodes and validates a problem whose profile must be inline (a reader that resolves no files:
    /// the HTTP service), parsing the bytes once. nil when the document's top-level `profile` is a
    /// string (a file's path), which such a reader refuses before anything else, as
    /// `namesProfileFile` says; otherwise the problem, or the `InputError` that `decode` would throw.
    public static func decodeInlineValidated(_ data: Data) throws -> ValidatedProblem? {
        guard let tape = JSONTape(bytes: data) else {
            if namesProfileFile(data) { return nil }
            return try decodeValidated(data, baseDirectory: nil)
        }
        if FlexGenJSON.fastDecode(ProfileReference.self, from: tape) != nil { return nil }
        let userInfo = fileResolving(nil)
        if let problem = FlexGenJSON.fastDecode(Problem.self, from: tape, userInfo: userInfo) {
            return try ValidatedProblem(problem)
        }
        // The fast path could not vouch for the result: the slow path gives the same answer or
        // the same error as `decode`.
        return try decodeValidated(data, baseDirectory: nil)
    }

    /// The decoding context that resolves a string `profile` against `baseDirectory` (nil: the
    /// current directory).
    private static func fileResolving(_ baseDirectory: URL?) -> [CodingUserInfoKey: any Sendable] {
        let base = baseDirectory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let resolver = ProfileResolver { relative in
            let url = relative.hasPrefix("/") ? URL(fileURLWithPath: relative)
                : base.appendingPathComponent(relative)
            return try ProfileFile.load(path: url.path)
        }
        return [.profileResolver: resolver]
    }

    /// Whether `data` is a document whose top-level `profile` is a string (a profile file's path),
    /// which a reader that resolves no files (the HTTP service) refuses before decoding. Strict JSON
    /// is answered from the tape alone; anything else by `FlexGenJSON.decode`, as before. (Asking
    /// `FlexGenJSON.decode` for every document made each inline profile — an object there, a type
    /// mismatch — decode the whole body again with Foundation to reproduce its error, which at
    /// 10^4 clients cost more than the solve.)
    public static func namesProfileFile(_ data: Data) -> Bool {
        if let tape = JSONTape(bytes: data) { return FlexGenJSON.fastDecode(ProfileReference.self, from: tape) != nil }
        return (try? FlexGenJSON.decode(ProfileReference.self, from: data)) != nil
    }

    /// Matches a document whose `profile` is a string and nothing else.
    private struct ProfileReference: Decodable { var profile: String }

    /// The canonical bytes of a problem (FlexGenJSON), keeping a profile path as a path unless
    /// `embedProfile` is set.
    public static func encode(_ problem: Problem, embedProfile: Bool = false) throws -> Data {
        try FlexGenJSON.encode(problem, userInfo: embedProfile ? [.embedProfile: true] : [:])
    }
}

/// Reading `flexgen-profile/1` files.
public enum ProfileFile {
    /// Reads, decodes and validates a profile file.
    public static func load(path: String) throws -> Profile {
        try decode(try readInput(path: path))
    }

    public static func decode(_ data: Data) throws -> Profile {
        let profile = try decodeDocument(Profile.self, from: data)
        try profile.validate()
        return profile
    }
}

/// Reading `flexgen-solution/1` files. Decoding only: whether the solution is any good is
/// `Evaluation`'s verdict, not an input error.
public enum SolutionFile {
    public static func load(path: String) throws -> Solution {
        try decode(try readInput(path: path))
    }

    public static func decode(_ data: Data) throws -> Solution {
        try decodeDocument(Solution.self, from: data)
    }
}

/// The bytes of an input file, or an `InputError` saying why they cannot be read.
func readInput(path: String) throws -> Data {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw InputError(path: "", reason: "file \(path) does not exist")
    }
    guard !isDirectory.boolValue else {
        throw InputError(path: "", reason: "\(path) is a directory, not a file")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw InputError(path: "", reason: "cannot read \(path)")
    }
    return data
}

extension InputError {
    /// The same issues, each prefixed with the file they come from (`problem.json: clients[3]…`).
    public func inFile(_ path: String) -> FileInputError { FileInputError(file: path, error: self) }
}

/// An `InputError` together with the file it was found in, for messages.
public struct FileInputError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var error: InputError
    public var description: String {
        error.issues.map { "\(file): \($0)" }.joined(separator: "\n")
    }
}
