import CompatAdmission
import CompatArtifacts
import CompatCore
import CompatKube
import CompatRegistry
import CompatSelection
import CompatTransport
import Foundation
import Logging

/// Everything `compat-webhook serve` is configured with.
public struct WebhookSettings: Sendable {
    /// Where live node features come from.
    public enum NodeSource: Sendable, Equatable {
        /// Only the static features directory; the cache counts as synced once it is read.
        case staticOnly
        /// List and watch nodes: `kubeconfig` (a path or `:`-separated list), else `KUBECONFIG`, else the
        /// in-cluster service account, else `~/.kube/config`.
        case kubernetes(kubeconfig: String?, context: String?)
    }

    /// Where the serving certificate comes from.
    public enum ServingCertificate: Sendable {
        /// PEM files, checked every ``certificatePollInterval`` and reloaded when they change (rotation).
        case files(certificate: String, privateKey: String)
        /// PEM text held in memory, never reloaded: the embedded webhook's certificate for one run.
        case inMemory(certificatePEM: String, privateKeyPEM: String)
    }

    public var server: WebhookServer.Configuration
    public var certificate: ServingCertificate
    /// How often the certificate files are checked for a rotation.
    public var certificatePollInterval: Duration = .seconds(10)
    public var nodeSource: NodeSource = .kubernetes(kubeconfig: nil, context: nil)
    public var nodeFeaturesDirectory: String?
    /// Static node features given in memory (label maps, each with an instance-type label), beside
    /// those of ``nodeFeaturesDirectory``.
    public var staticNodes: [[String: String]] = []
    public var staticFeaturesPollInterval: Duration = .seconds(10)
    public var skipInstanceTypes: Set<String> = []
    /// Registries (or `registry/repository` prefixes) artifacts may come from; `nil` allows any.
    public var allowedRegistries: [String]?
    /// Registries reached over plain HTTP.
    public var insecureRegistries: Set<String> = []
    /// A Docker `config.json` with registry credentials; a missing file means anonymous access.
    public var registryCredentialsFile: String?
    public var registryTimeout: Duration = .seconds(2)
    /// How long a tag's digest is trusted before the registry is asked again.
    public var artifactTagTTL: Duration = .seconds(300)
    public var fileArtifactRoots: [String] = []
    public var fluxViews: FluxViewCatalog = FluxViewCatalog(views: [])
    /// Performance models by name, for model-compatibility specs.
    public var modelsDirectory: String = WebhookSettings.defaultModelsDirectory
    public var defaultMode: SelectionMode = .descriptiveBasic

    public init(certificate: ServingCertificate, server: WebhookServer.Configuration = WebhookServer.Configuration()) {
        self.certificate = certificate
        self.server = server
    }

    public init(certificatePath: String, privateKeyPath: String, server: WebhookServer.Configuration = WebhookServer.Configuration()) {
        self.init(certificate: .files(certificate: certificatePath, privateKey: privateKeyPath), server: server)
    }
}

extension WebhookSettings {
    /// Where the container image keeps the flux view catalog (`artifacts/flux-views/views.yaml`).
    public static let defaultFluxViewsPath = "/usr/share/compat/flux-views.yaml"
    /// Where the container image keeps the performance models (`models/`).
    public static let defaultModelsDirectory = "/usr/share/compat/models"

    /// The view catalog at `path`. The default path may be missing (MiniCluster choices that need a view
    /// are then denied, saying so); any other path must be readable and valid.
    public static func loadFluxViews(path: String, logger: Logger) throws(WebhookStartError) -> FluxViewCatalog {
        guard let data = FileManager.default.contents(atPath: path) else {
            guard path == defaultFluxViewsPath else { throw WebhookStartError("\(path) cannot be read") }
            logger.warning("no flux view catalog; MiniCluster modes that need a view will deny", metadata: ["file": "\(path)"])
            return FluxViewCatalog(views: [])
        }
        do {
            return try FluxViewCatalog(decoding: Array(data))
        } catch {
            throw WebhookStartError("\(path): \(error)")
        }
    }
}

/// Why the webhook could not start; the message names the setting to fix.
public struct WebhookStartError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// A running webhook: certificate reloader, node cache feeders, selection, and the HTTPS server.
public final class WebhookRuntime: Sendable {
    public let server: WebhookServer
    public let metrics: WebhookMetrics
    package let nodeCache: NodeFeatureCache
    /// `nil` for an in-memory certificate, which is never reloaded.
    public let certificates: CertificateReloader?
    let watcher: NodeWatcher?
    let poller: StaticFeaturePoller?
    let logger: Logger

    /// Starts every part and returns once the server listens (readiness follows the node cache).
    public static func start(_ settings: WebhookSettings, logger: Logger) throws(WebhookStartError) -> WebhookRuntime {
        let certificates: CertificateReloader?
        let store: TLSCertificateStore
        switch settings.certificate {
        case .files(let certificatePath, let privateKeyPath):
            do {
                let reloader = try CertificateReloader(
                    certificatePath: certificatePath, privateKeyPath: privateKeyPath, pollInterval: settings.certificatePollInterval, logger: logger
                )
                certificates = reloader
                store = reloader.store
            } catch {
                throw WebhookStartError("serving certificate \(certificatePath) / key \(privateKeyPath): \(error)")
            }
        case .inMemory(let certificatePEM, let privateKeyPEM):
            certificates = nil
            do {
                store = try TLSCertificateStore(certificatePEM: certificatePEM, privateKeyPEM: privateKeyPEM)
            } catch {
                throw WebhookStartError("in-memory serving certificate: \(error)")
            }
        }

        let metrics = WebhookMetrics()
        let cache = NodeFeatureCache(skipInstanceTypes: settings.skipInstanceTypes)
        if !settings.staticNodes.isEmpty {
            var nodes: [KubeNode] = []
            for (index, labels) in settings.staticNodes.enumerated() {
                guard let node = StaticNodeFeatures.staticNode(
                    labels: labels, fileName: Self.inMemoryFeatures, index: index, interner: cache.labelInterner
                ) else {
                    throw WebhookStartError(
                        "static node \(index) has no \(KubeNode.instanceTypeLabels[0]) label; \(StaticNodeFeatures.instanceTypeRule)"
                    )
                }
                nodes.append(node)
            }
            cache.replaceStaticFeatures([Self.inMemoryFeatures: nodes])
        }
        let poller = settings.nodeFeaturesDirectory.map {
            StaticFeaturePoller(directory: StaticFeatureDirectory(path: $0), cache: cache, interval: settings.staticFeaturesPollInterval, logger: logger)
        }
        let watcher: NodeWatcher?
        switch settings.nodeSource {
        case .staticOnly:
            watcher = nil
        case .kubernetes(let kubeconfig, let context):
            do {
                let connection = try KubeConnection.resolve(kubeconfig: kubeconfig, context: context)
                watcher = NodeWatcher(client: try KubeClient(connection: connection, logger: logger), cache: cache, logger: logger)
            } catch {
                throw WebhookStartError("Kubernetes connection for the node cache: \(error) (or pass --no-kube to use static node features only)")
            }
        }

        var credentials = RegistryCredentials.none
        if let file = settings.registryCredentialsFile {
            if let data = FileManager.default.contents(atPath: file) {
                do {
                    credentials = try RegistryCredentials.dockerConfig(Array(data), source: file)
                } catch {
                    throw WebhookStartError("registry credentials: \(error)")
                }
            } else {
                logger.info("no registry credentials file; pulling anonymously", metadata: ["file": "\(file)"])
            }
        }
        let client = RegistryClient(
            configuration: .init(
                allowedRegistries: settings.allowedRegistries, insecureRegistries: settings.insecureRegistries,
                credentials: credentials, fetchTimeout: settings.registryTimeout
            ),
            logger: logger
        )
        let artifactCache = ArtifactCache(
            client: client, configuration: .init(tagTTL: settings.artifactTagTTL, acceptedLayerTypes: RegistryArtifactSource.acceptedLayerTypes),
            logger: logger
        )
        let registry = RegistryArtifactSource(cache: artifactCache, fetchTimeout: settings.registryTimeout, observer: metrics, logger: logger)
        let engine = SelectionEngine(
            artifacts: ArtifactResolver(registry: registry, fileRoots: FileArtifactRoots(settings.fileArtifactRoots)),
            models: ModelLibrary(directory: settings.modelsDirectory), views: settings.fluxViews, defaultMode: settings.defaultMode
        )
        let nodes = AdmissionNodes(cache: cache)
        let service = AdmissionService(engine: engine, nodes: { nodes.current() }, metrics: metrics, logger: logger)

        let readiness = [
            WebhookServer.ReadinessCheck(name: "certificate") {
                let certificate = store.certificate
                return certificate.notAfter < Date() ? "the serving certificate expired at \(certificate.notAfter); renew it" : nil
            },
            WebhookServer.ReadinessCheck(name: "node cache") {
                cache.snapshot.synced ? nil : "the first list of nodes from the API server has not completed"
            },
        ]
        let refresh: @Sendable () -> Void = {
            let statistics = cache.statistics
            metrics.setNodeCache(nodes: cache.snapshot.nodes.count, lastUpdate: statistics.snapshotBuiltAt.timeIntervalSince1970)
            metrics.setWatchRestarts(statistics.watchRestartsByReason)
            metrics.setCertificateNotAfter(store.certificate.notAfter.timeIntervalSince1970)
        }

        poller?.start()
        if watcher == nil { cache.replaceLiveNodes([]) }
        watcher?.start()
        certificates?.start()
        let server: WebhookServer
        do {
            server = try WebhookServer(
                configuration: settings.server, certificates: store, service: service, readiness: readiness, refreshMetrics: refresh,
                logger: logger
            )
        } catch {
            certificates?.stop()
            poller?.stop()
            watcher?.stop()
            throw WebhookStartError("\(error)")
        }
        refresh()
        return WebhookRuntime(
            server: server, metrics: metrics, nodeCache: cache, certificates: certificates, watcher: watcher, poller: poller, logger: logger
        )
    }

    private init(
        server: WebhookServer, metrics: WebhookMetrics, nodeCache: NodeFeatureCache, certificates: CertificateReloader?, watcher: NodeWatcher?,
        poller: StaticFeaturePoller?, logger: Logger
    ) {
        self.server = server
        self.metrics = metrics
        self.nodeCache = nodeCache
        self.certificates = certificates
        self.watcher = watcher
        self.poller = poller
        self.logger = logger
    }

    public var port: UInt16 { server.port }

    /// Graceful stop: readiness fails, no new connections, requests in flight get up to `gracePeriod`,
    /// then the background threads end.
    public func shutdown(gracePeriod: Duration) {
        logger.notice("shutting down", metadata: ["inFlight": "\(server.http.requestsInFlight)"])
        server.stop(gracePeriod: gracePeriod)
        watcher?.stop()
        poller?.stop()
        certificates?.stop()
    }

    /// The name static features given in memory are listed under (as a file's name would be).
    static let inMemoryFeatures = "in-memory"
}
