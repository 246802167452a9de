import CMHDSupport
import CMicroHTTPD
import Foundation
import Logging
import Synchronization

/// Why a server did not start.
public struct HTTPServerStartError: Error, Sendable, Equatable, CustomStringConvertible {
    public let address: String
    public let port: UInt16
    public let detail: String

    public var description: String {
        "could not start the HTTP server on \(address):\(port): \(detail). Check that the address is local to this host, "
            + "that the port is free and allowed (ports below 1024 need privileges), and the TLS settings"
    }
}

/// An HTTP/1.1 server on libmicrohttpd, with TLS through GnuTLS (Debian's libmicrohttpd is built with
/// GnuTLS) or plain HTTP.
///
/// Requests run on an epoll thread pool (one thread per core). Each request body is read in full
/// (up to ``Configuration/maxRequestBodyBytes``, else 413) and handed with the headers to the
/// synchronous handler, which runs on the pool thread: keep it CPU-only and short, or return a
/// ``HTTPServerResponse/Body/stream(_:)`` whose producer runs on its own thread.
///
/// TLS certificates come from a ``TLSCertificateStore`` asked on every handshake, so replacing the
/// store's pair (for example through ``CertificateReloader``) takes effect for new connections
/// without a restart.
public final class HTTPSServer: Sendable {
    public enum Security: Sendable {
        /// TLS 1.2/1.3 with the certificate from the store.
        case tls(TLSCertificateStore)
        /// Plain HTTP, for tests and loopback replay servers.
        case plainHTTP
    }

    public struct Configuration: Sendable {
        /// IPv4 or IPv6 literal to listen on: `127.0.0.1` for tests, `0.0.0.0` in a pod.
        public var bindAddress: String
        /// 0 picks a free port; read it back from ``HTTPSServer/port``.
        public var port: UInt16
        public var security: Security
        public var threadPoolSize: Int
        /// Far above the expected connection count: libmicrohttpd 0.9.75's epoll modes stall when the
        /// connection count reaches the limit exactly (docs/swift-c-libs.md §4.5). Divided among pool threads.
        public var connectionLimit: Int
        /// Idle time after which a connection is closed. Longer than the API server's keep-alive idle
        /// timeout (Go: 90 s), else POSTs on reused connections fail with EOF.
        public var connectionTimeout: Duration
        /// Per-connection memory for headers and buffers; larger headers get 431.
        public var connectionMemoryLimit: Int
        /// Larger bodies get 413, checked on Content-Length and while reading chunked bodies.
        public var maxRequestBodyBytes: Int
        /// GnuTLS priority string.
        public var tlsPriorities: String

        public init(
            bindAddress: String = "127.0.0.1", port: UInt16 = 0, security: Security,
            threadPoolSize: Int = ProcessInfo.processInfo.activeProcessorCount, connectionLimit: Int = 1024,
            connectionTimeout: Duration = .seconds(120), connectionMemoryLimit: Int = 64 * 1024,
            maxRequestBodyBytes: Int = 8 << 20, tlsPriorities: String = HTTPSServer.aeadOnlyPriorities
        ) {
            self.bindAddress = bindAddress
            self.port = port
            self.security = security
            self.threadPoolSize = threadPoolSize
            self.connectionLimit = connectionLimit
            self.connectionTimeout = connectionTimeout
            self.connectionMemoryLimit = connectionMemoryLimit
            self.maxRequestBodyBytes = maxRequestBodyBytes
            self.tlsPriorities = tlsPriorities
        }
    }

    /// TLS 1.3 and 1.2 only; for 1.2 only ECDHE key exchange with AES-GCM or ChaCha20-Poly1305 (Mozilla
    /// "intermediate"). Check what it enables with `gnutls-cli --list --priority '<string>'`.
    public static let aeadOnlyPriorities =
        "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL:+CHACHA20-POLY1305:+AES-256-GCM:+AES-128-GCM:-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA"

    /// The bound port (the real one when the configuration asked for 0).
    public let port: UInt16
    public let configuration: Configuration
    private let core: ServerCore
    private let daemon: Mutex<DaemonHandle?>

    /// Starts listening immediately; requests go to `handler` until ``stop(gracePeriod:)``.
    public init(
        configuration: Configuration, logger: Logger, handler: @escaping @Sendable (HTTPServerRequest) -> HTTPServerResponse
    ) throws(HTTPServerStartError) {
        self.configuration = configuration
        let core = ServerCore(handler: handler, logger: logger, maxBodyBytes: configuration.maxRequestBodyBytes)
        self.core = core
        let started = try Self.start(configuration, core: core)
        port = started.port
        daemon = Mutex(started)
        logger.info("http server listening", metadata: [
            "address": "\(configuration.bindAddress)", "port": "\(started.port)",
            "tls": "\(started.tls)", "threads": "\(configuration.threadPoolSize)",
        ])
    }

    deinit { stop(gracePeriod: .zero) }

    /// Requests currently being read or answered (streams included).
    public var requestsInFlight: Int { core.inFlight.load(ordering: .relaxed) }

    /// Stops accepting connections, ends open streams, waits up to `gracePeriod` for requests in flight
    /// to finish, then shuts down. Safe to call more than once.
    public func stop(gracePeriod: Duration = .seconds(5)) {
        guard let handle = daemon.withLock({ current -> DaemonHandle? in
            defer { current = nil }
            return current
        }) else { return }
        // Shut down at once, not after the drain: connections still queued are reset and new ones
        // refused, so the API server fails over to another replica immediately instead of waiting in an
        // accept queue nobody reads until its webhook timeout. Only shut down, not closed: the daemon's
        // threads still remove the descriptor from their epoll sets, and libmicrohttpd aborts the process
        // if that fails on a closed descriptor. Linux turns a shut-down listening socket back to CLOSED.
        let listenSocket = MHD_quiesce_daemon(handle.raw)
        if listenSocket >= 0 { _ = shutdown(listenSocket, Int32(SHUT_RDWR)) }
        core.beginStopping()
        let deadline = ContinuousClock.now + gracePeriod
        while core.inFlight.load(ordering: .acquiring) > 0 && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.005)
        }
        let unfinished = core.inFlight.load(ordering: .acquiring)
        MHD_stop_daemon(handle.raw)
        if listenSocket >= 0 { close(listenSocket) }
        mhd_log_target_free(handle.logTarget)
        core.logger.info("http server stopped", metadata: ["port": "\(port)", "abandonedRequests": "\(unfinished)"])
    }

    // MARK: Start

    private struct DaemonHandle: @unchecked Sendable {
        let raw: OpaquePointer
        let logTarget: OpaquePointer?
        let port: UInt16
        let tls: Bool
        /// Keeps the certificate slot alive for as long as the daemon may call its retrieve function.
        let certificates: TLSCertificateStore?
    }

    private static func start(_ configuration: Configuration, core: ServerCore) throws(HTTPServerStartError) -> DaemonHandle {
        func failure(_ detail: String) -> HTTPServerStartError {
            HTTPServerStartError(address: configuration.bindAddress, port: configuration.port, detail: detail)
        }
        guard let address = SocketAddress(configuration.bindAddress, port: configuration.port) else {
            throw failure("'\(configuration.bindAddress)' is not an IPv4 or IPv6 address literal")
        }
        guard configuration.maxRequestBodyBytes > 0, configuration.connectionLimit > 0, configuration.threadPoolSize > 0 else {
            throw failure("maxRequestBodyBytes, connectionLimit and threadPoolSize must be positive")
        }
        // stop()'s quiesce can meet libmicrohttpd's own epoll removal race; see mhd_support.c.
        mhd_support_install_panic_handler()
        var flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue | MHD_USE_ERROR_LOG.rawValue
            | MHD_ALLOW_SUSPEND_RESUME.rawValue   // streams suspend while their producer has nothing to send
        if address.isIPv6 { flags |= MHD_USE_IPv6.rawValue }
        var store: TLSCertificateStore? = nil
        if case .tls(let certificates) = configuration.security {
            flags |= MHD_USE_TLS.rawValue
            store = certificates
        }

        let context = Unmanaged.passUnretained(core).toOpaque()
        let logTarget = mhd_log_target_new(serverLogSink, context)
        let priorities = strdup(configuration.tlsPriorities)
        defer { free(priorities) }
        core.collectStartMessages(true)
        defer { core.collectStartMessages(false) }

        let raw: OpaquePointer? = address.withSockAddr { sockaddr in
            var options: [MHD_OptionItem] = [
                mhd_opt_logger(mhd_support_logger(), UnsafeMutableRawPointer(logTarget)),   // must be first
                mhd_opt_ptr(.SOCK_ADDR, sockaddr),
                mhd_opt_int(.CONNECTION_TIMEOUT, max(1, Int(configuration.connectionTimeout.components.seconds))),
                mhd_opt_int(.CONNECTION_MEMORY_LIMIT, configuration.connectionMemoryLimit),
                mhd_opt_int(.CONNECTION_LIMIT, configuration.connectionLimit),
                mhd_opt_completed(requestCompleted, context),
            ]
            if configuration.threadPoolSize > 1 { options.append(mhd_opt_int(.THREAD_POOL_SIZE, configuration.threadPoolSize)) }
            if let store {
                options.append(mhd_opt_ptr(.HTTPS_CERT_CALLBACK, store.callback))
                options.append(mhd_opt_ptr(.HTTPS_PRIORITIES, priorities))
            }
            options.append(mhd_opt_end())
            return mhd_start_daemon_opts(flags, configuration.port, accessHandler, context, options)
        }
        guard let raw else {
            mhd_log_target_free(logTarget)
            let messages = core.startMessages()
            throw failure(messages.isEmpty ? "libmicrohttpd refused to start (no message)" : messages.joined(separator: "; "))
        }
        let port = mhd_daemon_info(raw, .DAEMON_INFO_BIND_PORT).map { $0.pointee.port } ?? configuration.port
        return DaemonHandle(raw: raw, logTarget: logTarget, port: port, tls: store != nil, certificates: store)
    }
}

/// An IPv4 or IPv6 socket address parsed from a literal.
private struct SocketAddress {
    private var v4 = sockaddr_in()
    private var v6 = sockaddr_in6()
    let isIPv6: Bool

    init?(_ literal: String, port: UInt16) {
        if inet_pton(AF_INET, literal, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            isIPv6 = false
        } else if inet_pton(AF_INET6, literal, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            isIPv6 = true
        } else {
            return nil
        }
    }

    func withSockAddr<T>(_ body: (UnsafeMutableRawPointer) -> T) -> T {
        var copy = self
        return isIPv6 ? withUnsafeMutablePointer(to: &copy.v6) { body($0) } : withUnsafeMutablePointer(to: &copy.v4) { body($0) }
    }
}
