import Testing
@testable import CompatCore

@Suite struct SpecEvaluationTests {
    static let intelNode = [
        "feature.node.kubernetes.io/cpu-model.vendor_id": "Intel",
        "feature.node.kubernetes.io/cpu-model.family": "6",
        "feature.node.kubernetes.io/cpu-cpuid.AVX512F": "true",
        "feature.node.kubernetes.io/cpu-cpuid.AVX2": "true",
        "feature.node.kubernetes.io/kernel-version.major": "6",
        "feature.node.kubernetes.io/system-os_release.ID": "amzn",
        "kubernetes.io/arch": "amd64",
    ]

    /// A spec with one set per (weight, vendor) pair; the set matches when the node's vendor_id is `vendor`.
    func weightedSpec(_ sets: [(weight: Int?, vendor: String)]) throws -> ImageCompatibilitySpec {
        let compatibilities: [JSONValue] = sets.enumerated().map { index, set in
            var members: [(String, JSONValue)] = [("tag", .string("set\(index)"))]
            if let weight = set.weight { members.append(("weight", .number(String(weight)))) }
            members.append(("rules", [["matchFeatures": [["feature": "cpu.model", "matchExpressions": ["vendor_id": ["op": "In", "value": [.string(set.vendor)]]]]]]]))
            return .object(JSONObject(members))
        }
        return try ImageCompatibilitySpec.decode(from: ["version": "v1alpha1", "compatibilities": .array(compatibilities)])
    }

    @Test func highestWeightWins() throws {
        let spec = try weightedSpec([(5, "Intel"), (10, "Intel"), (50, "AMD"), (1, "Intel")])
        let evaluation = try spec.evaluate(labels: Self.intelNode)
        #expect(evaluation.selected?.index == 1)
        #expect(evaluation.selected?.tag == "set1")
        #expect(evaluation.sets.map(\.matched) == [true, true, false, true])
    }

    @Test func tiesGoToTheFirstListed() throws {
        let spec = try weightedSpec([(3, "AMD"), (7, "Intel"), (7, "Intel")])
        #expect(try spec.evaluate(labels: Self.intelNode).selected?.index == 1)
    }

    @Test func negativeWeightsCanWin() throws {
        #expect(try weightedSpec([(-5, "Intel")]).evaluate(labels: Self.intelNode).selected?.weight == -5)
        #expect(try weightedSpec([(-5, "Intel"), (-1, "Intel")]).evaluate(labels: Self.intelNode).selected?.index == 1)
        // A missing weight is 0 and beats a negative one.
        #expect(try weightedSpec([(-1, "Intel"), (nil, "Intel")]).evaluate(labels: Self.intelNode).selected?.index == 1)
    }

    @Test func aSetMatchesOnlyWhenAllItsRulesMatch() throws {
        let spec = try SpecFixtures.spec("""
            version: v1alpha1
            compatibilities:
            - tag: both
              rules:
              - matchFeatures: [{feature: cpu.model, matchExpressions: {vendor_id: {op: In, value: [Intel]}}}]
              - matchFeatures: [{feature: cpu.cpuid, matchExpressions: {SVE: {op: Exists}}}]
            """)
        let evaluation = try spec.evaluate(labels: Self.intelNode)
        #expect(evaluation.selected == nil)
        #expect(evaluation.sets[0].failure?.path.description == "compatibilities[0].rules[1].matchFeatures[0].matchExpressions.SVE")
    }

    @Test func featureNamesProjectOntoNFDLabels() throws {
        let spec = try SpecFixtures.spec("""
            version: v1alpha1
            compatibilities:
            - tag: projected
              rules:
              - matchFeatures:
                - feature: Kernel.Version
                  matchExpressions: {major: {op: In, value: ["6"]}}
                - feature: system.osrelease
                  matchExpressions: {ID: {op: In, value: [amzn]}}
            """)
        guard case .feature(let term)? = spec.compatibilities[0].rules[0].matchFeatures.first else {
            Issue.record("expected a feature term")
            return
        }
        #expect(term.expressions[0].labelKey == "feature.node.kubernetes.io/kernel-version.major")
        #expect(try spec.evaluate(labels: Self.intelNode).selected?.tag == "projected")
        var older = Self.intelNode
        older["feature.node.kubernetes.io/kernel-version.major"] = "5"
        #expect(try spec.evaluate(labels: older).selected == nil)
    }

    @Test func matchAnyNeedsOneAlternativeAndMatchFeaturesStillApply() throws {
        let spec = try SpecFixtures.spec("""
            version: v1alpha1
            compatibilities:
            - tag: x86
              rules:
              - matchAny:
                - matchFeatures: [{feature: cpu.model, matchExpressions: {vendor_id: {op: In, value: [AMD]}}}]
                - matchFeatures: [{feature: cpu.model, matchExpressions: {vendor_id: {op: In, value: [Intel]}}}]
                matchFeatures:
                - feature: cpu.cpuid
                  matchExpressions: {AVX2: {op: IsTrue}}
            """)
        #expect(try spec.evaluate(labels: Self.intelNode).selected?.tag == "x86")
        var arm = Self.intelNode
        arm["feature.node.kubernetes.io/cpu-model.vendor_id"] = "ARM"
        let failed = try spec.evaluate(labels: arm)
        #expect(failed.selected == nil)
        #expect(failed.sets[0].failure?.description == "none of the 2 matchAny alternatives; first: feature.node.kubernetes.io/cpu-model.vendor_id In [AMD] (node has ARM)")
        var noAVX2 = Self.intelNode
        noAVX2["feature.node.kubernetes.io/cpu-cpuid.AVX2"] = nil
        #expect(try spec.evaluate(labels: noAVX2).sets[0].failure?.description == "feature.node.kubernetes.io/cpu-cpuid.AVX2 IsTrue (label absent)")
    }

    @Test func matchNameTestsElementNames() throws {
        func spec(_ matchName: String) throws -> ImageCompatibilitySpec {
            try SpecFixtures.spec("""
                version: v1alpha1
                compatibilities:
                - tag: named
                  rules:
                  - matchFeatures:
                    - feature: cpu.cpuid
                      matchName: \(matchName)
                """)
        }
        #expect(try spec("{op: InRegexp, value: ['^AVX512']}").evaluate(labels: Self.intelNode).selected != nil)
        #expect(try spec("{op: In, value: [SVE, SVE2]}").evaluate(labels: Self.intelNode).selected == nil)
        #expect(try spec("{op: Exists}").evaluate(labels: Self.intelNode).selected != nil)
        #expect(try spec("{op: DoesNotExist}").evaluate(labels: Self.intelNode).selected == nil)
        #expect(try spec("{op: In, value: [SVE]}").evaluate(labels: Self.intelNode).sets[0].failure?.description
            == "element names feature.node.kubernetes.io/cpu-cpuid.* In [SVE] (no name matched)")
        #expect(throws: RuleEvaluationError.self) { try spec("{op: Gt, value: ['5']}").evaluate(labels: Self.intelNode) }
    }

    @Test func anErrorAnywhereFailsTheWholeEvaluation() throws {
        // Set 0 matches and has the highest weight; set 1 errors in its second matchAny alternative after
        // its first one held; set 2 errors after a failing expression. All of it is reported.
        let spec = try SpecFixtures.spec("""
            version: v1alpha1
            compatibilities:
            - tag: winner
              weight: 100
              rules:
              - matchFeatures: [{feature: cpu.model, matchExpressions: {vendor_id: {op: In, value: [Intel]}}}]
            - tag: broken-alternative
              rules:
              - matchAny:
                - matchFeatures: [{feature: cpu.model, matchExpressions: {vendor_id: {op: In, value: [Intel]}}}]
                - matchFeatures: [{feature: cpu.model, matchExpressions: {family: {op: Gt, value: [six]}}}]
            - tag: broken-after-false
              rules:
              - matchFeatures:
                - feature: cpu.model
                  matchExpressions:
                    vendor_id: {op: In, value: [AMD]}
                    family: {op: InRegexp, value: ["(a)\\\\1"]}
            """)
        do {
            let evaluation = try spec.evaluate(labels: Self.intelNode)
            Issue.record("expected an evaluation error, got \(evaluation.explanation)")
        } catch {
            #expect(error.failures.map(\.path.description) == [
                "compatibilities[1].rules[0].matchAny[1].matchFeatures[0].matchExpressions.family",
                "compatibilities[2].rules[0].matchFeatures[0].matchExpressions.family",
            ])
            #expect(error.first.problem == "value \"six\" of op Gt is not an integer (set type: version to compare versions)")
            #expect(error.description.hasSuffix("(and 1 more evaluation error)"))
        }
    }

    @Test func unknownOpsFailEvenWhenTheFeatureIsAbsent() throws {
        let spec = try SpecFixtures.singleRuleSpec([
            ["feature": "gpu.nvidia", "matchExpressions": ["present": ["op": "Equals", "value": ["true"]]]],
        ])
        #expect(throws: RuleEvaluationError.self) { try spec.evaluate(labels: Self.intelNode) }
    }

    @Test func lazyErrorsOnlyFireWhenTheLabelIsPresent() throws {
        let spec = try SpecFixtures.singleRuleSpec([
            ["feature": "cpu.model", "matchExpressions": ["stepping": ["op": "Gt", "value": ["a", "b"]]]],
        ])
        #expect(try spec.evaluate(labels: Self.intelNode).selected == nil)
        var stepped = Self.intelNode
        stepped["feature.node.kubernetes.io/cpu-model.stepping"] = "7"
        #expect(throws: RuleEvaluationError.self) { try spec.evaluate(labels: stepped) }
    }

    @Test func ocifitFormEvaluatesFullLabelKeys() throws {
        let spec = try SpecFixtures.spec("""
            {"version": "v1alpha1", "compatibilities": [
              {"tag": "amd64", "rules": [{"matchFeatures": [{"matchExpressions": [
                {"key": "kubernetes.io/arch", "op": "In", "value": "amd64"},
                {"key": "feature.node.kubernetes.io/cpu-model.family", "op": "Lte", "value": ["6"]}
              ]}]}]},
              {"tag": "not-arm", "weight": 5, "rules": [{"matchFeatures": [{"matchExpressions": [
                {"key": "feature.node.kubernetes.io/cpu-model.hypervisor", "op": "NotIn", "value": ["none"]}
              ]}]}]}
            ]}
            """)
        let evaluation = try spec.evaluate(labels: Self.intelNode)
        // NotIn on an absent label is false (NFD), not true (ocifit).
        #expect(evaluation.sets[1].matched == false)
        #expect(evaluation.selected?.tag == "amd64")
    }

    @Test func explanationIsOneSentenceForADenyMessage() throws {
        let spec = try SpecFixtures.spec("""
            version: v1alpha1
            compatibilities:
            - tag: intel
              rules:
              - matchFeatures: [{feature: cpu.model, matchExpressions: {vendor_id: {op: In, value: [Intel]}}}]
            - rules:
              - matchFeatures: [{feature: gpu.nvidia, matchExpressions: {present: {op: IsTrue}}}]
            """)
        var amd = Self.intelNode
        amd["feature.node.kubernetes.io/cpu-model.vendor_id"] = "AMD"
        #expect(try spec.evaluate(labels: amd).explanation == "no compatibility set matched: set 0 'intel' failed on feature.node.kubernetes.io/cpu-model.vendor_id In [Intel] (node has AMD); set 1 failed on feature gpu.nvidia (node has no feature.node.kubernetes.io/gpu-nvidia.* labels)")
        #expect(try spec.evaluate(labels: Self.intelNode).explanation == "set 0 'intel' selected (weight 0; 1 of 2 sets matched)")
    }

    @Test func aSpecWithoutSetsSelectsNothing() throws {
        let spec = try SpecFixtures.spec(#"{"version": "v1alpha1", "compatibilities": []}"#)
        let evaluation = try spec.evaluate(labels: Self.intelNode)
        #expect(evaluation.selected == nil)
        #expect(evaluation.explanation == "no compatibility set matched: the spec has no compatibility sets")
    }
}
