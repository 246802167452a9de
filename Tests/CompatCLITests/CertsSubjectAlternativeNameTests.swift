import Foundation
import Testing

/// `compat-webhook certs --san`: certificates for a webhook reached by address (127.0.0.1) or by a name other
/// than the Service's, checked with openssl and with curl, which verifies the name or address it dialled.
@Suite struct CertsSubjectAlternativeNameTests {
    private func scratch() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("compat-certs-san-\(UUID().uuidString)").path
    }

    private func subjectAlternativeNames(_ certificate: String) throws -> String {
        let shown = try ChildProcess.run("/usr/bin/openssl", ["x509", "-in", certificate, "-noout", "-ext", "subjectAltName"])
        try #require(shown.status == 0, "\(shown.stderr)")
        return shown.stdout.split(separator: "\n").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n")
    }

    @Test(.timeLimit(.minutes(1)))
    func sanOnlyCertificateServesALoopbackWebhookThatCurlTrustsBy127001() throws {
        let work = scratch()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let made = try CommandRunner.run("compat-webhook", ["certs", "--san", "127.0.0.1", "--san", "localhost", "--out", work])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try subjectAlternativeNames(work + "/tls.crt") == "DNS:localhost, IP Address:127.0.0.1")
        let verified = try ChildProcess.run("/usr/bin/openssl", ["verify", "-CAfile", work + "/ca.crt", work + "/tls.crt"])
        #expect(verified.stdout == work + "/tls.crt: OK\n", "\(verified.stderr)")
        // The caBundle printed is the CA file, base64.
        let printed = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Data(base64Encoded: printed) == (try Data(contentsOf: URL(fileURLWithPath: work + "/ca.crt"))))

        try FileManager.default.createDirectory(atPath: work + "/nodes", withIntermediateDirectories: true)
        let serve = try ChildProcess(CommandRunner.binDirectory.appendingPathComponent("compat-webhook"), [
            "serve", "--address", "127.0.0.1", "--port", "0", "--cert", work + "/tls.crt", "--key", work + "/tls.key",
            "--no-kube", "--node-features-dir", work + "/nodes", "--threads", "2",
        ])
        defer { serve.killIfRunning() }
        let log = JSONLog(serve)
        let listening = try #require(log.wait(timeout: 20, message: "http server listening"), "no listening line:\n\(log.text)")
        let port = try #require((listening["port"] as? String).flatMap { UInt16($0) })
        let health = try ChildProcess.run("/usr/bin/curl", ["-sS", "--max-time", "5", "--cacert", work + "/ca.crt", "https://127.0.0.1:\(port)/healthz"])
        #expect(health.status == 0, "\(health.stderr)")
        #expect(health.stdout == "ok\n")
        #expect(serve.terminatesCleanly(within: 30))
    }

    @Test func serviceNamesComeFirstAndExtraNamesAndAddressesFollow() throws {
        let work = scratch()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let made = try CommandRunner.run("compat-webhook", [
            "certs", "--service", "compat-webhook", "--namespace", "compat-system", "--san", "10.96.0.7", "--san", "webhook.lab.example",
            "--san", "::1", "--out", work,
        ])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try subjectAlternativeNames(work + "/tls.crt") == "DNS:compat-webhook.compat-system.svc, DNS:compat-webhook.compat-system.svc.cluster.local, "
            + "DNS:webhook.lab.example, IP Address:10.96.0.7, IP Address:0:0:0:0:0:0:0:1")
    }

    @Test func certsWithoutAnyNameIsAUsageErrorNamingBothWays() throws {
        let result = try CommandRunner.run("compat-webhook", ["certs", "--out", scratch()])
        #expect(result.status == 64)
        #expect(result.stderr.contains("name the certificate's host: --service and --namespace for a cluster, --san for a local webhook"))
    }

    @Test func serviceWithoutNamespaceIsAUsageError() throws {
        let result = try CommandRunner.run("compat-webhook", ["certs", "--service", "compat-webhook", "--san", "127.0.0.1", "--out", scratch()])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--service and --namespace go together"))
    }

    @Test func aSANThatIsNeitherANameNorAnAddressIsRefusedNamingIt() throws {
        let work = scratch()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let result = try CommandRunner.run("compat-webhook", ["certs", "--san", "web hook", "--out", work])
        #expect(result.status == 2)
        #expect(result.stderr.contains("'web hook' is not a DNS name"))
        #expect(!FileManager.default.fileExists(atPath: work + "/tls.key"))
    }
}
