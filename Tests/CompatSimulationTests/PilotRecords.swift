@testable import CompatSimulation

/// The 100 pilot logs as run records, classified, in mode order: real data for results tests.
enum PilotRecords {
    static let modes = ["basic", "platform", "platform-version", "descriptive-basic"]

    static func load() throws -> [RunRecord] {
        var records: [RunRecord] = []
        for mode in modes {
            for (i, log) in try SharedData.pilotLogs(mode: mode).enumerated() {
                let c = LogClassifier.classify(log.text)
                records.append(RunRecord(
                    experiment: .lammps, group: mode, iteration: i, image: log.name, view: nil, node: "c2d-standard-8",
                    reason: c.reason, wallTimeSeconds: c.wallTimeSeconds.map(Double.init)
                ))
            }
        }
        return records
    }
}
