import CompatCore
import CompatTransport
import CompatWebhook
import Foundation
import Logging

/// Why the runner could not start its own webhook.
public struct EmbeddedWebhookError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// The webhook the runner starts for itself: the real ``WebhookRuntime`` on 127.0.0.1 (a free port),
/// serving a certificate for 127.0.0.1 signed by a CA generated for this run, with the cluster's nodes
/// given as static node features. The runner talks to it over HTTPS exactly as the API server would.
public final class EmbeddedWebhook {
    public let runtime: WebhookRuntime
    public let authority: CertificateAuthority
    /// Certificates and node features for this run; removed by ``stop()``.
    public let folder: URL
    private var stopped = false

    public struct Configuration: Sendable {
        /// The nodes of the cluster, as node label maps (each needs an instance-type label).
        public var nodes: [[String: String]]
        /// Directories `file://` artifact references may point into.
        public var fileArtifactRoots: [String]
        public var modelsDirectory: String
        public var fluxViews: FluxViewCatalog
        /// Instance types the webhook never chooses (its `--skip-instance-types`).
        public var skipInstanceTypes: Set<String>

        public init(
            nodes: [[String: String]], fileArtifactRoots: [String], modelsDirectory: String, fluxViews: FluxViewCatalog,
            skipInstanceTypes: Set<String> = []
        ) {
            self.nodes = nodes
            self.skipInstanceTypes = skipInstanceTypes
            self.fileArtifactRoots = fileArtifactRoots
            self.modelsDirectory = modelsDirectory
            self.fluxViews = fluxViews
        }
    }

    public init(_ configuration: Configuration, logger: Logger) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("compat-run-webhook-\(UUID().uuidString)")
        do {
            authority = try CertificateAuthority.generate(commonName: "compat-run webhook CA")
            let serving = try authority.issueServingCertificate(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
            let features = folder.appendingPathComponent("node-features")
            try FileManager.default.createDirectory(at: features, withIntermediateDirectories: true)
            try Data(serving.certificatePEM.utf8).write(to: folder.appendingPathComponent("tls.crt"))
            try Data(serving.privateKeyPEM.utf8).write(to: folder.appendingPathComponent("tls.key"))
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: folder.appendingPathComponent("tls.key").path)
            let nodes = JSONValue.array(configuration.nodes.map { labels in
                .object(JSONObject(labels.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }))
            })
            try Data(nodes.serializedBytes()).write(to: features.appendingPathComponent("cluster.json"))
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw EmbeddedWebhookError(description: "cannot prepare the embedded webhook's certificates and node features in \(folder.path): \(error)")
        }
        var settings = WebhookSettings(
            certificatePath: folder.appendingPathComponent("tls.crt").path, privateKeyPath: folder.appendingPathComponent("tls.key").path,
            server: .init(bindAddress: "127.0.0.1", port: 0, threadPoolSize: 2)
        )
        settings.nodeSource = .staticOnly
        settings.nodeFeaturesDirectory = folder.appendingPathComponent("node-features").path
        settings.fileArtifactRoots = configuration.fileArtifactRoots
        settings.modelsDirectory = configuration.modelsDirectory
        settings.fluxViews = configuration.fluxViews
        settings.skipInstanceTypes = configuration.skipInstanceTypes
        do {
            runtime = try WebhookRuntime.start(settings, logger: logger)
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw EmbeddedWebhookError(description: "the embedded webhook did not start: \(error)")
        }
    }

    /// The mutate endpoint.
    public var url: String { "https://127.0.0.1:\(runtime.port)/mutate?timeout=10s" }

    /// A transport that trusts only this run's CA.
    public func transport(logger: Logger) -> HTTPSWebhookTransport {
        HTTPSWebhookTransport(url: url, trust: .caPEM(authority.certificatePEM), logger: logger)
    }

    /// Stops the server (in-flight reviews finish) and removes the run's files.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        runtime.shutdown(gracePeriod: .seconds(2))
        try? FileManager.default.removeItem(at: folder)
    }

    deinit { stop() }
}
