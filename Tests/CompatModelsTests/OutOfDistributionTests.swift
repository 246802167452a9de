import CompatModels
import Testing

@Suite struct OutOfDistributionTests {
    private static let prefix = "feature.node.kubernetes.io/"

    @Test(arguments: TestData.publishedNames)
    func theBottlerocketNodeIsOutOfDistributionForEveryPublishedModel(name: String) throws {
        let model = try TestData.publishedModel(name)
        let assessment = model.assess(try TestData.eksNodes()[TestData.bottlerocketIndex])
        #expect(assessment.isScorable)
        #expect(!assessment.isInDistribution)
        #expect(assessment.outOfDistribution == [
            DistributionFinding(kind: .unknownCategory, inputs: [Self.prefix + "kernel-version.full"], values: ["6.1.134"]),
            DistributionFinding(kind: .unknownCategory, inputs: [Self.prefix + "system-os_release.ID"], values: ["bottlerocket"]),
            DistributionFinding(kind: .unknownCategory, inputs: [Self.prefix + "system-os_release.VERSION_ID"], values: ["1.40.0"]),
            DistributionFinding(kind: .unknownCategory, inputs: [Self.prefix + "system-os_release.VERSION_ID.major"], values: ["1"]),
        ])
    }

    @Test func theG5NodesCpuModelIsUnknownToFomButNotToDuration() throws {
        let g5 = try TestData.eksNodes()[TestData.g5Index]
        #expect(try TestData.publishedModel("fom").assess(g5).outOfDistribution == [
            DistributionFinding(kind: .unknownCategory, inputs: [Self.prefix + "cpu-model.id"], values: ["49"]),
        ])
        // duration.json was fitted on data with more CPU models (its categories include 49).
        #expect(try TestData.publishedModel("duration").assess(g5).isInDistribution)
    }

    @Test func theOtherTwentyThreeEKSNodesAreInDistributionForFom() throws {
        let model = try TestData.publishedModel("fom")
        let flagged = try TestData.eksNodes().enumerated().filter { !model.assess($0.element).isInDistribution }.map(\.offset)
        #expect(flagged == [TestData.g5Index, TestData.bottlerocketIndex])
    }

    @Test func describesFindingsWithInputsAndValues() {
        #expect(DistributionFinding(kind: .unknownCategory, inputs: ["os"], values: ["bottlerocket"]).description
            == "os='bottlerocket' is not a training category")
        #expect(DistributionFinding(kind: .unseenCombination, inputs: ["a", "b"], values: ["1", "y"]).description
            == "a='1' with b='y' never occurred together in training")
    }

    /// Two inputs seen as (0, x), (1, x), (0, y): (1, y) is a new combination of known values.
    private func interactionModel(recordingCombinations: Bool, interaction: Bool) -> PerformanceModel {
        PerformanceModel(
            name: "m", target: "m", targetDescription: "", direction: .maximize, directionSource: "test",
            inputs: [ModelInput(name: "a", kind: .categorical(categories: ["0", "1"])), ModelInput(name: "b", kind: .categorical(categories: ["x", "y"]))],
            features: [EncodedFeature(name: "a_1", input: 0, encoding: .oneHot(category: "1")), EncodedFeature(name: "b_y", input: 1, encoding: .oneHot(category: "y"))],
            terms: [ModelTerm(features: [0], coefficient: 2), ModelTerm(features: [1], coefficient: 3)]
                + (interaction ? [ModelTerm(features: [0, 1], coefficient: 1e6)] : []),
            intercept: 1,
            seenInputCombinations: recordingCombinations ? [["0", "x"], ["1", "x"], ["0", "y"]] : nil
        )
    }

    @Test func anUnseenPairReadByAnInteractionTermIsFlaggedWhenCombinationsAreRecorded() {
        let node = ["a": "1", "b": "y"]
        let assessment = interactionModel(recordingCombinations: true, interaction: true).assess(node)
        #expect(assessment.prediction == 1_000_006)
        #expect(assessment.outOfDistribution == [DistributionFinding(kind: .unseenCombination, inputs: ["a", "b"], values: ["1", "y"])])
        #expect(assessment.inputCombinationSeen == false)
        #expect(interactionModel(recordingCombinations: true, interaction: true).assess(["a": "0", "b": "y"]).isInDistribution)
    }

    @Test func aMainEffectsModelCombinesKnownValuesWithoutAFlag() {
        let assessment = interactionModel(recordingCombinations: true, interaction: false).assess(["a": "1", "b": "y"])
        #expect(assessment.prediction == 6)
        #expect(assessment.isInDistribution)
        #expect(assessment.inputCombinationSeen == false)
    }

    @Test func withoutRecordedCombinationsOnlyCategoriesAreChecked() {
        let assessment = interactionModel(recordingCombinations: false, interaction: true).assess(["a": "1", "b": "y"])
        #expect(assessment.isInDistribution)
        #expect(assessment.inputCombinationSeen == nil)
    }
}
