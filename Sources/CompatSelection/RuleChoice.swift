import CompatCore

/// The image an NFD / ocifit-k8s image-compatibility spec picks for a node: the `tag` of the matching
/// set with the highest weight (``ImageCompatibilitySpec/evaluate(labels:)``).
public struct RuleChoice: Sendable, Hashable {
    public var image: String
    /// The evaluation's one-sentence summary, for the audit log.
    public var explanation: String

    /// Evaluates `spec` against `labels`. No matching set, a set without a tag, and an expression that
    /// cannot be evaluated each refuse with a sentence naming the failing set or expression.
    public static func choose(spec: ImageCompatibilitySpec, labels: [String: String], artifact: String) throws(SelectionRefusal) -> RuleChoice {
        let evaluation: CompatibilityEvaluation
        do {
            evaluation = try spec.evaluate(labels: labels)
        } catch {
            throw SelectionRefusal(
                .artifactInvalid,
                "the compatibility spec \(artifact) cannot be evaluated against these nodes (\(error)); correct the spec"
            )
        }
        guard let selected = evaluation.selected else {
            throw SelectionRefusal(.noCompatibleChoice, "\(artifact): \(evaluation.explanation)")
        }
        guard let tag = selected.tag, !tag.isEmpty else {
            throw SelectionRefusal(
                .artifactInvalid,
                "\(artifact): \(selected.name) matched but has no tag naming the image to run; add a 'tag' to that compatibility set"
            )
        }
        return RuleChoice(image: tag, explanation: evaluation.explanation)
    }
}
