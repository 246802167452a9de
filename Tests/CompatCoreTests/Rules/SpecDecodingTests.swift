import Testing
@testable import CompatCore

@Suite struct SpecDecodingTests {
    /// The decoding error for `text`, or nil when it decodes.
    func decodingError(_ text: String, as form: SpecForm? = nil) -> ArtifactDecodingError? {
        do {
            let document = try DocumentDecoder.decode(text)
            if let form {
                _ = try ImageCompatibilitySpec.decode(from: document, as: form)
            } else {
                _ = try ImageCompatibilitySpec.decode(from: document)
            }
            return nil
        } catch {
            return error
        }
    }

    func firstExpression(_ spec: ImageCompatibilitySpec) -> CompiledExpression? {
        guard case .feature(let term)? = spec.compatibilities.first?.rules.first?.matchFeatures.first else { return nil }
        return term.expressions.first
    }

    @Test func decodesTheNFDFormFromYAML() throws {
        let spec = try SpecFixtures.spec(SpecFixtures.lammpsNFD)
        #expect(spec.form == .nfd)
        #expect(spec.version == "v1alpha1")
        #expect(spec.compatibilities.map(\.tag) == [
            "ghcr.io/example/lammps:sve", "ghcr.io/example/lammps:avx512", "ghcr.io/example/lammps:zen3",
            "ghcr.io/example/lammps:x86-64-v3", "ghcr.io/example/lammps:arm64",
        ])
        #expect(spec.compatibilities.map(\.weight) == [30, 20, 15, 10, 5])
        #expect(spec.compatibilities[0].description == "Arm with SVE (Graviton 3 and later)")
        #expect(spec.compatibilities[3].rules[1].matchAny.count == 2)
        #expect(spec.warnings.isEmpty)
    }

    @Test func decodesTheOcifitListForm() throws {
        let spec = try SpecFixtures.spec(SpecFixtures.ebpfOcifit)
        #expect(spec.form == .ocifit)
        guard case .labels(let expressions)? = spec.compatibilities[1].rules[0].matchFeatures.first else {
            Issue.record("expected a label term")
            return
        }
        #expect(expressions.map(\.labelKey) == [
            "feature.node.kubernetes.io/system-os_release.ID", "feature.node.kubernetes.io/system-os_release.VERSION_ID",
            "feature.node.kubernetes.io/kernel-version.major", "feature.node.kubernetes.io/kernel-version.minor",
        ])
        // A scalar value becomes a one-element list; Gte is Ge.
        #expect(expressions[1].expression == MatchExpression(op: .in, values: ["2023"]))
        #expect(expressions[3].expression == MatchExpression(op: .ge, values: ["1"]))
    }

    @Test func unquotedYAMLValuesKeepTheirText() throws {
        let spec = try SpecFixtures.spec("""
            version: v1alpha1
            compatibilities:
            - rules:
              - matchFeatures:
                - feature: kernel.version
                  matchExpressions:
                    full: {op: Ge, value: [5.10, 22.04, 6, true], type: version}
            """)
        #expect(firstExpression(spec)?.expression.values == ["5.10", "22.04", "6", "true"])
    }

    @Test func aYAMLValueOf5Point10MatchesOnly5Point10() throws {
        let spec = try SpecFixtures.spec("""
            version: v1alpha1
            compatibilities:
            - tag: t
              rules:
              - matchFeatures:
                - feature: kernel.version
                  matchExpressions:
                    short: {op: In, value: [5.10]}
            """)
        #expect(try spec.evaluate(labels: ["feature.node.kubernetes.io/kernel-version.short": "5.10"]).selected?.tag == "t")
        #expect(try spec.evaluate(labels: ["feature.node.kubernetes.io/kernel-version.short": "5.1"]).selected == nil)
    }

    @Test func acceptsGroupRuleVarsWithoutUsingThem() throws {
        let spec = try SpecFixtures.spec("""
            version: v1alpha1
            compatibilities:
            - rules:
              - name: with vars
                vars: {accel: "true"}
                varsTemplate: "{{ range .cpu.cpuid }}{{ .Name }}=true\\n{{ end }}"
                matchFeatures:
                - feature: cpu.cpuid
                  matchExpressions: {AVX2: {op: Exists}}
            """)
        #expect(spec.compatibilities[0].rules.count == 1)
    }

    @Test func anExpressionWithoutOpWarnsWithItsPath() throws {
        let spec = try SpecFixtures.spec("""
            version: v1alpha1
            compatibilities:
            - rules:
              - matchFeatures:
                - feature: cpu.model
                  matchExpressions:
                    vendor_id: {}
                    family: {op: ""}
            """)
        #expect(spec.warnings == [
            "compatibilities[0].rules[0].matchFeatures[0].matchExpressions.vendor_id: expression without op matches anything",
            "compatibilities[0].rules[0].matchFeatures[0].matchExpressions.family.op: op \"\" matches anything",
        ])
        #expect(firstExpression(spec)?.expression.op == .matchAny)
    }

    @Test func expressionsThatCanNeverEvaluateWarn() throws {
        let spec = try SpecFixtures.spec("""
            version: v0
            compatibilities:
            - rules: []
            - rules:
              - matchFeatures:
                - feature: cpu.model
                  matchExpressions:
                    vendor_id: {op: Matches, value: [Intel]}
                    family: {op: Gt, value: ["6", "7"]}
                - feature: cpuid
                  matchName: {op: InRegexp, value: ["(?!AVX)"]}
            """)
        #expect(spec.warnings == [
            "version: version 'v0' is not v1alpha1; the spec is read as v1alpha1",
            "compatibilities[0].rules: no rules: this set matches every node",
            "compatibilities[1].rules[0].matchFeatures[0].matchExpressions.vendor_id: evaluating this expression always fails: unknown op \"Matches\" (NFD knows In, NotIn, InRegexp, Exists, DoesNotExist, Gt, Ge, Lt, Le, GtLt, GeLe, IsTrue, IsFalse)",
            "compatibilities[1].rules[0].matchFeatures[0].matchExpressions.family: evaluating this expression fails on every node that has label feature.node.kubernetes.io/cpu-model.family: op Gt needs exactly one value, found 2 ([6, 7])",
            "compatibilities[1].rules[0].matchFeatures[1].feature: feature 'cpuid' is not <domain>.<feature>; no node label can match it",
            "compatibilities[1].rules[0].matchFeatures[1].matchName: evaluating this expression fails on every node that has an element under feature.node.kubernetes.io/cpuid.*: pattern \"(?!AVX)\" is not valid RE2 syntax: negative look-ahead '(?!' is not supported by RE2 at offset 0",
        ])
    }

    struct DecodeErrorCase: Sendable, CustomTestStringConvertible {
        var name: String
        var document: String
        var form: SpecForm?
        var expected: String
        var testDescription: String { name }
    }

    static let errorCases: [DecodeErrorCase] = [
        DecodeErrorCase(
            name: "misspelled field",
            document: #"{"version":"v1alpha1","compatibilities":[{"rules":[{"matchFeatures":[{"feature":"cpu.model","matchExpresions":{}}]}]}]}"#,
            expected: "compatibilities[0].rules[0].matchFeatures[0].matchExpresions: unknown field 'matchExpresions' (known fields here: 'feature', 'matchExpressions', 'matchName')"
        ),
        DecodeErrorCase(
            name: "weight as a string",
            document: #"{"version":"v1alpha1","compatibilities":[{"weight":"10","rules":[]}]}"#,
            expected: "compatibilities[0].weight: expected an integer, found a string"
        ),
        DecodeErrorCase(
            name: "NFD value as a scalar",
            document: #"{"version":"v1alpha1","compatibilities":[{"rules":[{"matchFeatures":[{"feature":"cpu.model","matchExpressions":{"family":{"op":"Gt","value":"6"}}}]}]}]}"#,
            expected: "compatibilities[0].rules[0].matchFeatures[0].matchExpressions.family.value: expected an array of strings, found a string"
        ),
        DecodeErrorCase(
            name: "value item is an object",
            document: #"{"version":"v1alpha1","compatibilities":[{"rules":[{"matchFeatures":[{"feature":"cpu.model","matchExpressions":{"family":{"op":"In","value":[{}]}}}]}]}]}"#,
            expected: "compatibilities[0].rules[0].matchFeatures[0].matchExpressions.family.value[0]: expected a string, found an object"
        ),
        DecodeErrorCase(
            name: "rules missing",
            document: #"{"version":"v1alpha1","compatibilities":[{"tag":"x"}]}"#,
            expected: "compatibilities[0]: missing required field 'rules'"
        ),
        DecodeErrorCase(
            name: "NFR labels field",
            document: #"{"version":"v1alpha1","compatibilities":[{"rules":[{"name":"r","labels":{"a":"b"}}]}]}"#,
            expected: "compatibilities[0].rules[0].labels: unknown field 'labels' (known fields here: 'matchAny', 'matchFeatures', 'name', 'vars', 'varsTemplate')"
        ),
        DecodeErrorCase(
            name: "model spec",
            document: #"{"version":"v1alpha1","compatibilities":[{"tag":"fom","rules":[{"matchModel":{"model":{"type":"lasso"}}}]}]}"#,
            expected: "compatibilities[0].rules[0].matchModel: this is a model-compatibility spec (rules select images by a prediction model), not a node-feature spec; it cannot be evaluated against node labels"
        ),
        DecodeErrorCase(
            name: "model spec decoded explicitly as NFD",
            document: #"{"version":"v1alpha1","compatibilities":[{"tag":"fom","rules":[{"matchModel":{}}]}]}"#,
            form: .nfd,
            expected: "compatibilities[0].rules[0].matchModel: this is a model-compatibility spec (rules select images by a prediction model), not a node-feature spec; it cannot be evaluated against node labels"
        ),
        DecodeErrorCase(
            name: "mixed forms",
            document: #"{"version":"v1alpha1","compatibilities":[{"rules":[{"matchFeatures":[{"feature":"cpu.model","matchExpressions":{}}]}]},{"rules":[{"matchFeatures":[{"matchExpressions":[]}]}]}]}"#,
            expected: "compatibilities[1].rules[0].matchFeatures[0].matchExpressions: spec mixes the NFD form ('feature' at compatibilities[0].rules[0].matchFeatures[0].feature) and the ocifit list form (a matchExpressions list here); write every rule in one form"
        ),
        DecodeErrorCase(
            name: "ocifit document decoded as NFD",
            document: #"{"version":"v1alpha1","compatibilities":[{"rules":[{"matchFeatures":[{"matchExpressions":[{"key":"k","op":"In","value":"v"}]}]}]}]}"#,
            form: .nfd,
            expected: "compatibilities[0].rules[0].matchFeatures[0]: missing required field 'feature'"
        ),
        DecodeErrorCase(
            name: "NFD document decoded as ocifit",
            document: #"{"version":"v1alpha1","compatibilities":[{"rules":[{"matchFeatures":[{"matchExpressions":{"vendor_id":{"op":"In","value":["Intel"]}}}]}]}]}"#,
            form: .ocifit,
            expected: "compatibilities[0].rules[0].matchFeatures[0].matchExpressions: expected an array, found an object"
        ),
        DecodeErrorCase(
            name: "ocifit expression without key",
            document: #"{"version":"v1alpha1","compatibilities":[{"rules":[{"matchFeatures":[{"matchExpressions":[{"op":"In","value":"v"}]}]}]}]}"#,
            expected: "compatibilities[0].rules[0].matchFeatures[0].matchExpressions[0]: missing required field 'key'"
        ),
        DecodeErrorCase(
            name: "matchAny in the ocifit form",
            document: #"{"version":"v1alpha1","compatibilities":[{"rules":[{"matchAny":[],"matchFeatures":[{"matchExpressions":[]}]}]}]}"#,
            form: .ocifit,
            expected: "compatibilities[0].rules[0].matchAny: unknown field 'matchAny' (known fields here: 'matchFeatures')"
        ),
        DecodeErrorCase(
            name: "not an object",
            document: "[1, 2]",
            expected: "expected an object, found an array"
        ),
    ]

    @Test(arguments: errorCases) func decodeErrorsNameTheirPath(_ c: DecodeErrorCase) {
        #expect(decodingError(c.document, as: c.form)?.description == c.expected)
    }

    @Test func thePublishedModelArtifactIsNotAFeatureSpec() throws {
        let document = try SpecFixtures.sharedDocument("model-compatibility-artifact.json")
        #expect(throws: SpecDecoder.modelSpecError(at: FieldPath([.key("compatibilities"), .index(0), .key("rules"), .index(0), .key("matchModel")]))) {
            try ImageCompatibilitySpec.decode(from: document)
        }
        #expect(throws: ArtifactDecodingError.self) { try ImageCompatibilitySpec.decode(from: document, as: .ocifit) }
    }

    @Test func detectsTheFormFromShapeOnly() throws {
        #expect(try ImageCompatibilitySpec.detectForm(of: DocumentDecoder.decode(SpecFixtures.lammpsNFD)) == .nfd)
        #expect(try ImageCompatibilitySpec.detectForm(of: DocumentDecoder.decode(SpecFixtures.ebpfOcifit)) == .ocifit)
        #expect(try ImageCompatibilitySpec.detectForm(of: DocumentDecoder.decode(#"{"version":"v1alpha1","compatibilities":[]}"#)) == .nfd)
    }
}
