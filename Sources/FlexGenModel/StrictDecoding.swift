/// A coding key for any string or index, used to list the keys a JSON object really has.
struct AnyCodingKey: CodingKey, Hashable {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue; self.intValue = nil }
    init(intValue: Int) { self.stringValue = "\(intValue)"; self.intValue = intValue }
}

/// The key an editor reads to find a document's JSON Schema (docs/formats.md, "Editor validation").
/// Every input format accepts it at the top level of a document, as a string whose value FlexGen
/// ignores; anywhere else it is an unknown key like any other.
public let schemaDeclarationKey = "$schema"

extension Decoder {
    /// Rejects keys the format does not define, so that a typo such as `deadlineSec`
    /// never silently becomes a default. At the top level of a document a string `"$schema"` is
    /// allowed (`schemaDeclarationKey`), so that every format decoded through here accepts it.
    func rejectUnknownKeys<Key: CodingKey & CaseIterable>(_ known: Key.Type) throws {
        if let screening = self as? any UnknownKeyScreening {
            // The decoder answers without building a key list; the error itself comes from below.
            guard screening.hasUnknownKey(Key.self) else { return }
        }
        guard let container = try? container(keyedBy: AnyCodingKey.self) else { return }
        let names = Set(Key.allCases.map(\.stringValue))
        for key in container.allKeys where !names.contains(key.stringValue) {
            if key.stringValue == schemaDeclarationKey && codingPath.isEmpty {
                _ = try container.decode(String.self, forKey: key)
                continue
            }
            let expected = Key.allCases.map(\.stringValue).joined(separator: ", ")
            throw DecodingError.dataCorrupted(.init(
                codingPath: codingPath + [key],
                debugDescription: "unknown key (expected one of: \(expected))"))
        }
    }
}

extension Decoder {
    /// For the formats read leniently (a solution): a top-level `"$schema"` must be a string, as in
    /// the strict formats (`rejectUnknownKeys`); its value is ignored.
    func checkSchemaDeclaration() throws {
        guard codingPath.isEmpty, let container = try? container(keyedBy: AnyCodingKey.self) else { return }
        let key = AnyCodingKey(stringValue: schemaDeclarationKey)
        if container.contains(key) { _ = try container.decode(String.self, forKey: key) }
    }
}

extension KeyedDecodingContainer {
    /// The value of an optional field: nil when the key is absent. Unlike `decodeIfPresent`, an
    /// explicit `null` is an error ("expected a number, got null"): the strict formats have no null,
    /// and reading it as "absent" let `"channelGainDb": null` beside `channelGain` through although
    /// the schema (docs/schemas) allows exactly one of the two keys.
    func decodeUnlessAbsent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        contains(key) ? try decode(T.self, forKey: key) : nil
    }
}

/// A decoder that can tell cheaply whether the object it stands at has a key outside `Key`, so
/// that `rejectUnknownKeys` need not list and hash every key of every object (FlexGenIO's tape
/// decoder; this was a quarter of reading a 10^5-client problem). Conformers must answer exactly
/// as listing `container(keyedBy:).allKeys` would: false when the value is not an object.
public protocol UnknownKeyScreening {
    func hasUnknownKey<Key: CodingKey & CaseIterable>(_ known: Key.Type) -> Bool
}

/// Renders a coding path as `clients[3].deadlineS`.
public func jsonPath(_ codingPath: [any CodingKey]) -> String {
    var path = ""
    for key in codingPath {
        if let index = key.intValue {
            path += "[\(index)]"
        } else {
            path += path.isEmpty ? key.stringValue : ".\(key.stringValue)"
        }
    }
    return path
}

extension InputError {
    /// Translates a `DecodingError` into an `InputError` naming the JSON path and the reason.
    public init(decoding error: DecodingError) {
        switch error {
        case .keyNotFound(let key, let context):
            self.init(path: jsonPath(context.codingPath + [key]), reason: "required field is missing")
        case .typeMismatch(let type, let context):
            self.init(path: jsonPath(context.codingPath),
                      reason: "expected \(Self.describe(type)); \(context.debugDescription)")
        case .valueNotFound(let type, let context):
            self.init(path: jsonPath(context.codingPath), reason: "expected \(Self.describe(type)), got null")
        case .dataCorrupted(let context):
            var reason = context.debugDescription
            if context.codingPath.isEmpty, let underlying = context.underlyingError {
                reason = "not valid JSON: \(underlying)"
            }
            self.init(path: jsonPath(context.codingPath), reason: reason)
        @unknown default:
            self.init(path: "", reason: "\(error)")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Double.Type, is Float.Type: "a number"
        case is Int.Type: "an integer"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        default: "\(type)"
        }
    }
}
