/// Why a node cannot be scored by a model.
public struct InputProblem: Sendable, Hashable, CustomStringConvertible {
    public enum Reason: String, Sendable, Hashable {
        /// The node has no such label (or it was null).
        case missing
        /// A numeric input's label text is not a finite number.
        case notANumber = "not_a_number"
    }

    public var input: String
    /// The label's text, for ``Reason/notANumber``.
    public var value: String?
    public var reason: Reason

    public init(input: String, value: String? = nil, reason: Reason) {
        self.input = input
        self.value = value
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .missing: "label '\(input)' is missing"
        case .notANumber: "label '\(input)' = '\(value ?? "")' is not a number"
        }
    }
}

/// A reason to distrust a prediction: the node's labels lie outside what the model was fitted on, where a
/// linear model extrapolates (and the published models, whose coefficients cancel at ±1e16, produce
/// values of order ±1e12 to ±1e15).
public struct DistributionFinding: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// A categorical input's value is not among the model's training categories.
        case unknownCategory = "unknown_category"
        /// Two inputs an interaction term reads have values that never occurred together in training
        /// (only detectable when the model records ``PerformanceModel/seenInputCombinations``).
        case unseenCombination = "unseen_combination"
    }

    public var kind: Kind
    /// One input for ``Kind/unknownCategory``, two for ``Kind/unseenCombination``.
    public var inputs: [String]
    /// The node's values of ``inputs``, in the same order.
    public var values: [String]

    public init(kind: Kind, inputs: [String], values: [String]) {
        self.kind = kind
        self.inputs = inputs
        self.values = values
    }

    public var description: String {
        switch kind {
        case .unknownCategory:
            return "\(inputs.first ?? "")='\(values.first ?? "")' is not a training category"
        case .unseenCombination:
            let pairs = zip(inputs, values).map { "\($0)='\($1)'" }.joined(separator: " with ")
            return "\(pairs) never occurred together in training"
        }
    }
}

/// What a model says about one node: its prediction when it can be computed, and whether to trust it.
public struct ModelAssessment: Sendable, Hashable {
    /// The exact prediction; `nil` when ``inputProblems`` is not empty.
    public var prediction: Double?
    /// Why the node cannot be scored (empty when it can).
    public var inputProblems: [InputProblem]
    /// Why the prediction is an extrapolation (empty when the node is in distribution).
    public var outOfDistribution: [DistributionFinding]
    /// Whether the node's whole input tuple occurred in training; `nil` when the model does not record
    /// its training combinations or the node cannot be scored. Informational: a main-effects model is
    /// meant to combine effects it has seen, so an unseen tuple alone is not out of distribution.
    public var inputCombinationSeen: Bool?

    public var isScorable: Bool { prediction != nil }
    public var isInDistribution: Bool { outOfDistribution.isEmpty }
}

extension PerformanceModel {
    /// The prediction for a node's labels, computed exactly as `models/published/FORMAT.md` specifies:
    /// encode every column, multiply each term's columns from 1.0 left to right, add `coefficient * t` to
    /// an accumulator starting at 0.0 in term order, then add the intercept. Separate multiply and add
    /// (Swift never contracts them into a fused multiply-add), so the result is bit-identical to the
    /// reference. `nil` when an input cannot be read (see ``assess(_:)`` for why).
    public func predict(_ labels: [String: String]) -> Double? {
        encode(labels).columns.map(predict(columns:))
    }

    /// The summation of ``predict(_:)`` over already encoded columns.
    private func predict(columns: [Double]) -> Double {
        var accumulator = 0.0
        for term in terms {
            var product = 1.0
            for index in term.features { product = product * columns[index] }
            let contribution = term.coefficient * product
            accumulator = accumulator + contribution
        }
        return accumulator + intercept
    }

    /// The prediction together with the reasons it cannot be computed or should not be trusted.
    public func assess(_ labels: [String: String]) -> ModelAssessment {
        let encoded = encode(labels)
        guard let columns = encoded.columns else {
            return ModelAssessment(prediction: nil, inputProblems: encoded.problems, outOfDistribution: [], inputCombinationSeen: nil)
        }
        let values = encoded.values
        var findings: [DistributionFinding] = []
        for (index, input) in inputs.enumerated() {
            if let categories = input.categories, !categories.contains(where: { sameLabelBytes($0, values[index]) }) {
                findings.append(DistributionFinding(kind: .unknownCategory, inputs: [input.name], values: [values[index]]))
            }
        }
        var combinationSeen: Bool?
        if let seen = seenInputCombinations {
            combinationSeen = seen.contains { row in zip(row, values).allSatisfy(sameLabelBytes) }
            findings += unseenPairs(values: values, seen: seen, alreadyUnknown: Set(findings.flatMap(\.inputs)))
        }
        return ModelAssessment(
            prediction: predict(columns: columns), inputProblems: [], outOfDistribution: findings, inputCombinationSeen: combinationSeen
        )
    }

    /// Value pairs read by interaction terms that never occurred together in training. A pair whose
    /// value is already an unknown category is not reported twice.
    private func unseenPairs(values: [String], seen: [[String]], alreadyUnknown: Set<String>) -> [DistributionFinding] {
        var checked: Set<[Int]> = []
        var findings: [DistributionFinding] = []
        for term in terms where term.features.count == 2 {
            let pair = term.features.map { features[$0].input }.sorted()
            guard pair[0] != pair[1], checked.insert(pair).inserted else { continue }
            let names = pair.map { inputs[$0].name }
            guard !names.contains(where: alreadyUnknown.contains) else { continue }
            if !seen.contains(where: { sameLabelBytes($0[pair[0]], values[pair[0]]) && sameLabelBytes($0[pair[1]], values[pair[1]]) }) {
                findings.append(DistributionFinding(kind: .unseenCombination, inputs: names, values: pair.map { values[$0] }))
            }
        }
        return findings
    }

    /// The encoded columns (or the problems that prevent encoding) and each input's value (`""` when
    /// missing). Each label is looked up once per input, not once per column.
    private func encode(_ labels: [String: String]) -> (columns: [Double]?, values: [String], problems: [InputProblem]) {
        var problems: [InputProblem] = []
        var values: [String] = []
        values.reserveCapacity(inputs.count)
        var numbers = [Double](repeating: 0, count: inputs.count)
        for (index, input) in inputs.enumerated() {
            guard let value = labels[input.name] else {
                problems.append(InputProblem(input: input.name, reason: .missing))
                values.append("")
                continue
            }
            values.append(value)
            if case .numeric = input.kind {
                guard let number = Double(value), number.isFinite else {
                    problems.append(InputProblem(input: input.name, value: value, reason: .notANumber))
                    continue
                }
                numbers[index] = number
            }
        }
        guard problems.isEmpty else { return (nil, values, problems) }
        let columns = features.map { feature -> Double in
            switch feature.encoding {
            case .oneHot(let category):
                return sameLabelBytes(values[feature.input], category) ? 1.0 : 0.0
            case .standardize(let mean, let scale):
                return (numbers[feature.input] - mean) / scale
            }
        }
        return (columns, values, [])
    }
}

/// Label values compare byte for byte, as the format requires: Swift's `String ==` uses canonical
/// equivalence, which would call "é" (one scalar) and "é" (two scalars) equal.
func sameLabelBytes(_ a: String, _ b: String) -> Bool {
    // Native strings expose their UTF-8 contiguously; comparing the buffers avoids the generic
    // per-byte iteration, which dominated the cost of scoring a node.
    let contiguous = a.utf8.withContiguousStorageIfAvailable { left in
        b.utf8.withContiguousStorageIfAvailable { right in
            left.count == right.count && left.elementsEqual(right)
        }
    }
    if let contiguous, let equal = contiguous { return equal }
    return a.utf8.count == b.utf8.count && a.utf8.elementsEqual(b.utf8)
}
