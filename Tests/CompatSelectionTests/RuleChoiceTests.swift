import CompatAdmission
import CompatCore
import Testing
@testable import CompatSelection

@Suite struct RuleChoiceTests {
    static func spec() throws -> ImageCompatibilitySpec {
        try ImageCompatibilitySpec.decode(from: try DocumentDecoder.decode(eksRulesSpec))
    }

    @Test func picksTheHighestWeightMatchingSetPerInstanceFamily() throws {
        let spec = try Self.spec()
        let expected = [
            "hpc7g.16xlarge": "ghcr.io/example/lammps:sve",
            "c6i.16xlarge": "ghcr.io/example/lammps:avx512",
            "c7a.12xlarge": "ghcr.io/example/lammps:zen",
        ]
        for (instanceType, image) in expected {
            let choice = try RuleChoice.choose(spec: spec, labels: try TestData.labels(ofInstanceType: instanceType), artifact: "spec")
            #expect(choice.image == image, "\(instanceType)")
        }
    }

    /// Graviton 2 (m6g) has no SVE, is not Intel and not AMD: nothing matches, and the refusal says
    /// which expression failed for each set.
    @Test func noMatchingSetRefusesWithTheEvaluationsSentence() throws {
        let spec = try Self.spec()
        let labels = try TestData.labels(ofInstanceType: "m6g.12xlarge")
        let refused = try #require(refusal { () throws(SelectionRefusal) in try RuleChoice.choose(spec: spec, labels: labels, artifact: "oci://spec") })
        #expect(refused.category == .noCompatibleChoice)
        #expect(refused.message.hasPrefix("oci://spec: no compatibility set matched"))
        #expect(refused.message.contains("cpu-cpuid.SVE"))
    }

    @Test func matchingSetWithoutTagRefusesAsInvalidArtifact() throws {
        let spec = try ImageCompatibilitySpec.decode(from: try DocumentDecoder.decode("""
            version: v1alpha1
            compatibilities:
            - rules:
              - matchFeatures:
                - feature: cpu.model
                  matchExpressions:
                    vendor_id: {op: Exists}
            """))
        let labels = try TestData.labels(ofInstanceType: "c7a.12xlarge")
        let refused = try #require(refusal { () throws(SelectionRefusal) in try RuleChoice.choose(spec: spec, labels: labels, artifact: "spec") })
        #expect(refused.category == .artifactInvalid)
        #expect(refused.message.contains("has no tag"))
    }
}
