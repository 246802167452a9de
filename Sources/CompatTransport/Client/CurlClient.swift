import CCurl
import Foundation
import Logging
import Synchronization

/// A synchronous HTTP/1.1 and HTTPS client on libcurl (OpenSSL backend).
///
/// Each call blocks the calling thread until the exchange ends, so call it from a thread of your own
/// (a server worker, a `Thread`), not for long from the Swift cooperative pool. The client is safe to
/// share: every transfer checks an easy handle out of a small pool and returns it afterwards, so
/// sequential calls reuse keep-alive connections and concurrent calls each get their own handle.
public final class CurlClient: Sendable {
    /// Which certificates the client trusts for `https://` URLs.
    public enum TrustRoots: Sendable, Equatable {
        /// The system bundle (`/etc/ssl/certs`).
        case system
        /// Only the PEM CA certificates in this file (for example the service-account `ca.crt`).
        case caFile(String)
        /// Only these PEM CA certificates (for example a kubeconfig's `certificate-authority-data`).
        case caPEM(String)
        /// No verification at all. Only for explicitly insecure endpoints; never the default.
        case insecureSkipVerification
    }

    /// A TLS client certificate and key (PEM), presented when the server asks.
    public enum ClientIdentity: Sendable, Equatable {
        case files(certificate: String, key: String)
        case pem(certificate: String, key: String)
    }

    public struct Configuration: Sendable {
        public var trust: TrustRoots
        public var clientIdentity: ClientIdentity?
        public var connectTimeout: Duration
        /// Default limit for a whole ``CurlClient/send(_:)`` exchange.
        public var timeout: Duration
        public var followRedirects: Bool
        public var maxRedirects: Int
        /// Default body limit; a larger response fails with ``TransportError/Kind/responseTooLarge``.
        public var maxResponseBytes: Int
        public var userAgent: String
        /// How many idle easy handles (each with its open connections) are kept for reuse.
        public var maxIdleHandles: Int

        public init(
            trust: TrustRoots = .system, clientIdentity: ClientIdentity? = nil, connectTimeout: Duration = .seconds(5),
            timeout: Duration = .seconds(30), followRedirects: Bool = true, maxRedirects: Int = 10,
            maxResponseBytes: Int = 64 << 20, userAgent: String = "compat", maxIdleHandles: Int = 4
        ) {
            self.trust = trust
            self.clientIdentity = clientIdentity
            self.connectTimeout = connectTimeout
            self.timeout = timeout
            self.followRedirects = followRedirects
            self.maxRedirects = maxRedirects
            self.maxResponseBytes = maxResponseBytes
            self.userAgent = userAgent
            self.maxIdleHandles = maxIdleHandles
        }
    }

    public let configuration: Configuration
    private let logger: Logger
    private let idleHandles = Mutex<[EasyHandle]>([])

    public init(configuration: Configuration = Configuration(), logger: Logger) {
        curlGlobalInitialization()
        self.configuration = configuration
        self.logger = logger
    }

    /// Performs `request` and returns the whole response. Non-2xx statuses are responses, not errors.
    public func send(_ request: HTTPClientRequest) throws(TransportError) -> HTTPClientResponse {
        let limit = request.maxResponseBytes ?? configuration.maxResponseBytes
        let transfer = try perform(request, sink: .buffer(limit: limit), timeout: request.timeout ?? configuration.timeout, cancellation: nil)
        return HTTPClientResponse(head: transfer.head, body: transfer.state.body, serverCertificatesPEM: transfer.certificates)
    }

    /// Performs `request` and hands the body to `onChunk` as it arrives. `onHead` sees the final status
    /// and headers before the first chunk (or at the end when there is no body). Either callback returning
    /// false stops the transfer; that is a normal end (``StreamEnd/stoppedByCaller``), not an error.
    public func stream(
        _ request: HTTPClientRequest, cancellation: CancellationFlag? = nil,
        onHead: (HTTPResponseHead) -> Bool = { _ in true }, onChunk: ([UInt8]) -> Bool
    ) throws(TransportError) -> StreamOutcome {
        try withoutActuallyEscaping(onHead) { onHead throws(TransportError) in
            try withoutActuallyEscaping(onChunk) { onChunk throws(TransportError) in
                try streamOutcome(request, sink: .chunks(onChunk), onHead: onHead, cancellation: cancellation)
            }
        }
    }

    /// Like ``stream(_:cancellation:onHead:onChunk:)`` but delivers the body line by line (split on LF,
    /// a trailing CR removed), for newline-delimited JSON such as a Kubernetes watch. A final line without
    /// LF is delivered when the server closes. A line longer than `maxLineBytes` fails the transfer with
    /// ``TransportError/Kind/responseTooLarge``.
    public func streamLines(
        _ request: HTTPClientRequest, maxLineBytes: Int = 16 << 20, cancellation: CancellationFlag? = nil,
        onHead: (HTTPResponseHead) -> Bool = { _ in true }, onLine: ([UInt8]) -> Bool
    ) throws(TransportError) -> StreamOutcome {
        try withoutActuallyEscaping(onHead) { onHead throws(TransportError) in
            try withoutActuallyEscaping(onLine) { onLine throws(TransportError) in
                try streamOutcome(request, sink: .lines(maxLineBytes: maxLineBytes, onLine), onHead: onHead, cancellation: cancellation)
            }
        }
    }

    private func streamOutcome(
        _ request: HTTPClientRequest, sink: TransferState.Sink, onHead: @escaping (HTTPResponseHead) -> Bool,
        cancellation: CancellationFlag?
    ) throws(TransportError) -> StreamOutcome {
        let transfer = try perform(request, sink: sink, timeout: request.timeout, cancellation: cancellation, onHead: onHead)
        let state = transfer.state
        if state.cancelled { return StreamOutcome(head: state.deliveredHead, end: .cancelled) }
        return StreamOutcome(head: transfer.head, end: state.stoppedByCaller ? .stoppedByCaller : .serverClosed)
    }

    // MARK: - Transfer

    private struct Transfer {
        let state: TransferState
        let head: HTTPResponseHead
        let certificates: [String]
    }

    private func perform(
        _ request: HTTPClientRequest, sink: TransferState.Sink, timeout: Duration?, cancellation: CancellationFlag?,
        onHead: ((HTTPResponseHead) -> Bool)? = nil
    ) throws(TransportError) -> Transfer {
        func invalid(_ detail: String) -> TransportError {
            TransportError(kind: .invalidRequest, method: request.method, url: request.url, detail: detail)
        }
        let lowerURL = request.url.lowercased()
        guard lowerURL.hasPrefix("http://") || lowerURL.hasPrefix("https://") else {
            throw invalid("only absolute http:// and https:// URLs are supported")
        }
        guard !request.method.isEmpty, request.method.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5a }) else {
            throw invalid("method '\(request.method)' must be an upper-case HTTP method such as GET or POST")
        }
        for field in request.headers where !HTTPHeaders.isSafe(name: field.name, value: field.value) {
            throw invalid("header '\(field.name)' has an invalid name or a CR/LF in its value")
        }

        let handle = try checkOutHandle(request)
        defer { checkIn(handle) }
        let state = TransferState(handle: handle.raw, sink: sink, onHead: onHead, cancellation: cancellation)
        let context = Unmanaged.passUnretained(state).toOpaque()
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(headerList) }

        let started = ContinuousClock.now
        let code: CURLcode = withExtendedLifetime(state) {
            let h = handle.raw
            handle.configure(with: configuration, timeout: timeout, request: request)
            for field in request.headers {
                let line = field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)"
                headerList = curl_slist_append(headerList, line)
            }
            // No "Expect: 100-continue" round trip, and no invented form content type for bodies.
            headerList = curl_slist_append(headerList, "Expect:")
            let sendsBody = request.body != nil || ["POST", "PUT", "PATCH"].contains(request.method)
            if sendsBody && !request.headers.contains("Content-Type") {
                headerList = curl_slist_append(headerList, "Content-Type:")
            }
            curl_setopt_slist(h, CURLOPT_HTTPHEADER, headerList)
            curl_setopt_datacb(h, CURLOPT_WRITEFUNCTION, curlWriteCallback)
            curl_setopt_ptr(h, CURLOPT_WRITEDATA, context)
            curl_setopt_datacb(h, CURLOPT_HEADERFUNCTION, curlHeaderCallback)
            curl_setopt_ptr(h, CURLOPT_HEADERDATA, context)
            if cancellation != nil {
                curl_setopt_long(h, CURLOPT_NOPROGRESS, 0)
                curl_setopt_xferinfo(h, CURLOPT_XFERINFOFUNCTION, curlProgressCallback)
                curl_setopt_ptr(h, CURLOPT_XFERINFODATA, context)
            }
            if case .buffer(let limit) = sink { curl_setopt_off(h, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(limit)) }

            guard sendsBody else {
                if request.method == "HEAD" {
                    curl_setopt_long(h, CURLOPT_NOBODY, 1)   // CUSTOMREQUEST "HEAD" would wait for a body that never comes
                } else if request.method != "GET" {
                    curl_setopt_str(h, CURLOPT_CUSTOMREQUEST, request.method)
                }
                return curl_easy_perform(h)
            }
            // POSTFIELDS is not copied: the bytes must stay alive until curl_easy_perform returns.
            let body = request.body ?? []
            let storage = body.isEmpty ? [UInt8(0)] : body
            return storage.withUnsafeBytes { buffer in
                curl_setopt_ptr(h, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: buffer.baseAddress))
                curl_setopt_off(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
                if request.method != "POST" { curl_setopt_str(h, CURLOPT_CUSTOMREQUEST, request.method) }
                return curl_easy_perform(h)
            }
        }

        let head = handle.responseHead(headers: state.headers, requestURL: request.url)
        let elapsed = ContinuousClock.now - started
        if code != CURLE_OK && !state.endedNormally(code) {
            let error = handle.transportError(code, state: state, request: request)
            logger.debug("http transfer failed", metadata: [
                "method": "\(request.method)", "url": "\(request.url)", "error": "\(error)", "elapsed": "\(elapsed)",
            ])
            throw error
        }
        state.finishLines()
        if !state.cancelled { state.deliverHead(head) }
        logger.trace("http transfer", metadata: [
            "method": "\(request.method)", "url": "\(request.url)", "status": "\(head.status)", "elapsed": "\(elapsed)",
        ])
        return Transfer(state: state, head: head, certificates: request.captureServerCertificates ? handle.serverCertificates() : [])
    }

    private func checkOutHandle(_ request: HTTPClientRequest) throws(TransportError) -> EasyHandle {
        if let idle = idleHandles.withLock({ $0.popLast() }) { return idle }
        guard let handle = EasyHandle() else {
            throw TransportError(kind: .other, method: request.method, url: request.url, detail: "libcurl could not create a transfer handle (out of memory?)")
        }
        return handle
    }

    private func checkIn(_ handle: EasyHandle) {
        let limit = configuration.maxIdleHandles
        idleHandles.withLock { idle in
            if idle.count < limit { idle.append(handle) }
        }
    }
}

/// `curl_global_init` must run once before any handle exists; a global's lazy initializer runs exactly once.
private let curlGlobalInitialized: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

private func curlGlobalInitialization() { _ = curlGlobalInitialized }

// MARK: - Easy handle

/// One libcurl easy handle. Easy handles are not thread-safe; the client's pool hands each one to a
/// single transfer at a time, which is what makes the `@unchecked Sendable` sound.
final class EasyHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init?() {
        guard let raw = curl_easy_init() else { return nil }
        self.raw = raw
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_easy_cleanup(raw)
        errorBuffer.deallocate()
    }

    /// Every option except the per-request body, headers and callbacks. `curl_easy_reset` clears the
    /// previous request's options but keeps open connections, the DNS cache and TLS sessions.
    func configure(with configuration: CurlClient.Configuration, timeout: Duration?, request: HTTPClientRequest) {
        let h = raw
        curl_easy_reset(h)
        errorBuffer[0] = 0
        curl_setopt_ptr(h, CURLOPT_ERRORBUFFER, errorBuffer)
        curl_setopt_str(h, CURLOPT_URL, request.url)
        curl_setopt_long(h, CURLOPT_NOSIGNAL, 1)   // mandatory with threads: no SIGALRM for DNS timeouts
        curl_setopt_str(h, CURLOPT_PROTOCOLS_STR, "http,https")
        curl_setopt_str(h, CURLOPT_USERAGENT, configuration.userAgent)
        curl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(configuration.connectTimeout))
        if let timeout { curl_setopt_long(h, CURLOPT_TIMEOUT_MS, milliseconds(timeout)) }
        if let idle = request.idleTimeout {
            curl_setopt_long(h, CURLOPT_LOW_SPEED_LIMIT, 1)
            curl_setopt_long(h, CURLOPT_LOW_SPEED_TIME, max(1, Int(idle.components.seconds)))
        }
        if configuration.followRedirects {
            curl_setopt_long(h, CURLOPT_FOLLOWLOCATION, 1)
            curl_setopt_long(h, CURLOPT_MAXREDIRS, configuration.maxRedirects)
            // Never downgrade from TLS to plain HTTP on a redirect.
            let secure = request.url.lowercased().hasPrefix("https://")
            curl_setopt_str(h, CURLOPT_REDIR_PROTOCOLS_STR, secure ? "https" : "http,https")
            // Credentials stay with the original host (libcurl ≥ 7.83 also treats another port or scheme
            // as another host); this is the default, set explicitly because it matters.
            curl_setopt_long(h, CURLOPT_UNRESTRICTED_AUTH, 0)
        }
        if let credentials = request.basicAuth {
            curl_setopt_long(h, CURLOPT_HTTPAUTH, 1)   // CURLAUTH_BASIC, a cast macro Swift does not import
            curl_setopt_str(h, CURLOPT_USERNAME, credentials.username)
            curl_setopt_str(h, CURLOPT_PASSWORD, credentials.password)
        }
        curl_setopt_long(h, CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2))
        switch configuration.trust {
        case .system:
            break
        case .caFile(let path):
            curl_setopt_str(h, CURLOPT_CAINFO, path)
            curl_setopt_str(h, CURLOPT_CAPATH, nil)   // only this CA, not the system directory as well
        case .caPEM(let pem):
            setBlob(CURLOPT_CAINFO_BLOB, pem)
            curl_setopt_str(h, CURLOPT_CAINFO, nil)
            curl_setopt_str(h, CURLOPT_CAPATH, nil)
        case .insecureSkipVerification:
            curl_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 0)
            curl_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 0)
        }
        switch configuration.clientIdentity {
        case nil:
            break
        case .files(let certificate, let key)?:
            curl_setopt_str(h, CURLOPT_SSLCERT, certificate)
            curl_setopt_str(h, CURLOPT_SSLKEY, key)
        case .pem(let certificate, let key)?:
            setBlob(CURLOPT_SSLCERT_BLOB, certificate)
            setBlob(CURLOPT_SSLKEY_BLOB, key)
            curl_setopt_str(h, CURLOPT_SSLCERTTYPE, "PEM")
            curl_setopt_str(h, CURLOPT_SSLKEYTYPE, "PEM")
        }
        if request.captureServerCertificates { curl_setopt_long(h, CURLOPT_CERTINFO, 1) }
    }

    /// Blob options with CURL_BLOB_COPY: libcurl keeps its own copy, so the Swift bytes may go away.
    private func setBlob(_ option: CURLoption, _ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var blob = curl_blob(data: buffer.baseAddress, len: buffer.count, flags: UInt32(CURL_BLOB_COPY))
            _ = curl_setopt_blob(raw, option, &blob)
        }
    }

    func responseHead(headers: [HTTPHeaders.Field], requestURL: String) -> HTTPResponseHead {
        var status = 0
        curl_getinfo_long(raw, CURLINFO_RESPONSE_CODE, &status)
        var effective: UnsafeMutablePointer<CChar>? = nil
        curl_getinfo_str(raw, CURLINFO_EFFECTIVE_URL, &effective)
        let url = effective.map { String(cString: $0) } ?? requestURL
        return HTTPResponseHead(status: status, headers: HTTPHeaders(headers.map { ($0.name, $0.value) }), url: url)
    }

    /// PEM certificates from CURLINFO_CERTINFO, leaf first.
    func serverCertificates() -> [String] {
        var info: UnsafeMutablePointer<curl_certinfo>? = nil
        guard curl_getinfo_certinfo(raw, &info) == CURLE_OK, let info, let lists = info.pointee.certinfo else { return [] }
        var result: [String] = []
        for index in 0..<Int(max(0, info.pointee.num_of_certs)) {
            var node = lists[index]
            while let current = node {
                if let data = current.pointee.data {
                    let entry = String(cString: data)
                    if entry.hasPrefix("Cert:") { result.append(String(entry.dropFirst(5))) }
                }
                node = current.pointee.next
            }
        }
        return result
    }

    func transportError(_ code: CURLcode, state: TransferState, request: HTTPClientRequest) -> TransportError {
        let buffered = stringFromNulTerminatedPointer(errorBuffer)
        let detail = buffered.isEmpty ? String(cString: curl_easy_strerror(code)) : buffered
        var osErrno = 0
        curl_getinfo_long(raw, CURLINFO_OS_ERRNO, &osErrno)
        let kind: TransportError.Kind
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            kind = detail.lowercased().contains("redirect") || !state.headers.isEmpty ? .redirectRefused : .invalidRequest
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            kind = .hostNotResolved
        case CURLE_COULDNT_CONNECT:
            kind = osErrno == Int(ECONNREFUSED) ? .connectionRefused : .connectFailed
        case CURLE_OPERATION_TIMEDOUT:
            kind = .timeout
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            kind = .tlsVerificationFailed
        case CURLE_SSL_CONNECT_ERROR:
            // OpenSSL reports an untrusted chain during the handshake on some paths; keep it a verification failure.
            kind = detail.contains("certificate verify failed") ? .tlsVerificationFailed : .tlsHandshakeFailed
        case CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND,
             CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_CRL_BADFILE:
            kind = .tlsConfigurationInvalid
        case CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_WEIRD_SERVER_REPLY,
             CURLE_HTTP2, CURLE_HTTP2_STREAM:
            kind = .connectionClosed
        case CURLE_TOO_MANY_REDIRECTS:
            kind = .redirectRefused
        case CURLE_FILESIZE_EXCEEDED:
            kind = .responseTooLarge
        case CURLE_WRITE_ERROR where state.limitExceeded:
            kind = .responseTooLarge
        default:
            kind = .other
        }
        let limitDetail = kind == .responseTooLarge ? "\(detail) (limit \(state.limitDescription))" : detail
        return TransportError(kind: kind, method: request.method, url: request.url, detail: limitDetail, curlCode: Int(code.rawValue))
    }
}

private func stringFromNulTerminatedPointer(_ pointer: UnsafeMutablePointer<CChar>) -> String {
    var text = String(cString: pointer)
    while text.last == "\n" { text.removeLast() }
    return text
}

/// Whole milliseconds, at least 1: libcurl reads 0 as "no limit".
private func milliseconds(_ duration: Duration) -> Int {
    let (seconds, attoseconds) = duration.components
    return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
}

// MARK: - Transfer state and C callbacks

/// Per-transfer state reached from libcurl's callbacks through their `void *` argument. It lives on the
/// stack of `perform` for the whole transfer and is only touched by the transferring thread.
final class TransferState {
    enum Sink {
        case buffer(limit: Int)
        case chunks(([UInt8]) -> Bool)
        case lines(maxLineBytes: Int, ([UInt8]) -> Bool)
    }

    let handle: UnsafeMutableRawPointer
    let sink: Sink
    let onHead: ((HTTPResponseHead) -> Bool)?
    let cancellation: CancellationFlag?
    /// Headers of the latest response block (redirects and 100-continue start a new block).
    var headers: [HTTPHeaders.Field] = []
    var body: [UInt8] = []
    var lineBuffer: [UInt8] = []
    var deliveredHead: HTTPResponseHead?
    var limitExceeded = false
    var stoppedByCaller = false
    var cancelled = false

    init(handle: UnsafeMutableRawPointer, sink: Sink, onHead: ((HTTPResponseHead) -> Bool)?, cancellation: CancellationFlag?) {
        self.handle = handle
        self.sink = sink
        self.onHead = onHead
        self.cancellation = cancellation
    }

    var limitDescription: String {
        switch sink {
        case .buffer(let limit): return "\(limit) bytes"
        case .lines(let max, _): return "\(max) bytes per line"
        case .chunks: return "none"
        }
    }

    /// A write error we caused on purpose (a callback said stop) is how a stream normally ends.
    func endedNormally(_ code: CURLcode) -> Bool {
        (code == CURLE_WRITE_ERROR && stoppedByCaller && !limitExceeded) || (code == CURLE_ABORTED_BY_CALLBACK && cancelled)
    }

    func header(_ bytes: UnsafeRawBufferPointer) {
        var line = bytes[...]
        // "\r\n" is one Character in Swift, so trim on bytes.
        while let last = line.last, last == 0x0a || last == 0x0d { line = line.dropLast() }
        if line.starts(with: Array("HTTP/".utf8)) {
            headers.removeAll()
            return
        }
        guard let colon = line.firstIndex(of: 0x3a) else { return }
        let name = String(decoding: line[..<colon], as: UTF8.self)
        var value = line[line.index(after: colon)...]
        while let first = value.first, first == 0x20 || first == 0x09 { value = value.dropFirst() }
        while let last = value.last, last == 0x20 || last == 0x09 { value = value.dropLast() }
        headers.append(HTTPHeaders.Field(name: name, value: String(decoding: value, as: UTF8.self)))
    }

    /// Returns false to abort the transfer.
    func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if deliveredHead == nil, onHead != nil {
            var status = 0
            curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            var effective: UnsafeMutablePointer<CChar>? = nil
            curl_getinfo_str(handle, CURLINFO_EFFECTIVE_URL, &effective)
            let head = HTTPResponseHead(
                status: status, headers: HTTPHeaders(headers.map { ($0.name, $0.value) }), url: effective.map { String(cString: $0) } ?? ""
            )
            if !deliverHead(head) { return false }
        }
        switch sink {
        case .buffer(let limit):
            guard body.count + bytes.count <= limit else {
                limitExceeded = true
                return false
            }
            body.append(contentsOf: bytes)
            return true
        case .chunks(let onChunk):
            if !onChunk(Array(bytes)) { stoppedByCaller = true; return false }
            return true
        case .lines(let maxLineBytes, let onLine):
            var rest = bytes[...]
            while let newline = rest.firstIndex(of: 0x0a) {
                lineBuffer.append(contentsOf: rest[..<newline])
                rest = rest[rest.index(after: newline)...]
                if lineBuffer.last == 0x0d { lineBuffer.removeLast() }
                let line = lineBuffer
                lineBuffer.removeAll(keepingCapacity: true)
                if !onLine(line) { stoppedByCaller = true; return false }
            }
            lineBuffer.append(contentsOf: rest)
            if lineBuffer.count > maxLineBytes {
                limitExceeded = true
                return false
            }
            return true
        }
    }

    /// Calls `onHead` once. Returns false when it asks to stop.
    @discardableResult
    func deliverHead(_ head: HTTPResponseHead) -> Bool {
        guard deliveredHead == nil else { return true }
        deliveredHead = head
        guard let onHead, !stoppedByCaller else { return true }
        if !onHead(head) { stoppedByCaller = true; return false }
        return true
    }

    /// Delivers a last line that had no LF when the server closed.
    func finishLines() {
        guard case .lines(_, let onLine) = sink, !lineBuffer.isEmpty, !stoppedByCaller, !cancelled else { return }
        if lineBuffer.last == 0x0d { lineBuffer.removeLast() }
        let line = lineBuffer
        lineBuffer.removeAll()
        if !onLine(line) { stoppedByCaller = true }
    }
}

private let curlWriteCallback: curl_data_cb = { pointer, size, count, userdata in
    guard let userdata else { return 0 }
    let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
    let total = size * count
    return state.write(UnsafeRawBufferPointer(start: pointer, count: total)) ? total : 0
}

private let curlHeaderCallback: curl_data_cb = { pointer, size, count, userdata in
    guard let userdata else { return 0 }
    let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
    let total = size * count
    state.header(UnsafeRawBufferPointer(start: pointer, count: total))
    return total
}

private let curlProgressCallback: curl_xferinfo_cb = { userdata, _, _, _, _ in
    guard let userdata else { return 0 }
    let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
    if state.cancellation?.isCancelled == true {
        state.cancelled = true
        return 1
    }
    return 0
}
