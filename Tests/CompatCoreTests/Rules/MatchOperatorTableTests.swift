import Testing
@testable import CompatCore

/// The operator table of nfd-oci.md §2.2: each operator with its value, against a present label, an
/// absent label (the feature itself present), and with invalid arguments.
@Suite struct MatchOperatorTableTests {
    enum Expected: Sendable { case holds, fails, error }

    struct Case: Sendable, CustomTestStringConvertible {
        var op: String?
        var values: [String]
        var type: String?
        /// The node's value for the tested element; nil when the label is absent.
        var label: String?
        var expected: Expected
        var form: SpecForm = .nfd

        var testDescription: String {
            "\(op.map { "\"\($0)\"" } ?? "no op") \(values)\(type.map { " type \($0)" } ?? "") on \(label.map { "\"\($0)\"" } ?? "absent") → \(expected)"
        }
    }

    static let element = "elem"
    static let labelKey = "feature.node.kubernetes.io/test-feature.elem"

    /// Evaluates one expression on feature `test.feature` (NFD form) or on the full key (ocifit form). The
    /// feature is always present through a sibling label, so an absent element tests the key-absent column.
    static func evaluate(_ c: Case) throws -> Expected {
        var expression: [(String, JSONValue)] = []
        if let op = c.op { expression.append(("op", .string(op))) }
        if !c.values.isEmpty { expression.append(("value", .array(c.values.map(JSONValue.string)))) }
        if let type = c.type { expression.append(("type", .string(type))) }
        let term: JSONValue
        if c.form == .nfd {
            term = ["feature": "test.feature", "matchExpressions": .object(JSONObject([(element, .object(JSONObject(expression)))]))]
        } else {
            expression.append(("key", .string(labelKey)))
            term = ["matchExpressions": [.object(JSONObject(expression))]]
        }
        let spec = try SpecFixtures.singleRuleSpec([term], form: c.form)
        var labels = ["feature.node.kubernetes.io/test-feature.sibling": "x"]
        if let label = c.label { labels[labelKey] = label }
        do {
            return try spec.evaluate(labels: labels).selected == nil ? .fails : .holds
        } catch {
            return .error
        }
    }

    static let noValueOps: [Case] = [
        Case(op: nil, values: [], label: "x", expected: .holds),
        Case(op: nil, values: [], label: nil, expected: .holds),
        Case(op: "", values: [], label: nil, expected: .holds),
        Case(op: nil, values: ["x"], label: "x", expected: .error),
        Case(op: nil, values: ["x"], label: nil, expected: .error),
        Case(op: "Exists", values: [], label: "", expected: .holds),
        Case(op: "Exists", values: [], label: nil, expected: .fails),
        Case(op: "Exists", values: ["x"], label: "x", expected: .error),
        Case(op: "Exists", values: ["x"], label: nil, expected: .error),
        Case(op: "DoesNotExist", values: [], label: "x", expected: .fails),
        Case(op: "DoesNotExist", values: [], label: nil, expected: .holds),
        Case(op: "DoesNotExist", values: ["x"], label: nil, expected: .error),
        Case(op: "IsTrue", values: [], label: "true", expected: .holds),
        Case(op: "IsTrue", values: [], label: "True", expected: .fails),
        Case(op: "IsTrue", values: [], label: "false", expected: .fails),
        Case(op: "IsTrue", values: [], label: nil, expected: .fails),
        Case(op: "IsTrue", values: ["true"], label: "true", expected: .error),
        Case(op: "IsTrue", values: ["true"], label: nil, expected: .fails),
        Case(op: "IsFalse", values: [], label: "false", expected: .holds),
        Case(op: "IsFalse", values: [], label: "true", expected: .fails),
        Case(op: "IsFalse", values: [], label: nil, expected: .fails),
    ]

    static let setOps: [Case] = [
        Case(op: "In", values: ["Intel", "AMD"], label: "AMD", expected: .holds),
        Case(op: "In", values: ["Intel", "AMD"], label: "ARM", expected: .fails),
        Case(op: "In", values: ["Intel"], label: "intel", expected: .fails),
        Case(op: "In", values: ["Intel"], label: nil, expected: .fails),
        Case(op: "In", values: [], label: "Intel", expected: .error),
        Case(op: "In", values: [], label: nil, expected: .fails),
        Case(op: "NotIn", values: ["Intel"], label: "AMD", expected: .holds),
        Case(op: "NotIn", values: ["Intel"], label: "Intel", expected: .fails),
        Case(op: "NotIn", values: ["Intel"], label: nil, expected: .fails),
        Case(op: "NotIn", values: [], label: "AMD", expected: .error),
        Case(op: "NotIn", values: [], label: nil, expected: .fails),
        Case(op: "InRegexp", values: ["^6\\."], label: "6.1", expected: .holds),
        Case(op: "InRegexp", values: ["^6\\."], label: "5.10", expected: .fails),
        Case(op: "InRegexp", values: ["amzn"], label: "6.1.134-152.225.amzn2023.x86_64", expected: .holds),
        Case(op: "InRegexp", values: ["^x", "86_64$"], label: "6.1.134-152.225.amzn2023.x86_64", expected: .holds),
        Case(op: "InRegexp", values: ["^amzn$"], label: nil, expected: .fails),
        Case(op: "InRegexp", values: [], label: "x", expected: .error),
        Case(op: "InRegexp", values: ["x", "(?=y)"], label: "x", expected: .error),
        Case(op: "InRegexp", values: ["(?=y)"], label: nil, expected: .fails),
    ]

    static let integerOps: [Case] = [
        Case(op: "Gt", values: ["5"], label: "6", expected: .holds),
        Case(op: "Gt", values: ["5"], label: "5", expected: .fails),
        Case(op: "Gt", values: ["5"], label: nil, expected: .fails),
        Case(op: "Gt", values: ["5"], label: "+7", expected: .holds),
        Case(op: "Gt", values: ["5"], label: "007", expected: .holds),
        Case(op: "Gt", values: ["-3"], label: "-2", expected: .holds),
        Case(op: "Gt", values: ["5"], label: " 7", expected: .error),
        Case(op: "Gt", values: ["5"], label: "1.5", expected: .error),
        Case(op: "Gt", values: ["5"], label: "0x4", expected: .error),
        Case(op: "Gt", values: ["5"], label: "1_0", expected: .error),
        Case(op: "Gt", values: ["5"], label: "99999999999999999999", expected: .error),
        Case(op: "Gt", values: ["5"], label: "abc", expected: .error),
        Case(op: "Gt", values: ["five"], label: "6", expected: .error),
        Case(op: "Gt", values: ["five"], label: nil, expected: .fails),
        Case(op: "Gt", values: ["5", "6"], label: "6", expected: .error),
        Case(op: "Gt", values: [], label: "6", expected: .error),
        Case(op: "Ge", values: ["5"], label: "5", expected: .holds),
        Case(op: "Ge", values: ["5"], label: "4", expected: .fails),
        Case(op: "Lt", values: ["5"], label: "4", expected: .holds),
        Case(op: "Lt", values: ["5"], label: "5", expected: .fails),
        Case(op: "Le", values: ["5"], label: "5", expected: .holds),
        Case(op: "Le", values: ["5"], label: "6", expected: .fails),
        Case(op: "Le", values: ["5"], label: nil, expected: .fails),
        Case(op: "GtLt", values: ["1", "5"], label: "3", expected: .holds),
        Case(op: "GtLt", values: ["1", "5"], label: "5", expected: .fails),
        Case(op: "GtLt", values: ["1", "5"], label: "1", expected: .fails),
        Case(op: "GtLt", values: ["1", "5"], label: nil, expected: .fails),
        Case(op: "GtLt", values: ["5", "5"], label: "5", expected: .error),
        Case(op: "GtLt", values: ["5", "1"], label: "3", expected: .error),
        Case(op: "GtLt", values: ["1"], label: "3", expected: .error),
        Case(op: "GeLe", values: ["1", "5"], label: "5", expected: .holds),
        Case(op: "GeLe", values: ["1", "5"], label: "1", expected: .holds),
        Case(op: "GeLe", values: ["1", "5"], label: "6", expected: .fails),
        Case(op: "GeLe", values: ["5", "5"], label: "5", expected: .error),
        Case(op: "GeLe", values: ["5", "5"], label: nil, expected: .fails),
    ]

    static let typesAndUnknownOps: [Case] = [
        Case(op: "Matches", values: ["x"], label: "x", expected: .error),
        Case(op: "Matches", values: ["x"], label: nil, expected: .error),
        Case(op: "in", values: ["x"], label: "x", expected: .error),
        Case(op: "Gte", values: ["5"], label: "5", expected: .error),
        Case(op: "Gte", values: ["5"], label: "5", expected: .holds, form: .ocifit),
        Case(op: "Lte", values: ["5"], label: "6", expected: .fails, form: .ocifit),
        Case(op: "NotIn", values: ["x"], label: nil, expected: .fails, form: .ocifit),
        Case(op: "Gt", values: ["5"], type: "semver", label: "6", expected: .error),
        Case(op: "Gt", values: ["5"], type: "semver", label: nil, expected: .fails),
        Case(op: "In", values: ["6"], type: "semver", label: "6", expected: .holds),
        Case(op: "Gt", values: ["5"], type: "", label: "6", expected: .holds),
    ]

    static let versionType: [Case] = [
        Case(op: "Gt", values: ["6.8"], type: "version", label: "6.8.0-1015-aws", expected: .fails),
        Case(op: "Ge", values: ["6.8"], type: "version", label: "6.8.0-1015-aws", expected: .holds),
        Case(op: "Gt", values: ["6.8"], type: "version", label: "v6.9", expected: .holds),
        Case(op: "Lt", values: ["6.10"], type: "version", label: "6.9.3", expected: .holds),
        Case(op: "Ge", values: ["5.10"], type: "version", label: "6.1.134-152.225.amzn2023.aarch64", expected: .holds),
        Case(op: "Ge", values: ["5.10"], type: "version", label: "6.1.134-152.225.amzn2023.x86_64", expected: .error),
        Case(op: "Ge", values: ["4.18"], type: "version", label: "4.18.0-513.el8.x86_64", expected: .error),
        Case(op: "Ge", values: ["1"], type: "version", label: "1.2.3.4", expected: .error),
        Case(op: "Ge", values: ["22.4"], type: "version", label: "22.04", expected: .holds),
        Case(op: "Le", values: ["22.4"], type: "version", label: "22.04", expected: .holds),
        Case(op: "Ge", values: ["1"], type: "version", label: "1.0.0-01", expected: .error),
        Case(op: "Ge", values: ["6.8.0"], type: "version", label: "6.8.0+build.7", expected: .holds),
        Case(op: "Le", values: ["6.8.0"], type: "version", label: "6.8.0+build.7", expected: .holds),
        Case(op: "Gt", values: ["6.x"], type: "version", label: "6.8", expected: .error),
        Case(op: "Gt", values: ["6.x"], type: "version", label: nil, expected: .fails),
        Case(op: "GtLt", values: ["6.1", "6.9"], type: "version", label: "6.5", expected: .holds),
        Case(op: "GtLt", values: ["6.9", "6.1"], type: "version", label: "6.5", expected: .fails),
        Case(op: "GeLe", values: ["6.1", "6.1"], type: "version", label: "6.1.0", expected: .holds),
    ]

    @Test(arguments: noValueOps) func operatorsWithoutValues(_ c: Case) throws {
        #expect(try Self.evaluate(c) == c.expected)
    }

    @Test(arguments: setOps) func setAndRegexOperators(_ c: Case) throws {
        #expect(try Self.evaluate(c) == c.expected)
    }

    @Test(arguments: integerOps) func integerComparisonsFollowGoAtoi(_ c: Case) throws {
        #expect(try Self.evaluate(c) == c.expected)
    }

    @Test(arguments: typesAndUnknownOps) func unknownOperatorsAndTypes(_ c: Case) throws {
        #expect(try Self.evaluate(c) == c.expected)
    }

    @Test(arguments: versionType) func versionTypeComparesLikeNFD(_ c: Case) throws {
        #expect(try Self.evaluate(c) == c.expected)
    }

    @Test func featureAbsentMakesEvenDoesNotExistFalse() throws {
        let spec = try SpecFixtures.singleRuleSpec([
            ["feature": "test.feature", "matchExpressions": ["elem": ["op": "DoesNotExist"]]],
        ])
        let evaluation = try spec.evaluate(labels: ["feature.node.kubernetes.io/other-feature.elem": "x"])
        #expect(evaluation.selected == nil)
        #expect(evaluation.sets[0].failure?.description == "feature test.feature (node has no feature.node.kubernetes.io/test-feature.* labels)")
    }

    @Test func emptyMatchExpressionsHoldWhenTheFeatureExists() throws {
        let spec = try SpecFixtures.singleRuleSpec([["feature": "test.feature", "matchExpressions": [:]]])
        #expect(try spec.evaluate(labels: [Self.labelKey: "1"]).selected?.tag == "only")
        #expect(try spec.evaluate(labels: ["feature.node.kubernetes.io/test-featurex.elem": "1"]).selected == nil)
    }

    @Test func errorMessagesNameTheValueAndTheLabel() throws {
        let spec = try SpecFixtures.singleRuleSpec([
            ["feature": "kernel.version", "matchExpressions": ["full": ["op": "Gt", "value": ["5"]]]],
        ])
        #expect(throws: RuleEvaluationError.self) { try spec.evaluate(labels: ["feature.node.kubernetes.io/kernel-version.full": "6.1.134"]) }
        do {
            _ = try spec.evaluate(labels: ["feature.node.kubernetes.io/kernel-version.full": "6.1.134"])
        } catch {
            #expect(error.description == "compatibilities[0].rules[0].matchFeatures[0].matchExpressions.full: value \"6.1.134\" of label feature.node.kubernetes.io/kernel-version.full is not an integer, which op Gt compares (set type: version to compare versions)")
        }
    }
}
