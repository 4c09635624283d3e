import Foundation

/// The one place that fixes how FlexGen writes JSON: pretty-printed, keys sorted, no escaped
/// slashes, so that the same value always gives the same bytes (generator determinism relies on it).
/// Non-finite numbers are refused by the encoder: FlexGen never writes NaN.
public enum FlexGenJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        var data = try encoder().encode(value)
        data.append(0x0A)
        return data
    }
}
