import CompatCore

/// What an experiment run should do, read from YAML (or JSON), in the shape of the seeds' experiment
/// plans: each entry is `batches` × selections × `iterations` runs. A batch is one cluster bring-up;
/// on it every selection (a LAMMPS selection mode, or a model-experiment strategy) runs `iterations`
/// times.
///
/// ```yaml
/// seed: 42                          # optional
/// experiments:
///   - mode: descriptive-basic       # a LAMMPS selection mode, or a list: [basic, platform]
///     iterations: 25                # per batch and selection
///     batches: 5                    # optional, default 1
///     arch: amd64
///     nodes: 2
///     gpu: false                    # optional, default false
///     instance: c2d-standard-8      # optional node type (default: the price table's for arch/gpu)
///   - model: [fom, random]          # model-experiment strategies: a model name, or random
///     iterations: 30
///     arch: arm64                   # optional for model entries: the instance types' architecture
///     nodes: 1
///     filter-instance-types: 6      # the cheapest 6 instance types of the cluster, by price
///     max-instance-types: 3         # 3 of them drawn at random for each batch
/// ```
///
/// Every entry has exactly one of `mode` and `model`. `filter-instance-types` and
/// `max-instance-types` (as in the seeds' spot-instance plans) apply to model entries, whose cluster
/// has many instance types; a LAMMPS cluster is of one node type (`instance`). Unknown fields are
/// errors.
public struct ExperimentPlan: Sendable, Hashable {
    /// One selection an entry runs on each batch.
    public enum Selection: Sendable, Hashable, CustomStringConvertible {
        /// A LAMMPS selection mode.
        case mode(SelectionMode)
        /// A model-experiment strategy: a performance model's name (`fom`, `duration`, …) or `random`.
        case model(String)

        /// The records' group: the mode or the strategy name.
        public var group: String {
            switch self {
            case .mode(let mode): mode.rawValue
            case .model(let name): name
            }
        }

        /// `descriptive-basic` or `model fom`.
        public var description: String {
            switch self {
            case .mode(let mode): mode.rawValue
            case .model(let name): "model \(name)"
            }
        }
    }

    /// Which node types an entry's clusters are made of.
    public enum InstanceTypes: Sendable, Hashable {
        /// LAMMPS: the price table's default node type for the architecture (and GPU). Model: every
        /// instance type of the cluster (of the architecture, when the entry names one).
        case standard
        /// One named node type.
        case named(String)
        /// The `filter` cheapest instance types by price, of which `perBatch` are drawn for each batch.
        case cheapest(filter: Int, perBatch: Int)
    }

    public struct Entry: Sendable, Hashable {
        public var selections: [Selection]
        /// Runs per batch and selection.
        public var iterations: Int
        public var batches: Int
        /// `nil`: any architecture (model entries only).
        public var architecture: Architecture?
        public var nodes: Int
        public var gpu: Bool
        public var instanceTypes: InstanceTypes

        public init(
            selections: [Selection], iterations: Int, batches: Int = 1, architecture: Architecture?, nodes: Int, gpu: Bool = false,
            instanceTypes: InstanceTypes = .standard
        ) {
            self.selections = selections
            self.iterations = iterations
            self.batches = batches
            self.architecture = architecture
            self.nodes = nodes
            self.gpu = gpu
            self.instanceTypes = instanceTypes
        }

        /// Every run of the entry: batches × selections × iterations.
        public var runs: Int { batches * selections.count * iterations }

        /// Whether the entry is of the model experiment (else LAMMPS).
        public var isModelExperiment: Bool {
            if case .model = selections.first { return true }
            return false
        }

        /// `basic, platform` or `model fom, random`, for tables.
        public var label: String {
            let names = selections.map(\.group).joined(separator: ", ")
            return isModelExperiment ? "model \(names)" : names
        }
    }

    public var seed: UInt64?
    public var entries: [Entry]

    /// A plan built from command-line flags rather than a file.
    public init(seed: UInt64?, entries: [Entry]) {
        self.seed = seed
        self.entries = entries
    }

    /// Runs of the whole plan.
    public var runs: Int { entries.reduce(0) { $0 + $1.runs } }

    /// The largest number of runs a plan may ask for, so that a typo cannot start a week of runs.
    public static let maximumRuns = 1_000_000

    /// Decodes a plan; `models` are the strategy names this installation knows (a typo is an error that
    /// lists them).
    public init<Bytes: Collection>(decoding bytes: Bytes, models: [String]) throws(ArtifactDecodingError)
    where Bytes.Element == UInt8 {
        var root = try StrictObject(try DocumentDecoder.decode(bytes), at: FieldPath())
        if let seedValue = root.value("seed"), seedValue != .null {
            guard case .number(let text) = seedValue, let seed = UInt64(text) else {
                throw ArtifactDecodingError(path: FieldPath([.key("seed")]), problem: "seed must be a whole number from 0 to \(UInt64.max)")
            }
            self.seed = seed
        } else {
            seed = nil
        }
        var entries: [Entry] = []
        let list = try root.array("experiments")
        guard !list.isEmpty else {
            throw ArtifactDecodingError(path: FieldPath([.key("experiments")]), problem: "a plan needs at least one experiment")
        }
        for (value, path) in list {
            entries.append(try Self.entry(value, at: path, models: models))
        }
        try root.finish()
        self.entries = entries
        guard runs <= Self.maximumRuns else {
            throw ArtifactDecodingError(path: FieldPath([.key("experiments")]), problem: "the plan asks for \(runs) runs, more than \(Self.maximumRuns)")
        }
    }

    private static func names(_ value: JSONValue, at path: FieldPath) throws(ArtifactDecodingError) -> [String] {
        if case .string(let name) = value { return [name] }
        var names: [String] = []
        for (item, itemPath) in try StrictObject.array(value, at: path) {
            let name = try StrictObject.string(item, at: itemPath)
            guard !names.contains(name) else { throw ArtifactDecodingError(path: itemPath, problem: "'\(name)' is listed twice") }
            names.append(name)
        }
        guard !names.isEmpty else { throw ArtifactDecodingError(path: path, problem: "the list is empty; name at least one") }
        return names
    }

    private static func entry(_ value: JSONValue, at path: FieldPath, models: [String]) throws(ArtifactDecodingError) -> Entry {
        var object = try StrictObject(value, at: path)
        let modeValue = object.value("mode")
        let modelValue = object.value("model")
        let selections: [Selection]
        switch (modeValue, modelValue) {
        case (let value?, nil):
            selections = try names(value, at: path.appending("mode")).map { name throws(ArtifactDecodingError) in
                guard let mode = SelectionMode(rawValue: name) else {
                    throw ArtifactDecodingError(
                        path: path.appending("mode"),
                        problem: "unknown mode '\(name)' (known modes: \(SelectionMode.allCases.map(\.rawValue).joined(separator: ", ")))"
                    )
                }
                return .mode(mode)
            }
        case (nil, let value?):
            selections = try names(value, at: path.appending("model")).map { name throws(ArtifactDecodingError) in
                guard models.contains(name) else {
                    throw ArtifactDecodingError(path: path.appending("model"), problem: "unknown model '\(name)' (known models: \(models.joined(separator: ", ")))")
                }
                return .model(name)
            }
        case (.some, .some):
            throw ArtifactDecodingError(path: path, problem: "an experiment has either 'mode' or 'model', not both")
        case (nil, nil):
            throw ArtifactDecodingError(path: path, problem: "an experiment needs 'mode' (LAMMPS selection modes) or 'model' (model-experiment strategies)")
        }
        let isModel = modelValue != nil
        let iterations = try object.int("iterations")
        guard (1...100_000).contains(iterations) else {
            throw ArtifactDecodingError(path: path.appending("iterations"), problem: "iterations must be between 1 and 100000, found \(iterations)")
        }
        let batches = try object.optionalInt("batches") ?? 1
        guard (1...10_000).contains(batches) else {
            throw ArtifactDecodingError(path: path.appending("batches"), problem: "batches must be between 1 and 10000, found \(batches)")
        }
        let architecture: Architecture?
        if let archText = isModel ? try object.optionalString("arch") : try object.string("arch") {
            guard let parsed = Architecture(normalising: archText), parsed == .amd64 || parsed == .arm64 else {
                throw ArtifactDecodingError(path: path.appending("arch"), problem: "arch must be amd64 or arm64, found '\(archText)'")
            }
            architecture = parsed
        } else {
            architecture = nil
        }
        let nodes = try object.int("nodes")
        guard (1...1000).contains(nodes) else {
            throw ArtifactDecodingError(path: path.appending("nodes"), problem: "nodes must be between 1 and 1000, found \(nodes)")
        }
        let gpu = try object.optionalBool("gpu") ?? false
        let instance = try object.optionalString("instance")
        let filter = try object.optionalInt("filter-instance-types")
        let perBatch = try object.optionalInt("max-instance-types")
        let instanceTypes: InstanceTypes
        switch (instance, filter, perBatch) {
        case (let name?, nil, nil):
            instanceTypes = .named(name)
        case (nil, nil, nil):
            instanceTypes = .standard
        case (.some, _, _):
            throw ArtifactDecodingError(path: path.appending("instance"), problem: "give either 'instance' or 'filter-instance-types'/'max-instance-types', not both")
        case (nil, let filter, let perBatch):
            guard isModel else {
                throw ArtifactDecodingError(
                    path: path.appending(filter != nil ? "filter-instance-types" : "max-instance-types"),
                    problem: "a LAMMPS cluster is of one node type; name it with 'instance' (instance-type filters apply to model entries)"
                )
            }
            guard let filter else {
                throw ArtifactDecodingError(path: path.appending("max-instance-types"), problem: "max-instance-types needs filter-instance-types (how many of the cheapest to choose from)")
            }
            guard (1...1000).contains(filter) else {
                throw ArtifactDecodingError(path: path.appending("filter-instance-types"), problem: "filter-instance-types must be between 1 and 1000, found \(filter)")
            }
            let chosen = perBatch ?? filter
            guard (1...filter).contains(chosen) else {
                throw ArtifactDecodingError(path: path.appending("max-instance-types"), problem: "max-instance-types must be between 1 and filter-instance-types (\(filter)), found \(chosen)")
            }
            instanceTypes = .cheapest(filter: filter, perBatch: chosen)
        }
        try object.finish()
        return Entry(
            selections: selections, iterations: iterations, batches: batches, architecture: architecture, nodes: nodes, gpu: gpu,
            instanceTypes: instanceTypes
        )
    }
}

/// One run a plan asks for: which entry, batch and selection, and its iteration number within its
/// group (numbered on across entries, so two entries of the same mode never reuse an iteration, and
/// so never a seed stream).
public struct PlannedRun: Sendable, Hashable {
    public var entry: Int
    public var batch: Int
    public var selection: ExperimentPlan.Selection
    public var iteration: Int

    /// The results' experiment this run belongs to.
    public var experiment: RunRecord.Experiment {
        if case .model = selection { return .model }
        return .lammps
    }
}

extension ExperimentPlan {
    /// Every run in the order it runs: entry by entry, batch by batch, and on each batch's cluster
    /// selection by selection.
    public var schedule: [PlannedRun] {
        var next: [Selection: Int] = [:]
        var runs: [PlannedRun] = []
        runs.reserveCapacity(self.runs)
        for (index, entry) in entries.enumerated() {
            for batch in 0..<entry.batches {
                for selection in entry.selections {
                    let first = next[selection, default: 0]
                    for iteration in first..<(first + entry.iterations) {
                        runs.append(PlannedRun(entry: index, batch: batch, selection: selection, iteration: iteration))
                    }
                    next[selection] = first + entry.iterations
                }
            }
        }
        return runs
    }
}

extension ExperimentPlan {
    /// The runs of ``schedule`` that `records` (an earlier session's, for `--resume`) do not have: a
    /// run is done when a record has its experiment, group and iteration.
    public func pendingRuns(after records: [RunRecord]) -> [PlannedRun] {
        struct Identity: Hashable {
            var experiment: RunRecord.Experiment
            var group: String
            var iteration: Int
        }
        let finished = Set(records.map { Identity(experiment: $0.experiment, group: $0.group, iteration: $0.iteration) })
        return schedule.filter { !finished.contains(Identity(experiment: $0.experiment, group: $0.selection.group, iteration: $0.iteration)) }
    }
}
