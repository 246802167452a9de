import CompatCore
import Foundation

/// `results.json` and `results.csv`: the records of an experiment, for people (CSV in a spreadsheet,
/// like lammps-matrix's `lammps-times.csv`) and for programs (JSON, read back with ``decodeJSON(_:)``).
public enum ResultsFiles {
    /// The `format` member that identifies a results document.
    public static let formatName = "compat-results"
    /// Version 2 added `run` (how the results were made) and each record's `batch`, `startedAt` and
    /// `runSeconds`; version 1 documents are still read.
    public static let formatVersion = 2

    /// The CSV columns, in order.
    public static let csvColumns = [
        "experiment", "group", "batch", "iteration", "image", "view", "node", "outcome", "reason",
        "wall_time_s", "fom_gflops", "selection_latency_ms", "estimated", "started_at", "run_s",
    ]

    // MARK: JSON

    /// `{"format": "compat-results", "version": 2, "run": {...}, "records": [...]}`, pretty-printed,
    /// members in a fixed order; absent values are `null` so every record has the same members.
    public static func json(_ records: [RunRecord], run: RunProvenance? = nil) -> String {
        let objects = records.map { r in
            JSONValue.object(JSONObject([
                ("experiment", .string(r.experiment.rawValue)),
                ("group", .string(r.group)),
                ("batch", .number(String(r.batch))),
                ("iteration", .number(String(r.iteration))),
                ("image", .string(r.image)),
                ("view", r.view.map(JSONValue.string) ?? .null),
                ("node", .string(r.node)),
                ("outcome", .string(r.succeeded ? "succeeded" : "failed")),
                ("reason", .string(r.reason.rawValue)),
                ("wallTimeSeconds", r.wallTimeSeconds.map(JSONValue.number) ?? .null),
                ("figureOfMerit", r.figureOfMerit.map(JSONValue.number) ?? .null),
                ("selectionLatencyMilliseconds", r.selectionLatencyMilliseconds.map(JSONValue.number) ?? .null),
                ("estimated", .bool(r.estimated)),
                ("startedAt", r.timing.map { .string($0.startedAt) } ?? .null),
                ("runSeconds", r.timing.map { .number($0.seconds) } ?? .null),
            ]))
        }
        let document = JSONValue.object(JSONObject([
            ("format", .string(formatName)),
            ("version", .number(String(formatVersion))),
            ("run", run?.jsonValue ?? .null),
            ("records", .array(objects)),
        ]))
        return document.serialized(pretty: true) + "\n"
    }

    /// A results document as read back: how it was made (absent in version 1) and its records.
    public struct Document: Sendable, Hashable {
        public var run: RunProvenance?
        public var records: [RunRecord]
    }

    /// Reads a document written by ``json(_:run:)``. Strict: unknown members, wrong types, an unknown
    /// reason or an `outcome` that contradicts the reason are errors naming their path.
    public static func decodeJSON<Bytes: Collection>(_ bytes: Bytes) throws(ArtifactDecodingError) -> [RunRecord]
    where Bytes.Element == UInt8 {
        try decodeDocument(bytes).records
    }

    /// Reads a whole document, provenance included.
    public static func decodeDocument<Bytes: Collection>(_ bytes: Bytes) throws(ArtifactDecodingError) -> Document
    where Bytes.Element == UInt8 {
        var root = try StrictObject(try DocumentDecoder.decode(bytes, format: .json), at: FieldPath())
        let format = try root.string("format")
        guard format == formatName else {
            throw ArtifactDecodingError(path: root.path.appending("format"), problem: "expected '\(formatName)', found '\(format)'")
        }
        let version = try root.int("version")
        guard version == 1 || version == formatVersion else {
            throw ArtifactDecodingError(
                path: root.path.appending("version"),
                problem: "version \(version) is not supported (this reader knows versions 1 and \(formatVersion))"
            )
        }
        var run: RunProvenance?
        if version >= 2, let value = root.value("run"), value != .null {
            run = try RunProvenance(decoding: value, at: root.path.appending("run"))
        }
        var records: [RunRecord] = []
        for (value, path) in try root.array("records") {
            records.append(try decodeRecord(value, at: path, version: version))
        }
        try root.finish()
        return Document(run: run, records: records)
    }

    private static func decodeRecord(_ value: JSONValue, at path: FieldPath, version: Int) throws(ArtifactDecodingError) -> RunRecord {
        var object = try StrictObject(value, at: path)
        let experimentText = try object.string("experiment")
        guard let experiment = RunRecord.Experiment(rawValue: experimentText) else {
            throw ArtifactDecodingError(
                path: path.appending("experiment"),
                problem: "unknown experiment '\(experimentText)' (expected one of: \(RunRecord.Experiment.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        let reasonText = try object.string("reason")
        guard let reason = RunReason(rawValue: reasonText) else {
            throw ArtifactDecodingError(
                path: path.appending("reason"),
                problem: "unknown reason '\(reasonText)' (expected one of: \(RunReason.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        let outcome = try object.string("outcome")
        guard outcome == (reason.succeeded ? "succeeded" : "failed") else {
            throw ArtifactDecodingError(path: path.appending("outcome"), problem: "outcome '\(outcome)' contradicts reason '\(reasonText)'")
        }
        let iteration = try object.int("iteration")
        guard iteration >= 0 else {
            throw ArtifactDecodingError(path: path.appending("iteration"), problem: "iteration must be 0 or more, found \(iteration)")
        }
        var batch = 0
        var timing: RunTiming?
        if version >= 2 {
            batch = try object.int("batch")
            guard batch >= 0 else {
                throw ArtifactDecodingError(path: path.appending("batch"), problem: "batch must be 0 or more, found \(batch)")
            }
            let startedAt = try object.optionalString("startedAt")
            let seconds = try object.optionalDouble("runSeconds")
            if let startedAt, let seconds { timing = RunTiming(startedAt: startedAt, seconds: seconds) }
        }
        let record = RunRecord(
            experiment: experiment,
            group: try object.string("group"),
            iteration: iteration,
            image: try object.string("image"),
            view: try object.optionalString("view"),
            node: try object.string("node"),
            reason: reason,
            wallTimeSeconds: try object.optionalDouble("wallTimeSeconds"),
            figureOfMerit: try object.optionalDouble("figureOfMerit"),
            selectionLatencyMilliseconds: try object.optionalDouble("selectionLatencyMilliseconds"),
            estimated: try object.optionalBool("estimated") ?? false,
            batch: batch, timing: timing
        )
        try object.finish()
        return record
    }

    // MARK: CSV

    /// RFC 4180 CSV with a header row (``csvColumns``), CRLF-free (`\n` line ends), empty cells for
    /// absent values. Numbers use at most 6 decimals, trailing zeros removed.
    public static func csv(_ records: [RunRecord]) -> String {
        var out = csvColumns.joined(separator: ",") + "\n"
        for r in records {
            let cells = [
                r.experiment.rawValue, r.group, String(r.batch), String(r.iteration), r.image, r.view ?? "", r.node,
                r.succeeded ? "succeeded" : "failed", r.reason.rawValue,
                r.wallTimeSeconds.map { decimalText($0) } ?? "",
                r.figureOfMerit.map { decimalText($0) } ?? "",
                r.selectionLatencyMilliseconds.map { decimalText($0) } ?? "",
                r.estimated ? "true" : "false",
                r.timing?.startedAt ?? "",
                r.timing.map { decimalText($0.seconds) } ?? "",
            ]
            out += cells.map(csvField).joined(separator: ",") + "\n"
        }
        return out
    }

    /// A cell quoted when it holds a comma, quote or line break, with quotes doubled.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
