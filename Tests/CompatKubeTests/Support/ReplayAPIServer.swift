@testable import CompatKube
import CompatTransport
import Foundation
import Logging

/// A loopback stand-in for kube-apiserver that replays the real wire format: `NodeList` pages with
/// continue tokens, chunked watch streams of `{"type":…,"object":…}` lines written in pieces that split
/// objects across chunks, BOOKMARK and ERROR events, `410 Gone` and `401 Unauthorized` Status bodies,
/// and streams that end in the middle of an event.
///
/// It runs on ``HTTPSServer`` on 127.0.0.1 with an ephemeral port, in plain HTTP or in TLS with a CA
/// generated for the run. What it answers is scripted through ``script``.
final class ReplayAPIServer: Sendable {
    let script = ReplayScript()
    /// `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`.
    let baseURL: String
    /// The CA that signed the TLS serving certificate (`nil` for plain HTTP).
    let certificateAuthorityPEM: String?
    private let server: HTTPSServer

    /// Pause between two pieces of a stream, so each piece leaves as its own HTTP chunk.
    static let pieceGap: Duration = .milliseconds(2)

    init(tls: Bool = false) throws {
        let security: HTTPSServer.Security
        if tls {
            let authority = try CertificateAuthority.generate(commonName: "replay-apiserver-ca")
            let serving = try authority.issueServingCertificate(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
            security = .tls(try TLSCertificateStore(certificatePEM: serving.certificatePEM, privateKeyPEM: serving.privateKeyPEM))
            certificateAuthorityPEM = authority.certificatePEM
        } else {
            security = .plainHTTP
            certificateAuthorityPEM = nil
        }
        let script = self.script
        server = try HTTPSServer(
            configuration: HTTPSServer.Configuration(bindAddress: "127.0.0.1", port: 0, security: security, threadPoolSize: 2),
            logger: Logger(label: "replay-apiserver", factory: { _ in SwiftLogNoOpLogHandler() })
        ) { request in
            Self.answer(request, script: script)
        }
        baseURL = (tls ? "https" : "http") + "://127.0.0.1:\(server.port)"
    }

    /// A connection to this server with the given credentials.
    func connection(bearerToken: BearerTokenSource? = nil) -> KubeConnection {
        KubeConnection(
            server: baseURL, certificateAuthority: certificateAuthorityPEM.map { .inline(Array($0.utf8)) }, bearerToken: bearerToken)
    }

    func stop() {
        script.releaseHeldStreams()
        server.stop(gracePeriod: .seconds(2))
    }

    private static func answer(_ request: HTTPServerRequest, script: ReplayScript) -> HTTPServerResponse {
        var query: [String: String] = [:]
        for item in request.query where query[item.name] == nil { query[item.name] = item.value }
        let recorded = ReplayScript.RecordedRequest(
            method: request.method, path: request.path, query: query, authorization: request.headers["Authorization"], body: request.body)
        switch script.reply(to: recorded) {
        case .json(let status, let body):
            return .json(status, Array(body.utf8))
        case .stream(let pieces):
            return HTTPServerResponse(status: 200, headers: ["Content-Type": "application/json"], body: .stream { writer in
                for piece in pieces {
                    switch piece {
                    case .bytes(let bytes):
                        guard writer.write(bytes), writer.waitWhileOpen(for: pieceGap) else { return }
                    case .hold:
                        let generation = script.releaseGeneration
                        while script.releaseGeneration == generation, writer.waitWhileOpen(for: .milliseconds(20)) {}
                    case .endMidEvent:
                        return
                    }
                }
            })
        }
    }
}
