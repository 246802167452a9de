import CompatTransport
import Foundation
import Synchronization
import Testing

/// Transport failures come back typed, bounded in time, with messages that say what to check.
@Suite struct CurlClientFailureTests {
    @Test func silentServerTimesOut() throws {
        let listener = try SilentListener()
        let client = CurlClient(logger: quietLogger)
        #expect {
            try client.send(HTTPClientRequest(url: "http://127.0.0.1:\(listener.port)/", timeout: .seconds(1)))
        } throws: { error in
            guard let error = error as? TransportError else { return false }
            return error.kind == .timeout && error.curlCode == 28 && error.description.contains("timed out")
        }
    }

    @Test func silentStreamHitsItsIdleTimeout() throws {
        let listener = try SilentListener()
        #expect {
            try CurlClient(logger: quietLogger).streamLines(HTTPClientRequest(url: "http://127.0.0.1:\(listener.port)/watch", idleTimeout: .seconds(1))) { _ in true }
        } throws: { error in
            (error as? TransportError)?.kind == .timeout
        }
    }

    @Test func closedPortIsConnectionRefused() throws {
        let port = try refusedPort()
        #expect {
            try CurlClient(logger: quietLogger).send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/"))
        } throws: { error in
            guard let error = error as? TransportError else { return false }
            return error.kind == .connectionRefused && error.description.contains("listens on this host and port")
        }
    }

    @Test func httpsToAPlainServerIsAHandshakeFailure() throws {
        let server = try startPlainServer { _ in .text(200, "plain") }
        defer { server.stop() }
        #expect {
            try CurlClient(logger: quietLogger).send(HTTPClientRequest(url: "https://127.0.0.1:\(server.port)/"))
        } throws: { error in
            (error as? TransportError)?.kind == .tlsHandshakeFailed
        }
    }

    @Test func unsupportedSchemeIsRefusedBeforeAnyTraffic() {
        #expect {
            try CurlClient(logger: quietLogger).send(HTTPClientRequest(url: "file:///etc/passwd"))
        } throws: { error in
            (error as? TransportError)?.kind == .invalidRequest
        }
    }

    @Test func headerValueWithNewlineIsRefused() {
        #expect {
            try CurlClient(logger: quietLogger).send(HTTPClientRequest(url: "http://127.0.0.1:1/", headers: ["X-Bad": "a\r\nInjected: yes"]))
        } throws: { error in
            (error as? TransportError)?.kind == .invalidRequest
        }
    }

    @Test func responseLargerThanTheLimitIsRefused() throws {
        let server = try startPlainServer { _ in .bytes(200, [UInt8](repeating: 1, count: 10_000), contentType: "application/octet-stream") }
        defer { server.stop() }
        #expect {
            try CurlClient(logger: quietLogger).send(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/", maxResponseBytes: 4096))
        } throws: { error in
            (error as? TransportError)?.kind == .responseTooLarge
        }
    }

    @Test func redirectToAnotherHostDropsCredentials() throws {
        let seen = Mutex<[String]>([])
        let target = try startPlainServer { request in
            seen.withLock { $0.append(request.headers["Authorization"] ?? "none") }
            return .text(200, "landed")
        }
        defer { target.stop() }
        let targetPort = target.port
        let origin = try startPlainServer { request in
            seen.withLock { $0.append(request.headers["Authorization"] ?? "none") }
            return HTTPServerResponse(status: 307, headers: ["Location": "http://127.0.0.1:\(targetPort)/blob"])
        }
        defer { origin.stop() }
        let client = CurlClient(logger: quietLogger)

        let basic = try client.send(HTTPClientRequest(
            url: "http://127.0.0.1:\(origin.port)/v2/x/blobs/sha256:1", basicAuth: BasicCredentials(username: "u", password: "p")
        ))
        let bearer = try client.send(HTTPClientRequest(url: "http://127.0.0.1:\(origin.port)/v2/x/blobs/sha256:1", headers: ["Authorization": "Bearer secret"]))

        #expect(basic.bodyText == "landed")
        #expect(basic.url == "http://127.0.0.1:\(targetPort)/blob")
        #expect(bearer.bodyText == "landed")
        #expect(seen.withLock { $0 } == ["Basic dTpw", "none", "Bearer secret", "none"])
    }

    @Test func redirectFromHTTPSToHTTPIsRefused() throws {
        let plain = try startPlainServer { _ in .text(200, "downgraded") }
        defer { plain.stop() }
        let plainPort = plain.port
        let pki = try TestPKI()
        let secure = try startTLSServer(try pki.store()) { _ in
            HTTPServerResponse(status: 302, headers: ["Location": "http://127.0.0.1:\(plainPort)/"])
        }
        defer { secure.stop() }
        #expect {
            try pki.client().send(HTTPClientRequest(url: "https://localhost:\(secure.port)/"))
        } throws: { error in
            (error as? TransportError)?.kind == .redirectRefused
        }
    }
}
