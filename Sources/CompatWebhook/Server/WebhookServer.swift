import CompatTransport
import Foundation
import Logging
import Synchronization

/// The webhook's HTTPS endpoints on libmicrohttpd:
///
/// - `POST /mutate`: an AdmissionReview v1 (`Content-Type: application/json`, else 415; bodies over the
///   limit get 413 from the server; an unreadable body 400 with the reason). `?timeout=10s`, which the
///   API server appends, sets the request's time budget.
/// - `GET /healthz`: 200 while the process can answer (liveness never depends on the API server).
/// - `GET /readyz`: 200 only when every readiness check passes (certificate loaded and valid, node cache
///   synced), else 503 naming the first that fails; 503 once draining.
/// - `GET /metrics`: Prometheus text.
public final class WebhookServer: Sendable {
    public struct Configuration: Sendable {
        public var bindAddress: String
        public var port: UInt16
        /// Largest AdmissionReview accepted. The API server's request limit is 3 MiB, and a review
        /// carries the object once (twice on UPDATE).
        public var maxRequestBodyBytes: Int
        public var threadPoolSize: Int

        public init(bindAddress: String = "0.0.0.0", port: UInt16 = 8443, maxRequestBodyBytes: Int = 7 << 20,
                    threadPoolSize: Int = max(2, ProcessInfo.processInfo.activeProcessorCount)) {
            self.bindAddress = bindAddress
            self.port = port
            self.maxRequestBodyBytes = maxRequestBodyBytes
            self.threadPoolSize = threadPoolSize
        }
    }

    /// One readiness condition: `nil` when met, else why not.
    public struct ReadinessCheck: Sendable {
        public let name: String
        public let problem: @Sendable () -> String?

        public init(name: String, problem: @escaping @Sendable () -> String?) {
            self.name = name
            self.problem = problem
        }
    }

    public let http: HTTPSServer
    public let service: AdmissionService
    private let draining: DrainFlag

    /// Starts serving at once.
    /// - Parameters:
    ///   - readiness: checked in order on every `/readyz`.
    ///   - refreshMetrics: called before `/metrics` renders, to copy gauges (node cache, certificate) in.
    public init(
        configuration: Configuration, certificates: TLSCertificateStore, service: AdmissionService, readiness: [ReadinessCheck],
        refreshMetrics: @escaping @Sendable () -> Void = {}, logger: Logger
    ) throws(HTTPServerStartError) {
        self.service = service
        let draining = DrainFlag()
        self.draining = draining
        let metrics = service.metrics
        http = try HTTPSServer(
            configuration: .init(
                bindAddress: configuration.bindAddress, port: configuration.port, security: .tls(certificates),
                threadPoolSize: configuration.threadPoolSize, maxRequestBodyBytes: configuration.maxRequestBodyBytes
            ),
            logger: logger
        ) { request in
            let response = Self.route(request, service: service, readiness: readiness, draining: draining, refreshMetrics: refreshMetrics)
            if response.status >= 400 && request.path == "/mutate" { metrics.recordHTTPRejection(status: response.status) }
            return response
        }
    }

    public var port: UInt16 { http.port }

    /// Fails readiness from now on, so the Service stops routing here; requests are still answered.
    public func beginDraining() {
        draining.raise()
    }

    /// Drains (readiness fails), stops accepting, waits up to `gracePeriod` for requests in flight.
    public func stop(gracePeriod: Duration) {
        beginDraining()
        http.stop(gracePeriod: gracePeriod)
    }

    static func route(
        _ request: HTTPServerRequest, service: AdmissionService, readiness: [ReadinessCheck], draining: DrainFlag,
        refreshMetrics: @Sendable () -> Void
    ) -> HTTPServerResponse {
        switch (request.method, request.path) {
        case ("POST", "/mutate"):
            return mutate(request, service: service)
        case ("GET", "/healthz"):
            return .text(200, "ok\n")
        case ("GET", "/readyz"):
            if draining.isRaised { return .text(503, "not ready: shutting down\n") }
            for check in readiness {
                if let problem = check.problem() { return .text(503, "not ready: \(check.name): \(problem)\n") }
            }
            return .text(200, "ok\n")
        case ("GET", "/metrics"):
            refreshMetrics()
            return .bytes(200, Array(service.metrics.render(now: Date().timeIntervalSince1970).utf8),
                          contentType: "text/plain; version=0.0.4; charset=utf-8")
        case (_, "/mutate"), (_, "/healthz"), (_, "/readyz"), (_, "/metrics"):
            var response = HTTPServerResponse.text(405, "method \(request.method) is not allowed on \(request.path)\n")
            response.headers.add("Allow", request.path == "/mutate" ? "POST" : "GET")
            return response
        default:
            return .text(404, "no such endpoint \(request.path); the webhook serves POST /mutate\n")
        }
    }

    static func mutate(_ request: HTTPServerRequest, service: AdmissionService) -> HTTPServerResponse {
        let contentType = request.headers["Content-Type"] ?? ""
        guard Self.isJSON(contentType) else {
            return .text(415, "Content-Type must be application/json (an AdmissionReview), got '\(contentType)'\n")
        }
        let timeout = request.queryValue("timeout").flatMap(Self.parseGoDuration)
        switch service.answer(body: request.body, timeout: timeout) {
        case .review(let bytes, _):
            return .json(200, bytes)
        case .malformed(let message):
            return .text(400, message + "\n")
        }
    }

    /// Whether a Content-Type's media type (before any `;` parameters, spaces and case ignored) is
    /// `application/json`. Byte-wise: this runs on every admission.
    static func isJSON(_ contentType: String) -> Bool {
        let essence = Array(contentType.utf8.prefix { $0 != UInt8(ascii: ";") })
        let isBlank = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        guard let first = essence.firstIndex(where: { !isBlank($0) }), let last = essence.lastIndex(where: { !isBlank($0) }) else {
            return false
        }
        let lowered = essence[first...last].map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        return lowered.elementsEqual("application/json".utf8)
    }

    /// A Go duration as the API server formats `?timeout=` (`10s`, `1.5s`, `500ms`, `1m30s`); `nil` when
    /// it is not one, and the default budget applies.
    static func parseGoDuration(_ text: String) -> Duration? {
        var rest = Substring(text)
        var total = 0.0
        let units: [(String, Double)] = [("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600)]
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.0) && !(($0.0 == "m") && rest.hasPrefix("ms")) }) else { return nil }
            rest = rest.dropFirst(unit.0.count)
            total += value * unit.1
        }
        guard total > 0, total < 3600 else { return nil }
        return .seconds(total)
    }
}

/// Set once when shutdown begins; read by every `/readyz`.
final class DrainFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    func raise() { flag.store(true, ordering: .releasing) }
    var isRaised: Bool { flag.load(ordering: .acquiring) }
}
