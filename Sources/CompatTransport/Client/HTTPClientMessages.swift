import Synchronization

/// One HTTP request for ``CurlClient``.
public struct HTTPClientRequest: Sendable {
    public var method: String
    /// Absolute `http://` or `https://` URL, query included.
    public var url: String
    public var headers: HTTPHeaders
    /// Sent as-is with a `Content-Length`. POST, PUT and PATCH without a body send an empty one.
    public var body: [UInt8]?
    /// Limit for the whole exchange. `nil` means the client's default for ``CurlClient/send(_:)``, and
    /// no limit for streams (use ``idleTimeout`` there).
    public var timeout: Duration?
    /// Streams: fail with ``TransportError/Kind/timeout`` when no byte arrives for this long.
    public var idleTimeout: Duration?
    /// Sent only to the request's own host: libcurl drops it on a redirect to another host, port or scheme.
    public var basicAuth: BasicCredentials?
    /// Largest body accepted; `nil` means the client's default.
    public var maxResponseBytes: Int?
    /// Fill ``HTTPClientResponse/serverCertificatesPEM`` with the chain the server presented.
    public var captureServerCertificates: Bool

    public init(
        method: String = "GET", url: String, headers: HTTPHeaders = [:], body: [UInt8]? = nil, timeout: Duration? = nil,
        idleTimeout: Duration? = nil, basicAuth: BasicCredentials? = nil, maxResponseBytes: Int? = nil,
        captureServerCertificates: Bool = false
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.idleTimeout = idleTimeout
        self.basicAuth = basicAuth
        self.maxResponseBytes = maxResponseBytes
        self.captureServerCertificates = captureServerCertificates
    }
}

/// A user name and password for HTTP basic authentication.
public struct BasicCredentials: Sendable, Equatable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }
}

/// Status line and headers of the final response (after redirects).
public struct HTTPResponseHead: Sendable, Equatable {
    public let status: Int
    public let headers: HTTPHeaders
    /// The URL that answered, after redirects.
    public let url: String
}

/// A complete response.
public struct HTTPClientResponse: Sendable, Equatable {
    public let head: HTTPResponseHead
    public let body: [UInt8]
    /// PEM certificates the server presented, leaf first; empty unless the request asked for them.
    public let serverCertificatesPEM: [String]

    public var status: Int { head.status }
    public var headers: HTTPHeaders { head.headers }
    public var url: String { head.url }
    /// The body decoded as UTF-8 (invalid sequences replaced), for messages and text protocols.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// How a stream ended without an error.
public enum StreamEnd: Sendable, Equatable {
    /// The server finished the response.
    case serverClosed
    /// A callback returned false.
    case stoppedByCaller
    /// The ``CancellationFlag`` was raised.
    case cancelled
}

public struct StreamOutcome: Sendable, Equatable {
    /// The response head; `nil` only when the stream was cancelled before the server answered.
    public let head: HTTPResponseHead?
    public let end: StreamEnd
}

/// Lets another thread stop a running stream. libcurl checks it about once a second even while no data
/// arrives, so a cancelled watch ends within about a second.
public final class CancellationFlag: Sendable {
    private let raised = Atomic<Bool>(false)

    public init() {}

    public func cancel() { raised.store(true, ordering: .releasing) }

    public var isCancelled: Bool { raised.load(ordering: .acquiring) }
}
