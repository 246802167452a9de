import Foundation
import Testing
@testable import CompatKube

@Suite struct TokenRotationAgainstReplayTests {
    static let podsPath = "/api/v1/namespaces/hpc/pods"
    static let emptyPodList = #"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"5120"},"items":[]}"#

    @Test func rotatedTokenFileIsSentOnceItIsReRead_againstReplayedAPI() throws {
        let server = try ReplayAPIServer()
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tokenFile = try directory.write("token", "token-a\n")
        // A zero refresh interval re-reads the file on every request, as the one-minute timer would after a minute.
        let client = try KubeClient(
            connection: server.connection(bearerToken: .file(tokenFile)), logger: ReplayHarness.quietLogger, tokenRefreshInterval: .zero)
        server.script.enqueue("GET", Self.podsPath, .json(status: 200, body: Self.emptyPodList), .json(status: 200, body: Self.emptyPodList))

        _ = try client.get(Self.podsPath)
        try directory.write("token", "token-b\n")
        _ = try client.get(Self.podsPath)
        #expect(server.script.requests.map(\.authorization) == ["Bearer token-a", "Bearer token-b"])
    }

    @Test func unauthorizedAnswerRereadsTheTokenAndRetriesOnce_againstReplayedAPI() throws {
        let server = try ReplayAPIServer()
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tokenFile = try directory.write("token", "token-a")
        let client = try KubeClient(connection: server.connection(bearerToken: .file(tokenFile)), logger: ReplayHarness.quietLogger)
        server.script.enqueue("GET", Self.podsPath, .json(status: 200, body: Self.emptyPodList), .json(status: 200, body: Self.emptyPodList))
        _ = try client.get(Self.podsPath)

        // Kubelet rotates the file; the server stops accepting the old token before the client's minute is up.
        try directory.write("token", "token-b")
        server.script.acceptOnly(tokens: ["token-b"])
        let list = try client.get(Self.podsPath)
        #expect(list["kind"] == "PodList")
        #expect(server.script.requests.map(\.authorization) == ["Bearer token-a", "Bearer token-a", "Bearer token-b"])
    }

    @Test func tokenStillRejectedAfterTheRetryIsReportedWith401_againstReplayedAPI() throws {
        let server = try ReplayAPIServer()
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tokenFile = try directory.write("token", "revoked")
        server.script.acceptOnly(tokens: ["something-else"])
        let client = try KubeClient(connection: server.connection(bearerToken: .file(tokenFile)), logger: ReplayHarness.quietLogger)
        do {
            _ = try client.get(Self.podsPath)
            Issue.record("expected a 401")
        } catch {
            #expect(error.httpStatus == 401)
            #expect(error.status?.reason == "Unauthorized")
            #expect(error.description.hasPrefix("GET \(Self.podsPath): HTTP 401 Unauthorized: Unauthorized (the token or client certificate was rejected"))
        }
        // Exactly one retry, not a loop.
        #expect(server.script.requests.count == 2)
    }

    @Test func literalTokenIsNotRetriedAfter401_againstReplayedAPI() throws {
        let server = try ReplayAPIServer()
        defer { server.stop() }
        server.script.acceptOnly(tokens: ["good"])
        let client = try KubeClient(connection: server.connection(bearerToken: .literal("bad")), logger: ReplayHarness.quietLogger)
        #expect(throws: KubeAPIError.self) { try client.get(Self.podsPath) }
        #expect(server.script.requests.count == 1)
    }
}
