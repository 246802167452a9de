import Foundation

extension ImageCompatibilitySpec {
    /// Evaluates every compatibility set against one node's labels and selects the matching set with
    /// the highest weight (see the type's documentation for the combination rules).
    ///
    /// Cheap enough for the admission path: label keys were resolved and regexes compiled at decode time;
    /// an evaluation makes one pass over the labels to find which NFD features the node has, then one
    /// dictionary lookup per expression.
    ///
    /// - Throws: ``RuleEvaluationError`` when any expression cannot be evaluated (an unknown op, a
    ///   non-integer value under `Gt`, an invalid regex on a present label, ...), naming its path.
    public func evaluate(labels: [String: String]) throws(RuleEvaluationError) -> CompatibilityEvaluation {
        var evaluator = Evaluator(labels: labels, featurePresent: featurePresence(in: labels))
        var outcomes: [CompatibilityEvaluation.SetOutcome] = []
        outcomes.reserveCapacity(compatibilities.count)
        var selected: CompatibilityEvaluation.SetOutcome?
        for set in compatibilities {
            var failure: MatchFailure?
            for rule in set.rules {
                let ruleFailure = evaluator.evaluate(rule)
                if failure == nil { failure = ruleFailure }
            }
            let outcome = CompatibilityEvaluation.SetOutcome(index: set.index, tag: set.tag, weight: set.weight, failure: failure)
            if failure == nil, selected.map({ set.weight > $0.weight }) ?? true {
                selected = outcome
            }
            outcomes.append(outcome)
        }
        if let first = evaluator.errors.first {
            throw RuleEvaluationError(first: first, others: Array(evaluator.errors.dropFirst()))
        }
        return CompatibilityEvaluation(sets: outcomes, selected: selected)
    }

    /// For each feature prefix, whether any label starts with it. One pass over the labels.
    private func featurePresence(in labels: [String: String]) -> [Bool] {
        guard !featurePrefixes.isEmpty else { return [] }
        var present = [Bool](repeating: false, count: featurePrefixes.count)
        var missing = featurePrefixes.count
        for key in labels.keys where key.hasUTF8Prefix(FeatureTerm.labelNamespace) {
            for (i, prefix) in featurePrefixes.enumerated() where !present[i] && key.hasUTF8Prefix(prefix) {
                present[i] = true
                missing -= 1
            }
            if missing == 0 { break }
        }
        return present
    }
}

/// Evaluation state for one node: the labels, which features are present, and the errors found so far.
private struct Evaluator {
    let labels: [String: String]
    let featurePresent: [Bool]
    var errors: [RuleEvaluationError.Failure] = []

    /// nil when the rule holds, otherwise the first reason it does not.
    mutating func evaluate(_ rule: CompiledRule) -> MatchFailure? {
        var failure: MatchFailure?
        if !rule.matchAny.isEmpty {
            var anyHolds = false
            var firstFailure: MatchFailure?
            for alternative in rule.matchAny {
                if let f = evaluate(alternative) {
                    if firstFailure == nil { firstFailure = f }
                } else {
                    anyHolds = true
                }
            }
            if !anyHolds {
                failure = MatchFailure(reason: .noAlternative(count: rule.matchAny.count, first: firstFailure))
            }
        }
        let termsFailure = evaluate(rule.matchFeatures)
        return failure ?? termsFailure
    }

    /// ANDs terms; evaluates all of them and reports the first failure.
    private mutating func evaluate(_ terms: [CompiledTerm]) -> MatchFailure? {
        var failure: MatchFailure?
        for term in terms {
            let termFailure: MatchFailure?
            switch term {
            case .feature(let feature): termFailure = evaluate(feature)
            case .labels(let expressions): termFailure = evaluate(expressions, under: nil)
            }
            if failure == nil { failure = termFailure }
        }
        return failure
    }

    private mutating func evaluate(_ term: FeatureTerm) -> MatchFailure? {
        guard featurePresent[term.prefixIndex] else {
            // The term is false without looking at its expressions, as in NFD. Errors that do not depend
            // on the node are still reported, so a broken spec fails the same way on every node.
            for expression in term.expressions {
                if let error = expression.unconditionalError { record(expression, error) }
            }
            if let matchName = term.matchName, let error = matchName.unconditionalError { record(matchName, error) }
            return MatchFailure(reason: .featureAbsent(term))
        }
        var failure = evaluate(term.expressions, under: term)
        if let matchName = term.matchName {
            let nameFailure = evaluateNames(matchName, prefix: term.labelPrefix)
            if failure == nil { failure = nameFailure }
        }
        return failure
    }

    /// ANDs expressions on label values; evaluates all of them and reports the first failure.
    private mutating func evaluate(_ expressions: [CompiledExpression], under term: FeatureTerm?) -> MatchFailure? {
        var failure: MatchFailure?
        for expression in expressions {
            let observed = expression.labelKey.flatMap { labels[$0] }
            switch expression.evaluate(observed?[...]) {
            case .holds:
                continue
            case .fails:
                if failure == nil { failure = MatchFailure(reason: .expression(expression, observed: observed)) }
            case .error(let message):
                record(expression, message)
                if failure == nil { failure = MatchFailure(reason: .expression(expression, observed: observed)) }
            }
        }
        return failure
    }

    /// `matchName`: holds when at least one element name under the feature's prefix satisfies it. Every
    /// name is evaluated so that an error (e.g. `Gt` on a non-numeric name) does not depend on label order.
    private mutating func evaluateNames(_ expression: CompiledExpression, prefix: String) -> MatchFailure? {
        var anyHolds = false
        var firstError: String?
        let prefixLength = prefix.utf8.count
        for key in labels.keys where key.hasUTF8Prefix(prefix) {
            let name = key[key.utf8.index(key.startIndex, offsetBy: prefixLength)...]
            switch expression.evaluate(name) {
            case .holds: anyHolds = true
            case .fails: break
            case .error(let message):
                // Keep the smallest message so the error is the same whatever the label order.
                if firstError.map({ message < $0 }) ?? true { firstError = message }
            }
        }
        if let firstError { record(expression, firstError) }
        return anyHolds && firstError == nil ? nil : MatchFailure(reason: .noElementName(expression))
    }

    private mutating func record(_ expression: CompiledExpression, _ problem: String) {
        errors.append(RuleEvaluationError.Failure(path: expression.path, problem: problem))
    }
}

extension String {
    /// Byte-wise prefix test. `hasPrefix` compares by Unicode canonical equivalence, which is slower and
    /// not what Go's label comparison does; this runs on every label of every evaluation.
    func hasUTF8Prefix(_ prefix: String) -> Bool {
        let fast = utf8.withContiguousStorageIfAvailable { key in
            prefix.utf8.withContiguousStorageIfAvailable { p in
                guard p.count <= key.count else { return false }
                guard let k = key.baseAddress, let q = p.baseAddress else { return true }
                return memcmp(k, q, p.count) == 0
            }
        }
        if let result = fast ?? nil { return result }
        return utf8.starts(with: prefix.utf8)
    }
}
