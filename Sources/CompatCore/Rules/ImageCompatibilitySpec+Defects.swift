/// An expression of a spec that can never hold: every evaluation is an error (an unknown op, values
/// given to an op that takes none), or every evaluation on a node that has the key is one (a wrong
/// number of values, a bad regex or bound) and a node without the key makes it false.
public struct UnsatisfiableExpression: Sendable, Hashable, CustomStringConvertible {
    public var path: FieldPath
    public var problem: String

    public var description: String { "\(path): \(problem)" }
}

extension ImageCompatibilitySpec {
    /// Every expression that can only ever error, in document order: `compat validate` refuses such a
    /// spec, since a node can only fail it with an error instead of a match.
    public var unsatisfiableExpressions: [UnsatisfiableExpression] {
        var found: [UnsatisfiableExpression] = []
        func visit(_ expression: CompiledExpression) {
            if let error = expression.unconditionalError {
                found.append(UnsatisfiableExpression(path: expression.path, problem: "evaluating this expression always fails: \(error)"))
            } else if let error = expression.presentKeyError {
                found.append(UnsatisfiableExpression(
                    path: expression.path, problem: "this expression is an error on every node that has \(expression.subject) and false on the others: \(error)"
                ))
            }
        }
        func visit(_ terms: [CompiledTerm]) {
            for term in terms {
                switch term {
                case .feature(let feature):
                    feature.expressions.forEach(visit)
                    feature.matchName.map(visit)
                case .labels(let expressions):
                    expressions.forEach(visit)
                }
            }
        }
        for set in compatibilities {
            for rule in set.rules {
                visit(rule.matchFeatures)
                rule.matchAny.forEach(visit)
            }
        }
        return found
    }
}
