/// The secret a client must present as `Authorization: Bearer <token>` (RFC 6750) when the
/// service is started with `--auth-token-file`.
///
/// Comparison contract (`matches`): true iff the presented bytes equal the token's. It takes the
/// same steps for every presented value: it reads exactly `count` bytes of each side (missing
/// presented bytes read as 0) and folds every difference, and the length comparison, into one
/// accumulator that is tested once at the end, so the time depends on the token's length and
/// not on where, or whether, the presented value differs (no early exit, no branch on secret
/// data). `accessCount` exposes the number of byte reads for the tests.
public struct BearerToken: Sendable, Hashable, CustomStringConvertible {
    private let bytes: [UInt8]

    /// A token of RFC 6750's `b64token` characters (letters, digits, `-._~+/`, then optional
    /// trailing `=`), so that it can be sent in a header as is; nil for anything else or empty.
    public init?(_ text: Substring) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, Self.isB64Token(bytes) else { return nil }
        self.bytes = bytes
    }

    public init?(_ text: String) { self.init(text[...]) }

    /// Never the secret (a configuration printed or logged must not leak it).
    public var description: String { "BearerToken(\(bytes.count) characters, redacted)" }

    /// Whether `presented` is the token, in time independent of its content (see the type's contract).
    public func matches(_ presented: some Collection<UInt8>) -> Bool {
        var reads = 0
        return Self.constantTimeEqual(secret: bytes, presented: Array(presented), reads: &reads)
    }

    /// The comparison, with the count of byte reads (both sides) it made.
    static func constantTimeEqual(secret: [UInt8], presented: [UInt8], reads: inout Int) -> Bool {
        var difference = UInt64(truncatingIfNeeded: secret.count ^ presented.count)
        for index in 0..<secret.count {
            let theirs = index < presented.count ? presented[index] : 0
            difference |= UInt64(secret[index] ^ theirs)
            reads += 2
        }
        return difference == 0
    }

    /// `Authorization` header value → the token it carries: `Bearer` (any case) and one space, then
    /// the rest; nil when the scheme is not Bearer.
    static func credentials(fromAuthorization value: String) -> Substring? {
        let scheme = "bearer "
        guard value.count > scheme.count, value.prefix(scheme.count).lowercased() == scheme else { return nil }
        return value.dropFirst(scheme.count).drop { $0 == " " }
    }

    private static func isB64Token(_ bytes: [UInt8]) -> Bool {
        let body = bytes.reversed().drop { $0 == UInt8(ascii: "=") }
        guard !body.isEmpty else { return false }
        return body.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
                 UInt8(ascii: "+"), UInt8(ascii: "/"):
                true
            default:
                false
            }
        }
    }
}
