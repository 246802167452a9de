import CompatModels
import Testing

@Suite struct GroupedFoldsTests {
    @Test func foldsNeverSplitAnInstanceTypeOfTheRealData() throws {
        let data = try StudyCSV.realFom()
        for count in [2, 5, 20] {
            let folds = try GroupedFolds(instanceTypes: data.instanceTypes, count: count)
            #expect(folds.count == count)
            #expect(folds.heldOut.flatMap { $0 }.sorted() == data.instanceTypes.sorted())
            for fold in 0..<count {
                let held = Set(folds.heldOut[fold])
                let training = Set(data.rows.filter { !held.contains($0.instanceType) }.map(\.instanceType))
                let heldOut = Set(data.rows.filter { held.contains($0.instanceType) }.map(\.instanceType))
                #expect(training.isDisjoint(with: heldOut))
                #expect(heldOut == held)
            }
        }
    }

    @Test func dealsSortedTypesRoundRobin() throws {
        let folds = try GroupedFolds(instanceTypes: ["d", "b", "a", "c", "e", "b"], count: 2)
        #expect(folds.heldOut == [["a", "c", "e"], ["b", "d"]])
        #expect(folds.fold(of: "d") == 1)
        #expect(folds.fold(of: "z") == nil)
    }

    @Test func oneTypePerFoldAtTheMaximumCount() throws {
        let folds = try GroupedFolds(instanceTypes: ["x", "y", "z"], count: 3)
        #expect(folds.heldOut == [["x"], ["y"], ["z"]])
    }

    @Test func rejectsCountsOutsideTwoToTheNumberOfTypes() {
        #expect(throws: TrainingDataError("--folds must be between 2 and the number of instance types (3), found 4")) {
            try GroupedFolds(instanceTypes: ["x", "y", "z"], count: 4)
        }
        #expect(throws: TrainingDataError.self) { try GroupedFolds(instanceTypes: ["x", "y", "z"], count: 1) }
        #expect(throws: TrainingDataError("grouped cross-validation needs at least 2 instance types, found 1")) {
            try GroupedFolds(instanceTypes: ["x", "x"], count: 2)
        }
    }
}
