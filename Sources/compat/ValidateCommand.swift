import ArgumentParser
import CompatCore
import Foundation

/// `compat validate`: decode any artifact this project reads and report every problem with its path.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check compatibility artifacts, manifest lists and performance models before publishing them.",
        discussion: """
            The kind is detected from the document (or forced with --kind). An expression that can only ever \
            error (an unknown op, values for an op that takes none, the wrong number of values) is an error \
            naming its path. Exit status: 0 when every file is valid (warnings allowed, unless --strict), 1 when \
            a file decodes as JSON or YAML but is not a valid artifact, 2 when a file cannot be read or is not \
            JSON or YAML at all.
            """
    )

    @Argument(help: "Artifact files (JSON or YAML).")
    var files: [String]

    @Option(help: "The artifact kind, instead of detecting it: \(ArtifactKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: ArtifactKind?

    @Flag(help: "Print one JSON object per file: {file, kind, valid, problem, warnings}.")
    var json = false

    @Flag(help: "Treat warnings as errors (exit status 1).")
    var strict = false

    func run() throws {
        try reportingFailures {
            var worst: Int32 = 0
            for file in files {
                let report = validate(file)
                worst = max(worst, report.exitCode)
                if json {
                    printLine(report.json.serialized())
                } else {
                    printLine(report.line)
                    for warning in report.warnings { printLine("  warning: \(warning)") }
                }
            }
            if worst != 0 { throw ExitCode(worst) }
        }
    }

    private func validate(_ file: String) -> ValidationReport {
        let bytes: [UInt8]
        let document: JSONValue
        do {
            bytes = try readInput(file, as: "artifact")
            document = try DocumentDecoder.decode(bytes)
        } catch let failure as CLIFailure {
            return ValidationReport(file: file, kind: nil, problem: failure.message, warnings: [], exitCode: 2)
        } catch {
            return ValidationReport(file: file, kind: nil, problem: "\(error)", warnings: [], exitCode: 2)
        }
        let kind: ArtifactKind
        do {
            kind = try self.kind ?? ArtifactKind.detect(document)
        } catch {
            return ValidationReport(file: file, kind: nil, problem: "\(error)", warnings: [], exitCode: 1)
        }
        do {
            let findings = try ArtifactValidation.check(document, as: kind)
            let errors = findings.errors + (strict ? findings.warnings.map { "\($0) (a warning, an error with --strict)" } : [])
            guard errors.isEmpty else {
                return ValidationReport(file: file, kind: kind, problem: errors.joined(separator: "; "), warnings: [], exitCode: 1)
            }
            return ValidationReport(file: file, kind: kind, problem: nil, warnings: findings.warnings, exitCode: 0)
        } catch {
            return ValidationReport(file: file, kind: kind, problem: "\(error)", warnings: [], exitCode: 1)
        }
    }
}

extension ArtifactKind: ExpressibleByArgument {}

/// One file's verdict.
private struct ValidationReport {
    var file: String
    var kind: ArtifactKind?
    var problem: String?
    var warnings: [String]
    var exitCode: Int32

    var line: String {
        if let problem { return "\(file): invalid\(kind.map { " \($0)" } ?? ""): \(problem)" }
        return "\(file): valid \(kind.map(\.rawValue) ?? "")" + (warnings.isEmpty ? "" : " (\(warnings.count) warning\(warnings.count == 1 ? "" : "s"))")
    }

    var json: JSONValue {
        [
            "file": .string(file),
            "kind": kind.map { .string($0.rawValue) } ?? .null,
            "valid": .bool(problem == nil),
            "problem": problem.map(JSONValue.string) ?? .null,
            "warnings": .array(warnings.map(JSONValue.string)),
        ]
    }
}
