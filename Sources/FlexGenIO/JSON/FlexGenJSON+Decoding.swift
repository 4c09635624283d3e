import Foundation

extension FlexGenJSON {
    /// Decodes `T` from JSON exactly as `JSONDecoder().decode(T.self, from: data)` with `userInfo`
    /// would — the same value, or the same error — but several times faster on FlexGen's formats.
    ///
    /// The fast path parses strict RFC 8259 JSON into a `JSONTape` and runs `T`'s own
    /// `init(from:)` on a `TapeDecoder`. Whenever that path fails, or meets something whose
    /// Foundation answer it does not reproduce (see `TapeDecoder`), the document is decoded again
    /// by `JSONDecoder`, whose result or error is returned: errors are therefore Foundation's,
    /// byte for byte, and only well-formed documents are sped up.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data,
                                            userInfo: [CodingUserInfoKey: any Sendable] = [:]) throws -> T {
        if let value = fastDecode(type, from: data, userInfo: userInfo) { return value }
        let decoder = JSONDecoder()
        decoder.userInfo = userInfo
        return try decoder.decode(T.self, from: data)
    }

    /// The fast path alone: nil when it failed or cannot vouch for agreeing with Foundation.
    static func fastDecode<T: Decodable>(_ type: T.Type, from data: Data,
                                         userInfo: [CodingUserInfoKey: any Sendable] = [:]) -> T? {
        guard let tape = JSONTape(bytes: data) else { return nil }
        return fastDecode(type, from: tape, userInfo: userInfo)
    }

    static func fastDecode<T: Decodable>(_ type: T.Type, from tape: JSONTape,
                                         userInfo: [CodingUserInfoKey: any Sendable] = [:]) -> T? {
        let context = TapeDecoder.Context(tape: tape, userInfo: userInfo)
        let decoder = TapeDecoder(context: context, index: 0, parent: nil, key: nil)
        guard let value = try? decoder.decode(T.self, at: 0, key: nil), !context.needsFoundation else { return nil }
        return value
    }
}
