import Foundation
import FlexGenModel

/// The one place that fixes how FlexGen writes JSON: pretty-printed, keys sorted, no escaped
/// slashes, so that the same value always gives the same bytes (generator determinism relies on it).
/// Non-finite numbers are refused by the encoder: FlexGen never writes NaN.
public enum FlexGenJSON {
    /// Foundation's encoder with the canonical settings; `encode` writes the same bytes faster.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The canonical bytes of `value` followed by a newline: exactly `encoder()`'s output (with
    /// `userInfo`) plus `\n`, written by `CanonicalJSONEncoder`; whatever that encoder does not
    /// reproduce is handed to `encoder()` (so a non-finite number throws Foundation's error).
    public static func encode<T: Encodable>(_ value: T) throws -> Data { try encode(value, userInfo: [:]) }

    /// `encode(_:)` with `userInfo` for the value's `encode(to:)` (e.g. `.embedProfile`).
    public static func encode<T: Encodable>(_ value: T, userInfo: [CodingUserInfoKey: any Sendable]) throws -> Data {
        if var bytes = fastEncode(value, userInfo: userInfo) {
            bytes.append(0x0A)
            return Data(bytes)
        }
        let encoder = encoder()
        encoder.userInfo = userInfo
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }

    /// The fast path alone, without the final newline: nil when it declined.
    static func fastEncode<T: Encodable>(_ value: T, userInfo: [CodingUserInfoKey: any Sendable] = [:]) -> [UInt8]? {
        // A solution, the largest document FlexGen writes, is written field by field (its
        // encode(to:) reads no userInfo); the final newline is the caller's.
        if T.self == Solution.self, var chunks = SolutionJSONChunks(unsafeBitCast(value, to: Solution.self)) {
            var bytes = chunks.joined()
            bytes.removeLast()
            return bytes
        }
        let context = CanonicalJSONEncoder.Context(userInfo: userInfo)
        let encoder = CanonicalJSONEncoder(context: context)
        guard let node = try? encoder.primitive(value) ?? {
            try value.encode(to: encoder)
            return encoder.node
        }(), !context.needsFoundation else { return nil }
        var writer = CanonicalJSONWriter()
        guard writer.write(node) else { return nil }
        return writer.bytes
    }
}
