import CompatCore

/// How a results document was made, so that a reader can reproduce it or tell why it differs: the
/// tool and its version, the source revision, the exact arguments, the seed, where jobs ran and which
/// webhook chose for them, and when the run started and ended (or was interrupted).
public struct RunProvenance: Sendable, Hashable {
    /// `compat-run`.
    public var tool: String
    /// The tool's version (`compat-run --version`).
    public var version: String
    /// The git commit of the working tree the tool ran in (`git rev-parse HEAD`), with `-dirty` when it
    /// had uncommitted changes; `nil` outside a git checkout.
    public var revision: String?
    /// The command-line arguments after the program name, as given.
    public var arguments: [String]
    /// The seed every random choice was drawn from (the plan's, or `--seed`).
    public var seed: UInt64
    /// `sim` or `kubernetes`.
    public var backend: String
    /// `embedded` (started by the runner on 127.0.0.1) or the mutate URL of the webhook used.
    public var webhook: String
    /// The plan file, when the experiments came from one.
    public var plan: String?
    /// UTC, ISO 8601.
    public var startedAt: String
    public var finishedAt: String?
    /// Whether the run was stopped (SIGINT, SIGTERM) before every planned run finished.
    public var interrupted: Bool

    public init(
        tool: String, version: String, revision: String?, arguments: [String], seed: UInt64, backend: String, webhook: String,
        plan: String? = nil, startedAt: String, finishedAt: String? = nil, interrupted: Bool = false
    ) {
        self.tool = tool
        self.version = version
        self.revision = revision
        self.arguments = arguments
        self.seed = seed
        self.backend = backend
        self.webhook = webhook
        self.plan = plan
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.interrupted = interrupted
    }

    /// Whether runs made under `other` can be mixed with runs made under this: the same seed, backend
    /// and webhook, so a resumed run continues the same experiment.
    public func continues(_ other: RunProvenance) -> Bool {
        seed == other.seed && backend == other.backend && webhook == other.webhook
    }

    var jsonValue: JSONValue {
        .object(JSONObject([
            ("tool", .string(tool)),
            ("version", .string(version)),
            ("revision", revision.map(JSONValue.string) ?? .null),
            ("arguments", .array(arguments.map(JSONValue.string))),
            ("seed", .number(String(seed))),
            ("backend", .string(backend)),
            ("webhook", .string(webhook)),
            ("plan", plan.map(JSONValue.string) ?? .null),
            ("startedAt", .string(startedAt)),
            ("finishedAt", finishedAt.map(JSONValue.string) ?? .null),
            ("interrupted", .bool(interrupted)),
        ]))
    }

    init(decoding value: JSONValue, at path: FieldPath) throws(ArtifactDecodingError) {
        var object = try StrictObject(value, at: path)
        tool = try object.string("tool")
        version = try object.string("version")
        revision = try object.optionalString("revision")
        arguments = []
        for (item, itemPath) in try object.array("arguments") {
            arguments.append(try StrictObject.string(item, at: itemPath))
        }
        let seedText = try object.scalarText("seed")
        guard let seed = UInt64(seedText) else {
            throw ArtifactDecodingError(path: path.appending("seed"), problem: "seed must be a whole number from 0 to \(UInt64.max), found \(seedText)")
        }
        self.seed = seed
        backend = try object.string("backend")
        webhook = try object.string("webhook")
        plan = try object.optionalString("plan")
        startedAt = try object.string("startedAt")
        finishedAt = try object.optionalString("finishedAt")
        interrupted = try object.optionalBool("interrupted") ?? false
        try object.finish()
    }
}
