import CompatCore

/// Which extreme of a model's prediction is best.
public enum OptimizationDirection: String, Sendable, CaseIterable, Hashable {
    case maximize
    case minimize
}

/// One raw input of a model: a node label.
public struct ModelInput: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Every value seen in training, in the fitting tool's order; `categories[0]` is the reference
        /// category, which has no column (`drop='first'`).
        case categorical(categories: [String])
        /// A number read from the label's text (allowed by the format, unused by the published models).
        case numeric
    }

    /// The node label key, e.g. `feature.node.kubernetes.io/cpu-model.id`.
    public var name: String
    public var kind: Kind

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    /// The training categories of a categorical input; `nil` for a numeric one.
    public var categories: [String]? {
        if case .categorical(let categories) = kind { return categories }
        return nil
    }
}

/// One column of the encoded feature space.
public struct EncodedFeature: Sendable, Hashable {
    public enum Encoding: Sendable, Hashable {
        /// 1.0 when the input's value is byte-for-byte `category`, else 0.0.
        case oneHot(category: String)
        /// `(value - mean) / scale` of a numeric input.
        case standardize(mean: Double, scale: Double)
    }

    /// The fitting tool's column name (`cat__<label>_<value>`), for traceability only.
    public var name: String
    /// Index into ``PerformanceModel/inputs`` of the input this column reads.
    public var input: Int
    public var encoding: Encoding

    public init(name: String, input: Int, encoding: Encoding) {
        self.name = name
        self.input = input
        self.encoding = encoding
    }
}

/// One regression term: the coefficient times the product of one or two encoded columns.
public struct ModelTerm: Sendable, Hashable {
    /// Indices into ``PerformanceModel/features``; one for a main effect, two for a pairwise interaction.
    public var features: [Int]
    /// The exact coefficient (read from `coefficient_hex`).
    public var coefficient: Double
    /// The fitting tool's name for the column, for traceability only.
    public var name: String?
    /// The column index in the fitting tool's expanded feature matrix, for traceability only.
    public var sourceIndex: Int?

    public init(features: [Int], coefficient: Double, name: String? = nil, sourceIndex: Int? = nil) {
        self.features = features
        self.coefficient = coefficient
        self.name = name
        self.sourceIndex = sourceIndex
    }
}

/// A performance model in the portable `ocifit-linear-model` format (version 1): a linear regression over
/// one-hot encoded node labels, evaluated exactly (see `models/published/FORMAT.md`).
///
/// The format fixes three behaviours that this type only accepts in their single defined spelling:
/// unknown categories encode to all zeros (`unknown_category: "all_zero"`), a node lacking an input cannot
/// be scored (`missing_input: "reject"`), and terms are added in array order (`summation: "sequential"`).
public struct PerformanceModel: Sendable, Hashable {
    public static let format = "ocifit-linear-model"
    public static let formatVersion = 1

    /// Model key: the metric name a request asks for.
    public var name: String
    /// The metric the model predicts.
    public var target: String
    public var targetDescription: String
    /// The extreme that is best. A request may override it.
    public var direction: OptimizationDirection
    /// Where ``direction`` was taken from.
    public var directionSource: String
    public var inputs: [ModelInput]
    public var features: [EncodedFeature]
    public var terms: [ModelTerm]
    public var intercept: Double
    /// Where the model came from. Informational: it never changes a prediction, and its members differ
    /// between producers, so it is kept as the document had it.
    public var provenance: JSONObject
    /// Optional (`seen_input_combinations`): every distinct tuple of input values in the training data,
    /// each in ``inputs`` order. When present, the out-of-distribution guard also flags value pairs that
    /// an interaction term reads but that never occurred together in training.
    public var seenInputCombinations: [[String]]?

    public init(
        name: String, target: String, targetDescription: String, direction: OptimizationDirection,
        directionSource: String, inputs: [ModelInput], features: [EncodedFeature], terms: [ModelTerm],
        intercept: Double, provenance: JSONObject = JSONObject(), seenInputCombinations: [[String]]? = nil
    ) {
        self.name = name
        self.target = target
        self.targetDescription = targetDescription
        self.direction = direction
        self.directionSource = directionSource
        self.inputs = inputs
        self.features = features
        self.terms = terms
        self.intercept = intercept
        self.provenance = provenance
        self.seenInputCombinations = seenInputCombinations
    }

    /// Whether some term multiplies two columns.
    public var hasInteractions: Bool { terms.contains { $0.features.count > 1 } }
}
