import CompatCore

/// What an experiment run should do, read from YAML (or JSON):
///
/// ```yaml
/// seed: 42                      # optional
/// experiments:
///   - mode: descriptive-basic   # a LAMMPS selection mode, or
///     iterations: 25
///     batches: 5                # optional, default 1
///     arch: amd64
///     nodes: 2
///     gpu: false                # optional, default false
///     instance: c2d-standard-8  # optional node type, for the cost estimate
///   - model: fom                # a model-experiment strategy set, by model name
///     iterations: 30
///     arch: arm64
///     nodes: 1
/// ```
///
/// Every entry has exactly one of `mode` and `model`. `batches` splits the iterations into groups run
/// on one cluster bring-up each, so it must not exceed `iterations`. Unknown fields are errors.
public struct ExperimentPlan: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// A LAMMPS selection mode (`basic`, `platform`, `platform-version`, `descriptive-basic`, …).
        case mode(String)
        /// The model experiment for a performance model (`fom`, `duration`, …).
        case model(String)
    }

    public struct Entry: Sendable, Hashable {
        public var kind: Kind
        public var iterations: Int
        public var batches: Int
        public var architecture: Architecture
        public var nodes: Int
        public var gpu: Bool
        public var instance: String?

        public init(kind: Kind, iterations: Int, batches: Int = 1, architecture: Architecture, nodes: Int, gpu: Bool = false, instance: String? = nil) {
            self.kind = kind
            self.iterations = iterations
            self.batches = batches
            self.architecture = architecture
            self.nodes = nodes
            self.gpu = gpu
            self.instance = instance
        }

        /// `descriptive-basic` or `model fom`, for tables.
        public var label: String {
            switch kind {
            case .mode(let name): name
            case .model(let name): "model \(name)"
            }
        }
    }

    public var seed: UInt64?
    public var entries: [Entry]

    /// A plan built from command-line flags rather than a file.
    public init(seed: UInt64?, entries: [Entry]) {
        self.seed = seed
        self.entries = entries
    }

    /// Decodes a plan; `modes` and `models` are the names this build knows (a typo is an error that
    /// lists them).
    public init<Bytes: Collection>(decoding bytes: Bytes, modes: [String], models: [String]) throws(ArtifactDecodingError)
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
            entries.append(try Self.entry(value, at: path, modes: modes, models: models))
        }
        self.entries = entries
        try root.finish()
    }

    private static func entry(_ value: JSONValue, at path: FieldPath, modes: [String], models: [String]) throws(ArtifactDecodingError) -> Entry {
        var object = try StrictObject(value, at: path)
        let mode = try object.optionalString("mode")
        let model = try object.optionalString("model")
        let kind: Kind
        switch (mode, model) {
        case (let name?, nil):
            guard modes.contains(name) else {
                throw ArtifactDecodingError(path: path.appending("mode"), problem: "unknown mode '\(name)' (known modes: \(modes.joined(separator: ", ")))")
            }
            kind = .mode(name)
        case (nil, let name?):
            guard models.contains(name) else {
                throw ArtifactDecodingError(path: path.appending("model"), problem: "unknown model '\(name)' (known models: \(models.joined(separator: ", ")))")
            }
            kind = .model(name)
        case (.some, .some):
            throw ArtifactDecodingError(path: path, problem: "an experiment has either 'mode' or 'model', not both")
        case (nil, nil):
            throw ArtifactDecodingError(path: path, problem: "an experiment needs 'mode' (a LAMMPS selection mode) or 'model' (a performance model)")
        }
        let iterations = try object.int("iterations")
        guard (1...100_000).contains(iterations) else {
            throw ArtifactDecodingError(path: path.appending("iterations"), problem: "iterations must be between 1 and 100000, found \(iterations)")
        }
        let batches = try object.optionalInt("batches") ?? 1
        guard batches >= 1, batches <= iterations else {
            throw ArtifactDecodingError(path: path.appending("batches"), problem: "batches must be between 1 and the number of iterations (\(iterations)), found \(batches)")
        }
        let archText = try object.string("arch")
        guard let architecture = Architecture(normalising: archText), architecture == .amd64 || architecture == .arm64 else {
            throw ArtifactDecodingError(path: path.appending("arch"), problem: "arch must be amd64 or arm64, found '\(archText)'")
        }
        let nodes = try object.int("nodes")
        guard (1...1000).contains(nodes) else {
            throw ArtifactDecodingError(path: path.appending("nodes"), problem: "nodes must be between 1 and 1000, found \(nodes)")
        }
        let entry = Entry(
            kind: kind, iterations: iterations, batches: batches, architecture: architecture, nodes: nodes,
            gpu: try object.optionalBool("gpu") ?? false, instance: try object.optionalString("instance")
        )
        try object.finish()
        return entry
    }
}
