import Foundation

/// A minimal PNG writer for 8-bit grayscale images (colour type 0, no interlace): signature, IHDR,
/// one IDAT holding a zlib stream of *stored* (uncompressed) deflate blocks of ≤ 65 535 bytes,
/// IEND; each chunk with its CRC-32, the zlib stream with its Adler-32. Every scanline uses
/// filter type 0. Stored blocks keep the encoder trivially correct; the images are small.
public enum PNGEncoder {
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Encodes `pixels` (row-major, `width · height` values 0…255).
    /// Preconditions (checked): width, height ≥ 1 and pixels.count == width · height.
    public static func grayscale(width: Int, height: Int, pixels: [UInt8]) -> Data {
        precondition(width >= 1 && height >= 1 && pixels.count == width * height, "PNG: size does not match pixel count")
        var raw = [UInt8]()
        raw.reserveCapacity(height * (width + 1))
        for row in 0..<height {
            raw.append(0)   // filter type: none
            raw.append(contentsOf: pixels[(row * width)..<((row + 1) * width)])
        }
        var png = signature
        var header = [UInt8]()
        header += bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [8, 0, 0, 0, 0]   // bit depth 8, grayscale, deflate, adaptive filtering, no interlace
        appendChunk("IHDR", header, to: &png)
        appendChunk("IDAT", zlibStored(raw), to: &png)
        appendChunk("IEND", [], to: &png)
        return Data(png)
    }

    /// A zlib stream (RFC 1950) of stored deflate blocks (RFC 1951 §3.2.4).
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]   // CM = 8, CINFO = 7; FCHECK so that 0x7801 % 31 == 0; no dictionary
        var index = 0
        repeat {
            let length = min(65_535, data.count - index)
            let final: UInt8 = index + length == data.count ? 1 : 0
            out.append(final)   // BFINAL, BTYPE = 00 (stored); the rest of the byte is padding
            let len = UInt16(length)
            out += [UInt8(len & 0xFF), UInt8(len >> 8), UInt8(~len & 0xFF), UInt8(~len >> 8)]
            out.append(contentsOf: data[index..<(index + length)])
            index += length
        } while index < data.count
        out += bigEndian(Checksums.adler32(data))
        return out
    }

    static func appendChunk(_ type: String, _ body: [UInt8], to png: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        png += bigEndian(UInt32(body.count))
        png += typeBytes
        png += body
        png += bigEndian(Checksums.crc32(typeBytes + body))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}

/// Lays out square grayscale images (default 8×8 digits, pixel values 0…16) as one grid: `columns`
/// images per row (default ⌈√count⌉), each pixel drawn as a `scale`×`scale` block, `gap` background
/// pixels between and around images; 0 ↦ black, `maxValue` ↦ white (value·255/maxValue, rounded,
/// clamped; NaN ↦ 0). Fashion-MNIST uses `imageSide` 28 and `maxValue` 1.
public struct DigitGrid: Sendable {
    public var scale = 4
    public var gap = 2
    public var columns: Int?
    public var imageSide = 8
    public var maxValue: Float = 16

    public init(scale: Int = 4, gap: Int = 2, columns: Int? = nil, imageSide: Int = 8, maxValue: Float = 16) {
        self.scale = scale
        self.gap = gap
        self.columns = columns
        self.imageSide = imageSide
        self.maxValue = maxValue
    }

    /// Width, height and pixels of the grid. Precondition: at least one image, each of imageSide² values.
    public func render(_ images: [[Float]]) -> (width: Int, height: Int, pixels: [UInt8]) {
        let side = imageSide
        precondition(!images.isEmpty && images.allSatisfy { $0.count == side * side }, "DigitGrid: need \(side)×\(side) images")
        precondition(scale >= 1 && gap >= 0, "DigitGrid: scale ≥ 1, gap ≥ 0")
        let perRow = max(1, min(columns ?? Int(Double(images.count).squareRoot().rounded(.up)), images.count))
        let rowsOfImages = (images.count + perRow - 1) / perRow
        let cell = side * scale
        let width = perRow * cell + (perRow + 1) * gap
        let height = rowsOfImages * cell + (rowsOfImages + 1) * gap
        var pixels = [UInt8](repeating: 0, count: width * height)
        for (index, image) in images.enumerated() {
            let originX = gap + (index % perRow) * (cell + gap)
            let originY = gap + (index / perRow) * (cell + gap)
            for y in 0..<side { for x in 0..<side {
                let value = image[y * side + x]
                let level = value.isNaN ? 0 : UInt8(min(max((value * 255 / maxValue).rounded(), 0), 255))
                for dy in 0..<scale {
                    let start = (originY + y * scale + dy) * width + originX + x * scale
                    for dx in 0..<scale { pixels[start + dx] = level }
                }
            } }
        }
        return (width, height, pixels)
    }

    public func png(_ images: [[Float]]) -> Data {
        let grid = render(images)
        return PNGEncoder.grayscale(width: grid.width, height: grid.height, pixels: grid.pixels)
    }
}
