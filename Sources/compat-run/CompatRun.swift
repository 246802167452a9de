import ArgumentParser
import CompatAdmission
import CompatCore
import CompatRunner
import CompatSimulation
import Foundation
import Logging

/// `compat-run`: experiments that show how much image (and instance) selection matters, run as clients of
/// the compatibility webhook.
@main
struct CompatRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compat-run",
        abstract: "Run LAMMPS image-selection and HPCG instance-selection experiments through the compatibility webhook.",
        discussion: """
            By default the runner starts the webhook itself on 127.0.0.1 with fresh certificates and runs every \
            admitted job on an embedded simulated cluster. Run from the repository root (or pass --artifacts, \
            --models and --node-features). Examples:
              compat-run --mode all --iters 25 --seed 1
              compat-run --mode descriptive-basic --iters 25 --arch arm64
              compat-run --model fom --model random --iters 30
              compat-run --plan plan.yaml --dry-run
            """,
        version: "0.1.0"
    )

    @Option(name: .customLong("mode"), help: "Selection mode: basic, platform, platform-version, descriptive-basic, descriptive, or all. Repeatable.")
    var modes: [String] = []

    @Option(name: .customLong("model"), help: "Model experiment strategy: a model named in models/model-compatibility.json (e.g. fom) or random. Repeatable.")
    var models: [String] = []

    @Option(name: .customLong("iters"), help: "Iterations per mode or strategy.")
    var iterations = 25

    @Option(help: "Cluster architecture for the LAMMPS experiment: amd64 or arm64.")
    var arch = "amd64"

    @Flag(help: "Give the simulated cluster a GPU node type (LAMMPS experiment, amd64).")
    var gpu = false

    @Option(help: "What the LAMMPS job needs from the image's MPI, checked by mode descriptive and by the cluster: openmpi, mpich, intel-mpi, abi:openmpi or abi:mpich.")
    var mpi: String?

    @Option(help: "Seed for every random choice; the same seed reproduces choices and outcomes.")
    var seed: UInt64 = 1

    @Option(help: "An experiment plan (YAML): several mode or model entries run in one invocation.")
    var plan: String?

    @Option(help: "Directory for results.json, results.csv, charts and logs.")
    var outdir = "out"

    @Option(help: "Where jobs run: sim (embedded simulated cluster) or kubernetes.")
    var backend = "sim"

    @Option(help: "Kubeconfig for --backend kubernetes (default: KUBECONFIG, the in-cluster service account, ~/.kube/config).")
    var kubeconfig: String?

    @Option(help: "Kubeconfig context for --backend kubernetes (default: its current-context).")
    var context: String?

    @Option(help: "Namespace the MiniClusters and Pods are created in (--backend kubernetes).")
    var namespace = "default"

    @Option(help: "Seconds a job may take to start running on the cluster: scheduling, image pulls (--backend kubernetes).")
    var startTimeout = 600

    @Option(help: "Seconds a started job may run before it is stopped and deleted (--backend kubernetes).")
    var runTimeout = 1800

    @Option(help: "URL of a running webhook's mutate endpoint, instead of starting one (needs --ca).")
    var webhook: String?

    @Option(help: "CA certificate (PEM) that signed the running webhook's serving certificate.")
    var ca: String?

    @Option(help: "Catalog reference the webhook resolves for LAMMPS jobs (default: file:// path of <artifacts>/lammps-matrix).")
    var catalog: String?

    @Option(help: "Model-compatibility spec reference for model jobs (default: file:// path of <models>/model-compatibility.json).")
    var modelSpec: String?

    @Option(help: "Folder with lammps-matrix/, flux-views/, hpcg/ and prices.yaml.")
    var artifacts = "artifacts"

    @Option(name: .customLong("models"), help: "Folder with model-compatibility.json and the performance models.")
    var modelsDirectory = "models"

    @Option(help: "Node label maps (JSON array) of the cluster the model experiment chooses among.")
    var nodeFeatures = "webhook/node-features/node-features.json"

    @Flag(help: "Print the objects that would be submitted and the cost estimate, and run nothing.")
    var dryRun = false

    @Flag(help: "Do not ask before running on a real cluster.")
    var yes = false

    @Flag(help: "Print the results as JSON instead of the summary table.")
    var json = false

    @Option(help: "Log level for the runner and its embedded webhook (trace, debug, info, notice, warning, error).")
    var logLevel = "error"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level '\(logLevel)' is not a log level") }
        guard ["sim", "kubernetes"].contains(backend) else { throw ValidationError("--backend must be sim or kubernetes, not '\(backend)'") }
        guard (1...100_000).contains(iterations) else { throw ValidationError("--iters must be between 1 and 100000") }
        guard startTimeout > 0, runTimeout > 0 else { throw ValidationError("--start-timeout and --run-timeout must be positive numbers of seconds") }
        guard (webhook == nil) == (ca == nil) else { throw ValidationError("--webhook and --ca go together: the CA verifies that webhook") }
        if plan != nil, !modes.isEmpty || !models.isEmpty {
            throw ValidationError("--plan lists its own experiments; drop --mode and --model")
        }
    }

    func run() throws {
        let level = Logger.Level(rawValue: logLevel) ?? .error
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "compat-run")
        let paths = RunnerPaths(artifacts: artifacts, models: modelsDirectory, nodeFeatures: nodeFeatures)
        do {
            let plan = try makePlan()
            if dryRun {
                print(try DryRun.render(plan, paths: paths, mpi: mpi, catalog: catalog, modelSpec: modelSpec))
                return
            }
            var options = SessionOptions(seed: plan.seed ?? seed, paths: paths, webhook: .inProcess, logger: logger)
            options.mpi = mpi
            options.catalogReference = catalog
            options.modelSpecReference = modelSpec
            if let webhook, let ca { options.webhook = .external(url: webhook, caFile: ca) }
            if backend == "kubernetes" {
                try confirmSpending(plan, paths: paths)
                let timeouts = KubernetesTimeouts(start: .seconds(startTimeout), run: .seconds(runTimeout))
                options.backend = .kubernetes(
                    try KubernetesBackends.connect(kubeconfig: kubeconfig, context: context, namespace: namespace, timeouts: timeouts, logger: logger))
            }
            let isTerminal = isatty(STDERR_FILENO) == 1
            let total = plan.entries.reduce(0) { $0 + $1.iterations }
            let bar = ProgressBar(total: total, isTerminal: isTerminal)
            let result = try ExperimentSession(options: options).run(plan) { completed, _, note in
                FileHandle.standardError.write(Data(bar.render(completed: completed, note: note).utf8))
            }
            FileHandle.standardError.write(Data(bar.finish().utf8))
            let written = try ExperimentReport.write(result, to: outdir)
            if json {
                print(ResultsFiles.json(result.records), terminator: "")
            } else {
                print(ExperimentReport.summary(result.records))
                print("results: \(written.filter { !$0.contains("/logs/") }.joined(separator: ", "))")
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            FileHandle.standardError.write(Data("compat-run: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    private func makePlan() throws -> ExperimentPlan {
        let modeNames = SelectionMode.allCases.map(\.rawValue)
        let modelNames = try knownModels()
        if let plan {
            guard let data = FileManager.default.contents(atPath: plan) else { throw RunnerInputError("cannot read plan \(plan)") }
            do {
                return try ExperimentPlan(decoding: Array(data), modes: modeNames, models: modelNames)
            } catch {
                throw RunnerInputError("plan \(plan): \(error)")
            }
        }
        guard let architecture = Architecture(normalising: arch), architecture == .amd64 || architecture == .arm64 else {
            throw ValidationError("--arch must be amd64 or arm64, not '\(arch)'")
        }
        var selected: [String] = []
        for name in (modes.isEmpty && models.isEmpty ? ["all"] : modes) {
            if name == "all" {
                selected += modeNames.filter { !selected.contains($0) }
            } else if modeNames.contains(name) {
                if !selected.contains(name) { selected.append(name) }
            } else {
                throw ValidationError("--mode '\(name)' is not a mode; use one of \(modeNames.joined(separator: ", ")) or all")
            }
        }
        for name in models where !modelNames.contains(name) {
            throw ValidationError("--model '\(name)' is not in \(paths.modelCompatibility); use one of \(modelNames.joined(separator: ", "))")
        }
        let lammps = selected.map {
            ExperimentPlan.Entry(kind: .mode($0), iterations: iterations, architecture: architecture, nodes: 2, gpu: gpu)
        }
        let hpcg = models.map { ExperimentPlan.Entry(kind: .model($0), iterations: iterations, architecture: .amd64, nodes: 1) }
        return ExperimentPlan(seed: nil, entries: lammps + hpcg)
    }

    private var paths: RunnerPaths { RunnerPaths(artifacts: artifacts, models: modelsDirectory, nodeFeatures: nodeFeatures) }

    /// The model names the shipped model-compatibility spec has entries for.
    private func knownModels() throws -> [String] {
        guard !models.isEmpty || plan != nil else { return [] }
        return try paths.loadModelNames()
    }

    /// Prints the cost estimate and asks before spending money, unless `--yes`.
    private func confirmSpending(_ plan: ExperimentPlan, paths: RunnerPaths) throws {
        let estimate = try CostEstimator.estimate(plan, prices: try paths.loadPrices())
        FileHandle.standardError.write(Data((estimate.table + "\n").utf8))
        guard !yes else { return }
        guard isatty(STDIN_FILENO) == 1 else {
            throw ValidationError("running on a real cluster costs money (estimate above); pass --yes to confirm without a terminal")
        }
        FileHandle.standardError.write(Data("Run this on the cluster? [y/N] ".utf8))
        guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
            throw ValidationError("not confirmed; nothing was run")
        }
    }
}
