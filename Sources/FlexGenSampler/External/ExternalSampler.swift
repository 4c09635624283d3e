import Foundation
#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
private let systemRead = Darwin.read
#endif

/// A `Sampler` behind a child process that speaks `flexgen-sampler/1` (see `SamplerProtocol`):
/// a user's own pipeline, or `flexgen sampler-worker`.
///
/// The worker is launched in `init` and must send its handshake within
/// `settings.handshakeTimeoutS`; each response must arrive within `settings.requestTimeoutS`.
/// Any failure — timeout, exit, garbage, protocol violation — kills the worker (SIGKILL) and is
/// thrown as a typed `SamplerError`; later calls then throw `.workerExited`. Reads use `poll`
/// with a deadline, so a silent worker can never hang the caller. SIGPIPE is ignored process-wide
/// (set once on first launch) so that writing to a dead worker is an error, not a crash.
/// Not thread-safe: drive one instance from one task. `deinit` closes stdin and reaps the worker.
public final class ExternalSampler: Sampler {
    public struct Settings: Sendable, Equatable {
        /// Seconds for the handshake line (default 30: a worker may load weights first).
        public var handshakeTimeoutS = 30.0
        /// Seconds for each response (default 600: large batches of a slow pipeline).
        public var requestTimeoutS = 600.0
        public init() {}
    }

    public let settings: Settings
    /// The sampler name the worker announced in its handshake.
    public private(set) var name: String = "external"

    private let process = Process()
    private let stdinHandle: FileHandle
    private let stdoutFD: Int32
    private let stdoutHandle: FileHandle
    private let stderrURL: URL
    private var buffer: [UInt8] = []
    private var nextID = 1
    private var dead = false

    private static let ignoreSIGPIPE: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    public init(executable: String, arguments: [String] = [], settings: Settings = .init()) throws {
        Self.ignoreSIGPIPE
        self.settings = settings
        let input = Pipe(), output = Pipe()
        stderrURL = FileManager.default.temporaryDirectory.appendingPathComponent("flexgen-worker-\(UUID().uuidString).stderr")
        FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = input
        process.standardOutput = output
        process.standardError = try? FileHandle(forWritingTo: stderrURL)
        stdinHandle = input.fileHandleForWriting
        stdoutHandle = output.fileHandleForReading
        stdoutFD = output.fileHandleForReading.fileDescriptor
        do {
            try process.run()
        } catch {
            try? FileManager.default.removeItem(at: stderrURL)
            throw SamplerError.launchFailed("\(executable): \(error.localizedDescription)")
        }
        let line = try readLine(timeout: settings.handshakeTimeoutS, waitingFor: "handshake")
        guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
              let version = object["protocol"] as? String else {
            kill()
            throw SamplerError.malformedResponse("handshake is not {\"protocol\": …}: \(Self.excerpt(line))")
        }
        guard version == SamplerProtocol.version else {
            kill()
            throw SamplerError.protocolMismatch(expected: SamplerProtocol.version, got: version)
        }
        name = object["sampler"] as? String ?? "external"
    }

    deinit {
        if !dead {
            try? stdinHandle.close()
            // Give a well-behaved worker a moment to exit at end of input, then make sure.
            let deadline = Date().addingTimeInterval(2)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        }
        try? FileManager.default.removeItem(at: stderrURL)
    }

    public func generate(_ request: SampleRequest) throws -> SampleBatch {
        if let problem = request.problem { throw SamplerError.badRequest(problem) }
        guard !dead else { throw SamplerError.workerExited(status: exitStatus, stderrTail: stderrTail()) }
        let id = nextID
        nextID += 1
        var object: [String: Any] = ["id": id, "width": request.width, "steps": request.steps,
                                     "count": request.count, "seed": request.seed]
        if let labels = request.labels { object["labels"] = labels }
        if let eta = request.eta { object["eta"] = eta }
        try writeLine(SamplerProtocol.jsonLine(object))
        let line = try readLine(timeout: settings.requestTimeoutS, waitingFor: "response to request \(id)")
        do {
            return try Self.decodeResponse(line, id: id, count: request.count)
        } catch let error as SamplerError {
            if case .workerError = error { throw error } // the worker is fine; the request failed
            kill()
            throw error
        }
    }

    /// Validates a response line against the protocol.
    static func decodeResponse(_ line: String, id: Int, count: Int) throws -> SampleBatch {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
            throw SamplerError.malformedResponse("not a JSON object: \(excerpt(line))")
        }
        guard (object["id"] as? Int) == id else {
            throw SamplerError.malformedResponse("expected id \(id), got \(object["id"].map { "\($0)" } ?? "none")")
        }
        guard let ok = object["ok"] as? Bool else { throw SamplerError.malformedResponse("missing \"ok\"") }
        guard ok else { throw SamplerError.workerError(object["error"] as? String ?? "(no message)") }
        guard let wall = (object["wallTimeS"] as? NSNumber)?.doubleValue, wall.isFinite, wall >= 0 else {
            throw SamplerError.malformedResponse("wallTimeS must be a number ≥ 0")
        }
        var flops: Double?
        if let value = object["flopsPerImage"] {
            guard let f = (value as? NSNumber)?.doubleValue, f.isFinite, f > 0 else {
                throw SamplerError.malformedResponse("flopsPerImage must be a number > 0")
            }
            flops = f
        }
        var quality: Double?
        if let value = object["quality"] {
            guard let q = (value as? NSNumber)?.doubleValue, q.isFinite else {
                throw SamplerError.malformedResponse("quality must be a finite number")
            }
            quality = q
        }
        var samples: [[Float]]?
        if let value = object["samples"] {
            guard let rows = value as? [[NSNumber]], rows.count == count,
                  rows.allSatisfy({ $0.count == DigitsDataset.pixelCount }) else {
                throw SamplerError.malformedResponse("samples must be \(count) arrays of \(DigitsDataset.pixelCount) numbers")
            }
            let images = rows.map { $0.map { Float(truncating: $0) } }
            guard images.allSatisfy({ $0.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= DigitsDataset.maxPixelValue } }) else {
                throw SamplerError.malformedResponse("sample pixels must be numbers in 0…16")
            }
            samples = images
        }
        guard samples != nil || quality != nil else {
            throw SamplerError.malformedResponse("a response needs \"samples\" or \"quality\"")
        }
        return SampleBatch(samples: samples, quality: quality, wallTimeS: wall, flopsPerImage: flops)
    }

    // MARK: Process I/O

    private func writeLine(_ line: String) throws {
        let bytes = Array((line + "\n").utf8)
        var written = 0
        let fd = stdinHandle.fileDescriptor
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                kill()
                throw SamplerError.workerExited(status: exitStatus, stderrTail: stderrTail())
            }
            written += n
        }
    }

    /// The next `\n`-terminated line from the worker's stdout, within `timeout` seconds.
    private func readLine(timeout: Double, waitingFor what: String) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else {
                kill()
                throw SamplerError.timeout(seconds: timeout, waitingFor: what)
            }
            var pfd = pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(min(remaining * 1000, 60_000).rounded(.up)))
            if ready < 0 {
                if errno == EINTR { continue }
                kill()
                throw SamplerError.malformedResponse("poll failed: \(String(cString: strerror(errno)))")
            }
            if ready == 0 { continue }
            let n = chunk.withUnsafeMutableBytes { systemRead(stdoutFD, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                kill()
                throw SamplerError.workerExited(status: exitStatus, stderrTail: stderrTail())
            }
            if n == 0 { // end of output: the worker closed stdout or exited
                reap()
                throw SamplerError.workerExited(status: exitStatus, stderrTail: stderrTail())
            }
            buffer.append(contentsOf: chunk[..<n])
        }
    }

    private var exitStatus: Int32? { process.isRunning ? nil : process.terminationStatus }

    /// Kills the worker (SIGKILL) and waits up to 2 s for the exit to be observed. The wait is
    /// bounded on purpose: a worker's own children may outlive it, and nothing here may hang.
    private func kill() {
        guard !dead else { return }
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        try? stdinHandle.close()
        dead = true
    }

    /// After end of output: wait briefly for the exit, killing if needed.
    private func reap() {
        let deadline = Date().addingTimeInterval(1)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        kill()
    }

    private func stderrTail() -> String {
        guard let data = try? Data(contentsOf: stderrURL), !data.isEmpty else { return "" }
        return String(decoding: data.suffix(400), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func excerpt(_ line: String) -> String {
        line.count > 120 ? String(line.prefix(120)) + "…" : line
    }
}
