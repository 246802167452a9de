import ArgumentParser
import CompatCore
import CompatSimulation

/// `compat classify-log FILE... [--json]`: why each LAMMPS MiniCluster log ended as it did.
struct ClassifyLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify-log",
        abstract: "Classify Flux Operator LAMMPS logs: success, missing gpu, mpi error, os abi issue, arch mismatch or unknown.",
        discussion: """
            Uses the rules of lammps-matrix's plot-results.py in its order, plus exec-format and MPI-startup \
            failures. Prints one line per log (file, reason, wall time) and, for several logs, the counts. \
            A log no rule recognises is 'unknown'; that is a result, not an error (exit 0).
            """
    )

    @Argument(help: "Log files to classify ('-' reads standard input).")
    var files: [String]

    @Flag(help: "Print JSON: {\"logs\": [{file, reason, wallTimeSeconds, evidence}], \"counts\": {reason: n}}.")
    var json = false

    func run() throws {
        try reportingFailures {
            var results: [(file: String, classification: LogClassification)] = []
            for file in files {
                let bytes = try readInput(file, as: "log")
                results.append((file, LogClassifier.classify(String(decoding: bytes, as: UTF8.self))))
            }
            var counts: [RunReason: Int] = [:]
            for result in results { counts[result.classification.reason, default: 0] += 1 }
            let present = RunReason.allCases.filter { counts[$0] != nil }

            if json {
                let logs = results.map { result in
                    JSONValue.object(JSONObject([
                        ("file", .string(result.file)),
                        ("reason", .string(result.classification.reason.rawValue)),
                        ("wallTimeSeconds", result.classification.wallTimeSeconds.map { .number(String($0)) } ?? .null),
                        ("evidence", result.classification.evidence.map(JSONValue.string) ?? .null),
                    ]))
                }
                let countObject = JSONObject(present.map { ($0.rawValue, JSONValue.number(String(counts[$0] ?? 0))) })
                printLine(JSONValue.object(JSONObject([("logs", .array(logs)), ("counts", .object(countObject))])).serialized(pretty: true))
                return
            }
            let width = results.map(\.file.count).max() ?? 0
            for result in results {
                let padded = result.file + String(repeating: " ", count: width - result.file.count)
                let time = result.classification.wallTimeSeconds.map { "  \($0) s" } ?? ""
                printLine("\(padded)  \(result.classification.reason.rawValue)\(time)")
            }
            if results.count > 1 {
                let parts = present.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: ", ")
                printLine("\(results.count) logs: \(parts)")
            }
        }
    }
}
