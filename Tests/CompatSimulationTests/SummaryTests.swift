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

    @Test func modelTableCountsMeasuredAndEstimatedAndComparesWithRandom() {
        let table = Summary.modelTable(Self.modelRecords())
        // model: mean 33, median 33, IQR 34.5-31.5 = 3; random: mean 24 → +37.5 %; Mann-Whitney U = 12 of
        // 12 pairs, p = 0.0518 (SciPy, asymptotic with continuity correction).
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines == [
            "strategy  runs  measured  estimated  mean  95% CI    median  IQR  min  max  gain mean  95% CI            p",
            "model      4/4         3          1    33  [31, 35]      33    3   30   36     +37.5%  [+16.2%, +62.5%]  0.052",
            "random     3/4         3          0    24  [20, 28]      24    4   20   28          -  -                 -",
            "never      0/1         0          0     -  -              -    -    -    -          -  -                 -",
        ])
    }

    @Test func headlineStatesTheGainItsSignificanceAndTheMeasuredAndEstimatedCounts() {
        let headline = Summary.modelHeadlines(Self.modelRecords())
        #expect(headline == """
            model vs random: mean FOM +37.5% (95% CI +16.2% to +62.5%), Mann-Whitney p = 0.052; model 3 measured + 1 estimated, random 3 measured + 0 estimated
              estimated, never measured in the study: c7a.12xlarge × znver3-Ofast (1 run)
            never vs random: not compared (fewer than two successful runs on a side); never 0 measured + 0 estimated, random 3 measured + 0 estimated

            """)
    }

    @Test func headlineSaysWhenEveryValueIsAnEstimate() {
        let records = (0..<4).map {
            RunRecord(experiment: .model, group: "fom", iteration: $0, image: "hpcg:cortex-a72-Os", node: "hpc7g.16xlarge", reason: .success,
                      figureOfMerit: 30 + Double($0), estimated: true)
        } + Self.modelRecords().filter { $0.group == "random" }
        #expect(Summary.modelHeadlines(records).contains("\n  every fom value is estimated, never measured in the study: hpc7g.16xlarge × cortex-a72-Os (4 runs)\n"))
    }

    @Test func modelTableWithoutBaselineHasNoComparison() {
        let table = Summary.modelTable(Self.modelRecords().filter { $0.group == "model" })
        #expect(table.split(separator: "\n")[1] == "model      4/4         3          1    33  [31, 35]      33    3   30   36          -  -       -")
        #expect(Summary.modelHeadlines(Self.modelRecords().filter { $0.group == "model" }) == "")
    }

    @Test func simulatedWallTimesAreLabelledSo() throws {
        #expect(Summary.lammpsTable(try PilotRecords.load(), simulated: true).hasPrefix("mode               succeeded  failures                               simulated wall time s (median, min-max)\n"))
    }
}
