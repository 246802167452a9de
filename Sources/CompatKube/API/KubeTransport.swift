import CompatTransport
import Foundation
import Logging

/// The HTTP layer of ``KubeClient``: one ``CurlClient`` configured with the connection's trust and
/// client certificate, plus the API server's base URL and the headers every request carries.
struct KubeTransport: Sendable {
    let curl: CurlClient
    let baseURL: String

    struct Request {
        var method: String
        var path: String
        var bearerToken: String?
        var body: [UInt8]? = nil
        var contentType: String? = nil
        /// Whole-exchange deadline (non-streaming requests).
        var timeout: Duration? = nil
        /// Streams: the longest silence tolerated.
        var idleTimeout: Duration? = nil
    }

    struct StreamResult {
        var status: Int
        /// The body of a non-200 answer (a Status), which is collected rather than streamed.
        var errorBody: [UInt8]
    }

    /// Largest error body kept from a streaming request.
    private static let maxErrorBodyBytes = 64 << 10

    init(connection: KubeConnection, logger: Logger) throws(KubeConfigurationError) {
        guard connection.server.hasPrefix("https://") || connection.server.hasPrefix("http://") else {
            throw KubeConfigurationError("API server address '\(connection.server)' must start with https:// (or http:// for a local test server)")
        }
        if let name = connection.tlsServerName {
            throw KubeConfigurationError(
                "tls-server-name '\(name)' is not supported by this client; put a host name the API server certificate names into `server` instead")
        }
        let trust: CurlClient.TrustRoots
        if connection.insecureSkipTLSVerify {
            trust = .insecureSkipVerification
        } else {
            switch connection.certificateAuthority {
            case nil: trust = .system
            case .file(let path)?: trust = .caFile(path)
            case .inline(let pem)?: trust = .caPEM(String(decoding: pem, as: UTF8.self))
            }
        }
        var identity: CurlClient.ClientIdentity?
        switch (connection.clientCertificate, connection.clientKey) {
        case (.file(let certificate)?, .file(let key)?):
            identity = .files(certificate: certificate, key: key)
        case (let certificate?, let key?):
            identity = .pem(certificate: try Self.pemText(certificate), key: try Self.pemText(key))
        default:
            identity = nil
        }
        curl = CurlClient(configuration: CurlClient.Configuration(trust: trust, clientIdentity: identity, userAgent: "compat-kube"), logger: logger)
        baseURL = connection.server
    }

    func perform(_ request: Request) throws(KubeAPIError) -> KubeClient.Response {
        do {
            let response = try curl.send(httpRequest(request))
            var headers: [String: String] = [:]
            for field in response.headers { headers[field.name.lowercased()] = field.value }
            return KubeClient.Response(status: response.status, headers: headers, body: response.body)
        } catch {
            throw KubeAPIError(kind: .transport(detail: error.description), request: "\(request.method) \(request.path)")
        }
    }

    /// Streams the body of a 200 answer to `onData`; any other status has its (small) body collected.
    func stream(_ request: Request, cancellation: CancellationFlag?, onData: ([UInt8]) -> Bool) throws(KubeAPIError) -> StreamResult {
        var status = 0
        var errorBody: [UInt8] = []
        do {
            let outcome = try curl.stream(httpRequest(request), cancellation: cancellation, onHead: { head in
                status = head.status
                return true
            }, onChunk: { bytes in
                if status == 200 { return onData(bytes) }
                errorBody.append(contentsOf: bytes.prefix(Self.maxErrorBodyBytes - errorBody.count))
                return errorBody.count < Self.maxErrorBodyBytes
            })
            return StreamResult(status: outcome.head?.status ?? status, errorBody: errorBody)
        } catch {
            throw KubeAPIError(kind: .transport(detail: error.description), request: "\(request.method) \(request.path)")
        }
    }

    private func httpRequest(_ request: Request) -> HTTPClientRequest {
        var headers: HTTPHeaders = ["Accept": "application/json"]
        if let token = request.bearerToken { headers.set("Authorization", "Bearer \(token)") }
        if let contentType = request.contentType { headers.set("Content-Type", contentType) }
        return HTTPClientRequest(
            method: request.method, url: baseURL + request.path, headers: headers, body: request.body,
            timeout: request.timeout, idleTimeout: request.idleTimeout)
    }

    private static func pemText(_ source: PEMSource) throws(KubeConfigurationError) -> String {
        switch source {
        case .inline(let bytes):
            return String(decoding: bytes, as: UTF8.self)
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw KubeConfigurationError("client certificate or key file \(path) is missing or unreadable")
            }
            return String(decoding: data, as: UTF8.self)
        }
    }
}
