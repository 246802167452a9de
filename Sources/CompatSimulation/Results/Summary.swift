import CompatCore

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
    /// `simulated` says the wall times come from the simulated cluster (drawn from the pilot's measured
    /// range), which the header then says.
    ///
    /// ```
    /// mode               succeeded  failures                  wall time s (median, min-max)
    /// basic              5/25       os abi 14, missing gpu 6  7 (7-8)
    /// ```
    public static func lammpsTable(_ records: [RunRecord], simulated: Bool = false) -> String {
        var rows: [[String]] = [["mode", "succeeded", "failures", (simulated ? "simulated " : "") + "wall time s (median, min-max)"]]
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

    /// Seed of the bootstrap resampling: fixed, so the same records always give the same intervals.
    static let bootstrapSeed: UInt64 = 4

    /// The comparison of `group`'s successful FOMs with `baseline`'s, or `nil` when either has fewer
    /// than two successful runs.
    public static func comparison(_ records: [RunRecord], group: String, baseline: String) -> StrategyComparison? {
        func foms(_ name: String) -> [Double] { records.records(in: name).filter(\.succeeded).compactMap(\.figureOfMerit) }
        var random = SeededRandom(seed: bootstrapSeed, stream: "bootstrap/\(group)/\(baseline)")
        return StrategyComparison(foms(group), baseline: foms(baseline), random: &random)
    }

    /// The headline of the model experiment, one line per strategy other than `baseline`: the gain of
    /// the mean with its 95 % interval and the Mann–Whitney p-value, and on the same line how many of
    /// each side's values were measured and how many estimated. A strategy whose values include
    /// estimates gets a second line naming the never-measured instance × build pairs.
    ///
    /// ```
    /// fom vs random: mean FOM +79.8% (95% CI +62.1% to +99.4%), Mann-Whitney p < 0.001; fom 0 measured + 30 estimated, random 25 measured + 5 estimated
    ///   estimated (never measured in the study): hpc7g.16xlarge × cortex-a72-Os (30 runs)
    /// ```
    public static func modelHeadlines(_ records: [RunRecord], baseline: String = "random") -> String {
        guard records.groupsInOrder.contains(baseline) else { return "" }
        var lines: [String] = []
        for group in records.groupsInOrder where group != baseline {
            var line = "\(group) vs \(baseline): "
            if let comparison = comparison(records, group: group, baseline: baseline) {
                line += "mean FOM \(percent(comparison.gainPercent)) (95% CI \(percent(comparison.gainInterval.lowerBound)) to "
                    + "\(percent(comparison.gainInterval.upperBound))), Mann-Whitney \(pValue(comparison.test.p))"
            } else {
                line += "not compared (fewer than two successful runs on a side)"
            }
            line += "; \(provenance(group, records)), \(provenance(baseline, records))"
            lines.append(line)
            let estimated = records.records(in: group).filter { $0.succeeded && $0.estimated }
            if !estimated.isEmpty {
                var pairs: [(String, Int)] = []
                for record in estimated {
                    let pair = "\(record.node) × \(record.image.split(separator: ":").last.map(String.init) ?? record.image)"
                    if let index = pairs.firstIndex(where: { $0.0 == pair }) { pairs[index].1 += 1 } else { pairs.append((pair, 1)) }
                }
                let all = estimated.count == records.records(in: group).filter(\.succeeded).count
                lines.append("  \(all ? "every \(group) value is estimated" : "estimated"), never measured in the study: "
                    + pairs.map { "\($0.0) (\($0.1) run\($0.1 == 1 ? "" : "s"))" }.joined(separator: ", "))
            }
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// `fom 0 measured + 30 estimated`.
    static func provenance(_ group: String, _ records: [RunRecord]) -> String {
        let succeeded = records.records(in: group).filter(\.succeeded)
        let estimated = succeeded.filter(\.estimated).count
        return "\(group) \(succeeded.count - estimated) measured + \(estimated) estimated"
    }

    static func percent(_ value: Double) -> String {
        (value >= 0 ? "+" : "") + decimalText(value, maximumFractionDigits: 1) + "%"
    }

    /// `p = 0.023`, `p < 0.001`.
    static func pValue(_ p: Double) -> String {
        p < 0.001 ? "p < 0.001" : "p = \(decimalText(p, maximumFractionDigits: 3))"
    }

    /// One row per strategy of the model experiment: how many successful runs were measured and how many
    /// estimated, the figure of merit (mean with its 95 % bootstrap interval, median, IQR, min, max), and
    /// against `baseline` (usually `random`) the gain of the mean with its interval and the Mann–Whitney
    /// p-value. The comparison columns are `-` for the baseline itself, without a baseline, or with fewer
    /// than two successful runs on a side.
    public static func modelTable(_ records: [RunRecord], baseline: String = "random") -> String {
        var rows: [[String]] = [[
            "strategy", "runs", "measured", "estimated", "mean", "95% CI", "median", "IQR", "min", "max", "gain mean", "95% CI", "p",
        ]]
        func number(_ x: Double) -> String { decimalText(x, maximumFractionDigits: 2) }
        let hasBaseline = records.groupsInOrder.contains(baseline)
        for group in records.groupsInOrder {
            let runs = records.records(in: group)
            let succeeded = runs.filter(\.succeeded)
            let estimated = succeeded.filter(\.estimated).count
            let counts = ["\(succeeded.count)/\(runs.count)", String(succeeded.count - estimated), String(estimated)]
            guard let fom = Distribution(succeeded.compactMap(\.figureOfMerit)) else {
                rows.append([group] + counts + Array(repeating: "-", count: 9))
                continue
            }
            var random = SeededRandom(seed: bootstrapSeed, stream: "bootstrap/\(group)/mean")
            let interval = Bootstrap.meanInterval(succeeded.compactMap(\.figureOfMerit), random: &random)
                .map { "[\(number($0.lowerBound)), \(number($0.upperBound))]" } ?? "-"
            let versus = hasBaseline && group != baseline ? comparison(records, group: group, baseline: baseline) : nil
            rows.append([group] + counts + [
                number(fom.mean), interval, number(fom.median), number(fom.interquartileRange), number(fom.minimum), number(fom.maximum),
                versus.map { percent($0.gainPercent) } ?? "-",
                versus.map { "[\(percent($0.gainInterval.lowerBound)), \(percent($0.gainInterval.upperBound))]" } ?? "-",
                versus.map { $0.test.p < 0.001 ? "<0.001" : decimalText($0.test.p, maximumFractionDigits: 3) } ?? "-",
            ])
        }
        return TextTable.render(rows, rightAligned: [1, 2, 3, 4, 6, 7, 8, 9, 10])
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
