import ArgumentParser
import CompatCore
import CompatWebhook
import Foundation
import Logging

extension SelectionMode: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}

/// `compat-webhook serve`: the HTTPS webhook. Stops gracefully on SIGTERM or SIGINT (readiness fails,
/// no new connections, requests in flight finish) and exits 0.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve POST /mutate, /healthz, /readyz and /metrics over TLS."
    )


    @Option(help: "Address to listen on.")
    var address = "0.0.0.0"

    @Option(help: "Port to listen on.")
    var port: UInt16 = 8443

    @Option(help: "Serving certificate (PEM; reloaded when the file changes).")
    var cert: String

    @Option(help: "Serving certificate's private key (PEM).")
    var key: String

    @Option(help: "Directory of static node-feature files (JSON arrays of node label maps), re-read when they change.")
    var nodeFeaturesDir: String?

    @Option(help: "Comma-separated instance types never chosen or offered as nodes.")
    var skipInstanceTypes = ""

    @Option(help: "Kubeconfig for the node list/watch (default: KUBECONFIG, in-cluster, ~/.kube/config).")
    var kubeconfig: String?

    @Option(help: "Kubeconfig context (default: current-context).")
    var context: String?

    @Flag(help: "Do not contact the API server: node features come from --node-features-dir only.")
    var noKube = false

    @Option(help: "Registries (or registry/repository prefixes) artifacts may be pulled from; comma-separated, repeatable. Default: any.")
    var registryAllow: [String] = []

    @Option(help: "Registries reached over plain HTTP (host:port); comma-separated, repeatable.")
    var registryInsecure: [String] = []

    @Option(help: "Deadline of one registry pull, in seconds.")
    var registryTimeout: Double = 2

    @Option(help: "Seconds a tag's artifact is reused before the registry is asked again (stale copies are served when it fails).")
    var artifactTtl: Double = 300

    @Option(help: "Directory file:// artifacts may be read from (repeatable). Without one, file:// references are refused.")
    var fileArtifactRoot: [String] = []

    @Option(help: "Flux view catalog (views.yaml).")
    var fluxViews = WebhookSettings.defaultFluxViewsPath

    @Option(help: "Directory of performance models (<name>.json, also one level of subfolders).")
    var modelsDir = WebhookSettings.defaultModelsDirectory

    @Option(help: "Mode for catalogs when an object has no mode annotation.")
    var defaultMode: SelectionMode = .descriptiveBasic

    @Option(help: "Largest AdmissionReview body in bytes (larger gets 413).")
    var maxBodyBytes = 7 << 20

    @Option(help: "Request threads (default: cores, at least 2).")
    var threads: Int?

    @Option(help: "Seconds requests in flight may take to finish after SIGTERM.")
    var gracePeriod: Double = 20

    @Option(help: "Log level.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        guard registryTimeout > 0, artifactTtl >= 0, gracePeriod >= 0, maxBodyBytes > 0 else {
            throw ValidationError("--registry-timeout and --max-body-bytes must be positive, --artifact-ttl and --grace-period not negative")
        }
    }

    func run() throws {
        let level = logLevel
        LoggingSystem.bootstrap { label in JSONLineLogHandler(label: label, level: level) }
        let logger = Logger(label: "compat-webhook")
        // Catch SIGTERM and SIGINT before anything starts: one arriving while the runtime starts (a pod
        // deleted right after it was created) is then honoured once the start completes (drain, exit 0)
        // instead of killing the process with the default action.
        let stop = DispatchSemaphore(value: 0)
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            sources.append(source)
        }

        var server = WebhookServer.Configuration(bindAddress: address, port: port, maxRequestBodyBytes: maxBodyBytes)
        if let threads { server.threadPoolSize = max(1, threads) }
        var settings = WebhookSettings(certificatePath: cert, privateKeyPath: key, server: server)
        settings.nodeSource = noKube ? .staticOnly : .kubernetes(kubeconfig: kubeconfig, context: context)
        settings.nodeFeaturesDirectory = nodeFeaturesDir
        settings.skipInstanceTypes = Set(Self.list([skipInstanceTypes]))
        let allowed = Self.list(registryAllow)
        settings.allowedRegistries = allowed.isEmpty ? nil : allowed
        settings.insecureRegistries = Set(Self.list(registryInsecure))
        settings.registryCredentialsFile = ProcessInfo.processInfo.environment["REGISTRY_CREDENTIALS_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        settings.registryTimeout = .seconds(registryTimeout)
        settings.artifactTagTTL = .seconds(artifactTtl)
        settings.fileArtifactRoots = fileArtifactRoot
        do {
            settings.fluxViews = try WebhookSettings.loadFluxViews(path: fluxViews, logger: logger)
        } catch {
            throw ValidationError("--flux-views: \(error)")
        }
        settings.defaultMode = defaultMode
        settings.modelsDirectory = modelsDir
        if settings.allowedRegistries == nil {
            logger.warning("no --registry-allow: artifacts may be pulled from any registry an annotation names")
        }

        let runtime: WebhookRuntime
        do {
            runtime = try WebhookRuntime.start(settings, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("compat-webhook: \(error)\n".utf8))
            throw ExitCode(2)
        }
        stop.wait()
        runtime.shutdown(gracePeriod: .seconds(gracePeriod))
        sources.forEach { $0.cancel() }
    }

    /// Comma-separated values from repeated options, blanks dropped.
    static func list(_ options: [String]) -> [String] {
        options.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
