@testable import CompatTransport
import Foundation
import Testing

@Suite struct CertificateAuthorityTests {
    @Test func servingCertificateVerifiesAgainstItsCAWithOpenSSL() throws {
        let pki = try TestPKI()
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let ca = try directory.write("ca.pem", pki.authority.certificatePEM)
        let server = try directory.write("server.pem", pki.server.certificatePEM)

        let verified = try run("/usr/bin/openssl", ["verify", "-CAfile", ca, "-purpose", "sslserver", "-verify_hostname", "localhost", server])
        #expect(verified.status == 0, "openssl verify said: \(verified.output)")
        #expect(verified.output.contains("server.pem: OK"))
    }

    @Test func servingCertificateCarriesSANsKeyUsageAndServerAuth() throws {
        let authority = try CertificateAuthority.generate(commonName: "webhook CA")
        let issued = try authority.issueServingCertificate(
            dnsNames: ["compat-webhook.compat.svc", "compat-webhook.compat.svc.cluster.local"], ipAddresses: ["127.0.0.1", "::1"]
        )
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let text = try run("/usr/bin/openssl", ["x509", "-noout", "-text", "-in", try directory.write("server.pem", issued.certificatePEM)]).output

        #expect(text.contains("DNS:compat-webhook.compat.svc, DNS:compat-webhook.compat.svc.cluster.local, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1"))
        #expect(text.contains("TLS Web Server Authentication"))
        #expect(text.contains("Digital Signature"))
        #expect(text.contains("CA:FALSE"))
        #expect(text.contains("ASN1 OID: prime256v1"))
        #expect(text.contains("Issuer: CN = webhook CA"))
        #expect(text.contains("Subject: CN = compat-webhook.compat.svc"))
    }

    @Test func certificateInfoReadsWhatWasIssued() throws {
        let authority = try CertificateAuthority.generate(commonName: "info CA")
        let issued = try authority.issueServingCertificate(dnsNames: ["a.example"], ipAddresses: ["10.0.0.1"], validity: .seconds(7 * 86_400))
        let info = issued.info

        #expect(info.dnsNames == ["a.example"])
        #expect(info.ipAddresses == ["10.0.0.1"])
        #expect(info.subjectCommonName == "a.example")
        #expect(info.issuerCommonName == "info CA")
        #expect(!info.isCertificateAuthority)
        #expect(authority.info.isCertificateAuthority)
        #expect(info.serialNumberHex.count == 32)
        #expect(info.sha256Fingerprint.count == 64)
        let lifetime = info.notAfter.timeIntervalSince(info.notBefore)
        #expect(lifetime == 7 * 86_400 + 300)
        #expect(try CertificateInfo(pem: issued.certificatePEM) == info)
    }

    @Test func fingerprintMatchesOpenSSLCommandLine() throws {
        let pki = try TestPKI()
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let output = try run("/usr/bin/openssl", ["x509", "-noout", "-fingerprint", "-sha256", "-in", try directory.write("s.pem", pki.server.certificatePEM)]).output
        let printed = output.split(separator: "=").last.map { $0.replacingOccurrences(of: ":", with: "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased() }
        #expect(printed == pki.server.info.sha256Fingerprint)
    }

    @Test func clientCertificateCarriesClientAuthAndOrganizations() throws {
        let authority = try CertificateAuthority.generate(commonName: "client CA")
        let issued = try authority.issueClientCertificate(commonName: "compat-webhook", organizations: ["system:masters"])
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = try directory.write("client.pem", issued.certificatePEM)
        let text = try run("/usr/bin/openssl", ["x509", "-noout", "-text", "-in", path]).output
        #expect(text.contains("TLS Web Client Authentication"))
        #expect(text.contains("Subject: CN = compat-webhook, O = system:masters"))
        let verified = try run("/usr/bin/openssl", ["verify", "-CAfile", try directory.write("ca.pem", authority.certificatePEM), "-purpose", "sslclient", path])
        #expect(verified.status == 0, "openssl verify said: \(verified.output)")
    }

    @Test func authorityReloadedFromPEMIssuesVerifiableCertificates() throws {
        let original = try CertificateAuthority.generate(commonName: "kept CA")
        let reloaded = try CertificateAuthority(certificatePEM: original.certificatePEM, privateKeyPEM: original.privateKeyPEM)
        let issued = try reloaded.issueServingCertificate(dnsNames: ["localhost"])
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let verified = try run("/usr/bin/openssl", [
            "verify", "-CAfile", try directory.write("ca.pem", original.certificatePEM), try directory.write("s.pem", issued.certificatePEM),
        ])
        #expect(verified.status == 0, "openssl verify said: \(verified.output)")
        #expect(reloaded.info == original.info)
    }

    @Test func authorityWithAnotherCAsKeyIsRefused() throws {
        let first = try CertificateAuthority.generate(commonName: "first")
        let second = try CertificateAuthority.generate(commonName: "second")
        #expect(throws: CertificateError.keyMismatch("the CA private key does not belong to the CA certificate")) {
            try CertificateAuthority(certificatePEM: first.certificatePEM, privateKeyPEM: second.privateKeyPEM)
        }
    }

    @Test func leafCertificateCannotActAsAuthority() throws {
        let pki = try TestPKI()
        #expect {
            try CertificateAuthority(certificatePEM: pki.server.certificatePEM, privateKeyPEM: pki.server.privateKeyPEM)
        } throws: { error in
            guard case CertificateError.notACertificateAuthority(let detail) = error else { return false }
            return detail.contains("localhost")
        }
    }

    @Test func namesThatCouldInjectExtraSANsAreRefused() throws {
        let authority = try CertificateAuthority.generate(commonName: "strict CA")
        #expect(throws: CertificateError.self) { try authority.issueServingCertificate(dnsNames: ["a.example,DNS:evil.example"]) }
        #expect(throws: CertificateError.self) { try authority.issueServingCertificate(dnsNames: ["good.example"], ipAddresses: ["300.1.1.1"]) }
        #expect(throws: CertificateError.self) { try authority.issueServingCertificate(dnsNames: []) }
    }

    @Test func garbageIsNotACertificate() {
        #expect {
            try CertificateInfo(pem: "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
        } throws: { error in
            guard case CertificateError.unreadablePEM(let detail) = error else { return false }
            return detail.contains("holds no PEM certificate")
        }
    }
}
