import Foundation

/// An `Encoder` that writes FlexGen's canonical JSON — byte for byte what `FlexGenJSON.encoder()`
/// (`JSONEncoder` with `.prettyPrinted, .sortedKeys, .withoutEscapingSlashes`) writes — without
/// Foundation's per-value boxing.
///
/// The canonical form it reproduces: two-space indentation, `"key" : value`, object keys in
/// ascending UTF-8 byte order, an empty container as its bracket, an empty line and the closing
/// bracket; numbers as Swift's shortest round-trip `description` with a trailing `.0` dropped
/// (`1`, `0.1`, `1e+20`, `1e-05`, `-0`); strings with `"` `\` and control characters escaped
/// (`\n`, `\t`, … and `\u00XX` otherwise) and everything else, `/` included, written as is.
/// Anything else — a non-finite number, a non-ASCII key, a repeated key, `Float`, `Date`, `Data`,
/// `URL`, `Decimal`, a super-encoder, a value that encodes nothing — marks the encoding as needing
/// Foundation, and `FlexGenJSON.encode` hands the whole value to `JSONEncoder` instead.
final class CanonicalJSONEncoder: Encoder {
    /// One JSON value being built.
    enum Node {
        case null
        case bool(Bool)
        case double(Double)
        case signed(Int64)
        case unsigned(UInt64)
        case string(String)
        case array(ArrayNode)
        case object(ObjectNode)
    }

    final class ArrayNode { var items: [Node] = [] }
    final class ObjectNode {
        var keys: [String] = []
        var values: [Node] = []
        func append(_ key: String, _ value: Node) { keys.append(key); values.append(value) }
    }

    /// Shared by all encoders of one value.
    final class Context {
        let userInfo: [CodingUserInfoKey: Any]
        var needsFoundation = false
        init(userInfo: [CodingUserInfoKey: Any]) { self.userInfo = userInfo }
    }

    struct NeedsFoundation: Error {}

    let context: Context
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { context.userInfo }
    /// What this encoder produced; nil until something is encoded.
    var node: Node?

    init(context: Context, codingPath: [any CodingKey] = []) {
        self.context = context
        self.codingPath = codingPath
    }

    func needFoundation() -> NeedsFoundation {
        context.needsFoundation = true
        return NeedsFoundation()
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object(let object) = node { return KeyedEncodingContainer(Keyed(encoder: self, object: object)) }
        if node != nil { context.needsFoundation = true }
        let object = ObjectNode()
        node = .object(object)
        return KeyedEncodingContainer(Keyed(encoder: self, object: object))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array(let array) = node { return Unkeyed(encoder: self, array: array) }
        if node != nil { context.needsFoundation = true }
        let array = ArrayNode()
        node = .array(array)
        return Unkeyed(encoder: self, array: array)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { Single(encoder: self) }

    /// The node for a primitive, or nil when `value` needs its own `encode(to:)`.
    @inline(__always)
    func primitive<T: Encodable>(_ value: T) throws -> Node? {
        // Type comparisons and unsafeBitCast to that very type: `as?` went through the runtime's dynamic cast.
        if T.self == Double.self {
            let value = unsafeBitCast(value, to: Double.self)
            guard value.isFinite else { throw needFoundation() }
            return .double(value)
        }
        if T.self == String.self { return .string(unsafeBitCast(value, to: String.self)) }
        if T.self == Int.self { return .signed(Int64(unsafeBitCast(value, to: Int.self))) }
        if T.self == Bool.self { return .bool(unsafeBitCast(value, to: Bool.self)) }
        if T.self == Float.self || T.self == Date.self || T.self == Data.self || T.self == URL.self || T.self == Decimal.self {
            throw needFoundation()
        }
        return nil
    }

    /// The node of any Encodable, through its own `encode(to:)` unless it is a primitive.
    func node<T: Encodable>(for value: T, key: any CodingKey) throws -> Node {
        if let node = try primitive(value) { return node }
        let child = CanonicalJSONEncoder(context: context, codingPath: codingPath + [key])
        try value.encode(to: child)
        guard let node = child.node else { throw needFoundation() }
        return node
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let encoder: CanonicalJSONEncoder
        let object: ObjectNode
        var codingPath: [any CodingKey] { encoder.codingPath }

        mutating func encodeNil(forKey key: Key) throws { object.append(key.stringValue, .null) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { object.append(key.stringValue, .bool(value)) }
        mutating func encode(_ value: String, forKey key: Key) throws { object.append(key.stringValue, .string(value)) }
        mutating func encode(_ value: Double, forKey key: Key) throws {
            guard value.isFinite else { throw encoder.needFoundation() }
            object.append(key.stringValue, .double(value))
        }
        mutating func encode(_ value: Float, forKey key: Key) throws { throw encoder.needFoundation() }
        mutating func encode(_ value: Int, forKey key: Key) throws { object.append(key.stringValue, .signed(Int64(value))) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { object.append(key.stringValue, .signed(Int64(value))) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { object.append(key.stringValue, .signed(Int64(value))) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { object.append(key.stringValue, .signed(Int64(value))) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { object.append(key.stringValue, .signed(value)) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { object.append(key.stringValue, .unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { object.append(key.stringValue, .unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { object.append(key.stringValue, .unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { object.append(key.stringValue, .unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { object.append(key.stringValue, .unsigned(value)) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            object.append(key.stringValue, try encoder.node(for: value, key: key))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let nested = ObjectNode()
            object.append(key.stringValue, .object(nested))
            let child = CanonicalJSONEncoder(context: encoder.context, codingPath: codingPath + [key])
            return KeyedEncodingContainer(Keyed<NestedKey>(encoder: child, object: nested))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let nested = ArrayNode()
            object.append(key.stringValue, .array(nested))
            return Unkeyed(encoder: CanonicalJSONEncoder(context: encoder.context, codingPath: codingPath + [key]), array: nested)
        }

        mutating func superEncoder() -> any Encoder {
            encoder.context.needsFoundation = true
            return CanonicalJSONEncoder(context: encoder.context)
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            encoder.context.needsFoundation = true
            return CanonicalJSONEncoder(context: encoder.context)
        }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let encoder: CanonicalJSONEncoder
        let array: ArrayNode
        var codingPath: [any CodingKey] { encoder.codingPath }
        var count: Int { array.items.count }

        mutating func encodeNil() throws { array.items.append(.null) }
        mutating func encode(_ value: Bool) throws { array.items.append(.bool(value)) }
        mutating func encode(_ value: String) throws { array.items.append(.string(value)) }
        mutating func encode(_ value: Double) throws {
            guard value.isFinite else { throw encoder.needFoundation() }
            array.items.append(.double(value))
        }
        mutating func encode(_ value: Float) throws { throw encoder.needFoundation() }
        mutating func encode(_ value: Int) throws { array.items.append(.signed(Int64(value))) }
        mutating func encode(_ value: Int8) throws { array.items.append(.signed(Int64(value))) }
        mutating func encode(_ value: Int16) throws { array.items.append(.signed(Int64(value))) }
        mutating func encode(_ value: Int32) throws { array.items.append(.signed(Int64(value))) }
        mutating func encode(_ value: Int64) throws { array.items.append(.signed(value)) }
        mutating func encode(_ value: UInt) throws { array.items.append(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt8) throws { array.items.append(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt16) throws { array.items.append(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt32) throws { array.items.append(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt64) throws { array.items.append(.unsigned(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            array.items.append(try encoder.node(for: value, key: ArrayIndexKey(intValue: array.items.count)))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let nested = ObjectNode()
            let child = CanonicalJSONEncoder(context: encoder.context, codingPath: codingPath + [ArrayIndexKey(intValue: count)])
            array.items.append(.object(nested))
            return KeyedEncodingContainer(Keyed<NestedKey>(encoder: child, object: nested))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let nested = ArrayNode()
            let child = CanonicalJSONEncoder(context: encoder.context, codingPath: codingPath + [ArrayIndexKey(intValue: count)])
            array.items.append(.array(nested))
            return Unkeyed(encoder: child, array: nested)
        }

        mutating func superEncoder() -> any Encoder {
            encoder.context.needsFoundation = true
            return CanonicalJSONEncoder(context: encoder.context)
        }
    }

    struct Single: SingleValueEncodingContainer {
        let encoder: CanonicalJSONEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }

        private func set(_ node: CanonicalJSONEncoder.Node) {
            if encoder.node != nil { encoder.context.needsFoundation = true }
            encoder.node = node
        }

        mutating func encodeNil() throws { set(.null) }
        mutating func encode(_ value: Bool) throws { set(.bool(value)) }
        mutating func encode(_ value: String) throws { set(.string(value)) }
        mutating func encode(_ value: Double) throws {
            guard value.isFinite else { throw encoder.needFoundation() }
            set(.double(value))
        }
        mutating func encode(_ value: Float) throws { throw encoder.needFoundation() }
        mutating func encode(_ value: Int) throws { set(.signed(Int64(value))) }
        mutating func encode(_ value: Int8) throws { set(.signed(Int64(value))) }
        mutating func encode(_ value: Int16) throws { set(.signed(Int64(value))) }
        mutating func encode(_ value: Int32) throws { set(.signed(Int64(value))) }
        mutating func encode(_ value: Int64) throws { set(.signed(value)) }
        mutating func encode(_ value: UInt) throws { set(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt8) throws { set(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt16) throws { set(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt32) throws { set(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt64) throws { set(.unsigned(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            if let node = try encoder.primitive(value) { set(node); return }
            if encoder.node != nil { encoder.context.needsFoundation = true }
            try value.encode(to: encoder)
        }
    }
}
