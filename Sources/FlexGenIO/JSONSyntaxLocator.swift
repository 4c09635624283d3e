import Foundation
import FlexGenModel

/// Finds *where* a document that Foundation's JSON parser rejected goes wrong, because that
/// parser only says "The given data was not valid JSON". A small recursive-descent scan that
/// tracks the JSON path and the line/column: the first syntax error, the first number literal
/// that does not fit a finite Double (`1e999`: JSON has no infinity, so this is how a non-finite
/// number arrives) or underflows to 0 (`1e-400`), or the first non-integral value of an integer
/// field (`"steps": 50.5`) — Foundation reports each of these only as "not valid JSON".
enum JSONSyntaxLocator {
    /// The keys whose values FlexGen's formats decode as integers (`configs[].steps`,
    /// `clients[].steps`, `diagnostics[].serviceTarget`, `index`).
    static let integerKeys: Set<String> = ["steps", "serviceTarget", "index"]

    static func firstIssue(in data: Data) -> InputIssue? {
        var scanner = Scanner(bytes: Array(data))
        do {
            scanner.skipWhitespace()
            try scanner.value(path: [])
            scanner.skipWhitespace()
            if scanner.index < scanner.bytes.count { throw scanner.fail([], "unexpected text after the document") }
            return nil
        } catch let issue as Located {
            return issue.issue
        } catch {
            return nil
        }
    }

    struct Located: Error { var issue: InputIssue }

    struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        /// Longest first, so that `-Infinity` is not read as `-` followed by garbage.
        static let nonFiniteWords = ["-Infinity", "+Infinity", "Infinity", "-NaN", "NaN"]

        func position() -> String {
            var line = 1, column = 1
            for b in bytes[..<min(index, bytes.count)] {
                if b == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
            }
            return "line \(line), column \(column)"
        }

        func fail(_ path: [any CodingKey], _ reason: String) -> Located {
            Located(issue: InputIssue(path: jsonPath(path), reason: "not valid JSON: \(reason) at \(position())"))
        }

        mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
        }

        mutating func expect(_ byte: UInt8, _ path: [any CodingKey]) throws {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == byte else {
                throw fail(path, index < bytes.count ? "expected '\(Character(Unicode.Scalar(byte)))'"
                                                      : "unexpected end of input, expected '\(Character(Unicode.Scalar(byte)))'")
            }
            index += 1
        }

        mutating func value(path: [any CodingKey]) throws {
            skipWhitespace()
            guard index < bytes.count else { throw fail(path, "unexpected end of input") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return }
                while true {
                    skipWhitespace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail(path, "expected a quoted key") }
                    let key = try string(path)
                    try expect(UInt8(ascii: ":"), path)
                    try value(path: path + [JSONKey(stringValue: key)])
                    skipWhitespace()
                    guard index < bytes.count else { throw fail(path, "unexpected end of input in an object") }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "}") { index += 1; return }
                    throw fail(path, "expected ',' or '}'")
                }
            case UInt8(ascii: "["):
                index += 1
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return }
                var i = 0
                while true {
                    try value(path: path + [JSONKey(intValue: i)])
                    i += 1
                    skipWhitespace()
                    guard index < bytes.count else { throw fail(path, "unexpected end of input in an array") }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "]") { index += 1; return }
                    throw fail(path, "expected ',' or ']'")
                }
            case UInt8(ascii: "\""):
                _ = try string(path)
            case _ where Self.nonFiniteWords.contains(where: { bytes[index...].starts(with: $0.utf8) }):
                // What Python's json.dumps writes for float('nan') / ±inf: not JSON, and not finite.
                let word = Self.nonFiniteWords.first { bytes[index...].starts(with: $0.utf8) }!
                throw Located(issue: InputIssue(path: jsonPath(path),
                                                reason: "must be a finite number, got \(word) (JSON has no NaN or Infinity)"))
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = index
                while index < bytes.count, "+-.eE0123456789".utf8.contains(bytes[index]) { index += 1 }
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                guard let number = Double(text) else { index = start; throw fail(path, "malformed number \"\(text)\"") }
                if !number.isFinite {
                    throw Located(issue: InputIssue(path: jsonPath(path),
                                                    reason: "must be a finite number, got \(text) (out of range)"))
                }
                // Foundation refuses a nonzero literal that rounds to 0 (`1e-400`) as "not valid JSON".
                if number == 0, text.prefix(while: { $0 != "e" && $0 != "E" }).contains(where: { "123456789".contains($0) }) {
                    throw Located(issue: InputIssue(path: jsonPath(path),
                                                    reason: "must be a number a Double can hold, got \(text) (underflows to 0)"))
                }
                // Foundation refuses a non-integral or out-of-range value for an integer field
                // (`"steps": 50.5`) as "not valid JSON"; integral forms such as 50.0 and 5e1 pass.
                if let last = path.last, last.intValue == nil, JSONSyntaxLocator.integerKeys.contains(last.stringValue),
                   !(number.rounded() == number && abs(number) < 9.2e18) {
                    throw Located(issue: InputIssue(path: jsonPath(path), reason: "must be an integer, got \(text)"))
                }
            default:
                for word in ["true", "false", "null"] where bytes[index...].starts(with: word.utf8) {
                    index += word.utf8.count
                    return
                }
                throw fail(path, "unexpected character '\(Character(Unicode.Scalar(bytes[index])))'")
            }
        }

        mutating func string(_ path: [any CodingKey]) throws -> String {
            index += 1  // opening quote
            let start = index
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\\"): index += 2
                case UInt8(ascii: "\""):
                    let text = String(decoding: bytes[start..<index], as: UTF8.self)
                    index += 1
                    return text
                default: index += 1
                }
            }
            throw fail(path, "unterminated string")
        }
    }

    struct JSONKey: CodingKey {
        var stringValue: String
        var intValue: Int?
        init(stringValue: String) { self.stringValue = stringValue; self.intValue = nil }
        init(intValue: Int) { self.stringValue = "\(intValue)"; self.intValue = intValue }
    }
}

/// Decodes `T`, turning every failure into an `InputError` that names the JSON path.
///
/// Well-formed documents take `FlexGenJSON`'s fast path; anything it declines is decoded exactly as
/// before (nesting guard, `JSONDecoder`, then `JSONSyntaxLocator` for where the syntax breaks), so
/// every error message is unchanged.
func decodeDocument<T: Decodable>(_ type: T.Type, from data: Data, userInfo: [CodingUserInfoKey: any Sendable] = [:]) throws -> T {
    if let value = FlexGenJSON.fastDecode(T.self, from: data, userInfo: userInfo) { return value }
    try JSONNesting.check(data)
    do {
        let decoder = JSONDecoder()
        decoder.userInfo = userInfo
        return try decoder.decode(T.self, from: data)
    } catch let error as DecodingError {
        if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
            if let issue = JSONSyntaxLocator.firstIssue(in: data) { throw InputError([issue]) }
            if context.debugDescription.contains("not valid JSON") {
                throw InputError(path: "", reason: "not valid JSON")
            }
        }
        throw InputError(decoding: error)
    }
}
