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
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "compat-run",
        abstract: "Run LAMMPS image-selection and HPCG instance-selection experiments through the compatibility webhook.",
        discussion: """
            By default the runner starts the webhook itself on 127.0.0.1 with fresh certificates and runs every \
            admitted job on an embedded simulated cluster. Run from the repository root (or pass --artifacts, \
            --models and --node-features). results.json records the seed, the arguments, the version and git \
            revision, the backend, the webhook and each run's timing. SIGINT or SIGTERM stops after the run in \
            progress and writes the results so far (exit 130 or 143); --resume then skips the finished runs. \
            Exit status: 0 when every run finished, 1 when the inputs were read but the plan cannot run, 2 \
            when an input (the plan) cannot be read or decoded. Examples:
              compat-run --mode all --iters 25 --seed 1
              compat-run --mode descriptive-basic --iters 25 --arch arm64
              compat-run --model fom --model random --iters 30
              compat-run --plan plan.yaml --dry-run
            """,
        version: CompatRun.version
    )

    @Option(name: .customLong("mode"), help: "Selection mode: basic, platform, platform-version, descriptive-basic, descriptive, or all. Repeatable.")
    var modes: [ModeArgument] = []

    @Option(name: .customLong("model"), help: "Model experiment strategy: a model named in models/model-compatibility.json (e.g. fom) or random. Repeatable.")
    var models: [String] = []

    @Option(
        name: .customLong("iters"), parsing: .unconditional,
        help: "Iterations per mode or strategy, \(Self.iterationRange.lowerBound) to \(Self.iterationRange.upperBound)."
    )
    var iterations = 25

    @Option(help: "Cluster architecture for the LAMMPS experiment.")
    var arch: ArchitectureArgument = .amd64

    @Flag(help: "Give the simulated cluster a GPU node type (LAMMPS experiment, amd64).")
    var gpu = false

    @Option(help: "What the LAMMPS job needs from the image's MPI, checked by mode descriptive and by the cluster: openmpi, mpich, intel-mpi, abi:openmpi or abi:mpich.")
    var mpi: String?

    @Option(help: "Seed for every random choice; the same seed reproduces choices and outcomes.")
    var seed: UInt64 = 1

    @Option(help: "An experiment plan (YAML): entries of batches × selections × iterations, run in one invocation.")
    var plan: String?

    @Option(help: "Directory for results.json, results.csv, charts and logs.")
    var outdir = "out"

    @Flag(help: "Keep the runs already in <outdir>/results.json (same seed, backend and webhook) and run only the missing ones.")
    var resume = false

    @Option(help: "Where jobs run.")
    var backend: BackendArgument = .sim

    @OptionGroup(title: "Kubernetes (--backend kubernetes)")
    var kubernetes: KubernetesOptions

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

    @Flag(help: "Print every object that would be submitted (with its seed) and the cost estimate, and run nothing.")
    var dryRun = false

    @Flag(help: "Do not ask before running on a real cluster.")
    var yes = false

    @Flag(help: "Print the results document (JSON) instead of the summary.")
    var json = false

    @Option(help: "Log level for the runner and its embedded webhook.")
    var logLevel: LogLevelArgument = .error

    static let iterationRange = 1...100_000

    func validate() throws {
        guard Self.iterationRange.contains(iterations) else {
            throw ValidationError("--iters \(iterations) is out of range: use \(Self.iterationRange.lowerBound) to \(Self.iterationRange.upperBound) iterations per mode or strategy")
        }
        guard (webhook == nil) == (ca == nil) else { throw ValidationError("--webhook and --ca go together: the CA verifies that webhook") }
        if plan != nil, !modes.isEmpty || !models.isEmpty {
            throw ValidationError("--plan lists its own experiments; drop --mode and --model")
        }
        if resume, dryRun { throw ValidationError("--resume runs the missing runs; --dry-run runs nothing: use one of them") }
    }

    func run() throws {
        let level = logLevel.level
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "compat-run")
        do {
            let plan = try makePlan()
            var options = SessionOptions(seed: plan.seed ?? seed, paths: paths, webhook: .inProcess, logger: logger)
            options.mpi = mpi
            options.catalogReference = catalog
            options.modelSpecReference = modelSpec
            if let webhook, let ca { options.webhook = .external(url: webhook, caFile: ca) }
            if dryRun {
                print(try ExperimentSession(options: options).dryRun(plan))
                return
            }
            if backend == .kubernetes {
                try confirmSpending(plan, session: ExperimentSession(options: options))
                options.backend = .kubernetes(try kubernetes.connect(logger: logger))
            }
            let stop = StopRequest.installed()
            options.shouldStop = { stop.signal != nil }
            try execute(plan, options: options, stop: stop)
        } catch let error as ValidationError {
            throw error
        } catch let error as ExitCode {
            throw error
        } catch let error as UnreadableInput {
            FileHandle.standardError.write(Data("compat-run: \(error)\n".utf8))
            throw ExitCode(2)
        } catch {
            FileHandle.standardError.write(Data("compat-run: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// Runs the plan, writes the results (also when stopped by a signal) and prints the summary.
    private func execute(_ plan: ExperimentPlan, options: SessionOptions, stop: StopRequest) throws {
        var provenance = RunProvenance(
            tool: "compat-run", version: Self.version, revision: GitRevision.current(), arguments: Array(CommandLine.arguments.dropFirst()),
            seed: options.seed, backend: backend.rawValue, webhook: webhook ?? "embedded", plan: self.plan,
            startedAt: Timestamps.iso8601(Date())
        )
        let previous = try previousRecords(continuing: provenance)
        let bar = ProgressBar(total: plan.runs, isTerminal: isatty(STDERR_FILENO) == 1)
        let resumedFrom = plan.runs - plan.pendingRuns(after: previous).count
        let started = ContinuousClock.now
        let result = try ExperimentSession(options: options).run(plan, previous: previous) { completed, _, note in
            let elapsed = (ContinuousClock.now - started).inSeconds
            FileHandle.standardError.write(Data(bar.render(completed: completed, note: note, elapsedSeconds: elapsed, resumedFrom: resumedFrom).utf8))
        }
        FileHandle.standardError.write(Data(bar.finish().utf8))
        provenance.finishedAt = Timestamps.iso8601(Date())
        provenance.interrupted = result.interrupted
        let written = try ExperimentReport.write(result, run: provenance, to: outdir)
        if json {
            print(ResultsFiles.json(result.records, run: provenance), terminator: "")
        } else {
            print(ExperimentReport.summary(result.records, simulated: backend == .sim))
            print("results: \(written.filter { !$0.contains("/logs/") }.joined(separator: ", "))")
        }
        if result.interrupted, let signal = stop.signal {
            FileHandle.standardError.write(Data(
                "compat-run: stopped by \(signal == SIGINT ? "SIGINT" : "SIGTERM") after \(result.records.count) of \(plan.runs) runs; the results so far are in \(outdir) (finish with --resume)\n".utf8
            ))
            throw ExitCode(128 + signal)
        }
    }

    /// With `--resume`, the records of `<outdir>/results.json` when it continues the same experiment.
    private func previousRecords(continuing provenance: RunProvenance) throws -> [RunRecord] {
        guard resume else { return [] }
        let path = (outdir as NSString).appendingPathComponent("results.json")
        guard FileManager.default.fileExists(atPath: path) else {
            FileHandle.standardError.write(Data("compat-run: --resume: \(path) does not exist yet; starting from the first run\n".utf8))
            return []
        }
        let document: ResultsFiles.Document
        do {
            document = try ResultsFiles.decodeDocument(try InputFile.read(path, as: "results to resume"))
        } catch let error as ArtifactDecodingError {
            throw UnreadableInput("--resume: \(path): \(error)")
        }
        if let earlier = document.run, !earlier.continues(provenance) {
            throw ExperimentError(
                "--resume: \(path) holds runs of seed \(earlier.seed) on backend \(earlier.backend) with webhook \(earlier.webhook); "
                    + "resume with the same --seed, --backend and --webhook, or write to another --outdir"
            )
        }
        return document.records
    }

    private var paths: RunnerPaths { RunnerPaths(artifacts: artifacts, models: modelsDirectory, nodeFeatures: nodeFeatures) }

    private func makePlan() throws -> ExperimentPlan {
        if let plan {
            let bytes = try InputFile.read(plan, as: "plan")
            do {
                return try ExperimentPlan(decoding: bytes, models: try paths.loadModelNames())
            } catch let error as ArtifactDecodingError {
                throw UnreadableInput("plan \(plan): \(error)")
            }
        }
        var selected: [SelectionMode] = []
        for argument in modes.isEmpty && models.isEmpty ? [.all] : modes {
            for mode in argument.modes where !selected.contains(mode) { selected.append(mode) }
        }
        let modelNames = models.isEmpty ? [] : try paths.loadModelNames()
        for name in models where !modelNames.contains(name) {
            throw ValidationError("--model '\(name)' is not in \(paths.modelCompatibility); use one of \(modelNames.joined(separator: ", "))")
        }
        var entries: [ExperimentPlan.Entry] = []
        if !selected.isEmpty {
            entries.append(.init(selections: selected.map { .mode($0) }, iterations: iterations, architecture: arch.architecture, nodes: 2, gpu: gpu))
        }
        var strategies: [String] = []
        for name in models where !strategies.contains(name) { strategies.append(name) }
        if !strategies.isEmpty {
            entries.append(.init(selections: strategies.map { .model($0) }, iterations: iterations, architecture: nil, nodes: 1))
        }
        return ExperimentPlan(seed: nil, entries: entries)
    }

    /// Prints the cost estimate and asks before spending money, unless `--yes`.
    private func confirmSpending(_ plan: ExperimentPlan, session: ExperimentSession) throws {
        let estimate = try CostEstimator.estimate(try session.resolve(plan), prices: try paths.loadPrices())
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
