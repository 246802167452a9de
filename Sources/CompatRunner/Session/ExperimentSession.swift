import CompatAdmission
import CompatCore
import CompatSimulation
import CompatTransport
import Foundation
import Logging

/// Which webhook the runner sends its AdmissionReviews to.
public enum WebhookEndpoint: Sendable {
    /// Start a webhook in this process for each experiment (`compat-run` passes CompatWebhook's
    /// `EmbeddedWebhook`), with the cluster's nodes as static node features; stopped after it.
    case embedded(EmbeddedWebhookLauncher)
    /// A running webhook: its mutate URL and the CA (PEM file) that signed its serving certificate.
    case external(url: String, caFile: String)
}

/// What an embedded webhook is started with for one experiment: the simulated cluster's nodes (label
/// maps with an instance-type label each), the views, and the instance types never to choose. Artifact
/// roots and models are the session's ``RunnerPaths``.
public struct EmbeddedWebhookRequest: Sendable {
    public var paths: RunnerPaths
    public var nodes: [[String: String]]
    public var fluxViews: FluxViewCatalog
    public var skipInstanceTypes: Set<String>
}

/// A webhook started for one experiment: where it listens, the CA to trust, and how to stop it.
public struct LaunchedWebhook: Sendable {
    public var url: String
    public var caPEM: String
    public var stop: @Sendable () -> Void

    public init(url: String, caPEM: String, stop: @escaping @Sendable () -> Void) {
        self.url = url
        self.caPEM = caPEM
        self.stop = stop
    }
}

/// Starts a webhook in this process. The runner does not link the webhook; its executable does.
public typealias EmbeddedWebhookLauncher = @Sendable (EmbeddedWebhookRequest, Logger) throws -> LaunchedWebhook

/// Where admitted jobs run.
public enum ExperimentBackend {
    /// The embedded simulated cluster.
    case simulated
    /// A real cluster, through its API server.
    case kubernetes(any KubernetesBackendFactory)
}

/// Makes the Kubernetes backends for a session (one per experiment entry).
public protocol KubernetesBackendFactory {
    func lammpsBackend() throws -> any LAMMPSBackend
    func hpcgBackend() throws -> any HPCGBackend
}

/// Everything a run of experiments needs besides the plan.
public struct SessionOptions {
    public var seed: UInt64
    public var paths: RunnerPaths
    public var webhook: WebhookEndpoint
    public var backend: ExperimentBackend
    /// The LAMMPS job's MPI need (``SelectionAnnotations/mpi`` value), e.g. `abi:openmpi`.
    public var mpi: String?
    /// Artifact references as the webhook should resolve them; default `file://` paths under ``paths``
    /// (right for the embedded webhook; a remote webhook needs OCI references it can pull).
    public var catalogReference: String?
    public var modelSpecReference: String?
    public var logger: Logger

    public init(seed: UInt64, paths: RunnerPaths, webhook: WebhookEndpoint, backend: ExperimentBackend = .simulated, logger: Logger) {
        self.seed = seed
        self.paths = paths
        self.webhook = webhook
        self.backend = backend
        self.logger = logger
    }
}

/// What a session produced: one record per run, and every run's log.
public struct SessionResult: Sendable {
    public var records: [RunRecord] = []
    public var logs: [RunLog] = []
}

/// The log of one run, for writing beside the results.
public struct RunLog: Sendable {
    public var group: String
    public var name: String
    public var text: String
}

/// Runs an experiment plan: each entry's jobs go through the webhook and then to the backend.
public final class ExperimentSession {
    public let options: SessionOptions
    private var catalog: ImageCatalog?
    private var views: FluxViewCatalog?
    private var measurements: HPCGMeasurements?

    public init(options: SessionOptions) {
        self.options = options
    }

    /// Runs every entry in order. `progress` is called after each run with (completed, total, a note
    /// naming the run and its outcome).
    public func run(_ plan: ExperimentPlan, progress: (Int, Int, String) -> Void = { _, _, _ in }) throws -> SessionResult {
        var result = SessionResult()
        let total = plan.entries.reduce(0) { $0 + $1.iterations }
        for entry in plan.entries {
            let before = result.records.count
            switch entry.kind {
            case .mode(let name):
                guard let mode = SelectionMode(rawValue: name) else {
                    throw ExperimentError("unknown mode '\(name)'; use one of \(SelectionMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                try runLAMMPS(mode: mode, entry: entry, into: &result) { progress(before + $0, total, $1) }
            case .model(let name):
                try runModel(strategy: name, entry: entry, into: &result) { progress(before + $0, total, $1) }
            }
        }
        return result
    }

    // MARK: LAMMPS

    private func runLAMMPS(mode: SelectionMode, entry: ExperimentPlan.Entry, into result: inout SessionResult, done: (Int, String) -> Void) throws {
        guard let node = NodeType.standard(for: entry.architecture, gpu: entry.gpu) else {
            throw ExperimentError("the simulated cluster has no \(entry.architecture) node type\(entry.gpu ? " with a GPU" : ""); drop --gpu or use --arch amd64")
        }
        let catalog = try loadCatalog()
        let views = try loadViews()
        let requiredMPI = try options.mpi.map { text in
            guard let requirement = SelectionContract.mpiRequirement(text) else {
                throw ExperimentError("--mpi '\(text)': use an implementation (openmpi, mpich, intel-mpi, mvapich) or an ABI family (abi:openmpi, abi:mpich)")
            }
            return requirement
        }
        let (transport, stop) = try connect(nodes: [node.nodeLabels], views: views)
        defer { stop() }
        let backend: any LAMMPSBackend
        switch options.backend {
        case .simulated:
            backend = SimulatedLAMMPSBackend(node: node, requiredMPIABI: requiredMPI?.abiFamily, seed: options.seed)
        case .kubernetes(let factory):
            backend = try factory.lammpsBackend()
        }
        let template = LAMMPSJobTemplate(catalogReference: options.catalogReference ?? "file://" + options.paths.catalogFolder, mpi: options.mpi)
        let experiment = LAMMPSExperiment(template: template, catalog: catalog, views: views, admission: AdmissionRoundTrip(transport: transport), backend: backend)
        let first = result.records.filter { $0.group == mode.rawValue }.count
        for iteration in first..<(first + entry.iterations) {
            let record = try experiment.run(mode: mode, iteration: iteration, architecture: entry.architecture, seed: options.seed)
            result.records.append(record)
            done(iteration - first + 1, "\(mode.rawValue) \(iteration): \(record.reason)")
        }
        if let logSource = backend as? any LAMMPSRunLogSource {
            result.logs += logSource.logs.map { RunLog(group: $0.mode.rawValue, name: $0.name, text: $0.log) }
        }
    }

    // MARK: Models

    private func runModel(strategy: String, entry: ExperimentPlan.Entry, into result: inout SessionResult, done: (Int, String) -> Void) throws {
        let nodes = try options.paths.loadNodeFeatures()
        let backend: any HPCGBackend
        var skip: Set<String> = []
        switch options.backend {
        case .simulated:
            let measurements = try loadMeasurements()
            backend = SimulatedHPCGBackend(measurements: measurements, seed: options.seed)
            // The study ran only on the instance types it measured; the cluster's others (GPU and
            // inference nodes, system node groups) are skip-listed, as a deployment's
            // --skip-instance-types does, so that random and model choose among the same set.
            let measured = Set(measurements.instances)
            skip = Set(nodes.compactMap { node in
                ModelExperiment.instanceSelectorLabels.lazy.compactMap { node[$0] }.first
            }).subtracting(measured)
        case .kubernetes(let factory):
            backend = try factory.hpcgBackend()
        }
        if !skip.isEmpty {
            options.logger.info("instance types without HPCG measurements are skip-listed", metadata: ["skipped": "\(skip.sorted())"])
        }
        let (transport, stop) = try connect(nodes: nodes, views: try loadViews(), skipInstanceTypes: skip)
        defer { stop() }
        let template = HPCGPodTemplate(specReference: options.modelSpecReference ?? "file://" + options.paths.modelCompatibility)
        let experiment = ModelExperiment(template: template, admission: AdmissionRoundTrip(transport: transport), backend: backend)
        let first = result.records.filter { $0.group == strategy }.count
        for iteration in first..<(first + entry.iterations) {
            let record = try experiment.run(strategy: strategy, iteration: iteration, seed: options.seed)
            result.records.append(record)
            done(iteration - first + 1, "model \(strategy) \(iteration): \(record.node) \(record.figureOfMerit.map { String(format: "%.2f", $0) } ?? "\(record.reason)")")
        }
    }

    // MARK: Inputs and webhook

    /// A transport to the webhook, and what to call when the experiment is over.
    private func connect(
        nodes: [[String: String]], views: FluxViewCatalog, skipInstanceTypes: Set<String> = []
    ) throws -> (any AdmissionTransport, () -> Void) {
        switch options.webhook {
        case .external(let url, let caFile):
            return (HTTPSWebhookTransport(url: url, trust: .caFile(caFile), logger: options.logger), {})
        case .embedded(let launch):
            let webhook = try launch(
                EmbeddedWebhookRequest(paths: options.paths, nodes: nodes, fluxViews: views, skipInstanceTypes: skipInstanceTypes),
                options.logger
            )
            return (HTTPSWebhookTransport(url: webhook.url, trust: .caPEM(webhook.caPEM), logger: options.logger), webhook.stop)
        }
    }

    private func loadCatalog() throws -> ImageCatalog {
        if let catalog { return catalog }
        let loaded = try options.paths.loadCatalog()
        catalog = loaded
        return loaded
    }

    private func loadViews() throws -> FluxViewCatalog {
        if let views { return views }
        let loaded = try options.paths.loadFluxViews()
        views = loaded
        return loaded
    }

    private func loadMeasurements() throws -> HPCGMeasurements {
        if let measurements { return measurements }
        let loaded = try options.paths.loadMeasurements()
        measurements = loaded
        return loaded
    }
}

extension MPIRequirement {
    /// The ABI family the requirement implies, which is what decides whether ranks start.
    var abiFamily: MPIABIFamily? {
        switch self {
        case .any: nil
        case .family(let family): family
        case .implementation(let kind): kind.abiFamily
        case .hostLibrary(let library): library.abiFamily
        }
    }
}
