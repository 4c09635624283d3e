import Foundation
import Testing
@testable import FlexGenSampler

@Suite("PNG encoder")
struct PNGTests {
    /// Bitwise CRC-32 (no table), independent of the encoder's table-driven one.
    func bitwiseCRC(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 1 ? 0xEDB8_8320 : 0) }
        }
        return ~crc
    }

    func be32(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3]) }

    /// Parses chunks (checking every CRC) and inflates the stored-block zlib stream.
    func decode(_ data: Data) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        let bytes = [UInt8](data)
        try #require(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var index = 8, width = 0, height = 0
        var idat: [UInt8] = [], types: [String] = []
        while index < bytes.count {
            let length = be32(bytes, index)
            let type = String(decoding: bytes[(index + 4)..<(index + 8)], as: UTF8.self)
            let body = Array(bytes[(index + 8)..<(index + 8 + length)])
            let crc = UInt32(be32(bytes, index + 8 + length))
            #expect(crc == bitwiseCRC(Array(bytes[(index + 4)..<(index + 8)]) + body), "CRC of \(type)")
            types.append(type)
            if type == "IHDR" {
                width = be32(body, 0); height = be32(body, 4)
                #expect(Array(body[8...]) == [8, 0, 0, 0, 0])
            }
            if type == "IDAT" { idat += body }
            index += 12 + length
        }
        #expect(types == ["IHDR", "IDAT", "IEND"])
        // zlib header, then stored blocks only.
        #expect((Int(idat[0]) << 8 | Int(idat[1])) % 31 == 0 && idat[0] & 0x0F == 8)
        var position = 2, raw: [UInt8] = [], final = false
        while !final {
            final = idat[position] & 1 == 1
            #expect(idat[position] >> 1 & 3 == 0, "stored block")
            let len = Int(idat[position + 1]) | Int(idat[position + 2]) << 8
            let nlen = Int(idat[position + 3]) | Int(idat[position + 4]) << 8
            #expect(len ^ nlen == 0xFFFF)
            raw += idat[(position + 5)..<(position + 5 + len)]
            position += 5 + len
        }
        let adler = UInt32(be32(idat, position))
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }   // naive Adler-32
        #expect(adler == b << 16 | a)
        #expect(position + 4 == idat.count)
        var pixels: [UInt8] = []
        for row in 0..<height {
            #expect(raw[row * (width + 1)] == 0, "filter type 0")
            pixels += raw[(row * (width + 1) + 1)..<((row + 1) * (width + 1))]
        }
        return (width, height, pixels)
    }

    @Test func checksumsMatchPublishedValues() {
        #expect(Checksums.crc32(Array("IEND".utf8)) == 0xAE42_6082)
        #expect(Checksums.crc32(Array("123456789".utf8)) == 0xCBF4_3926)   // the CRC-32 check value
        #expect(Checksums.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(Checksums.adler32([]) == 1)
        let long = [UInt8](repeating: 0xFF, count: 100_000)           // exercises the modular reduction
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in long { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        #expect(Checksums.adler32(long) == b << 16 | a)
    }

    /// A 1×1 image of value 128, byte for byte as Python's zlib (level 0, stored) + struct produce it:
    /// python3 -c "import zlib,struct; …" (see the PNG section of docs/sampler.md).
    @Test func onePixelImageMatchesKnownBytes() {
        let expected: [UInt8] = [
            0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
            0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x3A, 0x7E, 0x9B,
            0x55, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x01, 0x01, 0x02, 0x00, 0xFD, 0xFF,
            0x00, 0x80, 0x00, 0x82, 0x00, 0x81, 0xC3, 0x6E, 0x25, 0xE0, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
            0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
        ]
        #expect([UInt8](PNGEncoder.grayscale(width: 1, height: 1, pixels: [128])) == expected)
    }

    /// An image whose raw stream needs several stored blocks decodes back to its pixels.
    @Test func largeImageRoundTripsThroughADecoder() throws {
        let width = 301, height = 257   // 257·302 = 77 614 raw bytes > 65 535: two blocks
        let pixels = (0..<(width * height)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 / width) }
        let decoded = try decode(PNGEncoder.grayscale(width: width, height: height, pixels: pixels))
        #expect(decoded.width == width && decoded.height == height)
        #expect(decoded.pixels == pixels)
    }

    @Test func digitGridPlacesAndScalesImages() throws {
        var first = [Float](repeating: 0, count: 64); first[0] = 16; first[63] = 8
        let second = [Float](repeating: 16, count: 64)
        let third = [Float](repeating: .nan, count: 64)
        let grid = DigitGrid(scale: 2, gap: 1, columns: 2)
        let (w, h, pixels) = grid.render([first, second, third])
        #expect(w == 2 * 16 + 3 && h == 2 * 16 + 3)
        #expect(pixels[1 * w + 1] == 255 && pixels[2 * w + 2] == 255 && pixels[1 * w + 3] == 0)   // first image, pixel (0,0) as 2×2 white
        #expect(pixels[(1 + 15) * w + 1 + 15] == 128)                                            // 8 ↦ 127.5 ↦ 128
        #expect(pixels[1 * w + 1 + 16 + 1] == 255)                                               // second image starts after the gap
        #expect(pixels[0] == 0)                                                                  // border
        #expect(pixels[(1 + 16 + 1) * w + 1] == 0)                                               // NaN ↦ black
        let decoded = try decode(grid.png([first, second, third]))
        #expect(decoded.pixels == pixels)
    }
}
