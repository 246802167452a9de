/// Evaluating a spec failed: at least one expression could not be evaluated against the node.
///
/// Errors are not "false": NFD aborts on them, and so does this library. Every expression is evaluated
/// (no short-circuit), so the error does not depend on evaluation order; all failures are kept, in
/// document order.
public struct RuleEvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Failure: Sendable, Equatable, CustomStringConvertible {
        /// The failing expression, e.g. `compatibilities[1].rules[0].matchFeatures[0].matchExpressions.major`.
        public let path: FieldPath
        public let problem: String

        public var description: String { "\(path): \(problem)" }
    }

    /// The first failure in document order.
    public let first: Failure
    /// Later failures, in document order.
    public let others: [Failure]

    public var failures: [Failure] { [first] + others }

    public var description: String {
        others.isEmpty ? first.description : "\(first) (and \(others.count) more evaluation error\(others.count == 1 ? "" : "s"))"
    }
}

/// Why a compatibility set did not match a node: the first failing part, in document order.
public struct MatchFailure: Sendable, CustomStringConvertible {
    enum Reason: Sendable {
        /// A `matchExpressions` entry (NFD element or ocifit label) did not hold.
        case expression(CompiledExpression, observed: String?)
        /// The node has no label for the NFD feature, so the whole term is false.
        case featureAbsent(FeatureTerm)
        /// `matchName` held for no element name.
        case noElementName(CompiledExpression)
        /// No `matchAny` alternative held; `first` is why the first one failed.
        indirect case noAlternative(count: Int, first: MatchFailure?)
    }

    let reason: Reason

    /// Where in the spec the failing part is.
    public var path: FieldPath {
        switch reason {
        case .expression(let e, _), .noElementName(let e): e.path
        case .featureAbsent(let term): term.path
        case .noAlternative(_, let first): first?.path ?? FieldPath()
        }
    }

    /// One clause for a deny message: `feature.node.kubernetes.io/cpu-model.vendor_id In [Intel] (node has AMD)`.
    public var description: String {
        switch reason {
        case .expression(let e, let observed):
            let seen = observed.map { "node has \($0.isEmpty ? "an empty value" : $0)" } ?? "label absent"
            return "\(e.subject) \(e.expression) (\(seen))"
        case .featureAbsent(let term):
            return "feature \(term.feature) (node has no \(term.labelPrefix)* labels)"
        case .noElementName(let e):
            return "element names \(e.subject) \(e.expression) (no name matched)"
        case .noAlternative(let count, let first):
            let detail = first.map { "; first: \($0)" } ?? ""
            return "none of the \(count) matchAny alternatives\(detail)"
        }
    }
}

/// The result of evaluating a spec against one node's labels.
public struct CompatibilityEvaluation: Sendable {
    public struct SetOutcome: Sendable {
        /// Position in `compatibilities`.
        public let index: Int
        public let tag: String?
        public let weight: Int
        /// Why the set did not match; nil when it matched.
        public let failure: MatchFailure?

        public var matched: Bool { failure == nil }

        /// `set 0 'ghcr.io/x:avx512'`, or `set 0` without a tag.
        public var name: String {
            tag.map { "set \(index) '\($0)'" } ?? "set \(index)"
        }
    }

    /// One outcome per compatibility set, in document order.
    public let sets: [SetOutcome]
    /// The matching set with the highest weight (the first listed on a tie); nil when none matched.
    public let selected: SetOutcome?

    /// One sentence for logs and deny messages, e.g. `no compatibility set matched: set 0 'x' failed on
    /// feature.node.kubernetes.io/cpu-model.vendor_id In [Intel] (node has AMD)`.
    public var explanation: String {
        if let selected {
            let matching = sets.filter(\.matched).count
            return "\(selected.name) selected (weight \(selected.weight); \(matching) of \(sets.count) sets matched)"
        }
        if sets.isEmpty { return "no compatibility set matched: the spec has no compatibility sets" }
        let reasons = sets.map { "\($0.name) failed on \($0.failure.map(\.description) ?? "nothing")" }
        return "no compatibility set matched: " + reasons.joined(separator: "; ")
    }
}
