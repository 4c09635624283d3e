/// Why the Fashion-MNIST model files cannot be used: a checksum mismatch, a missing file, or a
/// tensor that is absent, mis-shaped or not finite (the message names the file and the tensor).
public enum FashionModelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file's SHA-256 differs from its `.sha256` sidecar.
    case checksumMismatch(file: String, expected: String, actual: String)
    /// The weights or their `.sha256` sidecar are missing or unreadable.
    case unreadable(file: String, reason: String)
    /// The safetensors content is wrong (wrong shape, missing tensor, bad metadata…).
    case invalidWeights(file: String, SafeTensorsError)

    public var description: String {
        switch self {
        case .checksumMismatch(let file, let expected, let actual):
            "\(file): SHA-256 \(actual) does not match the checksum file's \(expected) (corrupt or replaced weights)"
        case .unreadable(let file, let reason): "\(file): \(reason)"
        case .invalidWeights(let file, let error): "\(file): \(error)"
        }
    }
}
