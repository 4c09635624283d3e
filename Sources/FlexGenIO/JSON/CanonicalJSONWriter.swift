/// Serialises a `CanonicalJSONEncoder.Node` tree in FlexGen's canonical layout (see
/// `CanonicalJSONEncoder` for the exact rules). Returns nil when the tree holds something whose
/// canonical bytes it does not reproduce (a non-ASCII or repeated object key).
struct CanonicalJSONWriter: TextOutputStream {
    var bytes: [UInt8] = []

    init(capacity: Int = 1 << 12) { bytes.reserveCapacity(capacity) }

    mutating func write(_ node: CanonicalJSONEncoder.Node, indent: Int = 0) -> Bool {
        switch node {
        case .null: append("null")
        case .bool(let value): append(value ? "true" : "false")
        case .signed(let value): append(value.description)
        case .unsigned(let value): append(value.description)
        case .double(let value): writeNumber(value)
        case .string(let value): writeString(value)
        case .array(let array):
            bytes.append(UInt8(ascii: "["))
            bytes.append(0x0A)
            if array.items.isEmpty {
                bytes.append(0x0A)
            } else {
                for (i, item) in array.items.enumerated() {
                    if i > 0 { bytes.append(UInt8(ascii: ",")); bytes.append(0x0A) }
                    spaces(indent + 2)
                    guard write(item, indent: indent + 2) else { return false }
                }
                bytes.append(0x0A)
            }
            spaces(indent)
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            bytes.append(0x0A)
            if object.keys.isEmpty {
                bytes.append(0x0A)
            } else {
                guard let order = Self.sortedOrder(object.keys) else { return false }
                for (n, i) in order.enumerated() {
                    if n > 0 { bytes.append(UInt8(ascii: ",")); bytes.append(0x0A) }
                    spaces(indent + 2)
                    writeString(object.keys[i])
                    append(" : ")
                    guard write(object.values[i], indent: indent + 2) else { return false }
                }
                bytes.append(0x0A)
            }
            spaces(indent)
            bytes.append(UInt8(ascii: "}"))
        }
        return true
    }

    /// Member order by ascending key bytes; nil for a non-ASCII key (whose order Foundation may
    /// define differently) or a repeated key.
    static func sortedOrder(_ keys: [String]) -> [Int]? {
        for key in keys where !key.utf8.allSatisfy({ $0 < 0x80 }) { return nil }
        // Insertion sort: objects have a dozen keys, usually already nearly sorted.
        var order = Array(keys.indices)
        for i in 1..<max(order.count, 1) {
            let current = order[i]
            var j = i
            while j > 0, keys[current] < keys[order[j - 1]] { order[j] = order[j - 1]; j -= 1 }
            order[j] = current
        }
        for i in order.indices.dropFirst() where keys[order[i]] == keys[order[i - 1]] { return nil }
        return order
    }

    @inline(__always)
    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func spaces(_ count: Int) {
        for _ in 0..<count { bytes.append(0x20) }
    }

    /// Shortest round-trip digits (Swift's `description`), `.0` dropped from integral values.
    /// `Double.write(to:)` hands its digits to `_writeASCII` from a stack buffer, so no `String`
    /// is allocated per number (`description` allocated one for every number over 15 characters).
    mutating func writeNumber(_ value: Double) {
        let start = bytes.count
        value.write(to: &self)
        let end = bytes.count
        if end - start > 2, bytes[end - 2] == UInt8(ascii: "."), bytes[end - 1] == UInt8(ascii: "0") {
            bytes.removeLast(2)
        }
    }

    /// `TextOutputStream`: what `Double.write(to:)` calls with its ASCII digits.
    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }

    /// `TextOutputStream`: any other text, as UTF-8.
    mutating func write(_ string: String) { append(string) }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    mutating func writeString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var runStart = 0
            for (i, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                runStart = i + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                default:
                    bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                              Self.hexDigits[Int(byte >> 4)], Self.hexDigits[Int(byte & 0xF)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
