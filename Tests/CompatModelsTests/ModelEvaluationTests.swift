import CompatModels
import Testing

@Suite struct ModelEvaluationTests {
    @Test func publishedFomOnItsOwnCSVMatchesTheIndependentReference() throws {
        // Reference values from a Python evaluation of fom.json on the same CSV (ties to the first type).
        let evaluation = try ModelEvaluation.evaluate(try TestData.publishedModel("fom"), on: try StudyCSV.realFom())
        #expect(evaluation.rows == 4992)
        #expect(evaluation.scoredRows == 4992)
        #expect(evaluation.outOfDistributionRows == 0)
        #expect(abs(evaluation.r2 - 0.8873587340722254) < 1e-9)
        #expect(abs(evaluation.meanAbsoluteError - 2.6026953819353023) < 1e-9)
        #expect(evaluation.allTypes.chosen == "hpc6a.48xlarge")
        #expect(evaluation.allTypes.best == "hpc6a.48xlarge")
        #expect(evaluation.allTypes.regretPercent == 0)
        #expect(evaluation.pairwise.pairs == 190)
        #expect(evaluation.pairwise.hits == 168)
        #expect(abs(evaluation.pairwise.meanRegretPercent - 1.7329780296142268) < 1e-9)
        #expect(abs(evaluation.pairwise.worstRegretPercent - 57.70572111375939) < 1e-9)
    }

    @Test func measuresRegretAgainstTheBestTypeMean() throws {
        // A model that ranks the additive study backwards (predicts high for cpu a) under maximize.
        let backwards = PerformanceModel(
            name: "backwards", target: "toy", targetDescription: "", direction: .maximize, directionSource: "test",
            inputs: [
                ModelInput(name: "feature.node.kubernetes.io/cpu", kind: .categorical(categories: ["a", "b"])),
                ModelInput(name: "feature.node.kubernetes.io/os", kind: .categorical(categories: ["x", "y"])),
            ],
            features: [EncodedFeature(name: "cpu_b", input: 0, encoding: .oneHot(category: "b"))],
            terms: [ModelTerm(features: [0], coefficient: -1)],
            intercept: 0
        )
        let evaluation = try ModelEvaluation.evaluate(backwards, on: try StudyCSV.additive())
        // Means: t1 10, t2 12, t3 15, t4 17, t5 10, t6 17. All cpu-a types tie at 0; the first, t1, is chosen.
        #expect(evaluation.allTypes.chosen == "t1.large")
        #expect(evaluation.allTypes.best == "t4.large")
        #expect(abs(evaluation.allTypes.regretPercent - 7.0 / 17.0 * 100) < 1e-12)
        let minimized = try ModelEvaluation.evaluate(backwards, on: try StudyCSV.additive(), direction: .minimize)
        #expect(minimized.allTypes.chosen == "t3.large")
        #expect(minimized.allTypes.best == "t1.large")
    }
}
