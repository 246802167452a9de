/// A ``MatchExpression`` prepared at decode time for cheap repeated evaluation: regexes compiled, bounds
/// parsed, label key resolved, and every error that does not depend on the node worked out once.
///
/// Evaluation follows NFD's `evaluateMatchExpression` order (nfd-oci.md §2.2):
/// 1. an unknown op is an error, whether or not the key is present;
/// 2. `""`, `Exists` and `DoesNotExist` check that they have no values, then answer;
/// 3. an absent key is false, with no further validation;
/// 4. otherwise the op's own validation runs, then the comparison.
final class CompiledExpression: Sendable {
    let expression: MatchExpression
    /// Where the expression sits in the spec, for errors and explanations.
    let path: FieldPath
    /// What the expression tests, for messages: a label key, or `<prefix>*` for `matchName`.
    let subject: String
    /// The label whose value is tested; nil for `matchName`, which tests element names.
    let labelKey: String?
    /// Error on every evaluation (step 1 and 2 above).
    let unconditionalError: String?
    /// Error whenever the tested key is present (step 4 validation that depends only on the spec).
    let presentKeyError: String?
    private let plan: Plan

    enum Outcome {
        case holds
        case fails
        case error(String)
    }

    private enum Plan: Sendable {
        case constant(whenPresent: Bool, whenAbsent: Bool)
        case oneOf([String], negated: Bool)
        case regexes([RE2Regex])
        case integer(Comparison<Int>)
        case version(Comparison<SemanticVersion>)
        case exactly(String)
        /// The expression always errors when present (``presentKeyError`` is set).
        case invalid
    }

    private enum Comparison<Bound: Comparable & Sendable>: Sendable {
        case greater(Bound), greaterOrEqual(Bound), less(Bound), lessOrEqual(Bound)
        case between(Bound, Bound, inclusive: Bool)

        func holds(_ value: Bound) -> Bool {
            switch self {
            case .greater(let b): value > b
            case .greaterOrEqual(let b): value >= b
            case .less(let b): value < b
            case .lessOrEqual(let b): value <= b
            case .between(let low, let high, let inclusive): inclusive ? (low <= value && value <= high) : (low < value && value < high)
            }
        }
    }

    /// - Parameter regexCache: compiled patterns shared across a spec, so each distinct pattern compiles once.
    init(
        _ expression: MatchExpression, path: FieldPath, subject: String, labelKey: String?, form: SpecForm,
        regexCache: inout [String: Result<RE2Regex, RE2SyntaxError>]
    ) {
        self.expression = expression
        self.path = path
        self.subject = subject
        self.labelKey = labelKey
        let values = expression.values
        let op = expression.op
        var unconditional: String?
        var presentKey: String?
        var plan = Plan.invalid

        func takesNoValues(whenPresent: Bool, whenAbsent: Bool) {
            if values.isEmpty {
                plan = .constant(whenPresent: whenPresent, whenAbsent: whenAbsent)
            } else {
                unconditional = "op \(op) takes no values, found \(Self.list(values))"
            }
        }

        switch op {
        case .unknown(let name):
            unconditional = Self.unknownOperatorMessage(name, form: form)
        case .matchAny:
            takesNoValues(whenPresent: true, whenAbsent: true)
        case .exists:
            takesNoValues(whenPresent: true, whenAbsent: false)
        case .doesNotExist:
            takesNoValues(whenPresent: false, whenAbsent: true)
        case .isTrue, .isFalse:
            if values.isEmpty {
                plan = .exactly(op == .isTrue ? "true" : "false")
            } else {
                presentKey = "op \(op) takes no values, found \(Self.list(values))"
            }
        case .in, .notIn:
            if values.isEmpty {
                presentKey = "op \(op) needs at least one value"
            } else {
                plan = .oneOf(values, negated: op == .notIn)
            }
        case .inRegexp:
            if values.isEmpty {
                presentKey = "op InRegexp needs at least one value"
            } else {
                var compiled: [RE2Regex] = []
                for pattern in values {
                    let result = regexCache[pattern] ?? Result { () throws(RE2SyntaxError) in try RE2Regex(pattern) }
                    regexCache[pattern] = result
                    switch result {
                    case .success(let regex): compiled.append(regex)
                    case .failure(let error):
                        presentKey = presentKey ?? "pattern \"\(pattern)\" is not valid RE2 syntax: \(error)"
                    }
                }
                if presentKey == nil { plan = .regexes(compiled) }
            }
        case .gt, .ge, .lt, .le, .gtLt, .geLe:
            let needed = (op == .gtLt || op == .geLe) ? 2 : 1
            switch expression.valueType {
            case _ where values.count != needed:
                presentKey = "op \(op) needs exactly \(needed == 1 ? "one value" : "two values"), found \(values.count)"
                    + (values.isEmpty ? "" : " (\(Self.list(values)))")
            case nil, "":
                var bounds: [Int] = []
                for v in values {
                    guard let n = Int(v) else {
                        presentKey = presentKey ?? "value \"\(v)\" of op \(op) is not an integer (set type: version to compare versions)"
                        continue
                    }
                    bounds.append(n)
                }
                if presentKey == nil {
                    if needed == 2, bounds[0] >= bounds[1] {
                        presentKey = "op \(op) needs its first value below its second for integers, found \(Self.list(values))"
                    } else {
                        plan = .integer(Self.comparison(op, bounds))
                    }
                }
            case "version":
                var bounds: [SemanticVersion] = []
                for v in values {
                    do throws(SemanticVersion.ParseFailure) {
                        bounds.append(try SemanticVersion(parsing: v))
                    } catch {
                        presentKey = presentKey ?? "value \"\(v)\" of op \(op) is not a version: \(error.explanation)"
                    }
                }
                // NFD does not check the order of version bounds: reversed bounds simply never match.
                if presentKey == nil { plan = .version(Self.comparison(op, bounds)) }
            case let other?:
                presentKey = "unknown type \"\(other)\" (use \"version\", or leave type out to compare integers)"
            }
        }
        self.unconditionalError = unconditional
        self.presentKeyError = presentKey
        self.plan = plan
    }

    /// Evaluates against one value; `nil` means the key is absent.
    func evaluate(_ value: Substring?) -> Outcome {
        if let unconditionalError { return .error(unconditionalError) }
        if case .constant(let whenPresent, let whenAbsent) = plan {
            return (value == nil ? whenAbsent : whenPresent) ? .holds : .fails
        }
        guard let value else { return .fails }
        if let presentKeyError { return .error(presentKeyError) }
        switch plan {
        case .constant, .invalid:
            return .fails  // handled above
        case .oneOf(let candidates, let negated):
            var found = false
            for candidate in candidates where candidate.utf8.elementsEqual(value.utf8) {
                found = true
                break
            }
            return found != negated ? .holds : .fails
        case .regexes(let regexes):
            for regex in regexes where regex.matches(in: value) { return .holds }
            return .fails
        case .exactly(let expected):
            return expected.utf8.elementsEqual(value.utf8) ? .holds : .fails
        case .integer(let comparison):
            guard let n = Int(value) else {
                return .error("value \"\(value)\" of \(subjectForValues) is not an integer, which op \(expression.op) compares (set type: version to compare versions)")
            }
            return comparison.holds(n) ? .holds : .fails
        case .version(let comparison):
            do throws(SemanticVersion.ParseFailure) {
                return comparison.holds(try SemanticVersion(parsing: value)) ? .holds : .fails
            } catch {
                return .error("value \"\(value)\" of \(subjectForValues) is not a version: \(error.explanation)")
            }
        }
    }

    /// "label X" or "element name under X".
    private var subjectForValues: String {
        labelKey == nil ? "an element name under \(subject)" : "label \(subject)"
    }

    private static func comparison<Bound>(_ op: MatchOperator, _ bounds: [Bound]) -> Comparison<Bound> {
        switch op {
        case .gt: .greater(bounds[0])
        case .ge: .greaterOrEqual(bounds[0])
        case .lt: .less(bounds[0])
        case .le: .lessOrEqual(bounds[0])
        default: .between(bounds[0], bounds[1], inclusive: op == .geLe)
        }
    }

    private static func list(_ values: [String]) -> String {
        "[" + values.joined(separator: ", ") + "]"
    }

    private static func unknownOperatorMessage(_ name: String, form: SpecForm) -> String {
        var message = "unknown op \"\(name)\" (NFD knows In, NotIn, InRegexp, Exists, DoesNotExist, Gt, Ge, Lt, Le, GtLt, GeLe, IsTrue, IsFalse)"
        if form == .nfd, name == "Gte" || name == "Lte" {
            message += "; \(name) is ocifit's spelling, NFD's is \(name == "Gte" ? "Ge" : "Le")"
        }
        return message
    }
}
