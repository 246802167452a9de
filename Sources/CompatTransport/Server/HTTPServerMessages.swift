import Foundation

/// A complete request as the handler sees it: the body has been read in full (within the server's limit).
public struct HTTPServerRequest: Sendable {
    public struct QueryItem: Sendable, Equatable {
        public let name: String
        public let value: String
    }

    public let method: String
    /// The path without the query, percent-decoded by libmicrohttpd.
    public let path: String
    /// Query arguments in order, percent-decoded.
    public let query: [QueryItem]
    public let headers: HTTPHeaders
    public let body: [UInt8]

    public init(method: String, path: String, query: [QueryItem] = [], headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The first value of query argument `name`.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }
}

/// What the handler answers.
public struct HTTPServerResponse: Sendable {
    public enum Body: Sendable {
        case bytes([UInt8])
        /// A chunked body produced on its own thread while the response is being sent, for long-lived
        /// streams such as a replayed Kubernetes watch. The response ends when the producer returns.
        case stream(@Sendable (ResponseStreamWriter) -> Void)
    }

    public var status: Int
    public var headers: HTTPHeaders
    public var body: Body

    public init(status: Int, headers: HTTPHeaders = [:], body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func bytes(_ status: Int, _ body: [UInt8], contentType: String) -> HTTPServerResponse {
        HTTPServerResponse(status: status, headers: ["Content-Type": contentType], body: .bytes(body))
    }

    public static func text(_ status: Int, _ text: String) -> HTTPServerResponse {
        bytes(status, Array(text.utf8), contentType: "text/plain; charset=utf-8")
    }

    public static func json(_ status: Int, _ body: [UInt8]) -> HTTPServerResponse {
        bytes(status, body, contentType: "application/json")
    }
}

/// The producer's side of a streamed response body.
///
/// Writes are buffered and sent by the server's own threads; while the buffer is empty the connection
/// is suspended, so a slow producer costs no server thread. Once the client disconnects or the server
/// stops, writes return false and ``waitWhileOpen(for:)`` returns early, so the producer can end.
public final class ResponseStreamWriter: Sendable {
    let channel: ResponseStreamChannel

    init(channel: ResponseStreamChannel) { self.channel = channel }

    /// Queues bytes for the client. Returns false when the stream is closed (nothing was queued).
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool { channel.write(bytes) }

    /// Queues a line: `text` followed by LF.
    @discardableResult
    public func writeLine(_ text: String) -> Bool { channel.write(Array(text.utf8) + [0x0a]) }

    /// Whether writes are still accepted.
    public var isOpen: Bool { channel.isOpen }

    /// Sleeps up to `duration`, returning early with false as soon as the stream closes; true when the
    /// full time passed with the stream still open.
    public func waitWhileOpen(for duration: Duration) -> Bool { channel.waitWhileOpen(for: duration) }
}
