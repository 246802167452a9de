import CompatCore
import CompatTransport
import Foundation
import Logging
import Synchronization

/// The webhook a tool starts for itself (`compat-run`'s default): the real ``WebhookRuntime`` on
/// 127.0.0.1 (a free port), serving a certificate for 127.0.0.1 signed by a CA generated for this run,
/// with the cluster's nodes as static node features. Everything is held in memory: nothing is written
/// to disk. Clients talk to it over HTTPS exactly as the API server would, trusting ``caPEM``.
public final class EmbeddedWebhook: Sendable {
    public let runtime: WebhookRuntime
    /// The CA that signed the serving certificate: the only root a client should trust.
    public let caPEM: String
    private let stopped = Mutex(false)

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

    public init(_ configuration: Configuration, logger: Logger) throws(WebhookStartError) {
        let serving: IssuedCertificate
        do {
            let authority = try CertificateAuthority.generate(commonName: "compat-run webhook CA")
            serving = try authority.issueServingCertificate(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
            caPEM = authority.certificatePEM
        } catch {
            throw WebhookStartError("cannot create the embedded webhook's certificates: \(error)")
        }
        var settings = WebhookSettings(
            certificate: .inMemory(certificatePEM: serving.certificatePEM, privateKeyPEM: serving.privateKeyPEM),
            server: .init(bindAddress: "127.0.0.1", port: 0, threadPoolSize: 2)
        )
        settings.nodeSource = .staticOnly
        settings.staticNodes = configuration.nodes
        settings.fileArtifactRoots = configuration.fileArtifactRoots
        settings.modelsDirectory = configuration.modelsDirectory
        settings.fluxViews = configuration.fluxViews
        settings.skipInstanceTypes = configuration.skipInstanceTypes
        runtime = try WebhookRuntime.start(settings, logger: logger)
    }

    /// The mutate endpoint, with the API server's default timeout.
    public var url: String { "https://127.0.0.1:\(runtime.port)/mutate?timeout=10s" }

    /// Stops the server once; reviews in flight finish first.
    public func stop() {
        guard !stopped.withLock({ stopped in defer { stopped = true }; return stopped }) else { return }
        runtime.shutdown(gracePeriod: .seconds(2))
    }

    deinit { stop() }
}
