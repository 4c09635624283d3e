import Foundation

/// Named float tensors checked against a list of expected shapes: the loading step shared by the
/// U-Net and the classifier. Every tensor must be present, F32, of exactly its shape, and finite.
struct CheckedTensors: Sendable {
    private(set) var values: [String: [Float]] = [:]

    init(_ file: SafeTensors, expected: [(name: String, shape: [Int])]) throws(SafeTensorsError) {
        for (name, shape) in expected {
            let floats = try file.floats(name, shape: shape)
            guard floats.allSatisfy(\.isFinite) else { throw .invalidTensor(name: name, reason: "contains NaN or infinity") }
            values[name] = floats
        }
    }

    subscript(name: String) -> [Float] {
        guard let v = values[name] else { preconditionFailure("CheckedTensors: \(name) was not in the expected list") }
        return v
    }
}

/// Reading a weight file together with its `sha256sum`-format sidecar (`<file>.sha256`).
enum ChecksummedFile {
    /// The file's bytes after checking them against the sidecar. Throws `FashionModelError`.
    static func read(path: String) throws(FashionModelError) -> Data {
        let name = (path as NSString).lastPathComponent
        let data: Data, sidecar: String
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(file: name, reason: "cannot read the weights (\(error.localizedDescription))")
        }
        do { sidecar = try String(contentsOfFile: path + ".sha256", encoding: .utf8) } catch {
            throw .unreadable(file: name, reason: "cannot read the checksum file \(name).sha256")
        }
        let expected = sidecar.split(whereSeparator: { $0 == " " || $0 == "\n" }).first.map(String.init) ?? ""
        guard expected.count == 64 else { throw .unreadable(file: name, reason: "\(name).sha256 does not start with a 64-digit SHA-256") }
        let actual = SHA256.hex(data)
        guard actual == expected.lowercased() else { throw .checksumMismatch(file: name, expected: expected, actual: actual) }
        return data
    }
}
