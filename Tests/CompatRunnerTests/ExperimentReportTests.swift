import CompatCore
import CompatRunner
import CompatSimulation
import Foundation
import Testing

/// What a run leaves in `--outdir`.
@Suite struct ExperimentReportTests {
    @Test func writesResultsChartsAndLogsThatReadBack() throws {
        let result = try runSimulated(modes([.basic], iterations: 4))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("compat-run-report-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let written = try ExperimentReport.write(result, to: folder)
        #expect(written.map { String($0.dropFirst(folder.count + 1)) } == [
            "results.json", "results.csv", "lammps-outcomes.svg", "lammps-wall-times.svg",
            "logs/basic/lammps-0-size-2.log", "logs/basic/lammps-1-size-2.log", "logs/basic/lammps-2-size-2.log", "logs/basic/lammps-3-size-2.log",
        ])
        let decoded = try ResultsFiles.decodeJSON(Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/results.json"))))
        #expect(decoded == result.records)
        let csv = try String(contentsOfFile: folder + "/results.csv", encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 5)
        #expect(try String(contentsOfFile: folder + "/lammps-outcomes.svg", encoding: .utf8).hasPrefix("<svg"))
    }

    @Test func summaryHasOneRowPerModeAndStrategy() throws {
        let lammps = try runSimulated(modes([.basic, .descriptiveBasic], iterations: 5)).records
        let lines = ExperimentReport.summary(lammps).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[2].hasPrefix("descriptive-basic  5/5"))
    }

    @Test func unwritableOutdirIsAClearError() throws {
        let result = try runSimulated(modes([.basic], iterations: 1))
        #expect {
            try ExperimentReport.write(result, to: "/proc/compat-run-cannot-write")
        } throws: { error in
            "\(error)".hasPrefix("cannot write results into /proc/compat-run-cannot-write")
        }
    }
}
