/// A rejected input: where in the JSON document, and why.
///
/// `path` uses the familiar JSON-path-like notation `clients[3].deadlineS`;
/// the empty path means the document itself.
public struct InputIssue: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var reason: String
    /// Whether the issue breaks a relation between values (duplicate ids, a service target naming
    /// an unknown client, a repeated (width, steps)) rather than a rule on one value: the rules JSON
    /// Schema cannot state, so a document can satisfy docs/schemas and still have such an issue.
    /// The HTTP service answers these with 422, schema violations with 400 (docs/service.md).
    public var isRelational: Bool

    public init(path: String, reason: String, isRelational: Bool = false) {
        self.path = path
        self.reason = reason
        self.isRelational = isRelational
    }

    public var description: String { path.isEmpty ? reason : "\(path): \(reason)" }
}

/// Thrown for input that does not satisfy the contract (`../shared/spec/MODEL.md`).
/// It carries every issue found, not only the first one.
public struct InputError: Error, Sendable, CustomStringConvertible {
    public var issues: [InputIssue]

    public init(_ issues: [InputIssue]) { self.issues = issues }
    public init(path: String, reason: String) { self.issues = [InputIssue(path: path, reason: reason)] }

    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
