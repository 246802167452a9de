/// An image-compatibility spec: compatibility sets, each a list of rules over node features, with a
/// weight and a tag (for image selection, the image to run when the set matches).
///
/// Two wire forms are read (``SpecForm``): NFD's `v1alpha1` spec and ocifit-k8s's list form. Both are
/// decoded strictly: an unknown field or a wrong type is an ``ArtifactDecodingError`` naming its path.
///
/// Semantics (nfd-oci.md §2), chosen deliberately where NFD leaves them open:
/// - A set matches when **all** of its rules match (AND; NFD's NodeFeatureGroup ORs rules, but its
///   image-compatibility CLI reports rules one by one and a set is only "compatible" when all pass;
///   ocifit also ANDs).
/// - A rule holds when (`matchAny` is empty or any alternative holds) and every `matchFeatures` term holds.
/// - The matching set with the highest `weight` wins (missing weight = 0, negative weights allowed and
///   able to win); ties go to the set listed first.
/// - Every expression of every set is evaluated, with no short-circuit. Any evaluation error anywhere
///   makes the whole evaluation an error, so the outcome never depends on evaluation order.
///   This includes `matchName` after failed `matchExpressions` and errors that do not depend on the node
///   (unknown op) in terms whose feature is absent, where NFD would skip them.
public struct ImageCompatibilitySpec: Sendable {
    /// A compatibility set: rules plus what selecting it means.
    public struct CompatibilitySet: Sendable {
        /// Position in `compatibilities`.
        public let index: Int
        public let tag: String?
        public let weight: Int
        public let description: String?
        let rules: [CompiledRule]
    }

    public let form: SpecForm
    public let version: String
    public let compatibilities: [CompatibilitySet]
    /// Things that decode but are probably mistakes, each prefixed with its path: an expression without
    /// `op` (which matches anything), an expression that will always fail to evaluate, a set without rules.
    public let warnings: [String]
    /// Distinct NFD feature label prefixes (`feature.node.kubernetes.io/cpu-model.`), indexed by ``FeatureTerm/prefixIndex``.
    let featurePrefixes: [String]

    /// Decodes a spec, choosing the form from the document's shape (see ``detectForm(of:)``).
    public static func decode(from document: JSONValue) throws(ArtifactDecodingError) -> ImageCompatibilitySpec {
        try decode(from: document, as: try detectForm(of: document))
    }

    /// Decodes a spec in the given form. A document in the other form fails with an error naming the
    /// field that does not fit; nothing is ever reinterpreted.
    public static func decode(from document: JSONValue, as form: SpecForm) throws(ArtifactDecodingError) -> ImageCompatibilitySpec {
        var decoder = SpecDecoder(form: form)
        return try decoder.decodeSpec(document)
    }

    /// The form a document is written in, read from its shape: a term with `feature` or `matchName`, a
    /// `matchExpressions` object, or a rule with `name`, `matchAny`, `vars` or `varsTemplate` is the NFD
    /// form; a `matchExpressions` list is the ocifit form. A document with no rules is read as the NFD form.
    ///
    /// Throws when the document mixes both forms, and for a model-compatibility spec (`matchModel`), which
    /// describes a prediction model rather than node features and cannot be evaluated against labels.
    /// (ocifit decodes every feature spec as a model spec by trial: its bug §3.5.1. Here shapes decide.)
    public static func detectForm(of document: JSONValue) throws(ArtifactDecodingError) -> SpecForm {
        var nfdEvidence: (FieldPath, String)?
        var ocifitEvidence: (FieldPath, String)?
        let root = FieldPath()
        guard case .array(let sets)? = document["compatibilities"] else { return .nfd }
        for (s, set) in sets.enumerated() {
            guard case .array(let rules)? = set["rules"] else { continue }
            let rulesPath = root.appending("compatibilities").appending(s).appending("rules")
            for (r, rule) in rules.enumerated() {
                let rulePath = rulesPath.appending(r)
                if rule["matchModel"] != nil {
                    throw SpecDecoder.modelSpecError(at: rulePath.appending("matchModel"))
                }
                for key in ["name", "matchAny", "vars", "varsTemplate"] where rule[key] != nil && nfdEvidence == nil {
                    nfdEvidence = (rulePath.appending(key), "rule field '\(key)'")
                }
                guard case .array(let terms)? = rule["matchFeatures"] else { continue }
                for (t, term) in terms.enumerated() {
                    let termPath = rulePath.appending("matchFeatures").appending(t)
                    if nfdEvidence == nil {
                        if term["feature"] != nil {
                            nfdEvidence = (termPath.appending("feature"), "'feature'")
                        } else if term["matchName"] != nil {
                            nfdEvidence = (termPath.appending("matchName"), "'matchName'")
                        } else if case .object? = term["matchExpressions"] {
                            nfdEvidence = (termPath.appending("matchExpressions"), "a matchExpressions object")
                        }
                    }
                    if ocifitEvidence == nil, case .array? = term["matchExpressions"] {
                        ocifitEvidence = (termPath.appending("matchExpressions"), "a matchExpressions list")
                    }
                }
            }
        }
        switch (nfdEvidence, ocifitEvidence) {
        case (let nfd?, let ocifit?):
            throw ArtifactDecodingError(
                path: ocifit.0,
                problem: "spec mixes the NFD form (\(nfd.1) at \(nfd.0)) and the ocifit list form (\(ocifit.1) here); write every rule in one form"
            )
        case (nil, _?): return .ocifit
        default: return .nfd
        }
    }
}

/// One rule of a compatibility set.
struct CompiledRule: Sendable {
    let matchFeatures: [CompiledTerm]
    /// Each alternative is a list of terms (ANDed); alternatives are ORed.
    let matchAny: [[CompiledTerm]]
}

/// One `matchFeatures` element.
enum CompiledTerm: Sendable {
    /// NFD form: expressions on elements of one feature.
    case feature(FeatureTerm)
    /// ocifit form: expressions on full label keys, ANDed.
    case labels([CompiledExpression])
}

/// An NFD feature term projected onto node labels: feature `cpu.model`, element `vendor_id` reads
/// `feature.node.kubernetes.io/cpu-model.vendor_id`.
final class FeatureTerm: Sendable {
    /// The feature name as written.
    let feature: String
    /// `feature.node.kubernetes.io/cpu-model.`; the feature is present when any label starts with it.
    let labelPrefix: String
    let prefixIndex: Int
    let expressions: [CompiledExpression]
    let matchName: CompiledExpression?
    let path: FieldPath

    init(feature: String, labelPrefix: String, prefixIndex: Int, expressions: [CompiledExpression], matchName: CompiledExpression?, path: FieldPath) {
        self.feature = feature
        self.labelPrefix = labelPrefix
        self.prefixIndex = prefixIndex
        self.expressions = expressions
        self.matchName = matchName
        self.path = path
    }

    /// The namespace of NFD's built-in labels.
    static let labelNamespace = "feature.node.kubernetes.io/"

    /// Features whose label name differs from `<domain>-<feature>` (nfd-oci.md §2.4).
    static let labelNameExceptions = ["system.osrelease": "system-os_release"]

    /// The label prefix for a feature: lower-cased (NFD ignores feature-name case), first `.` becomes `-`.
    static func labelPrefix(forFeature feature: String) -> String {
        let name = feature.lowercased()
        if let exception = labelNameExceptions[name] { return labelNamespace + exception + "." }
        guard let dot = name.firstIndex(of: ".") else { return labelNamespace + name + "." }
        return labelNamespace + name[..<dot] + "-" + name[name.index(after: dot)...] + "."
    }
}
