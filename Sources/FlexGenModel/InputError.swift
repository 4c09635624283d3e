/// A rejected input: where in the JSON document, and why.
///
/// `path` uses the familiar JSON-path-like notation `clients[3].deadlineS`;
/// the empty path means the document itself.
public struct InputIssue: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
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
