import Foundation
import FlexGenIO

/// A strict validator for the subset of JSON Schema draft 2020-12 that docs/schemas uses, for tests.
///
/// Supported keywords: `type` (one name or a list; `integer` is a number with no fractional part),
/// `enum`, `const`, `properties`, `required`, `additionalProperties` (true, false or a schema),
/// `items` (one schema), `minItems`, `maxItems`, `uniqueItems`, `minLength` (in Unicode scalars),
/// `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum` (numbers, as in 2020-12),
/// `allOf`, `anyOf`, `oneOf`, `not`, `if`/`then`/`else`, and `$ref` to `#/$defs/NAME` or to
/// `FILE#/$defs/NAME` (FILE: another schema of the registry, named by the last component of its
/// `$id`). Annotations (`$schema`, `$id`, `$defs`, `title`, `description`, `default`, `examples`)
/// are read past. Any other keyword is a `SchemaError`, never silently ignored, so that a schema
/// cannot claim a rule this validator does not check. Numbers compare as the Doubles their
/// literals round to (`JSONValue.double`), FlexGen's own rounding: a bound of ±(2^1024 − 2^970)
/// reads as ±infinity, which is exact for every number that rounds to a finite Double.
public struct JSONSchemaRegistry: Sendable {
    /// Schemas by file name (`problem.schema.json`).
    public private(set) var documents: [String: JSONValue] = [:]

    public init() {}

    /// Loads every `*.schema.json` of `folder`.
    public init(folder: URL) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".schema.json") }
        for name in names.sorted() {
            try add(JSONValue(parsing: Data(contentsOf: folder.appendingPathComponent(name))))
        }
    }

    /// Registers a schema under the last path component of its `$id`.
    public mutating func add(_ schema: JSONValue) throws {
        guard case .string(let id)? = schema["$id"], let name = id.split(separator: "/").last else {
            throw SchemaError("a registered schema needs an $id")
        }
        documents[String(name)] = schema
    }

    /// The violations of `value` against the document `file`'s root schema (or `pointer` in it,
    /// e.g. `#/$defs/inlineProblem`), each as `path: reason`; empty when it is valid.
    public func violations(of value: JSONValue, against file: String, pointer: String = "#") throws -> [String] {
        let schema = try resolve(file: file, pointer: pointer)
        var out: [String] = []
        try validate(value, schema, file: file, path: "", into: &out)
        return out
    }

    public func isValid(_ value: JSONValue, against file: String, pointer: String = "#") throws -> Bool {
        try violations(of: value, against: file, pointer: pointer).isEmpty
    }

    func resolve(file: String, pointer: String) throws -> JSONValue {
        guard let document = documents[file] else { throw SchemaError("no schema \(file)") }
        if pointer == "#" || pointer.isEmpty { return document }
        guard pointer.hasPrefix("#/") else { throw SchemaError("unsupported $ref pointer \(pointer)") }
        var node = document
        for part in pointer.dropFirst(2).split(separator: "/") {
            guard let next = node[String(part)] else { throw SchemaError("\(file)\(pointer) does not resolve") }
            node = next
        }
        return node
    }

    static let annotations: Set<String> = ["$schema", "$id", "$defs", "title", "description", "default", "examples"]

    func validate(_ value: JSONValue, _ schema: JSONValue, file: String, path: String, into out: inout [String]) throws {
        if case .bool(let allowed) = schema {
            if !allowed { out.append("\(path): no value is allowed here") }
            return
        }
        guard case .object(let keywords) = schema else { throw SchemaError("a schema must be an object or a boolean at \(path)") }
        func fail(_ reason: String) { out.append("\(path): \(reason)") }
        func matches(_ sub: JSONValue) throws -> Bool {
            var scratch: [String] = []
            try validate(value, sub, file: file, path: path, into: &scratch)
            return scratch.isEmpty
        }
        for (keyword, argument) in keywords.sorted(by: { $0.key < $1.key }) {
            switch keyword {
            case _ where Self.annotations.contains(keyword):
                continue
            case "$ref":
                guard case .string(let reference) = argument else { throw SchemaError("$ref must be a string") }
                let parts = reference.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                let target = parts[0].isEmpty ? file : String(parts[0])
                let pointer = parts.count > 1 ? "#" + parts[1] : "#"
                try validate(value, try resolve(file: target, pointer: pointer), file: target, path: path, into: &out)
            case "type":
                let names: [String] = switch argument {
                case .string(let name): [name]
                case .array(let list): list.compactMap { if case .string(let s) = $0 { s } else { nil } }
                default: throw SchemaError("type must be a name or a list")
                }
                if !names.contains(where: { Self.has(value, type: $0) }) { fail("expected \(names.joined(separator: " or "))") }
            case "enum":
                guard case .array(let options) = argument else { throw SchemaError("enum must be a list") }
                if !options.contains(where: { Self.equal($0, value) }) { fail("not one of the allowed values") }
            case "const":
                if !Self.equal(value, argument) { fail("must be \(argument.text)") }
            case "properties":
                guard case .object(let properties) = argument else { throw SchemaError("properties must be an object") }
                if case .object(let members) = value {
                    for (name, sub) in properties.sorted(by: { $0.key < $1.key }) {
                        if let member = members[name] { try validate(member, sub, file: file, path: Self.join(path, name), into: &out) }
                    }
                }
            case "required":
                guard case .array(let names) = argument else { throw SchemaError("required must be a list") }
                if case .object(let members) = value {
                    for case .string(let name) in names where members[name] == nil { fail("required key \(name) is missing") }
                }
            case "additionalProperties":
                if case .object(let members) = value {
                    var declared: Set<String> = []
                    if case .object(let properties)? = keywords["properties"] { declared = Set(properties.keys) }
                    for (name, member) in members.sorted(by: { $0.key < $1.key }) where !declared.contains(name) {
                        try validate(member, argument, file: file, path: Self.join(path, name), into: &out)
                    }
                }
            case "items":
                if case .array(let elements) = value {
                    for (i, element) in elements.enumerated() {
                        try validate(element, argument, file: file, path: "\(path)[\(i)]", into: &out)
                    }
                }
            case "minItems", "maxItems":
                guard let bound = argument.double else { throw SchemaError("\(keyword) must be a number") }
                if case .array(let elements) = value {
                    let count = Double(elements.count)
                    if keyword == "minItems" ? count < bound : count > bound { fail("\(keyword) \(bound)") }
                }
            case "uniqueItems":
                if case .array(let elements) = value, argument == .bool(true),
                   elements.indices.contains(where: { i in elements[..<i].contains { Self.equal($0, elements[i]) } }) {
                    fail("items must be unique")
                }
            case "minLength":
                guard let bound = argument.double else { throw SchemaError("minLength must be a number") }
                if case .string(let string) = value, Double(string.unicodeScalars.count) < bound { fail("minLength \(bound)") }
            case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
                guard let bound = argument.double else { throw SchemaError("\(keyword) must be a number") }
                if let x = value.double {
                    let ok = switch keyword {
                    case "minimum": x >= bound
                    case "maximum": x <= bound
                    case "exclusiveMinimum": x > bound
                    default: x < bound
                    }
                    if !ok { fail("\(keyword) \(bound), got \(x)") }
                }
            case "allOf", "anyOf", "oneOf":
                guard case .array(let subs) = argument else { throw SchemaError("\(keyword) must be a list") }
                var passed = 0
                for sub in subs where try matches(sub) { passed += 1 }
                let ok = switch keyword {
                case "allOf": passed == subs.count
                case "anyOf": passed >= 1
                default: passed == 1
                }
                if !ok { fail("\(keyword): \(passed) of \(subs.count) subschemas match") }
            case "not":
                if try matches(argument) { fail("must not match the `not` subschema") }
            case "if":
                let branch = try matches(argument) ? keywords["then"] : keywords["else"]
                if let branch { try validate(value, branch, file: file, path: path, into: &out) }
            case "then", "else":
                continue  // read with `if`
            default:
                throw SchemaError("keyword \(keyword) is outside the supported subset")
            }
        }
    }

    static func has(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("number", .number), ("string", .string), ("array", .array), ("object", .object):
            true
        case ("integer", .number(let text)): Double(text).map { $0.rounded(.towardZero) == $0 } ?? false
        default: false
        }
    }

    /// JSON equality: numbers by value (`1` equals `1.0`), the rest structurally.
    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.number, .number): return a.double == b.double
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { key, value in y[key].map { equal(value, $0) } ?? false }
        default: return a == b
        }
    }

    static func join(_ path: String, _ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }
}

/// A schema this validator cannot read (outside the subset, or malformed).
public struct SchemaError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
