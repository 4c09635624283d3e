import Foundation  // memcmp

/// A JSON document parsed in one pass into a flat array of entries (a "tape"), for `TapeDecoder`.
///
/// Why a tape: Foundation's `JSONDecoder` spends most of a large file's time in generic Codable
/// machinery and per-value boxes; here every value is one 16-byte entry in one array and strings
/// and numbers stay as byte ranges of the input until a decoder asks for them (docs/formats.md,
/// "Reading speed").
///
/// Contract: `JSONTape(bytes:)` accepts exactly RFC 8259 JSON text in UTF-8 — no byte-order mark,
/// no trailing commas, no comments, no NaN/Infinity, no leading zeros, no lone surrogates
/// (`\ud800`), no malformed or overlong UTF-8, no control characters inside strings, at most
/// `maximumDepth` nested arrays/objects — and returns nil for anything else. It never traps on any
/// input. Numbers are only checked for syntax here (their range is checked when decoded, as
/// Foundation does), so a document is accepted here only if Foundation's parser accepts it too;
/// the converse does not hold (Foundation also takes a BOM and trailing commas), which is why a
/// rejection here always falls back to Foundation (`FlexGenJSON.decode`).
final class JSONTape {
    enum Kind: UInt8 { case null, falseValue, trueValue, number, string, array, object }

    /// One value. Containers: `count` children follow at `index + 1` (objects: key, value, key,
    /// value, …) and `end` is the tape index after the whole subtree. Strings: the bytes between
    /// the quotes are `start..<end`. Numbers: the literal is `start..<end`.
    struct Entry {
        var kind: Kind
        var flags: UInt8
        var count: UInt32
        var start: UInt32
        var end: UInt32
    }

    /// String flags.
    static let hasEscapes: UInt8 = 1, isNonASCII: UInt8 = 2
    /// Number flags: the literal has a fraction or an exponent, or is negative.
    static let hasFractionOrExponent: UInt8 = 1, isNegative: UInt8 = 2

    /// Deepest array/object nesting accepted; the same limit as `JSONNesting.maximumDepth`.
    static let maximumDepth = JSONNesting.maximumDepth

    /// The document, owned by the tape (a raw buffer, so that reads need no exclusivity checks).
    let buffer: UnsafeMutableBufferPointer<UInt8>
    let entries: [Entry]

    /// Parses `bytes`; nil when they are not strict JSON (see the type's contract).
    init?<Bytes: Collection<UInt8>>(bytes: Bytes) {
        guard bytes.count < Int(UInt32.max) else { return nil }
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        _ = buffer.initialize(from: bytes)
        var entries: [Entry] = []
        entries.reserveCapacity(bytes.count / 8 + 4)
        var parser = Parser(bytes: UnsafeBufferPointer(rebasing: buffer[..<bytes.count]))
        guard parser.parseDocument(into: &entries) else { buffer.deallocate(); return nil }
        self.buffer = buffer
        self.entries = entries
    }

    deinit { buffer.deallocate() }

    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(buffer) }

    /// The index of the tape entry after the value at `index` (its next sibling).
    @inline(__always)
    func next(after index: Int) -> Int {
        let entry = entries[index]
        return entry.kind == .array || entry.kind == .object ? Int(entry.end) : index + 1
    }

    /// The string at `index` (which must be a `.string` entry), escapes resolved.
    func string(at index: Int) -> String {
        let entry = entries[index]
        let range = Int(entry.start)..<Int(entry.end)
        if entry.flags & Self.hasEscapes == 0 {
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var i = range.lowerBound
        while i < range.upperBound {
            let byte = bytes[i]
            guard byte == UInt8(ascii: "\\") else { out.append(byte); i += 1; continue }
            let escape = bytes[i + 1]
            i += 2
            switch escape {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = Self.hex4(bytes, i)
                i += 4
                if scalar >= 0xD800 && scalar < 0xDC00 {  // the parser checked the low half follows
                    let low = Self.hex4(bytes, i + 2)
                    i += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                out.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
            default: out.append(escape)  // \" \\ \/
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether the string at `index` is exactly `text`, compared as Swift compares strings
    /// (canonical equivalence) — byte by byte when both are plain ASCII, which then means the same.
    func string(at index: Int, equals text: String) -> Bool {
        let entry = entries[index]
        if entry.flags == 0 {
            let length = Int(entry.end &- entry.start)
            let start = buffer.baseAddress! + Int(entry.start)
            let same: Bool? = text.utf8.withContiguousStorageIfAvailable { key in
                if key.count == length, length == 0 || memcmp(start, key.baseAddress!, length) == 0 { return true }
                // Different bytes: different strings, unless `text` is not ASCII (canonical
                // equivalence can map a non-ASCII string onto an ASCII one, e.g. U+212A onto "K").
                return key.allSatisfy({ $0 < 0x80 }) ? false : nil
            } ?? nil
            if let same { return same }
        }
        return string(at: index) == text
    }

    static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt32 {
        var value: UInt32 = 0
        for k in 0..<4 { value = value << 4 | UInt32(hexValue(bytes[i + k])) }
        return value
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: 0xFF
        }
    }

    /// The recursive-descent scanner; recursion depth is bounded by `maximumDepth`.
    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func parseDocument(into entries: inout [Entry]) -> Bool {
            skipWhitespace()
            guard value(into: &entries, depth: 0) else { return false }
            skipWhitespace()
            return index == bytes.count
        }

        @inline(__always)
        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x0A, 0x0D, 0x09: index += 1
                default: return
                }
            }
        }

        mutating func value(into entries: inout [Entry], depth: Int) -> Bool {
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                guard depth < JSONTape.maximumDepth else { return false }
                index += 1
                let slot = entries.count
                entries.append(Entry(kind: .object, flags: 0, count: 0, start: 0, end: 0))
                var count: UInt32 = 0
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    index += 1
                } else {
                    while true {
                        skipWhitespace()
                        guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), string(into: &entries) else { return false }
                        skipWhitespace()
                        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
                        index += 1
                        skipWhitespace()
                        guard value(into: &entries, depth: depth + 1) else { return false }
                        count += 1
                        skipWhitespace()
                        guard index < bytes.count else { return false }
                        if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                        if bytes[index] == UInt8(ascii: "}") { index += 1; break }
                        return false
                    }
                }
                entries[slot].count = count
                entries[slot].end = UInt32(entries.count)
                return true
            case UInt8(ascii: "["):
                guard depth < JSONTape.maximumDepth else { return false }
                index += 1
                let slot = entries.count
                entries.append(Entry(kind: .array, flags: 0, count: 0, start: 0, end: 0))
                var count: UInt32 = 0
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                } else {
                    while true {
                        skipWhitespace()
                        guard value(into: &entries, depth: depth + 1) else { return false }
                        count += 1
                        skipWhitespace()
                        guard index < bytes.count else { return false }
                        if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                        if bytes[index] == UInt8(ascii: "]") { index += 1; break }
                        return false
                    }
                }
                entries[slot].count = count
                entries[slot].end = UInt32(entries.count)
                return true
            case UInt8(ascii: "\""):
                return string(into: &entries)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return number(into: &entries)
            case UInt8(ascii: "t"): return word("true", .trueValue, into: &entries)
            case UInt8(ascii: "f"): return word("false", .falseValue, into: &entries)
            case UInt8(ascii: "n"): return word("null", .null, into: &entries)
            default: return false
            }
        }

        mutating func word(_ text: StaticString, _ kind: Kind, into entries: inout [Entry]) -> Bool {
            let length = text.utf8CodeUnitCount
            guard bytes.count - index >= length else { return false }
            for k in 0..<length where bytes[index + k] != text.utf8Start[k] { return false }
            entries.append(Entry(kind: kind, flags: 0, count: 0, start: UInt32(index), end: UInt32(index + length)))
            index += length
            return true
        }

        /// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
        mutating func number(into entries: inout [Entry]) -> Bool {
            let start = index
            var flags: UInt8 = 0
            if bytes[index] == UInt8(ascii: "-") { flags |= JSONTape.isNegative; index += 1 }
            guard index < bytes.count else { return false }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                guard digits() > 0 else { return false }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                flags |= JSONTape.hasFractionOrExponent
                guard digits() > 0 else { return false }
            }
            if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
                index += 1
                flags |= JSONTape.hasFractionOrExponent
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { return false }
            }
            entries.append(Entry(kind: .number, flags: flags, count: 0, start: UInt32(start), end: UInt32(index)))
            return true
        }

        @inline(__always)
        mutating func digits() -> Int {
            let start = index
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
            return index - start
        }

        /// A string starting at the opening quote; checks escapes, surrogate pairs and UTF-8.
        mutating func string(into entries: inout [Entry]) -> Bool {
            index += 1
            let start = index
            var flags: UInt8 = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    entries.append(Entry(kind: .string, flags: flags, count: 0, start: UInt32(start), end: UInt32(index)))
                    index += 1
                    return true
                }
                if byte == UInt8(ascii: "\\") {
                    flags |= JSONTape.hasEscapes
                    guard index + 1 < bytes.count else { return false }
                    switch bytes[index + 1] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                         UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        index += 2
                    case UInt8(ascii: "u"):
                        guard let scalar = hex4(at: index + 2) else { return false }
                        index += 6
                        if scalar >= 0xDC00 && scalar < 0xE000 { return false }  // a lone low surrogate
                        if scalar >= 0xD800 && scalar < 0xDC00 {
                            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
                                  let low = hex4(at: index + 2), low >= 0xDC00 && low < 0xE000 else { return false }
                            index += 6
                        }
                    default: return false
                    }
                    continue
                }
                if byte < 0x20 { return false }
                if byte < 0x80 { index += 1; continue }
                flags |= JSONTape.isNonASCII
                guard utf8Sequence() else { return false }
            }
            return false
        }

        func hex4(at i: Int) -> UInt32? {
            guard i + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for k in 0..<4 {
                let digit = JSONTape.hexValue(bytes[i + k])
                guard digit < 16 else { return nil }
                value = value << 4 | UInt32(digit)
            }
            return value
        }

        /// One well-formed UTF-8 sequence of 2–4 bytes (Unicode Table 3-7): no overlongs, no
        /// surrogates, nothing above U+10FFFF.
        mutating func utf8Sequence() -> Bool {
            let b0 = bytes[index]
            func continuation(_ k: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
                index + k < bytes.count && bytes[index + k] >= low && bytes[index + k] <= high
            }
            switch b0 {
            case 0xC2...0xDF:
                guard continuation(1) else { return false }
                index += 2
            case 0xE0:
                guard continuation(1, 0xA0), continuation(2) else { return false }
                index += 3
            case 0xE1...0xEC, 0xEE...0xEF:
                guard continuation(1), continuation(2) else { return false }
                index += 3
            case 0xED:
                guard continuation(1, 0x80, 0x9F), continuation(2) else { return false }
                index += 3
            case 0xF0:
                guard continuation(1, 0x90), continuation(2), continuation(3) else { return false }
                index += 4
            case 0xF1...0xF3:
                guard continuation(1), continuation(2), continuation(3) else { return false }
                index += 4
            case 0xF4:
                guard continuation(1, 0x80, 0x8F), continuation(2), continuation(3) else { return false }
                index += 4
            default: return false
            }
            return true
        }
    }
}
