import Foundation

/// Writes files so that a reader never sees a half-written one: the bytes go to a temporary file
/// in the destination's folder (same file system), are flushed, and the temporary file is renamed
/// over the destination. On failure the destination is untouched and the temporary file removed.
public enum AtomicFile {
    public enum Error: Swift.Error, CustomStringConvertible {
        case cannotWrite(path: String, reason: String)
        public var description: String {
            switch self {
            case .cannotWrite(let path, let reason): "cannot write \(path): \(reason)"
            }
        }
    }

    public static func write(_ data: Data, to path: String) throws {
        try replace(path) { handle in try handle.write(contentsOf: data) }
    }

    /// `write(_:to:)` of the concatenated `chunks`, streamed: each chunk goes to the temporary file
    /// as it comes (a 10^5-client solution is ~43 MB, which then never exists in one buffer, nor in
    /// a second copy as `Data`). The same guarantees and the same errors.
    public static func write<Chunks: Sequence>(chunks: Chunks, to path: String) throws where Chunks.Element == [UInt8] {
        try replace(path) { handle in
            for chunk in chunks { try handle.write(contentsOf: chunk) }
        }
    }

    /// Creates a temporary file beside `path`, lets `fill` write it, flushes it to the disk and
    /// renames it over `path`; on any error the temporary file is removed and `path` is untouched.
    private static func replace(_ path: String, fill: (FileHandle) throws -> Void) throws {
        let destination = URL(fileURLWithPath: path)
        let folder = destination.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try Data().write(to: temporary, options: [])
            let handle = try FileHandle(forWritingTo: temporary)
            do {
                try fill(handle)
                try handle.synchronize()
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            if rename(temporary.path, destination.path) != 0 {
                throw Error.cannotWrite(path: path, reason: String(cString: strerror(errno)))
            }
        } catch let error as Error {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw Error.cannotWrite(path: path, reason: error.localizedDescription)
        }
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }
}
