import CompatCore
import CompatTransport
import Foundation
import Synchronization

/// A plain-HTTP stand-in for the Kubernetes API server on 127.0.0.1 that answers the node list only
/// after ``release()``, so a test can observe the webhook before and after its node cache syncs. Node
/// watches are held open, sending nothing, until the server stops.
final class GatedAPIServer {
    let server: HTTPSServer
    private let gate = Gate()
    let kubeconfigPath: String

    init(nodes: [[String: String]], folder: TemporaryDirectory) throws {
        let items = nodes.enumerated().map { index, labels -> JSONValue in
            [
                "metadata": [
                    "name": .string(labels["kubernetes.io/hostname"] ?? "node-\(index)"), "resourceVersion": "1",
                    "labels": .object(JSONObject(labels.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                ],
                "spec": [:],
            ]
        }
        let list = JSONValue.object(JSONObject([
            ("kind", "NodeList"), ("apiVersion", "v1"), ("metadata", ["resourceVersion": "1"]), ("items", .array(items)),
        ])).serializedBytes()
        let gate = self.gate
        server = try HTTPSServer(configuration: .init(security: .plainHTTP, threadPoolSize: 4), logger: quietLogger) { request in
            guard request.path == "/api/v1/nodes" else { return .text(404, "not found") }
            if request.queryValue("watch") == "1" {
                return HTTPServerResponse(status: 200, headers: ["Content-Type": "application/json"], body: .stream { writer in
                    _ = writer.waitWhileOpen(for: .seconds(30))
                })
            }
            guard gate.waitOpen(limit: 20) else { return .text(503, "gate never opened") }
            return .json(200, list)
        }
        kubeconfigPath = try folder.write("kubeconfig", """
            apiVersion: v1
            kind: Config
            current-context: test
            clusters:
            - name: test
              cluster: {server: "http://127.0.0.1:\(server.port)"}
            users:
            - name: test
              user: {token: test-token}
            contexts:
            - name: test
              context: {cluster: test, user: test}
            """)
    }

    func release() { gate.open() }

    func stop() {
        release()
        server.stop(gracePeriod: .seconds(1))
    }
}

/// Closed until opened once; waiting on an open gate returns at once.
final class Gate: Sendable {
    private let isOpen = Mutex(false)
    private let semaphore = DispatchSemaphore(value: 0)

    func open() {
        isOpen.withLock { $0 = true }
        semaphore.signal()
    }

    /// Whether the gate opened within `limit` seconds.
    func waitOpen(limit: Int) -> Bool {
        if isOpen.withLock({ $0 }) { return true }
        guard semaphore.wait(timeout: .now() + .seconds(limit)) == .success else { return false }
        semaphore.signal()
        return true
    }
}
