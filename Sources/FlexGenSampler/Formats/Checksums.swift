/// The two checksums a PNG file needs.
public enum Checksums {
    /// CRC-32 (ISO-HDLC / PNG / zlib: reflected polynomial 0xEDB88320, init and final XOR
    /// 0xFFFFFFFF), table-driven. `crc32(Array("IEND".utf8)) == 0xAE42_6082`.
    public static func crc32<S: Sequence>(_ bytes: S, continuing previous: UInt32 = 0) -> UInt32 where S.Element == UInt8 {
        var crc = ~previous
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return ~crc
    }

    /// Adler-32 (RFC 1950): two sums mod 65521, reduced every 5552 bytes so they cannot overflow.
    /// `adler32(Array("Wikipedia".utf8)) == 0x11E6_0398`.
    public static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        var index = 0
        while index < bytes.count {
            let end = min(index + 5552, bytes.count)
            for i in index..<end { a += UInt32(bytes[i]); b += a }
            a %= 65521; b %= 65521
            index = end
        }
        return b << 16 | a
    }

    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
}
