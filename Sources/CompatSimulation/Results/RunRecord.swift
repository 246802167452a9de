/// One run of an experiment, as the results files, the summary and the charts see it.
///
/// The same record serves both experiments: a LAMMPS run (grouped by selection mode, with a Flux view,
/// ending in a ``RunReason``) and an HPCG run of the model experiment (grouped by strategy, with an
/// instance type and a figure of merit that may be an estimate).
public struct RunRecord: Sendable, Hashable {
    public enum Experiment: String, Sendable, Hashable, CaseIterable {
        /// The lammps-matrix experiment: selection modes choosing an image (and Flux view) for a cluster.
        case lammps
        /// The model experiment: strategies choosing an instance type for an HPCG build.
        case model
    }

    public var experiment: Experiment
    /// The selection mode (`basic`, `descriptive-basic`, …) or model strategy (`model`, `random`, …).
    public var group: String
    /// 0-based iteration within the group.
    public var iteration: Int
    /// The image reference that ran.
    public var image: String
    /// The Flux view image (LAMMPS runs); `nil` when none was involved.
    public var view: String?
    /// The node type or instance type the run landed on.
    public var node: String
    public var reason: RunReason
    /// LAMMPS's total wall time, for successful runs.
    public var wallTimeSeconds: Double?
    /// HPCG figure of merit (GFLOP/s), for successful model-experiment runs.
    public var figureOfMerit: Double?
    /// How long selecting the image or instance took (the admission or model round trip).
    public var selectionLatencyMilliseconds: Double?
    /// Whether ``figureOfMerit`` is an estimate because that instance × build pair was never measured.
    public var estimated: Bool
    /// The plan batch (cluster bring-up) the run belonged to, 0-based.
    public var batch: Int
    /// When the runner started the run (admission included), and how long it took on the runner's
    /// clock: what a person needs to see where an experiment's time went. `nil` for records written
    /// before these were kept.
    public var timing: RunTiming?

    public init(
        experiment: Experiment, group: String, iteration: Int, image: String, view: String? = nil, node: String,
        reason: RunReason, wallTimeSeconds: Double? = nil, figureOfMerit: Double? = nil,
        selectionLatencyMilliseconds: Double? = nil, estimated: Bool = false, batch: Int = 0, timing: RunTiming? = nil
    ) {
        self.experiment = experiment
        self.group = group
        self.iteration = iteration
        self.image = image
        self.view = view
        self.node = node
        self.reason = reason
        self.wallTimeSeconds = wallTimeSeconds
        self.figureOfMerit = figureOfMerit
        self.selectionLatencyMilliseconds = selectionLatencyMilliseconds
        self.estimated = estimated
        self.batch = batch
        self.timing = timing
    }

    public var succeeded: Bool { reason.succeeded }
}

/// When a run started (UTC, ISO 8601 with milliseconds, as the runner's clock read it) and how many
/// seconds it took from submission to the backend's verdict.
public struct RunTiming: Sendable, Hashable {
    public var startedAt: String
    public var seconds: Double

    public init(startedAt: String, seconds: Double) {
        self.startedAt = startedAt
        self.seconds = seconds
    }
}

extension Array where Element == RunRecord {
    /// The groups in the order they first appear, so tables and charts follow the plan's order.
    public var groupsInOrder: [String] {
        var seen: Set<String> = []
        return compactMap { seen.insert($0.group).inserted ? $0.group : nil }
    }

    public func records(in group: String) -> [RunRecord] {
        filter { $0.group == group }
    }
}
