import ArgumentParser
import CompatCore
import Foundation

/// `compat eval`: evaluates an image-compatibility spec against one node's labels, the decision the
/// admission webhook makes, so a spec can be checked before it is published.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate an image-compatibility spec against a node's labels and print the selected tag.",
        discussion: """
            The spec is NFD's v1alpha1 image-compatibility spec or ocifit's list form, in JSON or YAML. \
            The labels are a JSON or YAML map of label keys to values, or a Kubernetes Node object. \
            Warnings about the spec go to stderr.

            Exit status: 0 when the evaluation succeeded (whether or not a set matched), 1 when the spec \
            cannot be evaluated against these labels, 2 when an input cannot be read or decoded.
            """
    )

    @Option(name: .long, help: "The image-compatibility spec (JSON or YAML), or - for stdin.")
    var spec: String

    @Option(name: .long, help: "The node's labels: a label map or a Node object (JSON or YAML).")
    var labels: String

    @Flag(name: .long, help: "Print {\"tag\": <string|null>, \"error\": <string|null>} instead of a sentence.")
    var json = false

    func run() throws {
        try reportingFailures {
            do {
                try evaluate()
            } catch let failure as CLIFailure {
                if json { printResult(tag: nil, error: failure.message) }
                throw failure
            }
        }
    }

    private func evaluate() throws {
        let compatibilitySpec: ImageCompatibilitySpec
        do {
            compatibilitySpec = try ImageCompatibilitySpec.decode(from: DocumentDecoder.decode(try readInput(spec, as: "spec")))
        } catch let error as ArtifactDecodingError {
            throw CLIFailure.unreadableInput("cannot decode spec '\(spec)': \(error)")
        }
        let nodeLabels: [String: String]
        do {
            nodeLabels = try NodeLabels.decode(from: DocumentDecoder.decode(try readInput(labels, as: "labels")))
        } catch let error as ArtifactDecodingError {
            throw CLIFailure.unreadableInput("cannot decode labels '\(labels)': \(error)")
        }
        for warning in compatibilitySpec.warnings {
            FileHandle.standardError.write(Data("compat: warning: spec '\(spec)': \(warning)\n".utf8))
        }
        let evaluation: CompatibilityEvaluation
        do {
            evaluation = try compatibilitySpec.evaluate(labels: nodeLabels)
        } catch {
            throw CLIFailure.evaluationFailed("spec '\(spec)' cannot be evaluated against labels '\(labels)': \(error)")
        }
        if json {
            // A matching set without a tag selects "" (not null, which means no set matched).
            printResult(tag: evaluation.selected.map { $0.tag ?? "" }, error: nil)
        } else {
            printLine(evaluation.explanation)
        }
    }

    private func printResult(tag: String?, error: String?) {
        let result = JSONValue.object(JSONObject([
            ("tag", tag.map(JSONValue.string) ?? .null),
            ("error", error.map(JSONValue.string) ?? .null),
        ]))
        printLine(result.serialized())
    }
}
