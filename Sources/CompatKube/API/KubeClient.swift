import CompatCore
import CompatTransport
import Foundation
import Logging

/// A blocking client for the Kubernetes REST API over libcurl: JSON requests, paged lists, watch
/// streams and pod log streams.
///
/// Calls block the calling thread (a libcurl transfer); call them from a thread of your own or
/// `Task.detached`, never for long from the cooperative pool. A request whose bearer token is rejected
/// (401) is retried once with a freshly read token, because service-account tokens rotate under a
/// running process.
package final class KubeClient: Sendable {
    package let connection: KubeConnection
    /// Deadline of one non-streaming request.
    package let requestTimeout: Duration
    let tokens: BearerTokenProvider?
    let transport: KubeTransport
    let logger: Logger

    /// - Parameters:
    ///   - tokenRefreshInterval: how long a token read from a file is trusted before it is read again
    ///     (client-go: one minute).
    package init(connection: KubeConnection, logger: Logger, requestTimeout: Duration = .seconds(30),
                tokenRefreshInterval: Duration = .seconds(60)) throws(KubeConfigurationError) {
        self.connection = connection
        self.requestTimeout = requestTimeout
        self.logger = logger
        tokens = connection.bearerToken.map {
            BearerTokenProvider(source: $0, refreshInterval: tokenRefreshInterval, clusterInfo: Self.execClusterInfo(connection))
        }
        transport = try KubeTransport(connection: connection, logger: logger)
    }

    /// The response of a request: status, headers (lower-cased names) and the raw body.
    package struct Response: Sendable {
        package var status: Int
        package var headers: [String: String]
        package var body: [UInt8]

        /// The body parsed as JSON.
        package func json() throws(JSONParseError) -> JSONValue {
            try JSONParser().parse(body)
        }
    }

    // MARK: Generic requests

    /// `GET path`, decoded as JSON.
    package func get(_ path: String) throws(KubeAPIError) -> JSONValue {
        try json(method: "GET", path: path, body: nil)
    }

    /// `POST path` with a JSON body (create), returning the created object.
    package func post(_ path: String, body: JSONValue) throws(KubeAPIError) -> JSONValue {
        try json(method: "POST", path: path, body: body)
    }

    /// `DELETE path`, optionally with `DeleteOptions` (`{"propagationPolicy":"Foreground"}`), returning
    /// the Status or the object being deleted.
    package func delete(_ path: String, body: JSONValue? = nil) throws(KubeAPIError) -> JSONValue {
        try json(method: "DELETE", path: path, body: body)
    }

    /// Any request with an optional JSON body (`PUT`, or `PATCH` with a patch content type). Throws for
    /// statuses outside 200–299, with the server's Status when it sent one.
    package func request(method: String, path: String, body: JSONValue? = nil, contentType: String = "application/json")
        throws(KubeAPIError) -> Response
    {
        let bytes = body.map { $0.serializedBytes() }
        let response = try authorized(method: method, path: path) { (token: String?) throws(KubeAPIError) -> Response in
            let response = try transport.perform(KubeTransport.Request(
                method: method, path: path, bearerToken: token, body: bytes, contentType: bytes == nil ? nil : contentType,
                timeout: requestTimeout))
            if response.status == 401 {
                throw KubeAPIError(kind: .status(code: 401, status: Self.status(in: response.body)), request: "\(method) \(path)")
            }
            return response
        }
        guard (200..<300).contains(response.status) else {
            throw KubeAPIError(kind: .status(code: response.status, status: Self.status(in: response.body)), request: "\(method) \(path)")
        }
        return response
    }

    /// Every item of a collection (`/api/v1/namespaces/NS/pods?labelSelector=…`), following
    /// `metadata.continue` pages of `pageSize`. Returns the items and the list's resource version.
    /// `resourceVersion` goes on the first page only ("0": any cached state is fine; `nil`: a
    /// consistent read); later pages are pinned by their continue token.
    package func list(_ path: String, pageSize: Int = 500, resourceVersion: String? = nil)
        throws(KubeAPIError) -> (items: [JSONValue], resourceVersion: String)
    {
        var items: [JSONValue] = []
        let listVersion = try list(path, pageSize: pageSize, resourceVersion: resourceVersion) { (page: [JSONValue]) throws(KubeAPIError) in
            items += page
        }
        return (items, listVersion)
    }

    /// ``list(_:pageSize:resourceVersion:)`` one page at a time: `onPage` receives each page's items as
    /// it arrives (and may throw to stop), so a caller that keeps only part of each item never holds
    /// more than one page of raw objects. Returns the list's resource version.
    package func list(_ path: String, pageSize: Int = 500, resourceVersion: String? = nil,
                     onPage: ([JSONValue]) throws(KubeAPIError) -> Void) throws(KubeAPIError) -> String
    {
        var continueToken: String?
        var listVersion = ""
        let separator = path.contains("?") ? "&" : "?"
        repeat {
            var query = [("limit", String(pageSize))]
            if let continueToken {
                query.append(("continue", continueToken))
            } else if let resourceVersion, !resourceVersion.isEmpty {
                query.append(("resourceVersion", resourceVersion))
            }
            let page = try get(path + separator + KubePath.queryString(query).dropFirst())
            switch page["items"] {
            case .array(let elements)?: try onPage(elements)
            case .null?, nil: break
            default:
                throw KubeAPIError(kind: .malformedResponse(detail: "a list response without an items array"), request: "GET \(path)")
            }
            listVersion = ResourceVersion.of(page) ?? ""
            continueToken = page["metadata"]?["continue"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        } while continueToken != nil
        return listVersion
    }

    /// Pods of a namespace matching a label selector (`app=lammps,job-name=run-1`).
    package func listPods(namespace: String, labelSelector: String) throws(KubeAPIError) -> [JSONValue] {
        try list(KubePath.pods(namespace: namespace, labelSelector: labelSelector)).items
    }

    // MARK: Streams

    /// Streams a watch (`path` with `watch=1`), calling `onEvent` for each event in order until the
    /// server ends the stream (returns normally), `onEvent` returns `false` or `cancellation` fires
    /// (returns normally), or the transfer fails (throws; a non-200 answer throws with its Status, so
    /// `isExpired` tells a 410).
    ///
    /// `idleTimeout` fails the watch when no byte arrives for that long: a connection that died without
    /// a FIN would otherwise hang forever. Set it above the watch's `timeoutSeconds`.
    package func watch(_ path: String, idleTimeout: Duration? = nil, cancellation: CancellationFlag? = nil, onEvent: (WatchEvent) -> Bool)
        throws(KubeAPIError)
    {
        var decoder = WatchEventDecoder()
        var decodeFailure: WatchStreamError?
        var stoppedByConsumer = false
        try stream(path: path, idleTimeout: idleTimeout, cancellation: cancellation) { bytes in
            let events: [WatchEvent]
            do throws(WatchStreamError) {
                events = try decoder.append(bytes)
            } catch {
                decodeFailure = error
                return false
            }
            for event in events where !onEvent(event) {
                stoppedByConsumer = true
                return false
            }
            return true
        }
        if let decodeFailure {
            throw KubeAPIError(kind: .malformedResponse(detail: decodeFailure.description), request: "GET \(path)")
        }
        // A body that ends inside an event was cut off (the server always finishes its events).
        if decoder.hasPartialEvent, !stoppedByConsumer, cancellation?.isCancelled != true {
            throw KubeAPIError(kind: .transport(detail: "the stream ended in the middle of an event"), request: "GET \(path)")
        }
    }

    /// Streams a container's log (`follow=true` keeps it open until the container exits), calling
    /// `onLine` with each line without its newline; a last line without a newline is delivered at the
    /// end. Return `false` from `onLine` to stop.
    package func streamLog(namespace: String, pod: String, container: String? = nil, follow: Bool = true,
                          cancellation: CancellationFlag? = nil, onLine: (String) -> Bool) throws(KubeAPIError) {
        var pending: [UInt8] = []
        var stopped = false
        let path = KubePath.podLog(namespace: namespace, pod: pod, container: container, follow: follow)
        try stream(path: path, idleTimeout: nil, cancellation: cancellation) { bytes in
            pending.append(contentsOf: bytes)
            while let newline = pending.firstIndex(of: 0x0A) {
                var line = pending[..<newline]
                if line.last == 0x0D { line = line.dropLast() }
                let text = String(decoding: line, as: UTF8.self)
                pending.removeSubrange(...newline)
                if !onLine(text) {
                    stopped = true
                    return false
                }
            }
            return true
        }
        if !stopped, !pending.isEmpty {
            _ = onLine(String(decoding: pending, as: UTF8.self))
        }
    }

    /// A streaming `GET`: `onData` receives body bytes as they arrive. Non-200 answers throw.
    private func stream(path: String, idleTimeout: Duration?, cancellation: CancellationFlag?, onData: ([UInt8]) -> Bool) throws(KubeAPIError) {
        try authorized(method: "GET", path: path) { (token: String?) throws(KubeAPIError) in
            let request = KubeTransport.Request(method: "GET", path: path, bearerToken: token, idleTimeout: idleTimeout)
            let result = try transport.stream(request, cancellation: cancellation, onData: onData)
            if result.status != 200 {
                // Error answers are small Status bodies, collected by the transport instead of streamed.
                throw KubeAPIError(kind: .status(code: result.status, status: Self.status(in: result.errorBody)), request: "GET \(path)")
            }
        }
    }

    // MARK: Authorization

    /// Runs `attempt` with the current token; after a 401 from a token source that can change, reads
    /// the token again and retries once.
    private func authorized<Result>(method: String, path: String, _ attempt: (String?) throws(KubeAPIError) -> Result) throws(KubeAPIError) -> Result {
        let first: String?
        do {
            first = try tokens?.token()
        } catch {
            throw KubeAPIError(kind: .credentials(detail: error.description), request: "\(method) \(path)")
        }
        do {
            return try attempt(first)
        } catch where error.httpStatus == 401 && tokens?.canRefresh == true {
            tokens?.invalidate()
            let second: String?
            do {
                second = try tokens?.token()
            } catch {
                throw KubeAPIError(kind: .credentials(detail: error.description), request: "\(method) \(path)")
            }
            logger.info("API server rejected the bearer token; retrying once with a freshly read token", metadata: [
                "request": "\(method) \(path)", "tokenChanged": "\(second != first)",
            ])
            return try attempt(second)
        }
    }

    private func json(method: String, path: String, body: JSONValue?) throws(KubeAPIError) -> JSONValue {
        let response = try request(method: method, path: path, body: body)
        do {
            return try response.json()
        } catch {
            throw KubeAPIError(kind: .malformedResponse(detail: error.description), request: "\(method) \(path)")
        }
    }

    static func status(in body: [UInt8]) -> KubeStatus? {
        (try? JSONParser().parse(body)).flatMap(KubeStatus.init)
    }

    /// `spec.cluster` of `KUBERNETES_EXEC_INFO` for plugins that set `provideClusterInfo`.
    private static func execClusterInfo(_ connection: KubeConnection) -> JSONValue {
        var cluster = JSONObject([("server", .string(connection.server))])
        if case .inline(let pem)? = connection.certificateAuthority {
            cluster["certificate-authority-data"] = .string(Data(pem).base64EncodedString())
        }
        if connection.insecureSkipTLSVerify { cluster["insecure-skip-tls-verify"] = true }
        return .object(cluster)
    }
}
