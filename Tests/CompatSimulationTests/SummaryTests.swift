import Testing
@testable import CompatSimulation

@Suite struct SummaryTests {
    @Test func pilotLinesListFailuresMostFrequentFirst() throws {
        let records = try PilotRecords.load()
        let lines = records.groupsInOrder.map { Summary.line(group: $0, records: records.records(in: $0)) }
        #expect(lines == [
            "basic 2/25 (os abi 20, missing gpu 3)",
            "platform 6/25 (missing gpu 10, mpi error 5, os abi 4)",
            "platform-version 12/25 (missing gpu 11, mpi error 2)",
            "descriptive-basic 25/25",
        ])
    }

    @Test func lammpsTableShowsSuccessesFailuresAndWallTimes() throws {
        let table = Summary.lammpsTable(try PilotRecords.load())
        #expect(table == """
            mode               succeeded  failures                               wall time s (median, min-max)
            basic              2/25       os abi 20, missing gpu 3               7 (7-7)
            platform           6/25       missing gpu 10, mpi error 5, os abi 4  7 (7-7)
            platform-version   12/25      missing gpu 11, mpi error 2            7 (7-8)
            descriptive-basic  25/25      -                                      7 (7-11)

            """)
    }

    static func modelRecords() -> [RunRecord] {
        func run(_ group: String, _ i: Int, _ fom: Double?, estimated: Bool = false) -> RunRecord {
            RunRecord(experiment: .model, group: group, iteration: i, image: "hpcg:znver3-Ofast", node: "c7a.12xlarge",
                      reason: fom == nil ? .archMismatch : .success, figureOfMerit: fom, estimated: estimated)
        }
        return [
            run("model", 0, 30), run("model", 1, 32), run("model", 2, 34, estimated: true), run("model", 3, 36),
            run("random", 0, 20), run("random", 1, 24), run("random", 2, nil), run("random", 3, 28),
            run("never", 0, nil),
        ]
    }

    @Test func modelTableReportsSpreadAndGainOverRandom() {
        let table = Summary.modelTable(Self.modelRecords())
        // model: mean 33, median 33, IQR 34.5-31.5 = 3; random: mean 24, median 24 → +37.5 %.
        #expect(table == """
            strategy  runs  mean  median  IQR  min  max  gain mean  gain median  estimated
            model      4/4    33      33    3   30   36     +37.5%       +37.5%          1
            random     3/4    24      24    4   20   28          -            -          0
            never      0/1     -       -    -    -    -          -            -          0

            """)
    }

    @Test func modelTableWithoutBaselineHasNoGain() {
        let table = Summary.modelTable(Self.modelRecords().filter { $0.group == "model" })
        #expect(table.contains("model      4/4    33      33    3   30   36          -            -          1"))
    }
}
