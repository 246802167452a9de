/// Plain-text summaries of an experiment for stdout: what a person reads first after a run.
public enum Summary {
    /// Failures of one group by reason, most frequent first (ties in ``RunReason/failures`` order).
    public static func failureCounts(_ records: [RunRecord]) -> [(reason: RunReason, count: Int)] {
        RunReason.failures
            .map { reason in (reason, records.filter { $0.reason == reason }.count) }
            .filter { $0.1 > 0 }
            .enumerated()
            .sorted { $0.element.1 != $1.element.1 ? $0.element.1 > $1.element.1 : $0.offset < $1.offset }
            .map { ($0.element.0, $0.element.1) }
    }

    /// `basic 5/25 (os abi 14, missing gpu 6)`; a group without failures has no parenthesis.
    public static func line(group: String, records: [RunRecord]) -> String {
        let successes = records.filter(\.succeeded).count
        let failures = failureCounts(records).map { "\($0.reason.shortLabel) \($0.count)" }
        return "\(group) \(successes)/\(records.count)" + (failures.isEmpty ? "" : " (\(failures.joined(separator: ", ")))")
    }

    /// One row per selection mode: successes, failures by reason, and the wall time of the successes.
    ///
    /// ```
    /// mode               succeeded  failures                  wall time s (median, min-max)
    /// basic              5/25       os abi 14, missing gpu 6  7 (7-8)
    /// ```
    public static func lammpsTable(_ records: [RunRecord]) -> String {
        var rows: [[String]] = [["mode", "succeeded", "failures", "wall time s (median, min-max)"]]
        for group in records.groupsInOrder {
            let runs = records.records(in: group)
            let failures = failureCounts(runs).map { "\($0.reason.shortLabel) \($0.count)" }.joined(separator: ", ")
            let times = Distribution(runs.filter(\.succeeded).compactMap(\.wallTimeSeconds))
            rows.append([
                group,
                "\(runs.filter(\.succeeded).count)/\(runs.count)",
                failures.isEmpty ? "-" : failures,
                times.map { "\(decimalText($0.median, maximumFractionDigits: 2)) (\(decimalText($0.minimum, maximumFractionDigits: 2))-\(decimalText($0.maximum, maximumFractionDigits: 2)))" } ?? "-",
            ])
        }
        return TextTable.render(rows, rightAligned: [])
    }

    /// One row per strategy of the model experiment: the figure of merit of its successful runs (mean,
    /// median, IQR, min, max), the gain of the mean and median over `baseline` (usually `random`), and
    /// how many values were estimates. The gain column is `-` for the baseline itself or when the
    /// baseline has no successful run.
    public static func modelTable(_ records: [RunRecord], baseline: String = "random") -> String {
        let baselineFOM = Distribution(records.records(in: baseline).filter(\.succeeded).compactMap(\.figureOfMerit))
        var rows: [[String]] = [[
            "strategy", "runs", "mean", "median", "IQR", "min", "max", "gain mean", "gain median", "estimated",
        ]]
        func number(_ x: Double) -> String { decimalText(x, maximumFractionDigits: 2) }
        func gain(_ value: Double, over reference: Double) -> String {
            guard reference != 0 else { return "-" }
            let percent = (value / reference - 1) * 100
            return (percent >= 0 ? "+" : "") + decimalText(percent, maximumFractionDigits: 1) + "%"
        }
        for group in records.groupsInOrder {
            let runs = records.records(in: group)
            let succeeded = runs.filter(\.succeeded)
            let runsText = "\(succeeded.count)/\(runs.count)"
            let estimated = String(succeeded.filter(\.estimated).count)
            guard let fom = Distribution(succeeded.compactMap(\.figureOfMerit)) else {
                rows.append([group, runsText, "-", "-", "-", "-", "-", "-", "-", estimated])
                continue
            }
            let comparable = group != baseline ? baselineFOM : nil
            rows.append([
                group, runsText, number(fom.mean), number(fom.median), number(fom.interquartileRange),
                number(fom.minimum), number(fom.maximum),
                comparable.map { gain(fom.mean, over: $0.mean) } ?? "-",
                comparable.map { gain(fom.median, over: $0.median) } ?? "-",
                estimated,
            ])
        }
        return TextTable.render(rows, rightAligned: Set(1...9))
    }
}

/// Columns padded to their widest cell, two spaces apart, no trailing spaces.
enum TextTable {
    static func render(_ rows: [[String]], rightAligned: Set<Int>) -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: columns)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        return rows.map { row in
            var line = ""
            for (i, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                if i > 0 { line += "  " }
                line += rightAligned.contains(i) ? pad + cell : cell + pad
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }.joined(separator: "\n") + "\n"
    }
}
