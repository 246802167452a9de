import CompatSimulation
import Foundation

/// Writes a session's results where a person (and a plotting script) looks for them:
/// `results.json`, `results.csv`, SVG charts per experiment, and `logs/<group>/<job>.log`.
public enum ExperimentReport {
    /// Writes everything into `directory` (created if needed) and returns the paths written. `run` goes
    /// into `results.json`; its backend decides whether wall times are labelled simulated.
    public static func write(_ result: SessionResult, run: RunProvenance? = nil, to directory: String) throws -> [String] {
        let simulated = run?.backend == "sim"
        let root = URL(fileURLWithPath: directory, isDirectory: true)
        var written: [String] = []
        func save(_ text: String, _ relative: String) throws {
            let url = root.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url, options: .atomic)
            written.append(url.path)
        }
        do {
            try save(ResultsFiles.json(result.records, run: run), "results.json")
            try save(ResultsFiles.csv(result.records), "results.csv")
            let lammps = result.records.filter { $0.experiment == .lammps }
            if !lammps.isEmpty {
                try save(Charts.outcomesByGroup(lammps, title: "LAMMPS runs by selection mode"), "lammps-outcomes.svg")
                try save(Charts.wallTimes(lammps, title: "LAMMPS wall time of successful runs", simulated: simulated), "lammps-wall-times.svg")
            }
            let model = result.records.filter { $0.experiment == .model }
            if !model.isEmpty {
                let baseline = model.contains { $0.group == "random" } ? "random" : nil
                try save(Charts.figureOfMerit(model, title: "HPCG figure of merit by instance-selection strategy", baseline: baseline), "hpcg-fom.svg")
            }
            for log in result.logs {
                try save(log.text, "logs/\(log.group)/\(log.name).log")
            }
        } catch {
            throw RunnerInputError("cannot write results into \(directory): \(error)")
        }
        return written
    }

    /// The summary printed at the end of a run: the LAMMPS table, and the model experiment's headline
    /// (gain, interval, p-value, measured and estimated counts) above its table.
    public static func summary(_ records: [RunRecord], simulated: Bool = false) -> String {
        var parts: [String] = []
        let lammps = records.filter { $0.experiment == .lammps }
        if !lammps.isEmpty { parts.append(Summary.lammpsTable(lammps, simulated: simulated)) }
        let model = records.filter { $0.experiment == .model }
        if !model.isEmpty { parts.append(Summary.modelHeadlines(model) + Summary.modelTable(model)) }
        return parts.joined(separator: "\n")
    }
}
