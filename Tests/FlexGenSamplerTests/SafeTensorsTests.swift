import Foundation
import Testing
@testable import FlexGenSampler

@Suite("safetensors")
struct SafeTensorsTests {
    func sample() -> SafeTensors {
        SafeTensors(tensors: [
            "w": .init(floats: [1, -2.5, .pi, 0, -0.0, .greatestFiniteMagnitude], shape: [2, 3]),
            "d": .init(doubles: [1e-300, -7], shape: [2]),
            "n": .init(int64s: [Int64.min, 42, Int64.max], shape: [3]),
            "empty": .init(floats: [], shape: [0, 4]),
        ], metadata: ["hidden": "256", "note": "quote \" and \\ and\nnewline"])
    }

    @Test func roundTripIsExact() throws {
        let original = sample()
        let data = original.encoded()
        let decoded = try SafeTensors(decoding: data)
        #expect(decoded == original)
        let expected: [Float] = [1, -2.5, .pi, 0, -0.0, .greatestFiniteMagnitude]
        #expect(try decoded.floats("w", shape: [2, 3]).map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(try decoded.tensors["n"]!.int64s() == [Int64.min, 42, Int64.max])
        #expect(try decoded.tensors["d"]!.doubles() == [1e-300, -7])
        #expect(decoded.encoded() == data)   // deterministic bytes
    }

    @Test func layoutMatchesTheFormat() throws {
        // One F32 scalar 1.0: header length (LE u64), JSON padded to 8 bytes, then 00 00 80 3F.
        let data = [UInt8](SafeTensors(tensors: ["a": .init(floats: [1], shape: [])]).encoded())
        let n = Int(data[0]) | Int(data[1]) << 8
        #expect(data[2..<8].allSatisfy { $0 == 0 })
        #expect(n % 8 == 0)
        let header = String(decoding: data[8..<(8 + n)], as: UTF8.self).trimmingCharacters(in: .whitespaces)
        #expect(header == #"{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}"#)
        #expect(Array(data[(8 + n)...]) == [0x00, 0x00, 0x80, 0x3F])
    }

    @Test func fileRoundTrip() throws {
        let path = NSTemporaryDirectory() + "flexgen-st-\(UInt64.random(in: 0...UInt64.max)).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try sample().write(to: path)
        #expect(try SafeTensors.read(path: path) == sample())
        #expect(throws: SafeTensorsError.self) { try SafeTensors.read(path: path + ".missing") }
    }

    /// A file with the given header JSON (length fixed up) followed by `buffer`.
    func withHeader(_ json: String, buffer: [UInt8] = [0, 0, 128, 63]) -> Data {
        var data = Data()
        let bytes = Array(json.utf8)
        withUnsafeBytes(of: UInt64(bytes.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: bytes)
        data.append(contentsOf: buffer)
        return data
    }

    @Test func corruptFilesAreRejectedWithTypedErrors() {
        let cases: [Data] = [
            Data(),                                                     // empty
            Data([1, 2, 3]),                                            // shorter than the length field
            Data([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]),     // absurd header length
            Data([200, 0, 0, 0, 0, 0, 0, 0]) + Data("{}".utf8),         // length past end of file
            withHeader("[1,2]"),                                        // not an object
            withHeader("{\"a\":"),                                      // not JSON
            withHeader(#"{"a":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}"#, buffer: [0, 0]),
            withHeader(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#),   // size mismatch
            withHeader(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}}"#),   // past buffer
            withHeader(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#),   // reversed
            withHeader(#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#),  // negative dim
            withHeader(#"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#), // fractional dim
            withHeader(#"{"a":{"dtype":"F32","shape":[1]}}"#),                         // no offsets
            withHeader(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#), // overlap
            withHeader(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, buffer: [0, 0, 128, 63, 9]), // trailing byte
            withHeader(#"{"__metadata__":{"k":1},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#), // non-string metadata
            withHeader(#"{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}}"#), // overflowing shape
        ]
        for (index, data) in cases.enumerated() {
            #expect(throws: SafeTensorsError.self, "case \(index)") { try SafeTensors(decoding: data) }
        }
        // The well-formed version of the same header is accepted.
        #expect(throws: Never.self) { try SafeTensors(decoding: withHeader(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#)) }
    }

    @Test func typedAccessorsCheckDTypeAndShape() throws {
        let file = sample()
        #expect(throws: SafeTensorsError.wrongShape(name: "w", expected: [3, 2], got: [2, 3])) { try file.floats("w", shape: [3, 2]) }
        #expect(throws: SafeTensorsError.missingTensor("x")) { try file.floats("x", shape: [1]) }
        #expect(throws: SafeTensorsError.wrongDType(expected: .f32, got: .f64)) { try file.tensors["d"]!.floats() }
    }
}
