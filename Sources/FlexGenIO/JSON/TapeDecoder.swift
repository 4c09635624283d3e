import Foundation
import FlexGenModel

/// A `Decoder` over a `JSONTape`: every type's own `init(from:)` runs unchanged (strict unknown-key
/// rejection, custom messages), only the layers beneath are faster than Foundation's.
///
/// It agrees with `JSONDecoder` on every document both accept. Where it cannot be sure of giving
/// Foundation's answer (an integer field written `50.0`, a number out of range, `Date`/`Data`/`URL`/
/// `Decimal`/`Float`, which `JSONDecoder` treats specially) it marks the decode as needing
/// Foundation (`Context.needsFoundation`), and `FlexGenJSON.decode` then decodes the document again
/// with `JSONDecoder`, so results and error messages are Foundation's exactly.
final class TapeDecoder: Decoder, UnknownKeyScreening {
    /// Shared by every decoder of one document.
    final class Context {
        let tape: JSONTape
        let userInfo: [CodingUserInfoKey: Any]
        /// Set when this decoder's answer might differ from Foundation's; see the type's doc.
        var needsFoundation = false
        /// Key → value index, for the rare objects too large for a linear scan.
        var largeObjects: [Int: [String: Int]] = [:]
        /// `Key.allCases`' names per key type, built once per document rather than once per object.
        private var keyNamesByType: [ObjectIdentifier: [String]] = [:]
        init(tape: JSONTape, userInfo: [CodingUserInfoKey: Any]) { self.tape = tape; self.userInfo = userInfo }

        func keyNames<Key: CodingKey & CaseIterable>(_ type: Key.Type) -> [String] {
            if let names = keyNamesByType[ObjectIdentifier(type)] { return names }
            let names = Key.allCases.map(\.stringValue)
            keyNamesByType[ObjectIdentifier(type)] = names
            return names
        }
    }

    /// Thrown where Foundation's answer is needed; never escapes `FlexGenJSON.decode`.
    struct NeedsFoundation: Error {}

    let context: Context
    let index: Int
    private let parent: TapeDecoder?
    private let key: (any CodingKey)?

    init(context: Context, index: Int, parent: TapeDecoder?, key: (any CodingKey)?) {
        self.context = context
        self.index = index
        self.parent = parent
        self.key = key
    }

    /// Built on demand from the parent chain: only error paths read it.
    var codingPath: [any CodingKey] {
        var path: [any CodingKey] = []
        var decoder: TapeDecoder? = self
        while let current = decoder {
            if let key = current.key { path.append(key) }
            decoder = current.parent
        }
        return path.reversed()
    }

    var userInfo: [CodingUserInfoKey: Any] { context.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard context.tape.entries[index].kind == .object else {
            throw mismatch([String: Any].self, at: index, path: codingPath)
        }
        return KeyedDecodingContainer(TapeKeyedContainer<Key>(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard context.tape.entries[index].kind == .array else {
            throw mismatch([Any].self, at: index, path: codingPath)
        }
        return TapeUnkeyedContainer(decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { TapeSingleValueContainer(decoder: self) }

    func hasUnknownKey<Key: CodingKey & CaseIterable>(_ known: Key.Type) -> Bool {
        let tape = context.tape
        guard tape.entries[index].kind == .object else { return false }
        let names = context.keyNames(Key.self)
        var i = index + 1
        for _ in 0..<tape.entries[index].count {
            if !names.contains(where: { tape.string(at: i, equals: $0) }) { return true }
            i = tape.next(after: i + 1)
        }
        return false
    }

    // MARK: Values

    /// A DecodingError like Foundation's for a value of the wrong JSON type.
    func mismatch(_ type: Any.Type, at index: Int, path: [any CodingKey]) -> DecodingError {
        let kind = context.tape.entries[index].kind
        if kind == .null {
            return .valueNotFound(type, .init(codingPath: path, debugDescription: "Cannot get value of type \(type) -- found null value instead"))
        }
        let found = switch kind {
        case .null: "null"
        case .falseValue, .trueValue: "bool"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "dictionary"
        }
        return .typeMismatch(type, .init(codingPath: path, debugDescription: "Expected to decode \(type) but found \(found) instead."))
    }

    func needFoundation() -> NeedsFoundation {
        context.needsFoundation = true
        return NeedsFoundation()
    }

    func decodeDouble(at index: Int, path: @autoclosure () -> [any CodingKey]) throws -> Double {
        guard context.tape.entries[index].kind == .number else { throw mismatch(Double.self, at: index, path: path()) }
        guard let value = context.tape.double(at: index) else { throw needFoundation() }
        return value
    }

    func decodeString(at index: Int, path: @autoclosure () -> [any CodingKey]) throws -> String {
        guard context.tape.entries[index].kind == .string else { throw mismatch(String.self, at: index, path: path()) }
        return context.tape.string(at: index)
    }

    func decodeBool(at index: Int, path: @autoclosure () -> [any CodingKey]) throws -> Bool {
        switch context.tape.entries[index].kind {
        case .trueValue: return true
        case .falseValue: return false
        default: throw mismatch(Bool.self, at: index, path: path())
        }
    }

    func decodeInteger<T: FixedWidthInteger>(_ type: T.Type, at index: Int, path: @autoclosure () -> [any CodingKey]) throws -> T {
        guard context.tape.entries[index].kind == .number else { throw mismatch(T.self, at: index, path: path()) }
        guard let value = context.tape.integer(at: index, as: T.self) else { throw needFoundation() }
        return value
    }

    /// Any Decodable at `index`: the primitives directly, everything else through its `init(from:)`.
    func decode<T: Decodable>(_ type: T.Type, at index: Int, key: (any CodingKey)?) throws -> T {
        // unsafeBitCast after checking T is exactly that type: `as! T` went through the runtime's dynamic cast.
        if T.self == Double.self { return unsafeBitCast(try decodeDouble(at: index, path: self.codingPath + [key].compactMap { $0 }), to: T.self) }
        if T.self == String.self { return unsafeBitCast(try decodeString(at: index, path: self.codingPath + [key].compactMap { $0 }), to: T.self) }
        if T.self == Int.self { return unsafeBitCast(try decodeInteger(Int.self, at: index, path: self.codingPath + [key].compactMap { $0 }), to: T.self) }
        if T.self == Bool.self { return unsafeBitCast(try decodeBool(at: index, path: self.codingPath + [key].compactMap { $0 }), to: T.self) }
        if T.self == Float.self || T.self == Date.self || T.self == Data.self || T.self == URL.self || T.self == Decimal.self {
            throw needFoundation()
        }
        if T.self == [ClientDecision].self, let clients = decodeClientDecisions(at: index) {
            return unsafeBitCast(clients, to: T.self)
        }
        if T.self == [Client].self, let clients = decodeClients(at: index) {
            return unsafeBitCast(clients, to: T.self)
        }
        return try T(from: TapeDecoder(context: context, index: index, parent: self, key: key))
    }
}

/// An object's members, looked up by a linear scan (FlexGen's objects have a dozen keys at most);
/// objects with more than `linearScanLimit` members get a dictionary once. Duplicate keys: the
/// first one wins, as in Foundation.
struct TapeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: TapeDecoder
    static var linearScanLimit: Int { 24 }

    var codingPath: [any CodingKey] { decoder.codingPath }
    private var tape: JSONTape { decoder.context.tape }

    var allKeys: [Key] {
        var keys: [Key] = []
        let entry = tape.entries[decoder.index]
        keys.reserveCapacity(Int(entry.count))
        var i = decoder.index + 1
        for _ in 0..<entry.count {
            if let key = Key(stringValue: tape.string(at: i)) { keys.append(key) }
            i = tape.next(after: i + 1)
        }
        return keys
    }

    /// The tape index of `key`'s value, nil when absent.
    func valueIndex(_ key: Key) -> Int? {
        let entry = tape.entries[decoder.index]
        let name = key.stringValue
        if entry.count > Self.linearScanLimit { return largeObjectIndex(name) }
        var i = decoder.index + 1
        for _ in 0..<entry.count {
            if tape.string(at: i, equals: name) { return i + 1 }
            i = tape.next(after: i + 1)
        }
        return nil
    }

    private func largeObjectIndex(_ name: String) -> Int? {
        if let table = decoder.context.largeObjects[decoder.index] { return table[name] }
        var table: [String: Int] = [:]
        var i = decoder.index + 1
        for _ in 0..<tape.entries[decoder.index].count {
            let key = tape.string(at: i)
            if table[key] == nil { table[key] = i + 1 }
            i = tape.next(after: i + 1)
        }
        decoder.context.largeObjects[decoder.index] = table
        return table[name]
    }

    private func require(_ key: Key) throws -> Int {
        guard let index = valueIndex(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath,
                                                       debugDescription: "No value associated with key \(key) (\"\(key.stringValue)\")."))
        }
        return index
    }

    private func isNull(_ index: Int) -> Bool { tape.entries[index].kind == .null }

    func contains(_ key: Key) -> Bool { valueIndex(key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { isNull(try require(key)) }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        try decoder.decodeBool(at: try require(key), path: codingPath + [key])
    }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try decoder.decodeString(at: try require(key), path: codingPath + [key])
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try decoder.decodeDouble(at: try require(key), path: codingPath + [key])
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { throw decoder.needFoundation() }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(key) }

    private func integer<T: FixedWidthInteger>(_ key: Key) throws -> T {
        try decoder.decodeInteger(T.self, at: try require(key), path: codingPath + [key])
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decoder.decode(T.self, at: try require(key), key: key)
    }

    // One lookup instead of the default's three (contains, decodeNil, decode).
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        guard let index = valueIndex(key), !isNull(index) else { return nil }
        return try decoder.decodeDouble(at: index, path: codingPath + [key])
    }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        guard let index = valueIndex(key), !isNull(index) else { return nil }
        return try decoder.decodeString(at: index, path: codingPath + [key])
    }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        guard let index = valueIndex(key), !isNull(index) else { return nil }
        return try decoder.decodeInteger(Int.self, at: index, path: codingPath + [key])
    }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        guard let index = valueIndex(key), !isNull(index) else { return nil }
        return try decoder.decodeBool(at: index, path: codingPath + [key])
    }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let index = valueIndex(key), !isNull(index) else { return nil }
        return try decoder.decode(T.self, at: index, key: key)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try TapeDecoder(context: decoder.context, index: try require(key), parent: decoder, key: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try TapeDecoder(context: decoder.context, index: try require(key), parent: decoder, key: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { throw decoder.needFoundation() }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw decoder.needFoundation() }
}

/// An array's elements in order.
struct TapeUnkeyedContainer: UnkeyedDecodingContainer {
    let decoder: TapeDecoder
    private(set) var currentIndex = 0
    /// The tape index of the current element.
    private var cursor: Int

    init(decoder: TapeDecoder) {
        self.decoder = decoder
        self.cursor = decoder.index + 1
    }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { Int(decoder.context.tape.entries[decoder.index].count) }
    var isAtEnd: Bool { currentIndex >= count! }

    private var currentKey: any CodingKey { ArrayIndexKey(intValue: currentIndex) }

    private mutating func take<T>(_ type: T.Type, _ read: (Int) throws -> T) throws -> T {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(T.self, .init(codingPath: codingPath + [currentKey],
                                                            debugDescription: "Unkeyed container is at end."))
        }
        let value = try read(cursor)
        cursor = decoder.context.tape.next(after: cursor)
        currentIndex += 1
        return value
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any?.self, .init(codingPath: codingPath + [currentKey],
                                                               debugDescription: "Unkeyed container is at end."))
        }
        guard decoder.context.tape.entries[cursor].kind == .null else { return false }
        cursor += 1
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool {
        let path = codingPath + [currentKey]
        return try take(Bool.self) { [decoder] in try decoder.decodeBool(at: $0, path: path) }
    }
    mutating func decode(_ type: String.Type) throws -> String {
        let path = codingPath + [currentKey]
        return try take(String.self) { [decoder] in try decoder.decodeString(at: $0, path: path) }
    }
    mutating func decode(_ type: Double.Type) throws -> Double {
        let key = currentKey
        return try take(Double.self) { [decoder] in try decoder.decodeDouble(at: $0, path: decoder.codingPath + [key]) }
    }
    mutating func decode(_ type: Float.Type) throws -> Float { throw decoder.needFoundation() }
    mutating func decode(_ type: Int.Type) throws -> Int { try integer() }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try integer() }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try integer() }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try integer() }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try integer() }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try integer() }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try integer() }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try integer() }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try integer() }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try integer() }

    private mutating func integer<T: FixedWidthInteger>() throws -> T {
        let key = currentKey
        return try take(T.self) { [decoder] in try decoder.decodeInteger(T.self, at: $0, path: decoder.codingPath + [key]) }
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let key = currentKey
        return try take(T.self) { [decoder] in try decoder.decode(T.self, at: $0, key: key) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let key = currentKey
        return try take(KeyedDecodingContainer<NestedKey>.self) { [decoder] in
            try TapeDecoder(context: decoder.context, index: $0, parent: decoder, key: key).container(keyedBy: type)
        }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let key = currentKey
        return try take((any UnkeyedDecodingContainer).self) { [decoder] in
            try TapeDecoder(context: decoder.context, index: $0, parent: decoder, key: key).unkeyedContainer()
        }
    }

    mutating func superDecoder() throws -> any Decoder { throw decoder.needFoundation() }
}

/// The single value a decoder stands at.
struct TapeSingleValueContainer: SingleValueDecodingContainer {
    let decoder: TapeDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.context.tape.entries[decoder.index].kind == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.decodeBool(at: decoder.index, path: codingPath) }
    func decode(_ type: String.Type) throws -> String { try decoder.decodeString(at: decoder.index, path: codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try decoder.decodeDouble(at: decoder.index, path: codingPath) }
    func decode(_ type: Float.Type) throws -> Float { throw decoder.needFoundation() }
    func decode(_ type: Int.Type) throws -> Int { try decoder.decodeInteger(Int.self, at: decoder.index, path: codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.decodeInteger(Int8.self, at: decoder.index, path: codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.decodeInteger(Int16.self, at: decoder.index, path: codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.decodeInteger(Int32.self, at: decoder.index, path: codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.decodeInteger(Int64.self, at: decoder.index, path: codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.decodeInteger(UInt.self, at: decoder.index, path: codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.decodeInteger(UInt8.self, at: decoder.index, path: codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.decodeInteger(UInt16.self, at: decoder.index, path: codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.decodeInteger(UInt32.self, at: decoder.index, path: codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.decodeInteger(UInt64.self, at: decoder.index, path: codingPath) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decode(T.self, at: decoder.index, key: nil) }
}

/// The coding key of an array element, `[3]` in a path.
struct ArrayIndexKey: CodingKey {
    var stringValue: String { "Index \(intValue!)" }
    var intValue: Int?
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}
