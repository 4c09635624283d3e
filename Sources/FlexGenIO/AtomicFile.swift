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
        let destination = URL(fileURLWithPath: path)
        let folder = destination.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try data.write(to: temporary, options: [])
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.synchronize()
            try handle.close()
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

    /// `write(_:to:)` of the concatenated `chunks`, streamed: each chunk goes to the temporary file
    /// as it comes (a 10^5-client solution is ~43 MB, which then never exists in one buffer, nor in
    /// a second copy as `Data`). The same guarantees and the same errors: the temporary file is
    /// created the way `write(_:to:)` creates it, flushed, and renamed over the destination.
    public static func write<Chunks: Sequence>(chunks: Chunks, to path: String) throws where Chunks.Element == [UInt8] {
        let destination = URL(fileURLWithPath: path)
        let folder = destination.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try Data().write(to: temporary, options: [])
            let handle = try FileHandle(forWritingTo: temporary)
            do {
                for chunk in chunks { try handle.write(contentsOf: chunk) }
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
