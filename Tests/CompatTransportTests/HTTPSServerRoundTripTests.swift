import CompatTransport
import Foundation
import Testing

/// A real TLS server on an ephemeral loopback port, talked to by the curl client.
@Suite struct HTTPSServerRoundTripTests {
    /// Echoes what it received as `METHOD path?query|header|body`.
    static let echo: @Sendable (HTTPServerRequest) -> HTTPServerResponse = { request in
        let query = request.query.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        let marker = request.headers["x-compat-test"] ?? "-"
        let text = "\(request.method) \(request.path)?\(query)|\(marker)|" + String(decoding: request.body, as: UTF8.self)
        var response = HTTPServerResponse.text(200, text)
        response.headers.add("X-Echo-Length", "\(request.body.count)")
        return response
    }

    @Test func getRoundTripCarriesPathQueryAndHeaders() throws {
        let pki = try TestPKI()
        let server = try startTLSServer(try pki.store(), handler: Self.echo)
        defer { server.stop() }

        let response = try pki.client().send(HTTPClientRequest(
            url: "https://localhost:\(server.port)/v1/items?name=a%20b&x=1", headers: ["X-Compat-Test": "yes"]
        ))
        #expect(response.status == 200)
        #expect(response.bodyText == "GET /v1/items?name=a b&x=1|yes|")
        #expect(response.headers["content-type"] == "text/plain; charset=utf-8")
        #expect(response.headers["X-ECHO-LENGTH"] == "0")
    }

    @Test func postBodyArrivesByteIdentical() throws {
        let pki = try TestPKI()
        let server = try startTLSServer(try pki.store()) { request in
            .bytes(201, request.body, contentType: "application/octet-stream")
        }
        defer { server.stop() }
        let body = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }

        let response = try pki.client().send(HTTPClientRequest(
            method: "POST", url: "https://127.0.0.1:\(server.port)/upload", headers: ["Content-Type": "application/octet-stream"], body: body
        ))
        #expect(response.status == 201)
        #expect(response.body == body)
    }

    @Test func putAndDeleteUseTheirMethods() throws {
        let pki = try TestPKI()
        let server = try startTLSServer(try pki.store(), handler: Self.echo)
        defer { server.stop() }
        let client = pki.client()

        #expect(try client.send(HTTPClientRequest(method: "PUT", url: "https://localhost:\(server.port)/p", body: Array("x".utf8))).bodyText == "PUT /p?|-|x")
        #expect(try client.send(HTTPClientRequest(method: "DELETE", url: "https://localhost:\(server.port)/d")).bodyText == "DELETE /d?|-|")
        let head = try client.send(HTTPClientRequest(method: "HEAD", url: "https://localhost:\(server.port)/h"))
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
    }

    @Test func oversizedBodyIsAnswered413() throws {
        let pki = try TestPKI()
        let server = try startTLSServer(try pki.store(), maxBody: 1024, handler: Self.echo)
        defer { server.stop() }
        let client = pki.client()

        let refused = try client.send(HTTPClientRequest(method: "POST", url: "https://localhost:\(server.port)/big", body: [UInt8](repeating: 7, count: 1025)))
        #expect(refused.status == 413)
        #expect(refused.bodyText.contains("larger than 1024 bytes"))

        let accepted = try client.send(HTTPClientRequest(method: "POST", url: "https://localhost:\(server.port)/ok", body: [UInt8](repeating: 7, count: 1024)))
        #expect(accepted.status == 200)
        #expect(accepted.headers["X-Echo-Length"] == "1024")
    }

    @Test func plainHTTPOnTheTLSPortFailsWithoutHurtingTheServer() throws {
        let pki = try TestPKI()
        let server = try startTLSServer(try pki.store(), handler: Self.echo)
        defer { server.stop() }

        #expect {
            try CurlClient(logger: quietLogger).send(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/", timeout: .seconds(5)))
        } throws: { error in
            (error as? TransportError)?.kind == .connectionClosed
        }
        #expect(try pki.client().send(HTTPClientRequest(url: "https://localhost:\(server.port)/after")).status == 200)
    }

    @Test func serverCertificateFromAnotherCAIsATypedVerificationError() throws {
        let pki = try TestPKI()
        let server = try startTLSServer(try pki.store(), handler: Self.echo)
        defer { server.stop() }
        let stranger = try CertificateAuthority.generate(commonName: "some other CA")
        let client = CurlClient(configuration: .init(trust: .caPEM(stranger.certificatePEM)), logger: quietLogger)

        #expect {
            try client.send(HTTPClientRequest(url: "https://localhost:\(server.port)/"))
        } throws: { error in
            guard let error = error as? TransportError else { return false }
            return error.kind == .tlsVerificationFailed && error.curlCode == 60
                && error.description.contains("CA bundle contains the CA that issued the server certificate")
        }
    }

    @Test func hostMissingFromSANsIsAVerificationError() throws {
        let authority = try CertificateAuthority.generate(commonName: "CA")
        let issued = try authority.issueServingCertificate(dnsNames: ["webhook.compat.svc"])
        let server = try startTLSServer(try TLSCertificateStore(certificatePEM: issued.certificatePEM, privateKeyPEM: issued.privateKeyPEM), handler: Self.echo)
        defer { server.stop() }
        let client = CurlClient(configuration: .init(trust: .caPEM(authority.certificatePEM)), logger: quietLogger)

        #expect {
            try client.send(HTTPClientRequest(url: "https://127.0.0.1:\(server.port)/"))
        } throws: { error in
            (error as? TransportError)?.kind == .tlsVerificationFailed
        }
    }

    @Test func caFileTrustWorksLikeInMemoryPEM() throws {
        let pki = try TestPKI()
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let server = try startTLSServer(try pki.store(), handler: Self.echo)
        defer { server.stop() }
        let client = CurlClient(configuration: .init(trust: .caFile(try directory.write("ca.crt", pki.authority.certificatePEM))), logger: quietLogger)

        #expect(try client.send(HTTPClientRequest(url: "https://localhost:\(server.port)/file")).status == 200)
    }

    @Test func negotiatesOnlyTLS12OrNewerWithAEADCiphers() throws {
        let pki = try TestPKI()
        let server = try startTLSServer(try pki.store(), handler: Self.echo)
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ca = try directory.write("ca.pem", pki.authority.certificatePEM)
        let target = "127.0.0.1:\(server.port)"

        let tls11 = try run("/usr/bin/openssl", ["s_client", "-connect", target, "-tls1_1", "-CAfile", ca, "-brief"], input: "")
        #expect(tls11.status != 0)
        let cbc = try run("/usr/bin/openssl", ["s_client", "-connect", target, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA", "-CAfile", ca, "-brief"], input: "")
        #expect(cbc.status != 0)
        let gcm = try run("/usr/bin/openssl", ["s_client", "-connect", target, "-tls1_2", "-CAfile", ca, "-brief"], input: "")
        #expect(gcm.output.contains("Ciphersuite: ECDHE-ECDSA-AES256-GCM-SHA384") || gcm.output.contains("Ciphersuite: ECDHE-ECDSA-CHACHA20-POLY1305"))
        #expect(gcm.output.contains("Verification: OK"))
    }

    @Test func plainHTTPModeServesWithoutTLS() throws {
        let server = try startPlainServer(handler: Self.echo)
        defer { server.stop() }
        let response = try CurlClient(logger: quietLogger).send(HTTPClientRequest(method: "POST", url: "http://127.0.0.1:\(server.port)/plain", body: Array("hi".utf8)))
        #expect(response.bodyText == "POST /plain?|-|hi")
    }

    @Test func keepAliveConnectionsServeManySequentialRequests() throws {
        let server = try startPlainServer(handler: Self.echo)
        defer { server.stop() }
        let client = CurlClient(logger: quietLogger)
        let bodies = try (0..<50).map { i in
            try client.send(HTTPClientRequest(method: "POST", url: "http://127.0.0.1:\(server.port)/n", body: Array("\(i)".utf8))).bodyText
        }
        #expect(bodies == (0..<50).map { "POST /n?|-|\($0)" })
    }

    @Test func stopWaitsForARequestInFlight() throws {
        let release = DispatchSemaphore(value: 0)
        let server = try startPlainServer { _ in
            release.wait()
            return .text(200, "finished")
        }
        let port = server.port
        let result = ResultBox()
        let requester = Thread {
            result.set(Result { try CurlClient(logger: quietLogger).send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/slow")).bodyText })
        }
        requester.start()
        #expect(eventually { server.requestsInFlight == 1 })
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { release.signal() }
        server.stop(gracePeriod: .seconds(10))
        #expect(eventually { result.get() != nil })
        #expect(try result.get()?.get() == "finished")
    }
}

/// A thread-safe slot for a result produced on another thread.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Result<String, any Error>?

    func set(_ result: Result<String, any Error>) { lock.withLock { value = result } }

    func get() -> Result<String, any Error>? { lock.withLock { value } }
}
