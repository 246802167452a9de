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
    /// Asked before each run; `true` stops the session after the run in progress, with the results so
    /// far (how SIGINT and SIGTERM end a run without losing it).
    public var shouldStop: @Sendable () -> Bool = { false }

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
    /// Whether ``SessionOptions/shouldStop`` ended the session before every planned run.
    public var interrupted = false
    /// Records taken over from an earlier session (`--resume`), at the front of ``records``.
    public var resumed = 0
}

/// The log of one run, for writing beside the results.
public struct RunLog: Sendable {
    public var group: String
    public var name: String
    public var text: String
}

/// Runs an experiment plan: each batch of each entry is one cluster (a webhook and a backend), on which
/// the entry's selections run their iterations, each job through the webhook and then to the backend.
public final class ExperimentSession {
    public let options: SessionOptions
    private var catalog: ImageCatalog?
    private var views: FluxViewCatalog?
    private var measurements: HPCGMeasurements?

    public init(options: SessionOptions) {
        self.options = options
    }

    /// The instance types the model experiment's cluster has (the node features'), less, on the
    /// simulated backend, those the study never measured HPCG on: GPU and inference nodes and system
    /// node groups are skip-listed, as a deployment's --skip-instance-types does, so that every strategy
    /// chooses among the same measured set.
    public func modelClusterInstanceTypes() throws -> [String] {
        var types: [String] = []
        for node in try options.paths.loadNodeFeatures() {
            if let type = NodeLabels.instanceType(of: node), !types.contains(type) {
                types.append(type)
            }
        }
        guard case .simulated = options.backend else { return types }
        let measured = Set(try loadMeasurements().instances)
        return types.filter(measured.contains)
    }

    /// Resolves the plan's node types against the price table and the model cluster; what would stop
    /// the plan mid-way fails here, before anything runs.
    public func resolve(_ plan: ExperimentPlan) throws -> [ResolvedEntry] {
        let cluster = plan.entries.contains(where: \.isModelExperiment) ? try modelClusterInstanceTypes() : []
        let prices = try options.paths.loadPrices()
        do {
            return try PlanResolver.resolve(plan, prices: prices, modelCluster: cluster)
        } catch {
            throw ExperimentError("the plan cannot run: \(error)")
        }
    }

    /// Runs every planned run in order, skipping those `previous` (an earlier session's records, for
    /// `--resume`) already has. `progress` is called after each run with (completed, total, a note
    /// naming the run and its outcome); runs taken from `previous` count as completed.
    public func run(
        _ plan: ExperimentPlan, previous: [RunRecord] = [], progress: (Int, Int, String) -> Void = { _, _, _ in }
    ) throws -> SessionResult {
        let resolved = try resolve(plan)
        var result = SessionResult(records: previous, resumed: previous.count)
        let total = plan.runs
        let pending = plan.pendingRuns(after: previous)
        var completed = total - pending.count
        var index = 0
        while index < pending.count {
            // One batch: the contiguous runs of one entry and batch share a cluster.
            let first = pending[index]
            var end = index
            while end < pending.count, pending[end].entry == first.entry, pending[end].batch == first.batch { end += 1 }
            let batch = Array(pending[index..<end])
            index = end
            let item = resolved[first.entry]
            let stopped: Bool
            if item.entry.isModelExperiment {
                stopped = try runModelBatch(batch, item, into: &result) { completed += 1; progress(completed, total, $0) }
            } else {
                stopped = try runLAMMPSBatch(batch, item, into: &result) { completed += 1; progress(completed, total, $0) }
            }
            if stopped {
                result.interrupted = true
                break
            }
        }
        return result
    }

    /// Runs `body` for one planned run, stamping the record with its batch and timing. Returns `true`
    /// when the session should stop before this run.
    private func timed(_ run: PlannedRun, _ body: () throws -> RunRecord) throws -> RunRecord? {
        if options.shouldStop() { return nil }
        let startedAt = Date()
        let started = ContinuousClock.now
        var record = try body()
        record.batch = run.batch
        record.timing = RunTiming(startedAt: Timestamps.iso8601(startedAt), seconds: (ContinuousClock.now - started).inSeconds)
        return record
    }

    // MARK: LAMMPS

    private func runLAMMPSBatch(_ runs: [PlannedRun], _ item: ResolvedEntry, into result: inout SessionResult, done: (String) -> Void) throws -> Bool {
        let entry = item.entry
        guard let architecture = entry.architecture, let standard = NodeType.standard(for: architecture, gpu: entry.gpu) else {
            throw ExperimentError("the simulated cluster has no \(entry.architecture.map { "\($0)" } ?? "") node type\(entry.gpu ? " with a GPU" : ""); drop --gpu or use --arch amd64")
        }
        // The plan's node type, with what the simulated cluster knows of such a node: its architecture and GPU.
        let node = NodeType(name: item.candidates.first?.name ?? standard.name, architecture: standard.architecture, gpu: standard.gpu)
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
        defer {
            if let logSource = backend as? any LAMMPSRunLogSource {
                result.logs += logSource.logs.map { RunLog(group: $0.mode.rawValue, name: $0.name, text: $0.log) }
            }
        }
        let experiment = LAMMPSExperiment(template: lammpsTemplate, catalog: catalog, views: views, admission: AdmissionRoundTrip(transport: transport), backend: backend)
        for run in runs {
            guard case .mode(let mode) = run.selection else { continue }
            guard let record = try timed(run, { try experiment.run(mode: mode, iteration: run.iteration, architecture: architecture, seed: options.seed) }) else {
                return true
            }
            result.records.append(record)
            done("\(mode.rawValue) \(run.iteration): \(record.reason)")
        }
        return false
    }

    /// The MiniCluster template the session submits (and a dry run prints).
    public var lammpsTemplate: LAMMPSJobTemplate {
        LAMMPSJobTemplate(catalogReference: options.catalogReference ?? "file://" + options.paths.catalogFolder, mpi: options.mpi)
    }

    /// The HPCG Pod template the session submits (and a dry run prints).
    public var hpcgTemplate: HPCGPodTemplate {
        HPCGPodTemplate(specReference: options.modelSpecReference ?? "file://" + options.paths.modelCompatibility)
    }

    // MARK: Models

    private func runModelBatch(_ runs: [PlannedRun], _ item: ResolvedEntry, into result: inout SessionResult, done: (String) -> Void) throws -> Bool {
        let nodes = try options.paths.loadNodeFeatures()
        let backend: any HPCGBackend
        switch options.backend {
        case .simulated:
            backend = SimulatedHPCGBackend(measurements: try loadMeasurements(), seed: options.seed)
        case .kubernetes(let factory):
            backend = try factory.hpcgBackend()
        }
        // The batch's cluster: the instance types drawn for it; every other type of the node features is
        // skip-listed, so random and the model choose among the same set.
        let chosen = Set(item.instanceTypes(batch: runs[0].batch, seed: options.seed))
        let skip = Set(nodes.compactMap(NodeLabels.instanceType(of:))).subtracting(chosen)
        options.logger.info("model batch cluster", metadata: ["entry": "\(item.index)", "batch": "\(runs[0].batch)", "instanceTypes": "\(chosen.sorted())"])
        let (transport, stop) = try connect(nodes: nodes, views: try loadViews(), skipInstanceTypes: skip)
        defer { stop() }
        let experiment = ModelExperiment(template: hpcgTemplate, admission: AdmissionRoundTrip(transport: transport), backend: backend)
        for run in runs {
            guard case .model(let strategy) = run.selection else { continue }
            guard let record = try timed(run, { try experiment.run(strategy: strategy, iteration: run.iteration, seed: options.seed) }) else {
                return true
            }
            result.records.append(record)
            done("model \(strategy) \(run.iteration): \(record.node) \(record.figureOfMerit.map { String(format: "%.2f", $0) } ?? "\(record.reason)")")
        }
        return false
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

    func loadCatalog() throws -> ImageCatalog {
        if let catalog { return catalog }
        let loaded = try options.paths.loadCatalog()
        catalog = loaded
        return loaded
    }

    func loadViews() throws -> FluxViewCatalog {
        if let views { return views }
        let loaded = try options.paths.loadFluxViews()
        views = loaded
        return loaded
    }

    func loadMeasurements() throws -> HPCGMeasurements {
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
