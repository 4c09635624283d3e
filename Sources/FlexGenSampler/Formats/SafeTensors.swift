import Foundation
import FlexGenIO

/// A reader and writer for the safetensors format (https://github.com/huggingface/safetensors):
///
///     [8 bytes: N, little-endian UInt64][N bytes: UTF-8 JSON header][byte buffer]
///
/// The header maps each tensor name to `{"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}`
/// (offsets relative to the start of the byte buffer, end exclusive) and may hold a
/// `"__metadata__"` object of string → string. Tensors are stored little-endian, row-major.
///
/// Writing: tensors sorted by name, packed back to back, the header padded with spaces to a
/// multiple of 8 bytes (as the reference implementation does) so the buffer is aligned; the same
/// value always gives the same bytes. Reading validates everything before touching tensor bytes —
/// header length within the file, JSON an object, known dtypes, non-negative shapes, offsets inside
/// the buffer, size = product(shape) · dtype size, no overlaps, buffer fully covered — and
/// reports a typed `SafeTensorsError` instead of crashing on a corrupt file.
public struct SafeTensors: Sendable, Equatable {
    public enum DType: String, Sendable, CaseIterable {
        case f32 = "F32", f64 = "F64", i64 = "I64"
        public var byteCount: Int { self == .f32 ? 4 : 8 }
    }

    public struct Tensor: Sendable, Equatable {
        public let dtype: DType
        public let shape: [Int]
        /// Raw little-endian bytes, `shape.reduce(1, *) * dtype.byteCount` of them.
        public let bytes: [UInt8]

        public var elementCount: Int { shape.reduce(1, *) }

        public init(floats: [Float], shape: [Int]) {
            precondition(shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == floats.count, "SafeTensors.Tensor: shape does not match element count")
            var bytes = [UInt8](); bytes.reserveCapacity(floats.count * 4)
            for value in floats { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
            self.dtype = .f32; self.shape = shape; self.bytes = bytes
        }

        public init(doubles: [Double], shape: [Int]) {
            precondition(shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == doubles.count, "SafeTensors.Tensor: shape does not match element count")
            var bytes = [UInt8](); bytes.reserveCapacity(doubles.count * 8)
            for value in doubles { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
            self.dtype = .f64; self.shape = shape; self.bytes = bytes
        }

        public init(int64s: [Int64], shape: [Int]) {
            precondition(shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == int64s.count, "SafeTensors.Tensor: shape does not match element count")
            var bytes = [UInt8](); bytes.reserveCapacity(int64s.count * 8)
            for value in int64s { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
            self.dtype = .i64; self.shape = shape; self.bytes = bytes
        }

        init(validated dtype: DType, shape: [Int], bytes: [UInt8]) {
            self.dtype = dtype; self.shape = shape; self.bytes = bytes
        }

        /// The values as Float; throws if the tensor is not F32.
        public func floats() throws(SafeTensorsError) -> [Float] {
            guard dtype == .f32 else { throw .wrongDType(expected: .f32, got: dtype) }
            return (0..<elementCount).map { i in Float(bitPattern: word32(at: 4 * i)) }
        }

        public func doubles() throws(SafeTensorsError) -> [Double] {
            guard dtype == .f64 else { throw .wrongDType(expected: .f64, got: dtype) }
            return (0..<elementCount).map { i in Double(bitPattern: word64(at: 8 * i)) }
        }

        public func int64s() throws(SafeTensorsError) -> [Int64] {
            guard dtype == .i64 else { throw .wrongDType(expected: .i64, got: dtype) }
            return (0..<elementCount).map { i in Int64(bitPattern: word64(at: 8 * i)) }
        }

        private func word32(at offset: Int) -> UInt32 {
            (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
        }
        private func word64(at offset: Int) -> UInt64 {
            (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
        }
    }

    public var tensors: [String: Tensor]
    public var metadata: [String: String]

    public init(tensors: [String: Tensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Upper bound on the header length accepted on read (the reference implementation uses 100 MB).
    public static let maxHeaderBytes = 100_000_000

    // MARK: Writing

    public func encoded() -> Data {
        var header = "{"
        var parts: [String] = []
        if !metadata.isEmpty {
            let entries = metadata.keys.sorted().map { "\(Self.jsonString($0)):\(Self.jsonString(metadata[$0]!))" }
            parts.append("\"__metadata__\":{" + entries.joined(separator: ",") + "}")
        }
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let tensor = tensors[name]!
            let end = offset + tensor.bytes.count
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            parts.append("\(Self.jsonString(name)):{\"dtype\":\"\(tensor.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        header += parts.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var data = Data()
        data.reserveCapacity(8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: headerBytes)
        for name in names { data.append(contentsOf: tensors[name]!.bytes) }
        return data
    }

    /// Writes atomically (temporary file + rename): a crash never leaves a truncated checkpoint.
    public func write(to path: String) throws {
        try AtomicFile.write(encoded(), to: path)
    }

    private static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    // MARK: Reading

    public static func read(path: String) throws -> SafeTensors {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw SafeTensorsError.unreadable(path: path, reason: error.localizedDescription)
        }
        do { return try SafeTensors(decoding: data) } catch { throw SafeTensorsError.inFile(path: path, error) }
    }

    public init(decoding data: Data) throws(SafeTensorsError) {
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else { throw .truncated(reason: "file has \(bytes.count) bytes, fewer than the 8-byte header length") }
        let declared = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[$1]) << (8 * UInt64($1)) }
        guard declared <= UInt64(Self.maxHeaderBytes) else { throw .headerTooLarge(declared) }
        let headerLength = Int(declared)
        guard headerLength >= 2, 8 + headerLength <= bytes.count else {
            throw .truncated(reason: "header length \(declared) does not fit in a file of \(bytes.count) bytes")
        }
        let headerData = Data(bytes[8..<(8 + headerLength)])
        guard bytes[8] == UInt8(ascii: "{") else { throw .invalidHeader("header does not start with '{'") }
        let header: [String: HeaderEntry]
        do { header = try JSONDecoder().decode([String: HeaderEntry].self, from: headerData) } catch {
            throw .invalidHeader("header is not a JSON object of tensor entries and string metadata")
        }

        let buffer = bytes[(8 + headerLength)...]
        let bufferStart = 8 + headerLength
        var parsedMetadata: [String: String] = [:]
        var ranges: [(name: String, begin: Int, end: Int)] = []
        var parsed: [String: Tensor] = [:]

        for (name, value) in header {
            if name == "__metadata__" {
                guard case .metadata(let entries) = value else { throw .invalidHeader("__metadata__ is not an object of strings") }
                parsedMetadata = entries
                continue
            }
            guard case .tensor(let info) = value else { throw .invalidTensor(name: name, reason: "entry is not a tensor description") }
            guard let dtype = DType(rawValue: info.dtype) else { throw .unsupportedDType(name: name, dtype: info.dtype) }
            var count = 1
            for d in info.shape {
                guard d >= 0 else { throw .invalidTensor(name: name, reason: "shape entries must be non-negative integers") }
                let (product, overflow) = count.multipliedReportingOverflow(by: d)
                guard !overflow, product <= bytes.count else { throw .invalidTensor(name: name, reason: "shape \(info.shape) is larger than the file") }
                count = product
            }
            let shape = info.shape
            guard info.data_offsets.count == 2 else { throw .invalidTensor(name: name, reason: "data_offsets must be two integers") }
            let begin = info.data_offsets[0], end = info.data_offsets[1]
            guard begin >= 0, begin <= end, end <= buffer.count else {
                throw .invalidTensor(name: name, reason: "data_offsets [\(begin), \(end)] outside the \(buffer.count)-byte buffer")
            }
            guard end - begin == count * dtype.byteCount else {
                throw .invalidTensor(name: name, reason: "data_offsets span \(end - begin) bytes but shape \(shape) of \(dtype.rawValue) needs \(count * dtype.byteCount)")
            }
            ranges.append((name, begin, end))
            parsed[name] = Tensor(validated: dtype, shape: shape, bytes: Array(bytes[(bufferStart + begin)..<(bufferStart + end)]))
        }
        // The format requires the tensors to tile the buffer exactly: no overlap, no gap, no tail.
        ranges.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var covered = 0
        for range in ranges {
            guard range.begin == covered else {
                throw .invalidTensor(name: range.name, reason: range.begin < covered ? "overlaps the previous tensor" : "leaves a gap before it in the buffer")
            }
            covered = range.end
        }
        guard covered == buffer.count else { throw .invalidHeader("\(buffer.count - covered) trailing bytes not covered by any tensor") }
        tensors = parsed
        metadata = parsedMetadata
    }

    /// One header value: a tensor description or the string → string metadata object. Decoding
    /// through `Decodable` rejects fractions, booleans and out-of-range numbers where integers belong.
    private enum HeaderEntry: Decodable {
        struct TensorInfo: Decodable {
            let dtype: String
            let shape: [Int]
            let data_offsets: [Int]
        }
        case tensor(TensorInfo)
        case metadata([String: String])

        init(from decoder: Decoder) throws {
            if let info = try? TensorInfo(from: decoder) {
                self = .tensor(info)
            } else {
                self = .metadata(try [String: String](from: decoder))
            }
        }
    }

    /// The tensor named `name` as Float values with the expected shape.
    public func floats(_ name: String, shape expected: [Int]) throws(SafeTensorsError) -> [Float] {
        guard let tensor = tensors[name] else { throw .missingTensor(name) }
        guard tensor.shape == expected else { throw .wrongShape(name: name, expected: expected, got: tensor.shape) }
        return try tensor.floats()
    }
}

public enum SafeTensorsError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case truncated(reason: String)
    case headerTooLarge(UInt64)
    case invalidHeader(String)
    case invalidTensor(name: String, reason: String)
    case unsupportedDType(name: String, dtype: String)
    case wrongDType(expected: SafeTensors.DType, got: SafeTensors.DType)
    case missingTensor(String)
    case wrongShape(name: String, expected: [Int], got: [Int])
    case invalidMetadata(key: String, reason: String)
    /// Any of the above, found while reading the file at `path`.
    indirect case inFile(path: String, SafeTensorsError)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .truncated(let reason): "safetensors: truncated file: \(reason)"
        case .headerTooLarge(let n): "safetensors: header length \(n) exceeds the \(SafeTensors.maxHeaderBytes)-byte limit"
        case .invalidHeader(let reason): "safetensors: invalid header: \(reason)"
        case .invalidTensor(let name, let reason): "safetensors: tensor '\(name)': \(reason)"
        case .unsupportedDType(let name, let dtype): "safetensors: tensor '\(name)': unsupported dtype \(dtype) (F32, F64, I64 are)"
        case .wrongDType(let expected, let got): "safetensors: expected dtype \(expected.rawValue), got \(got.rawValue)"
        case .missingTensor(let name): "safetensors: tensor '\(name)' is missing"
        case .wrongShape(let name, let expected, let got): "safetensors: tensor '\(name)' has shape \(got), expected \(expected)"
        case .invalidMetadata(let key, let reason): "safetensors: metadata '\(key)': \(reason)"
        case .inFile(let path, let error): "\(path): \(error)"
        }
    }
}
