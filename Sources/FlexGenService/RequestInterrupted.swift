/// Why a request's body stopped arriving before its end: the error the request body stream
/// throws to the handler that reads it (`ConnectionGuard` raises it into the channel).
///
/// None of these is the server's fault, so none is ever answered or logged as a 5xx
/// (`ServiceResponder`): a read timeout is a 408, a client that went away and a connection
/// closed to make room are logged as such and counted in `/metrics` (docs/service.md, "Connection limits").
public struct RequestInterrupted: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: String, Sendable, Hashable {
        /// The request's headers and body did not all arrive within `--read-timeout`.
        case readTimeout = "read_timeout"
        /// The client closed or reset its connection in the middle of the request.
        case clientDisconnected = "client_disconnected"
        /// The server closed the connection to admit a new one at `--max-connections`
        /// (it was the longest-waiting connection that had not delivered a whole request).
        case evicted
    }

    public var reason: Reason

    public init(_ reason: Reason) { self.reason = reason }

    public var description: String {
        switch reason {
        case .readTimeout: "the request was not received in full within the read timeout"
        case .clientDisconnected: "the client closed the connection before the request's end"
        case .evicted: "the connection was closed to admit another at the connection limit"
        }
    }
}
