/// Which wire format an image-compatibility spec is written in.
public enum SpecForm: String, Sendable, CaseIterable, CustomStringConvertible {
    /// NFD's `v1alpha1` image-compatibility spec: `matchFeatures[].feature` plus a `matchExpressions`
    /// map from element name to expression, `matchName`, `matchAny`.
    case nfd
    /// ocifit-k8s's list form: `matchFeatures[].matchExpressions` is a list of `{key, op, value}` on full
    /// node-label keys.
    case ocifit

    public var description: String {
        switch self {
        case .nfd: "NFD form"
        case .ocifit: "ocifit list form"
        }
    }
}

/// An NFD match operator (`pkg/apis/nfd/nodefeaturerule/expression.go`).
///
/// Unknown names are kept rather than rejected at decode time: NFD reports them as evaluation errors
/// (even when the key is absent), and so does this library.
public enum MatchOperator: Sendable, Hashable, CustomStringConvertible {
    /// The empty op `""`: matches anything, present or absent. Only reachable by omitting `op`.
    case matchAny
    case `in`, notIn, inRegexp, exists, doesNotExist
    case gt, ge, lt, le, gtLt, geLe
    case isTrue, isFalse
    /// A name NFD does not know; evaluating it is an error.
    case unknown(String)

    /// The operator named `name`. ocifit's `Gte`/`Lte` mean `Ge`/`Le` in the ocifit form only: NFD
    /// rejects them, so they are unknown in the NFD form.
    public init(name: String, form: SpecForm) {
        switch name {
        case "": self = .matchAny
        case "In": self = .in
        case "NotIn": self = .notIn
        case "InRegexp": self = .inRegexp
        case "Exists": self = .exists
        case "DoesNotExist": self = .doesNotExist
        case "Gt": self = .gt
        case "Ge": self = .ge
        case "Lt": self = .lt
        case "Le": self = .le
        case "GtLt": self = .gtLt
        case "GeLe": self = .geLe
        case "IsTrue": self = .isTrue
        case "IsFalse": self = .isFalse
        case "Gte" where form == .ocifit: self = .ge
        case "Lte" where form == .ocifit: self = .le
        default: self = .unknown(name)
        }
    }

    /// The NFD spelling (`Ge` for ocifit's `Gte`).
    public var name: String {
        switch self {
        case .matchAny: ""
        case .in: "In"
        case .notIn: "NotIn"
        case .inRegexp: "InRegexp"
        case .exists: "Exists"
        case .doesNotExist: "DoesNotExist"
        case .gt: "Gt"
        case .ge: "Ge"
        case .lt: "Lt"
        case .le: "Le"
        case .gtLt: "GtLt"
        case .geLe: "GeLe"
        case .isTrue: "IsTrue"
        case .isFalse: "IsFalse"
        case .unknown(let name): name
        }
    }

    public var description: String { self == .matchAny ? "\"\"" : name }
}

/// One expression as written in a spec: `{op, value, type}`.
public struct MatchExpression: Sendable, Hashable {
    public var op: MatchOperator
    /// Values exactly as written; unquoted YAML scalars keep their text (`5.10` stays `5.10`).
    public var values: [String]
    /// The `type` field: nil or `""` compares integers, `"version"` compares semver versions; anything
    /// else is an error for the comparison operators and ignored by the others.
    public var valueType: String?

    public init(op: MatchOperator, values: [String] = [], valueType: String? = nil) {
        self.op = op
        self.values = values
        self.valueType = valueType
    }
}

extension MatchExpression: CustomStringConvertible {
    /// `In [Intel, AMD]`, `Gt [6.8] (version)`, `Exists`.
    public var description: String {
        var text = op.description
        if !values.isEmpty { text += " [" + values.joined(separator: ", ") + "]" }
        if let valueType, !valueType.isEmpty { text += " (type \(valueType))" }
        return text
    }
}
