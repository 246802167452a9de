import CompatCore
import CompatRegistry
import CompatTransport
import Foundation
import Synchronization

/// Collects values from server handler threads.
final class Recorder<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])

    func append(_ value: Value) { values.withLock { $0.append(value) } }

    var all: [Value] { values.withLock { $0 } }
}

/// A minimal registry on ``HTTPSServer`` (plain HTTP) serving one artifact, guarded by bearer tokens
/// from a separate token server or by basic authentication, as registries with token auth (Docker
/// Hub, GHCR, Harbor) do. It records the `Authorization` headers it and the token server received.
final class FakeRegistry {
    enum Guard: Sendable {
        /// Tokens from the token server, which wants these basic credentials (or none: anonymous).
        case bearer(tokenServerCredentials: BasicCredentials?)
        case basic(BasicCredentials)
    }

    static let repository = "hpc/app"
    static let tag = "compat"

    let layerBytes: [UInt8]
    private let registry: HTTPSServer
    private let tokenServer: HTTPSServer
    /// `Authorization` headers the registry saw, in order ("" when absent).
    let registrySaw = Recorder<String>()
    /// `query|Authorization` of each token request.
    let tokenServerSaw = Recorder<String>()

    var host: String { "127.0.0.1:\(registry.port)" }

    func reference() throws -> ImageReference { try ImageReference.parse("\(host)/\(Self.repository):\(Self.tag)") }

    init(guard mode: Guard, layerBytes: [UInt8] = Array(#"{"compatibilities":[]}"#.utf8)) throws {
        self.layerBytes = layerBytes
        let token = "token-\(UUID().uuidString)"
        let tokenLog = tokenServerSaw
        tokenServer = try HTTPSServer(configuration: .init(security: .plainHTTP), logger: quietLogger) { request in
            let authorization = request.headers["Authorization"] ?? ""
            tokenLog.append(request.query.map { "\($0.name)=\($0.value)" }.joined(separator: "&") + "|" + authorization)
            if case .bearer(let wanted?) = mode, authorization != Self.basicHeader(wanted) {
                return .json(401, Array(#"{"details":"incorrect username or password"}"#.utf8))
            }
            return .json(200, Array(#"{"token":"\#(token)","expires_in":300}"#.utf8))
        }
        let challenge: String
        switch mode {
        case .bearer:
            challenge = #"Bearer realm="http://127.0.0.1:\#(tokenServer.port)/token",service="fake-registry",scope="repository:\#(Self.repository):pull""#
        case .basic:
            challenge = #"Basic realm="fake-registry""#
        }
        let manifest = OCIManifest(
            artifactType: CompatibilityMediaType.ociCompatibilities,
            config: OCIDescriptor.of(Array("{}".utf8), mediaType: OCIMediaType.emptyJSON),
            layers: [OCIDescriptor.of(layerBytes, mediaType: CompatibilityMediaType.ociCompatibilities)]
        ).encoded()
        let registryLog = registrySaw
        registry = try HTTPSServer(configuration: .init(security: .plainHTTP), logger: quietLogger) { request in
            let authorization = request.headers["Authorization"] ?? ""
            registryLog.append(authorization)
            let allowed: Bool
            switch mode {
            case .bearer: allowed = authorization == "Bearer \(token)"
            case .basic(let credentials): allowed = authorization == Self.basicHeader(credentials)
            }
            guard allowed else {
                return HTTPServerResponse(
                    status: 401, headers: ["WWW-Authenticate": challenge, "Content-Type": "application/json"],
                    body: .bytes(Array(#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#.utf8))
                )
            }
            switch request.path {
            case "/v2/\(Self.repository)/manifests/\(Self.tag)":
                return .bytes(200, manifest, contentType: OCIMediaType.imageManifest)
            case "/v2/\(Self.repository)/blobs/\(Digest.sha256(layerBytes))":
                return .bytes(200, layerBytes, contentType: "application/octet-stream")
            default:
                return .json(404, Array(#"{"errors":[{"code":"NOT_FOUND","message":"unknown"}]}"#.utf8))
            }
        }
    }

    static func basicHeader(_ credentials: BasicCredentials) -> String {
        "Basic " + Data("\(credentials.username):\(credentials.password)".utf8).base64EncodedString()
    }

    func stop() {
        registry.stop()
        tokenServer.stop()
    }
}
