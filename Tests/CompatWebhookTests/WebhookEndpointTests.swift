import CompatAdmission
import CompatCore
import CompatTransport
import Foundation
import Testing
@testable import CompatWebhook

/// The HTTPS endpoints of a webhook started on 127.0.0.1, called with libcurl as the API server would.
@Suite(.serialized) struct WebhookEndpointTests {
    static let catalogRef = "file://" + TestPaths.lammpsCatalog

    @Test func podAndMiniClusterReviewsAreAnsweredWithPatchesThatApply() throws {
        let harness = try WebhookHarness()
        defer { harness.stop() }
        var pod = try ReviewFixture("pod-create-init-and-app-containers.json")
        try pod.annotate("oci.image.compatibilities.selection/image-ref", Self.catalogRef)
        let podAnswer = try harness.admit(pod)
        let image = try #require(try podAnswer.string("/spec/containers/0/image"))
        #expect(image.hasPrefix("ghcr.io/rse-ops/lammps-matrix:") && image.hasSuffix("-arm64"))

        var miniCluster = try ReviewFixture("minicluster-create-with-flux-view.json")
        try miniCluster.annotate("oci.image.compatibilities.selection/image-ref", Self.catalogRef)
        let clusterAnswer = try harness.admit(miniCluster)
        #expect(try clusterAnswer.string("/spec/containers/0/image")?.hasSuffix("-amd64") == true)
        #expect(try clusterAnswer.string("/spec/flux/container/image") != "ghcr.io/converged-computing/flux-view-ubuntu:tag-noble")
    }

    @Test func malformedJSONIs400WithTheReason() throws {
        let harness = try WebhookHarness()
        defer { harness.stop() }
        let response = try harness.post(body: Array("{\"apiVersion\": ".utf8))
        #expect(response.status == 400)
        #expect(response.bodyText.hasPrefix("not an admission.k8s.io/v1 AdmissionReview"))
        let notAReview = try harness.post(body: Array("{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}".utf8))
        #expect(notAReview.status == 400)
    }

    @Test func wrongContentTypeIs415() throws {
        let harness = try WebhookHarness()
        defer { harness.stop() }
        let response = try harness.post(body: try ReviewFixture("pod-create-not-enabled.json").bytes, contentType: "text/plain")
        #expect(response.status == 415)
        #expect(response.bodyText.contains("application/json"))
    }

    /// The limit is small here so the whole body sits in the socket buffers: the server answers 413 as
    /// soon as it reads the Content-Length, and a body still being sent would reset the connection.
    @Test func oversizedBodyIs413() throws {
        let harness = try WebhookHarness { $0.server.maxRequestBodyBytes = 16 << 10 }
        defer { harness.stop() }
        let review = try ReviewFixture("pod-create-not-enabled.json").bytes
        let padded = review + Array(repeating: UInt8(ascii: " "), count: (16 << 10) + 1 - review.count)
        #expect(try harness.post(body: padded).status == 413)
        #expect(try harness.post(body: Array(padded.dropLast())).status == 200)
    }

    @Test func unknownPathsAndMethodsAreRefused() throws {
        let harness = try WebhookHarness()
        defer { harness.stop() }
        #expect(try harness.get("/validate").status == 404)
        let wrongMethod = try harness.get("/mutate")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.headers["Allow"] == "POST")
    }

    @Test func metricsCountAdmissionsByKindAndOutcome() throws {
        let harness = try WebhookHarness()
        defer { harness.stop() }
        _ = try harness.admit(try ReviewFixture("pod-create-not-enabled.json"))
        _ = try harness.admit(try ReviewFixture("pod-create-not-enabled.json"))
        _ = try harness.admit(try ReviewFixture("pod-create-missing-image-ref.json"))
        _ = try harness.post(body: Array("[]".utf8), contentType: "application/xml")
        let metrics = try harness.get("/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.headers["Content-Type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = metrics.bodyText
        #expect(text.contains("compat_admission_requests_total{kind=\"Pod\",outcome=\"allowed_unchanged\"} 2\n"))
        #expect(text.contains("compat_admission_requests_total{kind=\"Pod\",outcome=\"denied\"} 1\n"))
        #expect(text.contains("compat_http_rejections_total{code=\"415\"} 1\n"))
        #expect(text.contains("compat_node_cache_nodes 25\n"))
        #expect(text.contains("compat_tls_certificate_not_after_timestamp_seconds \(Int64(harness.pki.serving.info.notAfter.timeIntervalSince1970))\n"))
    }

    @Test func healthAndReadinessWithStaticFeatures() throws {
        let harness = try WebhookHarness()
        defer { harness.stop() }
        #expect(try harness.get("/healthz").status == 200)
        #expect(try harness.get("/readyz").status == 200)
        harness.runtime.server.beginDraining()
        let draining = try harness.get("/readyz")
        #expect(draining.status == 503)
        #expect(draining.bodyText == "not ready: shutting down\n")
        // Draining stops readiness, not answers.
        #expect(try harness.post(body: try ReviewFixture("pod-create-not-enabled.json").bytes).status == 200)
    }

    /// With a live node source, readiness waits for the first node list.
    @Test func readinessWaitsForTheNodeCacheToSync() throws {
        let folder = try TemporaryDirectory()
        defer { folder.cleanUp() }
        let api = try GatedAPIServer(nodes: Array(try TestData.labelSets().prefix(3)), folder: folder)
        defer { api.stop() }
        let harness = try WebhookHarness { settings in
            settings.nodeSource = .kubernetes(kubeconfig: api.kubeconfigPath, context: nil)
            settings.nodeFeaturesDirectory = nil
        }
        defer { harness.stop() }
        let before = try harness.get("/readyz")
        #expect(before.status == 503)
        #expect(before.bodyText.contains("node cache: the first list of nodes from the API server has not completed"))
        #expect(try harness.get("/healthz").status == 200)
        api.release()
        #expect(try eventually { try harness.get("/readyz").status == 200 })
        #expect(harness.runtime.nodeCache.snapshot.liveNodeCount == 3)
    }

    /// A rotated certificate is served on the next connection, without a restart; connections already
    /// open keep working.
    @Test func replacedCertificateIsServedOnANewConnection() throws {
        let harness = try WebhookHarness()
        defer { harness.stop() }
        let request = HTTPClientRequest(url: harness.base + "/healthz", captureServerCertificates: true)
        let first = try harness.client.send(request)
        #expect(try CertificateInfo(pem: try #require(first.serverCertificatesPEM.first)).serialNumberHex == harness.pki.serving.info.serialNumberHex)

        let renewed = try harness.pki.reissue()
        try harness.folder.write("tls.key", renewed.privateKeyPEM)
        try harness.folder.write("tls.crt", renewed.certificatePEM)
        #expect(eventually { harness.runtime.certificates?.store.certificate.serialNumberHex == renewed.info.serialNumberHex })
        let fresh = WebhookHarness.client(trusting: harness.pki.authority)
        let second = try fresh.send(request)
        #expect(try CertificateInfo(pem: try #require(second.serverCertificatesPEM.first)).serialNumberHex == renewed.info.serialNumberHex)
        #expect(try harness.client.send(HTTPClientRequest(url: harness.base + "/healthz")).status == 200)
    }

    @Test func apiServerTimeoutParameterIsAcceptedInGoSyntax() {
        #expect(WebhookServer.parseGoDuration("10s") == .seconds(10))
        #expect(WebhookServer.parseGoDuration("1m30s") == .seconds(90))
        #expect(WebhookServer.parseGoDuration("1.5s") == .milliseconds(1500))
        #expect(WebhookServer.parseGoDuration("500ms") == .milliseconds(500))
        #expect(WebhookServer.parseGoDuration("ten") == nil)
        #expect(WebhookServer.parseGoDuration("0s") == nil)
        #expect(AdmissionService.fetchMargin(for: .seconds(10)) == .seconds(1))
        #expect(AdmissionService.fetchMargin(for: .seconds(2)) == .milliseconds(500))
    }
}
