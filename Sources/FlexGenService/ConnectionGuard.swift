#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// One per connection, in the HTTP/1 pipeline between the codec and Hummingbird's request
/// handling: admits the connection against the server's `ConnectionTable`, times out requests
/// that do not arrive and connections that sit idle, and tells a client that went away from a
/// server error. Everything here runs on the connection's event loop; the table is the only
/// state shared with other connections.
///
/// Timeouts (docs/service.md, "Connection limits"):
/// - a request's headers and body must all arrive within `readTimeout`, counted from the
///   connection's opening for its first request and from the arrival of the headers for a later
///   request on a kept-alive connection;
/// - between requests a kept-alive connection may stay silent for `idleTimeout`;
/// - no timeout runs while the server works on a request (the solve's own time limit bounds that).
///
/// At a timeout with the headers received (the handler is reading the body), the handler's body
/// read throws `RequestInterrupted(.readTimeout)`, the service answers 408 with
/// `Connection: close`, and the connection is closed once that answer is written (or after
/// `closeGrace` if no answer comes). Before any headers, or when idle, it is simply closed:
/// there is no request to answer.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart
    typealias Table = ConnectionTable<NIOLoopBound<ConnectionGuard>>

    struct Timeouts: Sendable {
        var read: TimeAmount
        var idle: TimeAmount
        /// How long a connection whose request timed out may take to receive its 408.
        var closeGrace: TimeAmount = .seconds(1)
    }

    private let timeouts: Timeouts
    private let table: Table
    private let metrics: ServiceMetrics
    private let logger: Logger

    private var context: ChannelHandlerContext?
    /// Set once admitted; nil for a refused connection (never in the table).
    private var id: UInt64?
    /// Headers received, end of the body not yet.
    private var requestOpen = false
    /// Requests whose headers arrived and whose response has not ended.
    private var unanswered = 0
    /// The current request's headers and body must be in by then.
    private var requestDeadline: NIODeadline?
    /// A kept-alive connection with no request must see the next one's headers by then.
    private var idleDeadline: NIODeadline?
    private var timer: Scheduled<Void>?
    /// Set when this side cut the request short; the connection closes after the response.
    private var interrupted: RequestInterrupted.Reason?
    private var closed = false

    init(timeouts: Timeouts, table: Table, metrics: ServiceMetrics, logger: Logger) {
        self.timeouts = timeouts
        self.table = table
        self.metrics = metrics
        self.logger = logger
    }

    /// The server works on a request (whole request received, response not finished).
    private var busy: Bool { unanswered > (requestOpen ? 1 : 0) }

    // MARK: Admission and lifetime

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { activate(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        activate(context)
        context.fireChannelActive()
    }

    private func activate(_ context: ChannelHandlerContext) {
        guard id == nil, !closed else { return }
        switch table.admit() {
        case .refused:
            closed = true
            metrics.connectionClosed(reason: .refused)
            logger.debug("connection refused: every slot holds a request in progress (--max-connections)",
                         metadata: ["max_connections": .stringConvertible(table.capacity)])
            context.close(promise: nil)
        case .admitted(let id, let victim):
            self.id = id
            metrics.connectionOpened()
            if let victim {
                victim.eventLoop.execute { victim.value.evict() }
            }
            table.markEvictable(id, handle: NIOLoopBound(self, eventLoop: context.eventLoop))
            requestDeadline = .now() + timeouts.read
            rearm()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish()
        self.context = nil
    }

    private func finish() {
        timer?.cancel()
        timer = nil
        closed = true
        if let id {
            table.remove(id)
            metrics.connectionFinished()
            self.id = nil
        }
    }

    /// Closes this connection to admit a new one (called on this connection's event loop by the
    /// connection that was admitted in its place).
    func evict() {
        // Busy: its whole request arrived between the table choosing it and this call. A request
        // in progress is never cut off; the admitted connection stays one over the cap until
        // this or another one closes (the descriptor reserve covers it).
        guard let context, !closed, id != nil, !busy else { return }
        metrics.connectionClosed(reason: .evicted)
        logger.debug("connection evicted to admit a new one (--max-connections)",
                     metadata: ["request_open": .stringConvertible(requestOpen)])
        if requestOpen {
            interrupted = .evicted
            context.fireErrorCaught(RequestInterrupted(.evicted))
        }
        context.close(promise: nil)
    }

    // MARK: Requests

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            requestOpen = true
            unanswered += 1
            idleDeadline = nil
            if requestDeadline == nil { requestDeadline = .now() + timeouts.read }
            rearm()
        case .body:
            break
        case .end:
            requestOpen = false
            requestDeadline = nil
            if let id { table.markBusy(id) }
            rearm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        unanswered = max(0, unanswered - 1)
        if interrupted != nil {
            // The answer to a request cut short (408): send it, then close.
            let written = promise ?? context.eventLoop.makePromise()
            context.writeAndFlush(data, promise: written)
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            return
        }
        context.write(data, promise: promise)
        if !busy, let id {
            // Idle, or already receiving a pipelined next request: evictable again, at the back.
            if unanswered == 0 { idleDeadline = .now() + timeouts.idle }
            table.markEvictable(id, handle: NIOLoopBound(self, eventLoop: context.eventLoop))
        }
        rearm()
    }

    /// A client that closes or resets its connection mid-request surfaces as the HTTP decoder's
    /// "stream ended at an unexpected time" or a socket error; the handler reading the body
    /// gets `RequestInterrupted(.clientDisconnected)` instead, which the service logs as the
    /// client's doing, not as a server error.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if requestOpen, interrupted == nil, Self.meansClientLeft(error) {
            interrupted = .clientDisconnected
            context.fireErrorCaught(RequestInterrupted(.clientDisconnected))
            return
        }
        context.fireErrorCaught(error)
    }

    /// Errors that mean the peer went away: an EOF inside a message, a reset or broken pipe, or
    /// I/O on a channel that closed under it.
    static func meansClientLeft(_ error: any Error) -> Bool {
        if let error = error as? HTTPParserError { return error == .invalidEOFState }
        if let error = error as? IOError {
            return [ECONNRESET, EPIPE, ECONNABORTED, ETIMEDOUT].contains(error.errnoCode)
        }
        if let error = error as? ChannelError {
            return error == .eof || error == .ioOnClosedChannel || error == .alreadyClosed || error == .inputClosed
        }
        return false
    }

    // MARK: Timer

    /// (Re)schedules the single timer for the deadline that applies now: none while busy; the
    /// request's while one is open or none has come yet on a fresh connection; else the idle one.
    private func rearm() {
        timer?.cancel()
        timer = nil
        guard let context, !closed, interrupted == nil, !busy,
              let deadline = requestDeadline ?? idleDeadline else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            self.timer = nil
            self.timedOut()
        }
    }

    private func timedOut() {
        guard let context, !closed, interrupted == nil, !busy else { return }
        if requestOpen {
            interrupted = .readTimeout
            metrics.connectionClosed(reason: .readTimeout)
            logger.debug("request not received within the read timeout (--read-timeout)",
                         metadata: ["read_timeout_s": .stringConvertible(Self.seconds(timeouts.read))])
            context.fireErrorCaught(RequestInterrupted(.readTimeout))
            // If no answer comes (nothing reads the body), close anyway.
            context.eventLoop.assumeIsolated().scheduleTask(in: timeouts.closeGrace) { context.close(promise: nil) }
        } else {
            let reason: ServiceMetrics.CloseReason = requestDeadline != nil ? .readTimeout : .idleTimeout
            metrics.connectionClosed(reason: reason)
            logger.debug(reason == .readTimeout ? "no request headers within the read timeout (--read-timeout)"
                                                : "idle connection closed (--idle-timeout)")
            context.close(promise: nil)
        }
    }

    static func seconds(_ amount: TimeAmount) -> Double { Double(amount.nanoseconds) / 1e9 }
}
