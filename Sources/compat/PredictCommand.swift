import ArgumentParser
import CompatCore
import CompatModels
import Foundation

/// `compat predict`: score every node with a performance model and choose an instance, like ocifit-k8s's
/// model server, with every score returned and out-of-distribution nodes flagged instead of winning.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Score nodes with a performance model and choose the best instance.",
        discussion: """
            Control-plane nodes are dropped. A node is identified by its instance-type label, else its \
            hostname, else its position. A node lacking an input label is reported and skipped; a node \
            whose labels were never seen in training is flagged out of distribution and chosen only when no \
            other node can be. Exit status: 0 with a choice, 1 when no node can be chosen, 2 when the model \
            or the node file cannot be read or decoded.
            """
    )

    @Option(help: "The model file (portable ocifit-linear-model JSON).")
    var model: String

    @Option(help: "The nodes: a JSON/YAML array of label maps, or a Kubernetes NodeList ('-' for stdin).")
    var nodes: String

    @Option(help: "maximize, minimize or random (default: the model's direction).", transform: parseSelectionDirection)
    var direction: SelectionDirection?

    @Option(help: "Seed for --direction random, so the same seed picks the same node (default: a fresh seed, reported).")
    var seed: UInt64?

    @Flag(help: "Print the choice and every node's score and flags as JSON.")
    var json = false

    func run() throws {
        try reportingFailures {
            let performanceModel = try loadPerformanceModel(model)
            let matrix: NodeFeatureMatrix
            do {
                matrix = try NodeFeatureMatrix(decoding: try readInput(nodes, as: "node list"))
            } catch let error as ArtifactDecodingError {
                throw CLIFailure.unreadableInput("node list '\(nodes)': \(error)")
            }
            let effectiveDirection = direction ?? SelectionDirection(performanceModel.direction)
            if seed != nil && effectiveDirection != .random {
                throw CLIFailure.unreadableInput("--seed only seeds a random choice; add --direction random or drop --seed")
            }
            let choice: InstanceChoice
            do throws(InstanceChoiceError) {
                choice = try InstanceChooser.choose(
                    model: performanceModel, nodes: matrix.nodes, direction: effectiveDirection,
                    seed: seed ?? UInt64.random(in: .min ... .max)
                )
            } catch {
                throw CLIFailure.evaluationFailed(error.description)
            }
            if json {
                printLine(choice.jsonValue.serialized(pretty: true))
            } else {
                printTable(choice)
            }
        }
    }

    private func printTable(_ choice: InstanceChoice) {
        let width = max(8, choice.candidates.map(\.identity.count).max() ?? 0)
        printLine("\(choice.direction.rawValue) \(choice.model) over \(choice.candidates.count) node(s)")
        printLine(pad("node", 5) + pad("instance", width + 2) + pad("score", 26) + "flags")
        for node in choice.candidates {
            var flags: [String] = []
            if node.index == choice.chosen.index { flags.append("CHOSEN") }
            if node.score == nil {
                flags.append("cannot be scored: " + node.assessment.inputProblems.map(\.description).joined(separator: ", "))
            } else if !node.assessment.isInDistribution {
                flags.append("out of distribution: " + node.assessment.outOfDistribution.map(\.description).joined(separator: "; "))
            }
            printLine(pad(String(node.index), 5) + pad(node.identity, width + 2) + pad(node.score.map { "\($0)" } ?? "-", 26) + flags.joined(separator: "; "))
        }
        printLine("instance: \(choice.chosen.identity)")
        printLine("instance-selector: \(choice.instanceSelector ?? "(none: node position)")")
        printLine("reason: \(choice.reason)")
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}

/// Reads `maximize`, `minimize` or `random`.
func parseSelectionDirection(_ text: String) throws -> SelectionDirection {
    guard let direction = SelectionDirection(rawValue: text) else {
        throw ValidationError("direction must be maximize, minimize or random, not '\(text)'")
    }
    return direction
}
