import CompatCore
import CompatTransport
import Foundation
import Logging
import Synchronization
import Testing
@testable import CompatWebhook

/// A CA and a serving certificate for 127.0.0.1, generated per test.
struct TestPKI {
    let authority: CertificateAuthority
    let serving: IssuedCertificate

    init() throws {
        authority = try CertificateAuthority.generate(commonName: "compat-webhook test CA")
        serving = try authority.issueServingCertificate(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
    }

    func reissue() throws -> IssuedCertificate {
        try authority.issueServingCertificate(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
    }
}

/// A webhook started in-process on 127.0.0.1 with certificate files it wrote itself, and a libcurl
/// client that trusts only the test CA (as the API server trusts only the caBundle).
final class WebhookHarness {
    let pki: TestPKI
    let folder: TemporaryDirectory
    let runtime: WebhookRuntime
    let client: CurlClient

    var certificatePath: String { folder.path + "/tls.crt" }
    var keyPath: String { folder.path + "/tls.key" }

    /// - Parameter configure: adjusts the settings (node source, limits, registries) before start.
    init(configure: (inout WebhookSettings) -> Void = { _ in }, logger: Logger = quietLogger) throws {
        pki = try TestPKI()
        folder = try TemporaryDirectory()
        try folder.write("tls.crt", pki.serving.certificatePEM)
        try folder.write("tls.key", pki.serving.privateKeyPEM)
        try folder.write("node-features/eks.json", try String(contentsOfFile: TestPaths.nodeFeatures, encoding: .utf8))

        var settings = WebhookSettings(
            certificatePath: folder.path + "/tls.crt", privateKeyPath: folder.path + "/tls.key",
            server: .init(bindAddress: "127.0.0.1", port: 0, maxRequestBodyBytes: 1 << 20, threadPoolSize: 4)
        )
        settings.certificatePollInterval = .milliseconds(100)
        settings.nodeSource = .staticOnly
        settings.nodeFeaturesDirectory = folder.path + "/node-features"
        settings.fileArtifactRoots = [TestPaths.packageRoot, TestPaths.shared, NSTemporaryDirectory()]
        settings.modelsDirectory = TestPaths.models
        settings.fluxViews = try TestData.views()
        configure(&settings)
        do {
            runtime = try WebhookRuntime.start(settings, logger: logger)
        } catch {
            folder.cleanUp()
            throw error
        }
        client = Self.client(trusting: pki.authority)
    }

    static func client(trusting authority: CertificateAuthority) -> CurlClient {
        CurlClient(configuration: .init(trust: .caPEM(authority.certificatePEM), timeout: .seconds(20)), logger: quietLogger)
    }

    var base: String { "https://127.0.0.1:\(runtime.port)" }

    func get(_ path: String) throws -> HTTPClientResponse {
        try client.send(HTTPClientRequest(url: base + path))
    }

    func post(_ path: String = "/mutate?timeout=10s", body: [UInt8], contentType: String = "application/json") throws -> HTTPClientResponse {
        try client.send(HTTPClientRequest(method: "POST", url: base + path, headers: ["Content-Type": contentType], body: body))
    }

    /// Posts a review and checks the answer the way the API server does.
    func admit(_ review: ReviewFixture) throws -> AnsweredReview {
        let response = try post(body: review.bytes)
        #expect(response.status == 200, "\(response.bodyText)")
        #expect(response.headers["Content-Type"] == "application/json")
        return try AnsweredReview(responseBytes: response.body, request: review)
    }

    func stop() {
        runtime.shutdown(gracePeriod: .seconds(2))
        folder.cleanUp()
    }
}

/// Waits (bounded) until `condition` holds; false when the limit passed first.
func eventually(within limit: Duration = .seconds(10), _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.02)
    }
    return try condition()
}
