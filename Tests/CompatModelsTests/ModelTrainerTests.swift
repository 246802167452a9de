import CompatCore
import CompatModels
import Testing

@Suite struct ModelTrainerTests {
    private let source = ModelTrainer.Source(file: "additive.csv", sha256: SHA256.hexDigest(Array(StudyCSV.additiveText.utf8)))

    private func options(_ penalties: [Penalty] = Penalty.allCases, interactions: Bool = false, folds: Int? = nil) -> ModelTrainer.Options {
        ModelTrainer.Options(
            name: "toy", targetDescription: "additive toy", direction: .maximize, directionSource: "test",
            penalties: penalties, interactions: interactions, folds: folds
        )
    }

    @Test func recoversAnAdditiveTruthAndPredictsHeldOutTypesFromItsEffects() throws {
        let outcome = try ModelTrainer.train(try StudyCSV.additive(), options: options(), source: source)
        let model = outcome.model
        #expect(model.inputs.map(\.categories) == [["a", "b"], ["x", "y"]])
        #expect(model.features.map(\.name) == ["cat__feature.node.kubernetes.io/cpu_b", "cat__feature.node.kubernetes.io/os_y"])
        let cpuB = try #require(model.predict(["feature.node.kubernetes.io/cpu": "b", "feature.node.kubernetes.io/os": "x"]))
        let both = try #require(model.predict(["feature.node.kubernetes.io/cpu": "b", "feature.node.kubernetes.io/os": "y"]))
        #expect(abs(cpuB - 15) < 0.1)  // the chosen penalty is the strongest within 0.001 CV R² of the best
        #expect(abs(both - 17) < 0.1)
        // Runs vary by ±1 around exact type means: in-sample R² is 1 - 1/(1 + variance of the means).
        #expect(outcome.inSampleR2 > 0.89)
        #expect(outcome.crossValidation.r2 > 0.85)
        #expect(outcome.crossValidation.folds.count == 6)
        #expect(outcome.crossValidation.heldOut.map(\.instanceType) == ["t1.large", "t2.large", "t3.large", "t4.large", "t5.large", "t6.large"])
        // t2 (a, y) is the only type with its tuple: held out, its combination was unseen.
        #expect(outcome.crossValidation.heldOut.map(\.combinationSeenInTraining) == [true, false, false, true, true, true])
        #expect(outcome.crossValidation.heldOut.allSatisfy { ($0.withinTypeR2 ?? 1) <= 0 })
        #expect(model.seenInputCombinations == [["a", "x"], ["a", "y"], ["b", "x"], ["b", "y"]])
    }

    @Test func candidatesCoverBothPenaltiesStrongestFirst() throws {
        let outcome = try ModelTrainer.train(try StudyCSV.additive(), options: options(), source: source)
        let candidates = outcome.crossValidation.candidates
        #expect(candidates.count == ModelTrainer.ridgeAlphas.count + ModelTrainer.lassoAlphaFractions.count)
        #expect(candidates.first?.penalty == .ridge)
        #expect(candidates.first?.alpha == 10)
        #expect(candidates.last?.penalty == .lasso)
        let best = candidates.map(\.crossValidatedR2).max() ?? 0
        #expect(outcome.crossValidation.chosen.crossValidatedR2 >= best - ModelTrainer.selectionTolerance)
        let ridgeOnly = try ModelTrainer.train(try StudyCSV.additive(), options: options([.ridge]), source: source)
        #expect(ridgeOnly.crossValidation.candidates.allSatisfy { $0.penalty == .ridge })
        #expect(ridgeOnly.crossValidation.chosen.penalty == .ridge)
    }

    @Test func writesProvenanceAndRoundTripsThroughTheFormat() throws {
        let outcome = try ModelTrainer.train(try StudyCSV.additive(), options: options(folds: 3), source: source)
        let provenance = outcome.model.provenance
        #expect(provenance["training_data"]?["file"] == .string("additive.csv"))
        #expect(provenance["training_data"]?["sha256"] == .string(source.sha256))
        #expect(provenance["training_data"]?["rows"] == .number("24"))
        #expect(provenance["cross_validation"]?["folds"] == .number("3"))
        #expect(provenance["cross_validation"]?["held_out"]?.arrayValue?.count == 6)
        #expect(provenance["regression"]?["penalty"] == .string(outcome.crossValidation.chosen.penalty.rawValue))
        #expect(provenance["regression"]?["converged"] == .bool(true))
        let text = outcome.model.jsonValue.serialized(pretty: true)
        let decoded = try PerformanceModel(decoding: Array(text.utf8))
        #expect(decoded == outcome.model)
    }

    @Test func isDeterministic() throws {
        let first = try ModelTrainer.train(try StudyCSV.additive(), options: options(interactions: true), source: source)
        let second = try ModelTrainer.train(try StudyCSV.additive(), options: options(interactions: true), source: source)
        #expect(first.model.jsonValue.serialized() == second.model.jsonValue.serialized())
        #expect(first.model.features.count == 2)
        #expect(first.model.terms.allSatisfy { $0.features.count <= 2 })
    }

    @Test func interactionModelsFlagUnseenValuePairs() throws {
        // Train without t2 (a, y): the pair (cpu a, os y) is unseen, though both values are known.
        var data = try StudyCSV.additive()
        data.rows.removeAll { $0.instanceType == "t2.large" }
        let outcome = try ModelTrainer.train(data, options: options(interactions: true), source: source)
        #expect(outcome.model.hasInteractions)
        let assessment = outcome.model.assess(["feature.node.kubernetes.io/cpu": "a", "feature.node.kubernetes.io/os": "y"])
        #expect(assessment.outOfDistribution == [DistributionFinding(
            kind: .unseenCombination, inputs: ["feature.node.kubernetes.io/cpu", "feature.node.kubernetes.io/os"], values: ["a", "y"]
        )])
    }

    @Test func rejectsTooFewInstanceTypes() throws {
        var data = try StudyCSV.additive()
        data.rows.removeAll { $0.instanceType != "t1.large" }
        #expect(throws: TrainingDataError("grouped cross-validation needs at least 2 instance types, found 1")) {
            try ModelTrainer.train(data, options: options(), source: source)
        }
    }
}
