import Foundation

/// Fashion-MNIST as Debian's `dataset-fashion-mnist` installs it (`apt install dataset-fashion-mnist`:
/// `/usr/share/datasets/fashion-mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz`, MIT licence).
/// The data set is not in the repository; the calibration reads it from there (or `--data DIR`).
///
/// IDX format (LeCun): big-endian magic 0x0000 08 0d (u8, d dimensions), d big-endian UInt32 sizes,
/// then the u8 values. Images are returned as 784 values in [0, 1] (byte / 255). Gzip files are
/// decompressed by `gzip -dc` (Foundation on Linux has no inflate); uncompressed files are read as is.
public struct FashionMNIST: Sendable {
    public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"
    public static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    public let images: [[Float]]
    public let labels: [Int]

    public enum Split: String, Sendable { case train, test }

    public enum LoadError: Error, Sendable, Equatable, CustomStringConvertible {
        case missing(path: String)
        case malformed(path: String, reason: String)
        public var description: String {
            switch self {
            case .missing(let path): "\(path) not found (install Debian's dataset-fashion-mnist or pass --data DIR)"
            case .malformed(let path, let reason): "\(path): not an IDX file: \(reason)"
            }
        }
    }

    public init(images: [[Float]], labels: [Int]) {
        self.images = images
        self.labels = labels
    }

    /// Loads a split from `directory` (files with or without `.gz`).
    public static func load(_ split: Split, directory: String = defaultDirectory) throws(LoadError) -> FashionMNIST {
        let prefix = split == .train ? "train" : "t10k"
        let imageBytes = try readIDXFile(directory + "/\(prefix)-images-idx3-ubyte")
        let labelBytes = try readIDXFile(directory + "/\(prefix)-labels-idx1-ubyte")
        let images = try parseIDX(imageBytes.bytes, path: imageBytes.path)
        let labels = try parseIDX(labelBytes.bytes, path: labelBytes.path)
        guard images.shape.count == 3, images.shape[1] == 28, images.shape[2] == 28 else {
            throw .malformed(path: imageBytes.path, reason: "expected n × 28 × 28 images, got \(images.shape)")
        }
        guard labels.shape == [images.shape[0]] else {
            throw .malformed(path: labelBytes.path, reason: "expected \(images.shape[0]) labels, got shape \(labels.shape)")
        }
        if let bad = labels.values.first(where: { $0 > 9 }) {
            throw .malformed(path: labelBytes.path, reason: "label \(bad) is not in 0…9")
        }
        let pixels = images.values
        return FashionMNIST(images: (0..<images.shape[0]).map { i in pixels[(i * 784)..<((i + 1) * 784)].map { Float($0) / 255 } },
                            labels: labels.values.map(Int.init))
    }

    /// The values and dimensions of an unsigned-byte IDX file.
    public static func parseIDX(_ bytes: [UInt8], path: String) throws(LoadError) -> (shape: [Int], values: [UInt8]) {
        guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0 else { throw .malformed(path: path, reason: "bad magic number") }
        guard bytes[2] == 0x08 else { throw .malformed(path: path, reason: "element type 0x\(String(bytes[2], radix: 16)) is not unsigned byte") }
        let dimensions = Int(bytes[3])
        guard dimensions >= 1, bytes.count >= 4 + 4 * dimensions else { throw .malformed(path: path, reason: "truncated header") }
        var shape: [Int] = [], total = 1
        for d in 0..<dimensions {
            let o = 4 + 4 * d
            let size = Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3])
            shape.append(size)
            total *= size
        }
        let start = 4 + 4 * dimensions
        guard bytes.count == start + total else {
            throw .malformed(path: path, reason: "shape \(shape) needs \(total) values, the file has \(bytes.count - start)")
        }
        return (shape, Array(bytes[start...]))
    }

    static func readIDXFile(_ stem: String) throws(LoadError) -> (path: String, bytes: [UInt8]) {
        let manager = FileManager.default
        if manager.fileExists(atPath: stem), let data = manager.contents(atPath: stem) { return (stem, [UInt8](data)) }
        let gz = stem + ".gz"
        guard manager.fileExists(atPath: gz) else { throw .missing(path: gz) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-dc", gz]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw .malformed(path: gz, reason: "cannot run gzip: \(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw .malformed(path: gz, reason: "gzip -dc failed with status \(process.terminationStatus)") }
        return (gz, [UInt8](data))
    }
}
