import Foundation
#if canImport(Glibc)
import Glibc
private let systemClose = Glibc.close
private let systemSend = Glibc.send
private typealias Linger = Glibc.linger
#elseif canImport(Darwin)
import Darwin
private let systemClose = Darwin.close
private let systemSend = Darwin.send
private typealias Linger = Darwin.linger
private let MSG_NOSIGNAL: Int32 = 0
#endif
@testable import FlexGenService

/// A bare TCP client on 127.0.0.1, for what an HTTP client library will not do: stall halfway
/// through a request, hang up in the middle of a body, hold thousands of connections.
/// Blocking calls: run them on a `Thread` (`onThread`), not on the cooperative pool.
struct RawConnection: Sendable {
    let fd: Int32

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Connects to 127.0.0.1:`port`.
    static func open(port: Int) throws -> RawConnection {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let code = errno
            _ = systemClose(fd)
            throw Failure(description: "connect: errno \(code)")
        }
        return RawConnection(fd: fd)
    }

    /// Sends all of `text` (false if the peer is gone).
    @discardableResult
    func send(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let sent = bytes.withUnsafeBytes { systemSend(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return false }
            bytes = bytes.dropFirst(sent)
        }
        return true
    }

    /// Reads until the server closes the connection or `timeout` passes.
    /// Returns what arrived and whether the connection was closed (EOF or reset).
    func readUntilClosed(timeout: Double) -> (data: Data, closed: Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { return (data, false) }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(max(1, min(remaining * 1000, 1000))))
            if ready <= 0 { continue }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 { data.append(contentsOf: buffer[0..<count]) } else { return (data, true) }
        }
    }

    /// Reads one response with a Content-Length body (keeps the connection open).
    func readResponse(timeout: Double) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while deadline.timeIntervalSinceNow > 0 {
            if let text = String(data: data, encoding: .utf8), let split = text.range(of: "\r\n\r\n") {
                let head = text[..<split.lowerBound].lowercased()
                let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                if text.utf8.count - text.utf8.distance(from: text.startIndex, to: split.upperBound) >= length { return text }
            }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) >= 0 else { return nil }
            if poller.revents == 0 { continue }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return nil }
            data.append(contentsOf: buffer[0..<count])
        }
        return nil
    }

    /// Closes with a FIN, or with a reset (`SO_LINGER` 0) when `reset`.
    func close(reset: Bool = false) {
        if reset {
            var linger = Linger(l_onoff: 1, l_linger: 0)
            _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Linger>.size))
        }
        _ = systemClose(fd)
    }
}

/// Runs blocking work on its own thread and awaits its result (socket loops must not hold one of
/// the cooperative pool's few threads, which the server's handlers need).
func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}

/// Raises this process's soft descriptor limit to its hard limit (the stalled-connection tests
/// hold thousands of sockets) and returns the soft limit now in force.
func raiseTestDescriptorLimit() -> Int {
    DescriptorLimit.raiseSoftToHard()?.after.soft ?? 1024
}

/// The sum of a Prometheus series' samples in `/metrics` text whose labels contain `labels`.
func metricValue(_ text: String, _ name: String, labels: [String] = []) -> Double {
    text.split(separator: "\n").filter { line in
        (line.hasPrefix(name + "{") || line.hasPrefix(name + " ")) && labels.allSatisfy { line.contains($0) }
    }.compactMap { Double($0.split(separator: " ").last ?? "") }.reduce(0, +)
}
