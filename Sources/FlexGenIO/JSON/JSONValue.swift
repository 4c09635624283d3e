import Foundation
import FlexGenModel

/// A JSON document as a tree whose numbers keep their literal text, so that a document passes
/// through unchanged: the OpenAPI document is assembled from docs/schemas with it, whose bounds
/// include ±(2^1024 − 2^970), the least magnitude that no longer rounds to a finite Double, which
/// `JSONSerialization` refuses. `double` reads a number as `Double(String)` does (correctly
/// rounded; ±infinity beyond that bound), the same rounding as FlexGen's readers.
///
/// The parser is strict RFC 8259 (no comments, no trailing commas, no bare NaN), nests at most
/// `JSONNesting.maximumDepth` levels, and keeps the last of repeated keys. Objects are unordered;
/// `text` and `prettyText` write keys sorted.
public indirect enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    /// A number, as its JSON literal (`50`, `1e-7`, `-0.0`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// A number from a finite Double (written as Swift prints it: `50.0`, `1e-07`).
    public static func double(_ x: Double) -> JSONValue { .number("\(x)") }

    /// The value of a number, rounded to a Double (nil for anything else).
    public var double: Double? { if case .number(let text) = self { Double(text) } else { nil } }

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { members[key] } else { nil }
    }

    /// Parses a whole document; throws `InputError` (empty path) naming the byte offset of the problem.
    public init(parsing data: Data) throws {
        var parser = Parser(bytes: [UInt8](data))
        parser.skipSpace()
        self = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.at == parser.bytes.count else { throw parser.failure("unexpected text after the document") }
    }

    /// Compact JSON text, keys sorted.
    public var text: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .number(let text): text
        case .string(let value): Self.quoted(value)
        case .array(let values): "[" + values.map(\.text).joined(separator: ",") + "]"
        case .object(let members):
            "{" + members.keys.sorted().map { Self.quoted($0) + ":" + members[$0]!.text }.joined(separator: ",") + "}"
        }
    }

    /// Indented JSON text (two spaces), keys sorted, ending in a newline.
    public var prettyText: String { pretty(indent: "") + "\n" }

    public var data: Data { Data(text.utf8) }

    func pretty(indent: String) -> String {
        let inner = indent + "  "
        switch self {
        case .array(let values) where !values.isEmpty:
            return "[\n" + values.map { inner + $0.pretty(indent: inner) }.joined(separator: ",\n") + "\n" + indent + "]"
        case .object(let members) where !members.isEmpty:
            return "{\n" + members.keys.sorted().map { inner + Self.quoted($0) + ": " + members[$0]!.pretty(indent: inner) }
                .joined(separator: ",\n") + "\n" + indent + "}"
        default:
            return text
        }
    }

    static func quoted(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    struct Parser {
        let bytes: [UInt8]
        var at = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        func failure(_ reason: String) -> InputError {
            InputError(path: "", reason: "not valid JSON at byte \(at): \(reason)")
        }

        mutating func skipSpace() {
            while at < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[at]) { at += 1 }
        }

        mutating func literal(_ word: String, _ value: JSONValue) throws -> JSONValue {
            let expected = Array(word.utf8)
            guard at + expected.count <= bytes.count, Array(bytes[at..<at + expected.count]) == expected else {
                throw failure("unexpected character")
            }
            at += expected.count
            return value
        }

        mutating func value(depth: Int) throws -> JSONValue {
            guard at < bytes.count else { throw failure("unexpected end") }
            switch bytes[at] {
            case UInt8(ascii: "n"): return try literal("null", .null)
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                guard depth < JSONNesting.maximumDepth else { throw failure("nested deeper than \(JSONNesting.maximumDepth) levels") }
                return bytes[at] == UInt8(ascii: "[") ? try array(depth: depth + 1) : try object(depth: depth + 1)
            default: return try number()
            }
        }

        mutating func array(depth: Int) throws -> JSONValue {
            at += 1
            var values: [JSONValue] = []
            skipSpace()
            if at < bytes.count, bytes[at] == UInt8(ascii: "]") { at += 1; return .array(values) }
            while true {
                skipSpace()
                values.append(try value(depth: depth))
                skipSpace()
                guard at < bytes.count else { throw failure("unterminated array") }
                if bytes[at] == UInt8(ascii: "]") { at += 1; return .array(values) }
                guard bytes[at] == UInt8(ascii: ",") else { throw failure("expected , or ]") }
                at += 1
            }
        }

        mutating func object(depth: Int) throws -> JSONValue {
            at += 1
            var members: [String: JSONValue] = [:]
            skipSpace()
            if at < bytes.count, bytes[at] == UInt8(ascii: "}") { at += 1; return .object(members) }
            while true {
                skipSpace()
                guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { throw failure("expected a key") }
                let key = try string()
                skipSpace()
                guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { throw failure("expected :") }
                at += 1
                skipSpace()
                members[key] = try value(depth: depth)
                skipSpace()
                guard at < bytes.count else { throw failure("unterminated object") }
                if bytes[at] == UInt8(ascii: "}") { at += 1; return .object(members) }
                guard bytes[at] == UInt8(ascii: ",") else { throw failure("expected , or }") }
                at += 1
            }
        }

        mutating func hex4() throws -> UInt32 {
            guard at + 4 <= bytes.count, let value = UInt32(String(decoding: bytes[at..<at + 4], as: UTF8.self), radix: 16) else {
                throw failure("bad \\u escape")
            }
            at += 4
            return value
        }

        mutating func string() throws -> String {
            at += 1
            var scalars = String.UnicodeScalarView()
            var run: [UInt8] = []
            func flush() { scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars); run.removeAll() }
            while at < bytes.count {
                let byte = bytes[at]
                switch byte {
                case UInt8(ascii: "\""):
                    at += 1
                    flush()
                    return String(scalars)
                case UInt8(ascii: "\\"):
                    flush()
                    at += 1
                    guard at < bytes.count else { throw failure("unterminated string") }
                    let escape = bytes[at]
                    at += 1
                    switch escape {
                    case UInt8(ascii: "\""): scalars.append("\"")
                    case UInt8(ascii: "\\"): scalars.append("\\")
                    case UInt8(ascii: "/"): scalars.append("/")
                    case UInt8(ascii: "b"): scalars.append("\u{8}")
                    case UInt8(ascii: "f"): scalars.append("\u{C}")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "u"):
                        var code = try hex4()
                        if (0xD800..<0xDC00).contains(code), at + 6 <= bytes.count, bytes[at] == UInt8(ascii: "\\"),
                           bytes[at + 1] == UInt8(ascii: "u") {
                            at += 2
                            let low = try hex4()
                            guard (0xDC00..<0xE000).contains(low) else { throw failure("unpaired surrogate") }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let scalar = Unicode.Scalar(code) else { throw failure("unpaired surrogate") }
                        scalars.append(scalar)
                    default: throw failure("bad escape")
                    }
                case 0..<0x20:
                    throw failure("control character in a string")
                default:
                    run.append(byte)
                    at += 1
                }
            }
            throw failure("unterminated string")
        }

        mutating func number() throws -> JSONValue {
            let start = at
            func digits() -> Int {
                let from = at
                while at < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[at]) { at += 1 }
                return at - from
            }
            if at < bytes.count, bytes[at] == UInt8(ascii: "-") { at += 1 }
            let leadingZero = at < bytes.count && bytes[at] == UInt8(ascii: "0")
            let integral = digits()
            guard integral > 0, !(leadingZero && integral > 1) else { throw failure("unexpected character") }
            if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
                at += 1
                guard digits() > 0 else { throw failure("digits expected after .") }
            }
            if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
                at += 1
                if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
                guard digits() > 0 else { throw failure("digits expected in the exponent") }
            }
            return .number(String(decoding: bytes[start..<at], as: UTF8.self))
        }
    }
}
