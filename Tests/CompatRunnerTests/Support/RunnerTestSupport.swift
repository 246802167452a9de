import CompatCore
import CompatRunner
import CompatSimulation
import CompatWebhook
import Foundation
import Logging

enum RunnerTestPaths {
    static let packageRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let shared = packageRoot + "/../shared"

    static var paths: RunnerPaths {
        RunnerPaths(
            artifacts: packageRoot + "/artifacts", models: packageRoot + "/models",
            nodeFeatures: packageRoot + "/webhook/node-features/node-features.json"
        )
    }
}

let quietLogger: Logger = {
    var logger = Logger(label: "compat-run-tests", factory: { _ in SwiftLogNoOpLogHandler() })
    logger.logLevel = .critical
    return logger
}()

/// The webhook `compat-run` embeds, started in this process for each experiment.
let inProcessWebhook = WebhookEndpoint.embedded { request, logger in
    let webhook = try EmbeddedWebhook(
        .init(nodes: request.nodes, fileArtifactRoots: [request.paths.artifacts, request.paths.models], modelsDirectory: request.paths.models,
              fluxViews: request.fluxViews, skipInstanceTypes: request.skipInstanceTypes),
        logger: logger)
    return LaunchedWebhook(url: webhook.url, caPEM: webhook.caPEM, stop: webhook.stop)
}

/// Runs a plan on the simulated cluster through a webhook started in-process for the session.
func runSimulated(_ entries: [ExperimentPlan.Entry], seed: UInt64 = 1, mpi: String? = nil) throws -> SessionResult {
    var options = SessionOptions(seed: seed, paths: RunnerTestPaths.paths, webhook: inProcessWebhook, logger: quietLogger)
    options.mpi = mpi
    return try ExperimentSession(options: options).run(ExperimentPlan(seed: seed, entries: entries))
}

/// One plan entry per mode (each on its own cluster), as `compat-run --mode` would run them.
func modes(_ names: [SelectionMode], iterations: Int = 25, architecture: Architecture = .amd64, gpu: Bool = false) -> [ExperimentPlan.Entry] {
    names.map { ExperimentPlan.Entry(selections: [.mode($0)], iterations: iterations, architecture: architecture, nodes: 2, gpu: gpu) }
}

func successes(_ records: [RunRecord], _ group: String) -> Int {
    records.records(in: group).filter(\.succeeded).count
}

extension RunRecord {
    /// The record without what the runner's clock measured (selection latency, start and duration),
    /// which differs between identical runs.
    var withoutLatency: RunRecord {
        var copy = self
        copy.selectionLatencyMilliseconds = nil
        copy.timing = nil
        return copy
    }
}
