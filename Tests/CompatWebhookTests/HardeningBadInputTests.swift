import CompatCore
import CompatTransport
import Foundation
import Testing
@testable import CompatWebhook

/// Abuse of the running TLS webhook: each bad input gets a clear 4xx (or the connection is closed when
/// there is no HTTP to answer), and a normal review is still admitted afterwards.
@Suite(.serialized) struct HardeningBadInputTests {
    /// A review that must keep working after every abuse.
    static func assertStillServes(_ harness: WebhookHarness) throws {
        var pod = try ReviewFixture("pod-create-init-and-app-containers.json")
        try pod.annotate("oci.image.compatibilities.selection/image-ref", "file://" + TestPaths.lammpsCatalog)
        let answer = try harness.admit(pod)
        #expect(answer.response.allowed)
    }

    @Test func truncatedNonUTF8DeeplyNestedAndHugeBodiesAre400() throws {
        let harness = try WebhookHarness()
        defer { harness.stop() }
        let review = try ReviewFixture("pod-create-not-enabled.json").bytes
        let cases: [(String, [UInt8])] = [
            ("truncated review", Array(review.prefix(review.count / 2))),
            ("not UTF-8", [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D]),
            ("nested 100 000 deep", Array(repeating: UInt8(ascii: "["), count: 100_000) + Array(repeating: UInt8(ascii: "]"), count: 100_000)),
            ("array of 300 000 numbers", Array("[".utf8) + Array(repeating: Array("0,".utf8), count: 300_000).flatMap { $0 } + Array("0]".utf8)),
            ("empty body", []),
        ]
        for (name, body) in cases {
            let response = try harness.post(body: body)
            #expect(response.status == 400, "\(name): \(response.status) \(response.bodyText.prefix(200))")
            #expect(response.bodyText.contains("AdmissionReview"), "\(name): \(response.bodyText.prefix(200))")
        }
        try Self.assertStillServes(harness)
    }

    @Test func reviewWithThousandsOfPlaceholderContainersIsAnsweredWithinTheLimits() throws {
        let harness = try WebhookHarness()
        defer { harness.stop() }
        var pod = try ReviewFixture("pod-create-init-and-app-containers.json")
        try pod.annotate("oci.image.compatibilities.selection/image-ref", "file://" + TestPaths.lammpsCatalog)
        let containers = (0..<5000).map { index -> JSONValue in ["name": .string("c\(index)"), "image": "placeholder:latest"] }
        try pod.edit(["request", "object", "spec", "containers"], .array(containers))
        let response = try harness.post(body: pod.bytes)
        #expect(response.status == 200)
        let answer = try AnsweredReview(responseBytes: response.body, request: pod)
        #expect(answer.response.allowed)
        #expect(try answer.string("/spec/containers/4999/image")?.hasPrefix("ghcr.io/rse-ops/lammps-matrix:") == true)
        try Self.assertStillServes(harness)
    }

    @Test func tlsGarbageAndPlainHTTPOnTheTLSPortAreDroppedWithoutAnAnswer() throws {
        let harness = try WebhookHarness()
        defer { harness.stop() }
        let port = harness.runtime.port
        var generator = SeededRandom(seed: 7)
        let garbage = (0..<4096).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let tlsGarbage = try RawLoopbackConnection(port: port)
        // A handshake record claiming 65 535 bytes (more than TLS allows) followed by noise. (A well-formed
        // record of an unknown type is discarded by GnuTLS and the connection then idles until the
        // connection timeout, like any silent client.)
        tlsGarbage.send([0x16, 0x03, 0x01, 0xFF, 0xFF] + garbage)
        let garbageAnswer = tlsGarbage.readUntilClosed()
        #expect(garbageAnswer.closed)
        #expect(!String(decoding: garbageAnswer.bytes, as: UTF8.self).contains("HTTP/1.1 200"))

        let plain = try RawLoopbackConnection(port: port)
        plain.send(Array("POST /mutate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}".utf8))
        let plainAnswer = plain.readUntilClosed()
        #expect(plainAnswer.closed)
        #expect(!String(decoding: plainAnswer.bytes, as: UTF8.self).hasPrefix("HTTP/1.1 2"))
        try Self.assertStillServes(harness)
    }

    /// Slowloris: connections that trickle a byte at a time, plus many idle ones, do not block a real
    /// client (libmicrohttpd's epoll pool serves the others).
    @Test func tricklingAndIdleConnectionsDoNotStarveARealClient() throws {
        let harness = try WebhookHarness()
        defer { harness.stop() }
        let port = harness.runtime.port
        let idle = try (0..<200).map { _ in try RawLoopbackConnection(port: port) }
        let trickling = try (0..<20).map { _ in try RawLoopbackConnection(port: port) }
        let hello: [UInt8] = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03]
        for byte in hello.prefix(3) {
            for connection in trickling { connection.send([byte]) }
            try Self.assertStillServes(harness)
        }
        #expect(idle.count == 200)
        #expect(try harness.get("/healthz").status == 200)
    }
}
