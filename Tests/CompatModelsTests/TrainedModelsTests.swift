import CompatCore
import CompatModels
import Testing

/// The models shipped in `models/trained/`: bounded, self-describing, and never fooled by the EKS
/// nodes the published models mis-score.
@Suite struct TrainedModelsTests {
    @Test func shipsTheRequiredTargets() throws {
        let names = Set(try TestData.trainedModels().map(\.name))
        for required in ["fom", "gflops_per_second_spmv", "gflops_per_second_waxpby", "memory_bandwidth_across_kernels_total", "memory_bandwidth_across_kernels_write"] {
            #expect(names.contains(required), "missing trained model \(required)")
        }
        #expect(names.count >= 14)
    }

    @Test func noCoefficientExceedsAMillion() throws {
        for model in try TestData.trainedModels() {
            let largest = (model.terms.map { abs($0.coefficient) } + [abs(model.intercept)]).max() ?? 0
            #expect(largest <= 1e6, "\(model.name): \(largest)")
        }
    }

    @Test func everyChoiceOnTheEKSNodesIsInDistribution() throws {
        let nodes = try TestData.eksNodes()
        for model in try TestData.trainedModels() {
            let choice = try InstanceChooser.choose(model: model, nodes: nodes)
            #expect(choice.chosen.assessment.isInDistribution, "\(model.name) chose \(choice.chosen.identity)")
            #expect(!choice.choseOutOfDistribution)
            let bottlerocket = choice.candidates[TestData.bottlerocketIndex]
            #expect(!bottlerocket.assessment.isInDistribution)
            // Unknown categories encode as the reference, so even the flagged node's value stays in range.
            let scores = choice.candidates.compactMap(\.score)
            let typical = scores.map(abs).sorted()[scores.count / 2]
            #expect(abs(bottlerocket.score ?? .infinity) < 10 * typical, "\(model.name): \(String(describing: bottlerocket.score))")
        }
    }

    @Test func recordsTrainingProvenanceAndCombinations() throws {
        for model in try TestData.trainedModels() {
            #expect(model.seenInputCombinations?.count == 10, "\(model.name)")
            let provenance = model.provenance
            #expect(provenance["training_data"]?["rows"] == .number("4992"))
            #expect(provenance["training_data"]?["sha256"]?.stringValue?.count == 64)
            #expect(provenance["cross_validation"]?["folds"] == .number("20"))
            #expect(provenance["cross_validation"]?["held_out"]?.arrayValue?.count == 20)
            #expect(provenance["regression"]?["converged"] == .bool(true))
            if case .number(let text)? = provenance["cross_validation"]?["r2"] {
                #expect(Double(text) != nil)
            } else {
                Issue.record("\(model.name): no cross_validation.r2")
            }
        }
    }
}
