import CompatModels
import Testing

@Suite struct TrainingDataTests {
    @Test func readsTheRealStudyCSV() throws {
        let data = try StudyCSV.realFom()
        #expect(data.rows.count == 4992)
        #expect(data.inputs.count == 11)
        #expect(data.inputs.first == "feature.node.kubernetes.io/cpu-hardware_multithreading")
        #expect(data.instanceTypes.count == 20)
        #expect(data.instanceTypes.first == "hpc7g.16xlarge")
        #expect(data.distinctInputTuples.count == 10)
        #expect(data.rows[0].target == 32.3444)
        #expect(data.rows[0].values[4] == "6.1.134-152.225.amzn2023.aarch64")
    }

    @Test func rejectsRowsItCannotUse() {
        #expect(throws: TrainingDataError("row 2: id 'badid' is not 'instance.build.iteration' with an instance type 'family.size'")) {
            try TrainingData(table: CSVTable(header: ["", "feature.node.kubernetes.io/a", "y_actual"], rows: [["badid", "1", "2"]]))
        }
        #expect(throws: TrainingDataError("row 2: y_actual 'n/a' is not a finite number")) {
            try TrainingData(table: CSVTable(header: ["", "feature.node.kubernetes.io/a", "y_actual"], rows: [["t.x.b.0", "1", "n/a"]]))
        }
        #expect(throws: TrainingDataError("no target column 'y_actual' in the header")) {
            try TrainingData(table: CSVTable(header: ["", "feature.node.kubernetes.io/a"], rows: [["t.x.b.0", "1"]]))
        }
        #expect(throws: TrainingDataError("input column 'feature.node.kubernetes.io/a' appears twice in the header")) {
            try TrainingData(table: CSVTable(header: ["", "feature.node.kubernetes.io/a", "feature.node.kubernetes.io/a", "y_actual"], rows: [["t.x.b.0", "1", "1", "2"]]))
        }
    }
}
