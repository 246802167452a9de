import CompatCore
import Foundation

/// `results.json` and `results.csv`: the records of an experiment, for people (CSV in a spreadsheet,
/// like lammps-matrix's `lammps-times.csv`) and for programs (JSON, read back with ``decodeJSON(_:)``).
public enum ResultsFiles {
    /// The `format` member that identifies a results document.
    public static let formatName = "compat-results"
    public static let formatVersion = 1

    /// The CSV columns, in order.
    public static let csvColumns = [
        "experiment", "group", "iteration", "image", "view", "node", "outcome", "reason",
        "wall_time_s", "fom_gflops", "selection_latency_ms", "estimated",
    ]

    // MARK: JSON

    /// `{"format": "compat-results", "version": 1, "records": [...]}`, pretty-printed, members in a fixed
    /// order; absent values are `null` so every record has the same members.
    public static func json(_ records: [RunRecord]) -> String {
        let objects = records.map { r in
            JSONValue.object(JSONObject([
                ("experiment", .string(r.experiment.rawValue)),
                ("group", .string(r.group)),
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
            ]))
        }
        let document = JSONValue.object(JSONObject([
            ("format", .string(formatName)),
            ("version", .number(String(formatVersion))),
            ("records", .array(objects)),
        ]))
        return document.serialized(pretty: true) + "\n"
    }

    /// Reads a document written by ``json(_:)``. Strict: unknown members, wrong types, an unknown reason
    /// or an `outcome` that contradicts the reason are errors naming their path.
    public static func decodeJSON<Bytes: Collection>(_ bytes: Bytes) throws(ArtifactDecodingError) -> [RunRecord]
    where Bytes.Element == UInt8 {
        var root = try StrictObject(try DocumentDecoder.decode(bytes, format: .json), at: FieldPath())
        let format = try root.string("format")
        guard format == formatName else {
            throw ArtifactDecodingError(path: root.path.appending("format"), problem: "expected '\(formatName)', found '\(format)'")
        }
        let version = try root.int("version")
        guard version == formatVersion else {
            throw ArtifactDecodingError(
                path: root.path.appending("version"),
                problem: "version \(version) is not supported (this reader knows version \(formatVersion))"
            )
        }
        var records: [RunRecord] = []
        for (value, path) in try root.array("records") {
            records.append(try decodeRecord(value, at: path))
        }
        try root.finish()
        return records
    }

    private static func decodeRecord(_ value: JSONValue, at path: FieldPath) throws(ArtifactDecodingError) -> RunRecord {
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
            estimated: try object.optionalBool("estimated") ?? false
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
                r.experiment.rawValue, r.group, String(r.iteration), r.image, r.view ?? "", r.node,
                r.succeeded ? "succeeded" : "failed", r.reason.rawValue,
                r.wallTimeSeconds.map { decimalText($0) } ?? "",
                r.figureOfMerit.map { decimalText($0) } ?? "",
                r.selectionLatencyMilliseconds.map { decimalText($0) } ?? "",
                r.estimated ? "true" : "false",
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
