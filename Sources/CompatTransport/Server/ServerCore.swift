import CompatCore
import CMHDSupport
import CMicroHTTPD
import Foundation
import Logging
import Synchronization

/// The state libmicrohttpd's callbacks reach through their `void *` argument. It outlives the daemon:
/// ``HTTPSServer`` owns it and stops the daemon before letting it go.
final class ServerCore: Sendable {
    let handler: @Sendable (HTTPServerRequest) -> HTTPServerResponse
    let logger: Logger
    let maxBodyBytes: Int
    let inFlight = Atomic<Int>(0)
    private let streams = Mutex<StreamRegistry>(StreamRegistry())
    private let startLog = Mutex<(collecting: Bool, messages: [String])>((false, []))

    private struct StreamRegistry {
        var stopping = false
        var open: [ObjectIdentifier: ResponseStreamChannel] = [:]
    }

    init(handler: @escaping @Sendable (HTTPServerRequest) -> HTTPServerResponse, logger: Logger, maxBodyBytes: Int) {
        self.handler = handler
        self.logger = logger
        self.maxBodyBytes = maxBodyBytes
    }

    // MARK: Streams

    /// Tracks an open stream; a stream opened while stopping starts closed.
    func register(_ channel: ResponseStreamChannel) {
        let stopping = streams.withLock { registry in
            if !registry.stopping { registry.open[ObjectIdentifier(channel)] = channel }
            return registry.stopping
        }
        if stopping { channel.close() }
    }

    func unregister(_ channel: ResponseStreamChannel) {
        _ = streams.withLock { $0.open.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// New streams start closed from now on; open ones end after what they have buffered (their
    /// producers see writes fail). No connection then stays suspended, which matters because stopping a
    /// daemon with suspended connections is an API violation in libmicrohttpd.
    func beginStopping() {
        let open = streams.withLock { registry -> [ResponseStreamChannel] in
            registry.stopping = true
            return Array(registry.open.values)
        }
        for channel in open { channel.close() }
    }

    // MARK: Logging

    func collectStartMessages(_ on: Bool) {
        startLog.withLock { $0 = (on, on ? [] : $0.messages) }
    }

    func startMessages() -> [String] { startLog.withLock { $0.messages } }

    func log(_ message: String) {
        var text = message
        while text.last == "\n" { text.removeLast() }
        let collected = startLog.withLock { log -> Bool in
            if log.collecting { log.messages.append(text) }
            return log.collecting
        }
        if collected { return }
        // Clients that drop mid-handshake (probes, scanners, load balancers) make GnuTLS noise on every connection.
        let connectionNoise = text.contains("TLS") || text.contains("handshake") || text.contains("closed by remote")
        logger.log(level: connectionNoise ? .debug : .warning, "libmicrohttpd: \(text)")
    }

    // MARK: Requests

    func handle(
        _ connection: OpaquePointer, url: UnsafePointer<CChar>, method: UnsafePointer<CChar>,
        uploadData: UnsafePointer<CChar>?, uploadSize: UnsafeMutablePointer<Int>,
        requestContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    ) -> MHD_Result {
        guard let raw = requestContext.pointee else {
            // First call: headers only.
            let state = RequestState(
                method: String(cString: method), path: String(cString: url),
                headers: HTTPHeaders(connectionValues(connection, kind: .HEADER_KIND)),
                query: connectionValues(connection, kind: .GET_ARGUMENT_KIND).map { HTTPServerRequest.QueryItem(name: $0.0, value: $0.1) }
            )
            requestContext.pointee = Unmanaged.passRetained(state).toOpaque()
            inFlight.add(1, ordering: .relaxed)
            if let length = state.headers["Content-Length"].flatMap({ Int($0) }), length > maxBodyBytes {
                state.tooLarge = true
                state.responded = true
                return queue(connection, tooLarge(declared: length), closeAfter: true)
            }
            return .YES
        }
        let state = Unmanaged<RequestState>.fromOpaque(raw).takeUnretainedValue()
        let size = uploadSize.pointee
        if size > 0 {
            if !state.tooLarge, let uploadData {
                if state.body.count + size > maxBodyBytes {
                    // Chunked bodies have no Content-Length: drain the rest, answer 413 at the end.
                    state.tooLarge = true
                    state.body = []
                } else {
                    uploadData.withMemoryRebound(to: UInt8.self, capacity: size) {
                        state.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: size))
                    }
                }
            }
            uploadSize.pointee = 0
            return .YES
        }
        if state.responded { return .YES }
        state.responded = true
        if state.tooLarge { return queue(connection, tooLarge(declared: nil), closeAfter: true) }
        let request = HTTPServerRequest(method: state.method, path: state.path, query: state.query, headers: state.headers, body: state.body)
        state.body = []
        return queue(connection, handler(request), closeAfter: false)
    }

    func completed(_ requestContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) {
        guard let requestContext, let raw = requestContext.pointee else { return }
        Unmanaged<RequestState>.fromOpaque(raw).release()
        requestContext.pointee = nil
        inFlight.subtract(1, ordering: .releasing)
    }

    private func tooLarge(declared: Int?) -> HTTPServerResponse {
        let size = declared.map { " (\($0) bytes declared)" } ?? ""
        return .json(413, Array(#"{"error":"request body larger than \#(maxBodyBytes) bytes\#(size)"}"#.utf8))
    }

    private func queue(_ connection: OpaquePointer, _ response: HTTPServerResponse, closeAfter: Bool) -> MHD_Result {
        let mhdResponse: OpaquePointer?
        var channel: ResponseStreamChannel? = nil
        switch response.body {
        case .bytes(let bytes):
            mhdResponse = bytes.withUnsafeBytes {
                MHD_create_response_from_buffer($0.count, UnsafeMutableRawPointer(mutating: $0.baseAddress), .RESPMEM_MUST_COPY)
            }
        case .stream:
            let created = ResponseStreamChannel(connection: ConnectionHandle(raw: connection), core: self)
            channel = created
            // Retained for libmicrohttpd; released by its free callback when the response is destroyed.
            let context = Unmanaged.passRetained(created).toOpaque()
            mhdResponse = MHD_create_response_from_callback(mhd_size_unknown, 32 * 1024, streamReader, context, streamFree)
            if mhdResponse == nil { Unmanaged<ResponseStreamChannel>.fromOpaque(context).release() }
        }
        guard let mhdResponse else {
            logger.error("libmicrohttpd could not create a response (out of memory?)")
            return .NO
        }
        defer { MHD_destroy_response(mhdResponse) }   // reference counted: safe right after queueing
        for field in response.headers {
            guard HTTPHeaders.isSafe(name: field.name, value: field.value),
                  MHD_add_response_header(mhdResponse, field.name, field.value) == .YES else {
                logger.warning("response header dropped: invalid name or value", metadata: ["header": "\(field.name)"])
                continue
            }
        }
        if closeAfter { MHD_add_response_header(mhdResponse, "Connection", "close") }
        guard let status = UInt32(exactly: response.status), (100...999).contains(status) else {
            logger.error("handler returned an invalid HTTP status", metadata: ["status": "\(response.status)"])
            return .NO
        }
        let result = MHD_queue_response(connection, status, mhdResponse)
        if let channel, case .stream(let producer) = response.body {
            if result == .YES {
                register(channel)
                let writer = ResponseStreamWriter(channel: channel)
                Thread.detachNewThread {
                    producer(writer)
                    channel.finish()
                }
            } else {
                channel.close()
            }
        }
        return result
    }

    /// Headers or decoded query arguments of the request, in order.
    private func connectionValues(_ connection: OpaquePointer, kind: MHD_ValueKind) -> [(String, String)] {
        let collector = ValueCollector()
        withExtendedLifetime(collector) {
            _ = MHD_get_connection_values(connection, kind, valueIterator, Unmanaged.passUnretained(collector).toOpaque())
        }
        return collector.pairs
    }
}

/// Per-request state kept in libmicrohttpd's `req_cls` between the calls of one request. Only the
/// pool thread serving the connection touches it.
private final class RequestState {
    let method: String
    let path: String
    let headers: HTTPHeaders
    let query: [HTTPServerRequest.QueryItem]
    var body: [UInt8] = []
    var tooLarge = false
    var responded = false

    init(method: String, path: String, headers: HTTPHeaders, query: [HTTPServerRequest.QueryItem]) {
        self.method = method
        self.path = path
        self.headers = headers
        self.query = query
    }
}

private final class ValueCollector {
    var pairs: [(String, String)] = []
}

struct ConnectionHandle: @unchecked Sendable {
    let raw: OpaquePointer
}

// MARK: - Streamed responses

/// The buffer between a stream's producer thread and libmicrohttpd's content reader.
///
/// While the buffer is empty the reader suspends the connection (returning 0 without suspending would
/// busy-loop an epoll thread); a write resumes it. Suspension and resumption both happen under the
/// condition's lock, so a resume can never precede its suspend.
final class ResponseStreamChannel: @unchecked Sendable {
    private let condition = NSCondition()
    private var pending: [UInt8] = []
    private var readOffset = 0
    private var finished = false
    private var closed = false
    private var suspended = false
    private var connection: ConnectionHandle?
    private weak var core: ServerCore?

    init(connection: ConnectionHandle, core: ServerCore) {
        self.connection = connection
        self.core = core
    }

    func write(_ bytes: [UInt8]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed, !finished else { return false }
        pending.append(contentsOf: bytes)
        resumeIfSuspended()
        return true
    }

    var isOpen: Bool {
        condition.lock()
        defer { condition.unlock() }
        return !closed && !finished
    }

    func waitWhileOpen(for duration: Duration) -> Bool {
        let seconds = duration.inSeconds
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        defer { condition.unlock() }
        while !closed {
            if !condition.wait(until: deadline) { break }
        }
        return !closed
    }

    /// The producer returned: send what is buffered, then end the chunked body.
    func finish() {
        condition.lock()
        finished = true
        resumeIfSuspended()
        condition.broadcast()
        condition.unlock()
    }

    /// Refuse further writes and end the body after what is buffered (server stopping).
    func close() {
        condition.lock()
        closed = true
        resumeIfSuspended()
        condition.broadcast()
        condition.unlock()
    }

    /// libmicrohttpd destroyed the response (sent in full, client gone, or server stopped).
    func released() {
        condition.lock()
        closed = true
        suspended = false
        connection = nil
        condition.broadcast()
        condition.unlock()
        core?.unregister(self)
    }

    /// Content reader: bytes copied, end of stream, or 0 after suspending the connection.
    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        condition.lock()
        defer { condition.unlock() }
        let available = pending.count - readOffset
        if available > 0 {
            let count = min(available, capacity)
            pending.withUnsafeBytes { source in
                UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + readOffset, byteCount: count)
            }
            readOffset += count
            if readOffset == pending.count {
                pending.removeAll(keepingCapacity: true)
                readOffset = 0
            }
            return count
        }
        if finished || closed { return mhd_content_reader_end_of_stream }
        guard let connection else { return mhd_content_reader_end_with_error }
        suspended = true
        MHD_suspend_connection(connection.raw)
        return 0
    }

    private func resumeIfSuspended() {
        guard suspended, let connection else { return }
        suspended = false
        MHD_resume_connection(connection.raw)
    }
}

// MARK: - C callbacks (non-capturing; all context arrives through the `void *` argument)

let accessHandler: MHD_AccessHandlerCallback = { cls, connection, url, method, _, uploadData, uploadSize, requestContext in
    guard let cls, let connection, let url, let method, let uploadSize, let requestContext else { return .NO }
    let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
    return core.handle(connection, url: url, method: method, uploadData: uploadData, uploadSize: uploadSize, requestContext: requestContext)
}

let requestCompleted: MHD_RequestCompletedCallback = { cls, _, requestContext, _ in
    guard let cls else { return }
    Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue().completed(requestContext)
}

private let valueIterator: MHD_KeyValueIterator = { cls, _, key, value in
    guard let cls, let key else { return .YES }
    let collector = Unmanaged<ValueCollector>.fromOpaque(cls).takeUnretainedValue()
    collector.pairs.append((String(cString: key), value.map { String(cString: $0) } ?? ""))
    return .YES
}

private let streamReader: MHD_ContentReaderCallback = { cls, _, buffer, capacity in
    guard let cls, let buffer else { return mhd_content_reader_end_with_error }
    return Unmanaged<ResponseStreamChannel>.fromOpaque(cls).takeUnretainedValue().read(into: buffer, capacity: capacity)
}

private let streamFree: MHD_ContentReaderFreeCallback = { cls in
    guard let cls else { return }
    let channel = Unmanaged<ResponseStreamChannel>.fromOpaque(cls).takeRetainedValue()
    channel.released()
}

let serverLogSink: mhd_log_sink = { cls, message in
    guard let cls, let message else { return }
    Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue().log(String(cString: message))
}
