import CompatCore
import CompatTransport
import Foundation
import Logging
@testable import CompatKube

/// A replayed API server, a client for it, a cache and a node watcher with test-sized backoff.
struct ReplayHarness {
    let server: ReplayAPIServer
    let client: KubeClient
    let cache: NodeFeatureCache
    let watcher: NodeWatcher

    static let quietLogger = Logger(label: "compat-kube-tests", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Backoff in milliseconds instead of seconds, so failure paths finish quickly; the policy is the same.
    static let testOptions = NodeWatchOptions(
        pageSize: 10, watchTimeoutSeconds: 300...600,
        backoff: RetryBackoff(initialDelay: .milliseconds(10), maximumDelay: .milliseconds(100), resetAfter: .seconds(120)))

    init(tls: Bool = false, skipInstanceTypes: Set<String> = [], options: NodeWatchOptions = ReplayHarness.testOptions) throws {
        server = try ReplayAPIServer(tls: tls)
        client = try KubeClient(connection: server.connection(), logger: Self.quietLogger, requestTimeout: .seconds(5))
        cache = NodeFeatureCache(skipInstanceTypes: skipInstanceTypes)
        watcher = NodeWatcher(client: client, cache: cache, options: options, logger: Self.quietLogger)
    }

    func shutDown() {
        watcher.stop()
        server.stop()
    }

    /// The real cluster's nodes as API objects, named by their hostname label, at `resourceVersion`.
    static func realNodeObjects(resourceVersion: String = "8812") throws -> [JSONValue] {
        try APIFixtures.realNodeLabels().enumerated().map { index, labels in
            APIFixtures.node(name: labels["kubernetes.io/hostname"] ?? "node-\(index)", labels: labels, resourceVersion: resourceVersion)
        }
    }
}
