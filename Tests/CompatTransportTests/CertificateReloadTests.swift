import CompatTransport
import Foundation
import Logging
import Testing

/// Serving certificates replaced while the server runs: new connections get the new certificate,
/// a broken replacement leaves the old one in place.
@Suite struct CertificateReloadTests {
    /// The leaf certificate a brand-new client connection is served (a new client has no pooled
    /// connection and no TLS session to resume).
    static func servedCertificate(port: UInt16, trusting authority: CertificateAuthority) throws -> CertificateInfo {
        let client = CurlClient(configuration: .init(trust: .caPEM(authority.certificatePEM)), logger: quietLogger)
        let response = try client.send(HTTPClientRequest(url: "https://localhost:\(port)/", captureServerCertificates: true))
        #expect(response.status == 200)
        guard let leaf = response.serverCertificatesPEM.first else { throw CertificateError.unreadablePEM("no certificate captured") }
        return try CertificateInfo(pem: leaf)
    }

    struct Fixture {
        let directory: TemporaryDirectory
        let authority: CertificateAuthority
        let first: IssuedCertificate
        let certificatePath: String
        let keyPath: String

        init() throws {
            directory = try TemporaryDirectory()
            authority = try CertificateAuthority.generate(commonName: "reload CA")
            first = try authority.issueServingCertificate(dnsNames: ["localhost"])
            certificatePath = try directory.write("tls.crt", first.certificatePEM)
            keyPath = try directory.write("tls.key", first.privateKeyPEM)
        }

        func install(_ issued: IssuedCertificate) throws {
            try directory.write("tls.crt", issued.certificatePEM)
            try directory.write("tls.key", issued.privateKeyPEM)
        }
    }

    @Test func replacedFilesAreServedToNewConnectionsWithoutRestart() throws {
        let fixture = try Fixture()
        defer { fixture.directory.cleanUp() }
        let reloader = try CertificateReloader(certificatePath: fixture.certificatePath, privateKeyPath: fixture.keyPath, logger: quietLogger)
        let server = try startTLSServer(reloader.store) { _ in .text(200, "ok") }
        defer { server.stop() }
        let before = try Self.servedCertificate(port: server.port, trusting: fixture.authority)
        #expect(before.serialNumberHex == fixture.first.info.serialNumberHex)
        let keptAlive = CurlClient(configuration: .init(trust: .caPEM(fixture.authority.certificatePEM)), logger: quietLogger)
        #expect(try keptAlive.send(HTTPClientRequest(url: "https://localhost:\(server.port)/")).status == 200)

        let second = try fixture.authority.issueServingCertificate(dnsNames: ["localhost"])
        try fixture.install(second)
        #expect(reloader.checkNow() == .reloaded(second.info))
        #expect(reloader.checkNow() == .unchanged)

        let after = try Self.servedCertificate(port: server.port, trusting: fixture.authority)
        #expect(after.serialNumberHex == second.info.serialNumberHex)
        #expect(after.sha256Fingerprint == second.info.sha256Fingerprint)
        #expect(reloader.store.generation == 2)
        // A client that connected before the reload keeps working.
        #expect(try keptAlive.send(HTTPClientRequest(url: "https://localhost:\(server.port)/")).status == 200)
    }

    @Test func brokenReplacementKeepsTheOldCertificateAndLogsOnce() throws {
        let fixture = try Fixture()
        defer { fixture.directory.cleanUp() }
        let log = LogRecorder()
        let reloader = try CertificateReloader(certificatePath: fixture.certificatePath, privateKeyPath: fixture.keyPath, logger: log.logger)
        let server = try startTLSServer(reloader.store) { _ in .text(200, "ok") }
        defer { server.stop() }

        try fixture.directory.write("tls.crt", "-----BEGIN CERTIFICATE-----\ntruncated\n")
        guard case .rejected(let reason) = reloader.checkNow() else {
            Issue.record("a truncated certificate was not rejected")
            return
        }
        #expect(reason.contains("unreadable"))
        #expect(reloader.checkNow() == .unchanged)
        #expect(try Self.servedCertificate(port: server.port, trusting: fixture.authority).serialNumberHex == fixture.first.info.serialNumberHex)
        let errors = log.recorded.filter { $0.level == .error }
        #expect(errors.count == 1)
        #expect(errors.first?.metadata["servedSerial"] == "\(fixture.first.info.serialNumberHex)")
    }

    @Test func keyThatDoesNotMatchTheCertificateIsRefused() throws {
        let fixture = try Fixture()
        defer { fixture.directory.cleanUp() }
        let reloader = try CertificateReloader(certificatePath: fixture.certificatePath, privateKeyPath: fixture.keyPath, logger: quietLogger)
        let server = try startTLSServer(reloader.store) { _ in .text(200, "ok") }
        defer { server.stop() }

        // The certificate is rotated but the key file still holds the old key (a half-updated mount).
        let second = try fixture.authority.issueServingCertificate(dnsNames: ["localhost"])
        try fixture.directory.write("tls.crt", second.certificatePEM)
        guard case .rejected(let reason) = reloader.checkNow() else {
            Issue.record("a mismatched key was not rejected")
            return
        }
        #expect(reason.contains("does not belong to the certificate"))
        #expect(try Self.servedCertificate(port: server.port, trusting: fixture.authority).serialNumberHex == fixture.first.info.serialNumberHex)

        // Once the key arrives too, the pair is installed.
        try fixture.directory.write("tls.key", second.privateKeyPEM)
        #expect(reloader.checkNow() == .reloaded(second.info))
        #expect(try Self.servedCertificate(port: server.port, trusting: fixture.authority).serialNumberHex == second.info.serialNumberHex)
    }

    @Test func backgroundPollingPicksUpARotation() throws {
        let fixture = try Fixture()
        defer { fixture.directory.cleanUp() }
        let reloader = try CertificateReloader(
            certificatePath: fixture.certificatePath, privateKeyPath: fixture.keyPath, pollInterval: .milliseconds(20), logger: quietLogger
        )
        reloader.start()
        defer { reloader.stop() }
        let second = try fixture.authority.issueServingCertificate(dnsNames: ["localhost"])
        try fixture.install(second)

        #expect(eventually { reloader.store.certificate.serialNumberHex == second.info.serialNumberHex })
    }

    @Test func vanishedKeyFileKeepsServingAndIsLoggedOnce() throws {
        let fixture = try Fixture()
        defer { fixture.directory.cleanUp() }
        let log = LogRecorder()
        let reloader = try CertificateReloader(certificatePath: fixture.certificatePath, privateKeyPath: fixture.keyPath, logger: log.logger)
        try FileManager.default.removeItem(atPath: fixture.keyPath)

        for _ in 0..<3 {
            guard case .unreadable(let reason) = reloader.checkNow() else {
                Issue.record("a missing key file was not reported")
                return
            }
            #expect(reason.contains(fixture.keyPath))
        }
        #expect(log.recorded.filter { $0.level == .error }.count == 1)
        #expect(reloader.store.certificate.serialNumberHex == fixture.first.info.serialNumberHex)
    }

    @Test func missingFilesFailAtStartWithThePath() throws {
        #expect {
            try CertificateReloader(certificatePath: "/nonexistent/tls.crt", privateKeyPath: "/nonexistent/tls.key", logger: quietLogger)
        } throws: { error in
            (error as? TLSCertificateError).map { "\($0)".contains("/nonexistent/tls.crt") } ?? false
        }
    }

    @Test func twoServersInOneProcessServeTheirOwnCertificates() throws {
        let one = try TestPKI()
        let two = try TestPKI()
        let first = try startTLSServer(try one.store()) { _ in .text(200, "one") }
        defer { first.stop() }
        let second = try startTLSServer(try two.store()) { _ in .text(200, "two") }
        defer { second.stop() }

        #expect(try Self.servedCertificate(port: first.port, trusting: one.authority).serialNumberHex == one.server.info.serialNumberHex)
        #expect(try Self.servedCertificate(port: second.port, trusting: two.authority).serialNumberHex == two.server.info.serialNumberHex)
    }
}
