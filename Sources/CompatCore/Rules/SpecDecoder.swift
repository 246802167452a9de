/// Strict decoding of both spec forms into compiled rules, collecting warnings on the way.
struct SpecDecoder {
    let form: SpecForm
    private var warnings: [String] = []
    private var regexCache: [String: Result<RE2Regex, RE2SyntaxError>] = [:]
    private var featurePrefixes: [String] = []
    private var prefixIndexes: [String: Int] = [:]

    init(form: SpecForm) {
        self.form = form
    }

    static func modelSpecError(at path: FieldPath) -> ArtifactDecodingError {
        ArtifactDecodingError(
            path: path,
            problem: "this is a model-compatibility spec (rules select images by a prediction model), not a node-feature spec; it cannot be evaluated against node labels"
        )
    }

    mutating func decodeSpec(_ document: JSONValue) throws(ArtifactDecodingError) -> ImageCompatibilitySpec {
        var root = try StrictObject(document, at: FieldPath())
        let version = try root.string("version")
        if version != "v1alpha1" {
            warn(root.path.appending("version"), "version '\(version)' is not v1alpha1; the spec is read as v1alpha1")
        }
        var sets: [ImageCompatibilitySpec.CompatibilitySet] = []
        for (index, element) in try root.array("compatibilities").enumerated() {
            sets.append(try decodeSet(element.value, at: element.path, index: index))
        }
        try root.finish()
        return ImageCompatibilitySpec(
            form: form, version: version, compatibilities: sets, warnings: warnings, featurePrefixes: featurePrefixes
        )
    }

    private mutating func decodeSet(_ value: JSONValue, at path: FieldPath, index: Int) throws(ArtifactDecodingError) -> ImageCompatibilitySpec.CompatibilitySet {
        var set = try StrictObject(value, at: path)
        let tag = try set.optionalString("tag")
        let weight = try set.optionalInt("weight") ?? 0
        let description = try set.optionalString("description")
        let ruleElements = try set.array("rules")
        if ruleElements.isEmpty {
            warn(path.appending("rules"), "no rules: this set matches every node")
        }
        var rules: [CompiledRule] = []
        for element in ruleElements {
            rules.append(try decodeRule(element.value, at: element.path))
        }
        try set.finish()
        return .init(index: index, tag: tag, weight: weight, description: description, rules: rules)
    }

    private mutating func decodeRule(_ value: JSONValue, at path: FieldPath) throws(ArtifactDecodingError) -> CompiledRule {
        var rule = try StrictObject(value, at: path)
        if rule.contains("matchModel") {
            throw Self.modelSpecError(at: path.appending("matchModel"))
        }
        var matchAny: [[CompiledTerm]] = []
        if form == .nfd {
            _ = try rule.optionalString("name")
            // Accepted because NFD's GroupRule has them; image selection does not use them.
            _ = try rule.optionalStringMap("vars")
            _ = try rule.optionalString("varsTemplate")
            for element in try rule.optionalArray("matchAny") ?? [] {
                var alternative = try StrictObject(element.value, at: element.path)
                matchAny.append(try decodeTerms(try alternative.array("matchFeatures")))
                try alternative.finish()
            }
        }
        let matchFeatures = try decodeTerms(try rule.optionalArray("matchFeatures") ?? [])
        if matchFeatures.isEmpty && matchAny.isEmpty {
            warn(path, "rule has no matchFeatures\(form == .nfd ? " and no matchAny" : ""): it matches every node")
        }
        try rule.finish()
        return CompiledRule(matchFeatures: matchFeatures, matchAny: matchAny)
    }

    private mutating func decodeTerms(_ elements: [(value: JSONValue, path: FieldPath)]) throws(ArtifactDecodingError) -> [CompiledTerm] {
        var terms: [CompiledTerm] = []
        for element in elements {
            terms.append(form == .nfd ? try decodeFeatureTerm(element.value, at: element.path) : try decodeLabelTerm(element.value, at: element.path))
        }
        return terms
    }

    // MARK: NFD form

    private mutating func decodeFeatureTerm(_ value: JSONValue, at path: FieldPath) throws(ArtifactDecodingError) -> CompiledTerm {
        var term = try StrictObject(value, at: path)
        let feature = try term.string("feature")
        if !feature.contains(".") {
            warn(path.appending("feature"), "feature '\(feature)' is not <domain>.<feature>; no node label can match it")
        }
        let prefix = FeatureTerm.labelPrefix(forFeature: feature)
        let prefixIndex = prefixIndexes[prefix] ?? {
            featurePrefixes.append(prefix)
            prefixIndexes[prefix] = featurePrefixes.count - 1
            return featurePrefixes.count - 1
        }()
        var expressions: [CompiledExpression] = []
        if let map = try term.optionalObject("matchExpressions") {
            for (element, expressionValue) in map.object.members {
                let expressionPath = map.path.appending(element)
                let expression = try decodeExpression(expressionValue, at: expressionPath, keyed: false)
                expressions.append(compile(expression.expression, at: expressionPath, subject: prefix + element, labelKey: prefix + element))
            }
        }
        var matchName: CompiledExpression?
        if let nameValue = term.value("matchName"), nameValue != .null {
            let namePath = path.appending("matchName")
            let expression = try decodeExpression(nameValue, at: namePath, keyed: false)
            matchName = compile(expression.expression, at: namePath, subject: prefix + "*", labelKey: nil)
        }
        try term.finish()
        return .feature(FeatureTerm(feature: feature, labelPrefix: prefix, prefixIndex: prefixIndex, expressions: expressions, matchName: matchName, path: path))
    }

    // MARK: ocifit form

    private mutating func decodeLabelTerm(_ value: JSONValue, at path: FieldPath) throws(ArtifactDecodingError) -> CompiledTerm {
        var term = try StrictObject(value, at: path)
        var expressions: [CompiledExpression] = []
        for element in try term.array("matchExpressions") {
            let decoded = try decodeExpression(element.value, at: element.path, keyed: true)
            let key = decoded.key ?? ""
            expressions.append(compile(decoded.expression, at: element.path, subject: key, labelKey: key))
        }
        try term.finish()
        return .labels(expressions)
    }

    // MARK: Expressions

    /// `{op, value, type}` (NFD) or `{key, op, value, type}` with `value` a string or a list (ocifit).
    private mutating func decodeExpression(_ value: JSONValue, at path: FieldPath, keyed: Bool) throws(ArtifactDecodingError) -> (expression: MatchExpression, key: String?) {
        var object = try StrictObject(value, at: path)
        let key = keyed ? try object.string("key") : nil
        let opName = try object.optionalString("op")
        if opName == nil {
            warn(path, "expression without op matches anything")
        } else if opName == "" {
            warn(path.appending("op"), "op \"\" matches anything")
        }
        var values: [String] = []
        if let raw = object.value("value"), raw != .null {
            let valuePath = path.appending("value")
            if case .array = raw {
                for item in try StrictObject.array(raw, at: valuePath) {
                    values.append(try StrictObject.scalarText(item.value, at: item.path))
                }
            } else if form == .ocifit {
                values = [try StrictObject.scalarText(raw, at: valuePath)]
            } else {
                throw ArtifactDecodingError(path: valuePath, problem: "expected an array of strings, found \(raw.typeName)")
            }
        }
        let valueType = try object.optionalString("type")
        try object.finish()
        return (MatchExpression(op: MatchOperator(name: opName ?? "", form: form), values: values, valueType: valueType), key)
    }

    private mutating func compile(_ expression: MatchExpression, at path: FieldPath, subject: String, labelKey: String?) -> CompiledExpression {
        let compiled = CompiledExpression(expression, path: path, subject: subject, labelKey: labelKey, form: form, regexCache: &regexCache)
        if let error = compiled.unconditionalError {
            warn(path, "evaluating this expression always fails: \(error)")
        } else if let error = compiled.presentKeyError {
            let what = labelKey == nil ? "an element under \(subject)" : "label \(subject)"
            warn(path, "evaluating this expression fails on every node that has \(what): \(error)")
        }
        return compiled
    }

    private mutating func warn(_ path: FieldPath, _ message: String) {
        warnings.append("\(path): \(message)")
    }
}
