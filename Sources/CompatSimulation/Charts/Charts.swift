/// SVG charts of an experiment's records, drawn for people to read at a glance: one bar per selection
/// mode stacked by outcome (like lammps-matrix's `lammps-reasons-failure` plot), and box-and-strip plots
/// of wall times per mode and of HPCG figure of merit per strategy.
///
/// Colours are the Okabe–Ito palette, which stays distinguishable with the common colour-vision
/// deficiencies; every bar segment also carries its count, so nothing depends on colour alone.
public enum Charts {
    /// Colour of each outcome in the stacked bars and their legend.
    public static func colour(of reason: RunReason) -> String {
        switch reason {
        case .success: "#009E73"
        case .osABI: "#D55E00"
        case .missingGPU: "#E69F00"
        case .mpiError: "#0072B2"
        case .archMismatch: "#CC79A7"
        case .unknown: "#999999"
        }
    }

    /// Colours for groups in the distribution charts, in group order.
    static let groupColours = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

    // MARK: Outcomes per group

    /// One bar per group (in the records' order), as tall as its number of runs: successes at the
    /// bottom, failures stacked above by reason, each segment labelled with its count and each bar
    /// topped by `successes/runs`.
    public static func outcomesByGroup(_ records: [RunRecord], title: String, groupAxisLabel: String = "selection mode") -> String {
        let groups = records.groupsInOrder
        let stackOrder: [RunReason] = [.success] + RunReason.failures
        let present = stackOrder.filter { reason in records.contains { $0.reason == reason } }
        let legendEntries = present.contains(.success) ? present : [.success] + present

        let labelSize = 13.0
        let slot = max(120, (groups.map { SVGDocument.textWidth($0, size: labelSize) }.max() ?? 0) + 28)
        let barWidth = min(72, slot * 0.55)
        let left = 72.0, top = 84.0, plotHeight = 360.0, bottom = 74.0
        let legendWidth = 40 + (legendEntries.map { SVGDocument.textWidth($0.rawValue, size: 13) }.max() ?? 0)
        let plotWidth = slot * Double(max(1, groups.count))
        let subtitle = "Bars: runs per \(groupAxisLabel), successes at the bottom, failures stacked by reason."
        let headingWidth = max(SVGDocument.textWidth(title, size: 17, bold: true), SVGDocument.textWidth(subtitle, size: 12))
        var svg = SVGDocument(width: max(left + plotWidth + 24 + legendWidth + 16, left + headingWidth + 16), height: top + plotHeight + bottom)

        let largest = groups.map { records.records(in: $0).count }.max() ?? 0
        let scale = NiceScale(minimum: 0, maximum: Double(max(1, largest)), targetTicks: 5)
        func y(_ value: Double) -> Double { top + plotHeight - (value - scale.lower) / (scale.upper - scale.lower) * plotHeight }

        svg.text(title, x: left, y: 28, size: 17, weight: "bold")
        svg.text(subtitle, x: left, y: 48, size: 12, fill: "#555555")
        drawValueAxis(&svg, scale: scale, left: left, width: plotWidth, y: y, label: "runs", integers: true)

        for (index, group) in groups.enumerated() {
            let runs = records.records(in: group)
            let centre = left + slot * (Double(index) + 0.5)
            var base = 0.0
            for reason in stackOrder {
                let count = runs.filter { $0.reason == reason }.count
                guard count > 0 else { continue }
                let yTop = y(base + Double(count))
                let height = y(base) - yTop
                svg.rect(x: centre - barWidth / 2, y: yTop, width: barWidth, height: height, fill: colour(of: reason), stroke: "#ffffff", strokeWidth: 1, title: "\(group): \(reason.rawValue) \(count)")
                if height >= 16 {
                    svg.text(String(count), x: centre, y: yTop + height / 2 + 4.5, size: 13, anchor: .middle, weight: "bold", fill: reason == .missingGPU ? "#222222" : "#ffffff")
                }
                base += Double(count)
            }
            let successes = runs.filter(\.succeeded).count
            svg.text("\(successes)/\(runs.count)", x: centre, y: y(base) - 7, size: 13, anchor: .middle, weight: "bold")
            svg.text(group, x: centre, y: top + plotHeight + 22, size: labelSize, anchor: .middle)
        }
        svg.line(x1: left, y1: top + plotHeight, x2: left + plotWidth, y2: top + plotHeight, stroke: "#333333")
        svg.text(groupAxisLabel, x: left + plotWidth / 2, y: top + plotHeight + 56, size: 13, anchor: .middle, fill: "#444444")

        var legendY = top + 8
        let legendX = left + plotWidth + 24
        svg.text("outcome", x: legendX, y: legendY, size: 13, weight: "bold")
        for reason in legendEntries.reversed() {  // top of the stack first, like the bars
            legendY += 22
            svg.rect(x: legendX, y: legendY - 11, width: 14, height: 14, fill: colour(of: reason))
            svg.text(reason.rawValue, x: legendX + 22, y: legendY + 1, size: 13)
        }
        return svg.text
    }

    // MARK: Distributions

    /// Wall times of the successful runs per group: a box (quartiles, median) with whiskers to the
    /// extremes and every run as a point. `simulated` marks them as the simulated cluster's (drawn
    /// from the pilot's measured range), in the subtitle and on the axis.
    public static func wallTimes(_ records: [RunRecord], title: String, groupAxisLabel: String = "selection mode", simulated: Bool = false) -> String {
        let samples = records.groupsInOrder.map { group in
            DistributionChart.Group(name: group, runs: records.records(in: group).count, points: records.records(in: group).compactMap { r in
                r.succeeded ? r.wallTimeSeconds.map { DistributionChart.Point(value: $0, estimated: false) } : nil
            })
        }
        return DistributionChart(
            title: title,
            subtitle: (simulated ? "Simulated cluster: times drawn from the pilot's measured range. " : "")
                + "Successful runs only. Box: quartiles and median; whiskers: min and max; dots: runs.",
            valueLabel: simulated ? "simulated LAMMPS wall time (s)" : "LAMMPS wall time (s)", groupAxisLabel: groupAxisLabel, groups: samples, baseline: nil
        ).render()
    }

    /// HPCG figure of merit per strategy, with estimated values drawn hollow (and counted on the title
    /// line and in the legend) and, when a `baseline` strategy is present, its median as a dashed
    /// reference line labelled in the right margin.
    public static func figureOfMerit(_ records: [RunRecord], title: String, baseline: String? = "random") -> String {
        let samples = records.groupsInOrder.map { group in
            DistributionChart.Group(name: group, runs: records.records(in: group).count, points: records.records(in: group).compactMap { r in
                r.succeeded ? r.figureOfMerit.map { DistributionChart.Point(value: $0, estimated: r.estimated) } : nil
            })
        }
        let reference = baseline.flatMap { name in
            samples.first { $0.name == name }.flatMap { Distribution($0.points.map(\.value)) }.map { (name, $0.median) }
        }
        let values = samples.flatMap(\.points)
        let estimated = values.filter(\.estimated).count
        // The counts stand on the title line, so the headline never shows without them.
        let counted = estimated == 0 ? title : "\(title): \(values.count - estimated) measured, \(estimated) estimated"
        return DistributionChart(
            title: counted,
            subtitle: "Successful runs only. Box: quartiles and median; whiskers: min and max; dots: runs (hollow: estimated).",
            valueLabel: "HPCG figure of merit (GFLOP/s)", groupAxisLabel: "strategy", groups: samples, baseline: reference
        ).render()
    }

    static func drawValueAxis(_ svg: inout SVGDocument, scale: NiceScale, left: Double, width: Double, y: (Double) -> Double, label: String, integers: Bool) {
        let top = y(scale.upper), bottom = y(scale.lower)
        for tick in scale.ticks {
            svg.line(x1: left, y1: y(tick), x2: left + width, y2: y(tick), stroke: "#e3e3e3")
            let text = integers ? String(Int(tick.rounded())) : decimalText(tick, maximumFractionDigits: 3)
            svg.text(text, x: left - 8, y: y(tick) + 4.5, size: 12, anchor: .end, fill: "#444444")
        }
        svg.line(x1: left, y1: top, x2: left, y2: bottom, stroke: "#333333")
        svg.text(label, x: left - 48, y: (top + bottom) / 2, size: 13, anchor: .middle, fill: "#444444", rotate: -90)
    }
}

/// A box-and-strip plot of one value per run, grouped.
struct DistributionChart {
    struct Point {
        var value: Double
        var estimated: Bool
    }

    struct Group {
        var name: String
        /// All runs of the group, including those without a value (failures), for the `n` label.
        var runs: Int
        var points: [Point]
    }

    var title: String
    var subtitle: String
    var valueLabel: String
    var groupAxisLabel: String
    var groups: [Group]
    /// A reference line: (name, value).
    var baseline: (String, Double)?

    func render() -> String {
        // A non-finite value has no place on an axis; it is left out (and so not counted in `n`).
        let groups = self.groups.map { Group(name: $0.name, runs: $0.runs, points: $0.points.filter { $0.value.isFinite }) }
        let labelSize = 13.0
        let slot = max(130, (groups.map { SVGDocument.textWidth($0.name, size: labelSize) }.max() ?? 0) + 28)
        let boxWidth = min(64, slot * 0.45)
        let left = 80.0, top = 64.0, plotHeight = 360.0, bottom = 92.0, right = 24.0
        let plotWidth = slot * Double(max(1, groups.count))
        let points = groups.flatMap(\.points)
        let estimatedCount = points.filter(\.estimated).count
        let legend = estimatedCount > 0
            ? ["measured: \(points.count - estimatedCount) runs", "estimated (never measured): \(estimatedCount) runs"] : []
        let legendWidth = legend.map { SVGDocument.textWidth($0, size: 12) + 30 }.max() ?? 0
        // The reference line's label sits in the right margin, beside the line, clear of every point.
        let baselineLabel = baseline.map { "\($0.0) median \(decimalText($0.1, maximumFractionDigits: 2))" }
        // Each box's median label stands right of the box and may reach past the last slot; the
        // baseline's label starts after the furthest of them.
        let medianLabelsEnd = groups.enumerated().compactMap { index, group in
            Distribution(group.points.map(\.value)).map { d in
                slot * (Double(index) + 0.5) + boxWidth / 2 + 6 + SVGDocument.textWidth(decimalText(d.median, maximumFractionDigits: 2), size: 11)
            }
        }.max() ?? 0
        let baselineX = left + max(plotWidth, medianLabelsEnd) + 8
        let baselineWidth = baselineLabel.map { baselineX - (left + plotWidth) + SVGDocument.textWidth($0, size: 11) + 8 } ?? 0
        let headingWidth = max(SVGDocument.textWidth(title, size: 17, bold: true), SVGDocument.textWidth(subtitle, size: 12))
        let width = max(left + plotWidth + baselineWidth + right + legendWidth, left + headingWidth + right)
        var svg = SVGDocument(width: width, height: top + plotHeight + bottom)

        let values = groups.flatMap { $0.points.map(\.value) } + (baseline.map { [$0.1] } ?? [])
        // 6 % headroom on both sides keeps points off the axis lines.
        let low = values.min() ?? 0, high = values.max() ?? 1
        let scale = NiceScale(minimum: low - (high - low) * 0.06, maximum: high + (high - low) * 0.06, targetTicks: 6)
        func y(_ value: Double) -> Double { top + plotHeight - (value - scale.lower) / (scale.upper - scale.lower) * plotHeight }

        svg.text(title, x: left, y: 28, size: 17, weight: "bold")
        svg.text(subtitle, x: left, y: 48, size: 12, fill: "#555555")
        Charts.drawValueAxis(&svg, scale: scale, left: left, width: plotWidth, y: y, label: valueLabel, integers: false)

        if let (_, value) = baseline, let baselineLabel {
            svg.line(x1: left, y1: y(value), x2: left + plotWidth, y2: y(value), stroke: "#555555", width: 1.2, dash: "6 4")
            svg.line(x1: left + plotWidth, y1: y(value), x2: baselineX - 3, y2: y(value), stroke: "#555555", width: 1.2, dash: "2 3")
            svg.text(baselineLabel, x: baselineX, y: y(value) + 4, size: 11, fill: "#555555")
        }

        for (index, group) in groups.enumerated() {
            let centre = left + slot * (Double(index) + 0.5)
            let colour = Charts.groupColours[index % Charts.groupColours.count]
            svg.text(group.name, x: centre, y: top + plotHeight + 22, size: labelSize, anchor: .middle)
            svg.text("n=\(group.points.count) of \(group.runs)", x: centre, y: top + plotHeight + 40, size: 11, anchor: .middle, fill: "#666666")
            guard let d = Distribution(group.points.map(\.value)) else {
                svg.text("no successful run", x: centre, y: top + plotHeight / 2, size: 12, anchor: .middle, fill: "#888888")
                continue
            }
            // Whiskers to the extremes, then the box, then the median.
            svg.line(x1: centre, y1: y(d.maximum), x2: centre, y2: y(d.thirdQuartile), stroke: "#333333")
            svg.line(x1: centre, y1: y(d.firstQuartile), x2: centre, y2: y(d.minimum), stroke: "#333333")
            for extreme in [d.minimum, d.maximum] {
                svg.line(x1: centre - boxWidth / 4, y1: y(extreme), x2: centre + boxWidth / 4, y2: y(extreme), stroke: "#333333")
            }
            svg.rect(x: centre - boxWidth / 2, y: y(d.thirdQuartile), width: boxWidth, height: max(1.5, y(d.firstQuartile) - y(d.thirdQuartile)), fill: colour + "33", stroke: "#333333", strokeWidth: 1.2,
                     title: "\(group.name): median \(decimalText(d.median, maximumFractionDigits: 3)), IQR \(decimalText(d.firstQuartile, maximumFractionDigits: 3))-\(decimalText(d.thirdQuartile, maximumFractionDigits: 3))")
            svg.line(x1: centre - boxWidth / 2, y1: y(d.median), x2: centre + boxWidth / 2, y2: y(d.median), stroke: "#111111", width: 2.5)
            // On a white ground, so the reference line (often this very median) does not cross it.
            let medianText = decimalText(d.median, maximumFractionDigits: 2)
            svg.rect(x: centre + boxWidth / 2 + 4, y: y(d.median) - 7, width: SVGDocument.textWidth(medianText, size: 11) + 4, height: 14, fill: "#ffffff")
            svg.text(medianText, x: centre + boxWidth / 2 + 6, y: y(d.median) + 4, size: 11, fill: "#111111")
            for (i, point) in group.points.enumerated() {
                // Deterministic jitter (golden-ratio sequence) spreads equal values across the box.
                let offset = ((Double(i) * 0.618_033_988_75).truncatingRemainder(dividingBy: 1) - 0.5) * boxWidth * 0.8
                svg.circle(cx: centre + offset, cy: y(point.value), r: 3.5, fill: point.estimated ? "#ffffff" : colour, stroke: colour, strokeWidth: 1.3, opacity: point.estimated ? 1 : 0.75,
                           title: "\(group.name) run \(i): \(decimalText(point.value, maximumFractionDigits: 3))\(point.estimated ? " (estimated)" : "")")
            }
        }
        svg.line(x1: left, y1: top + plotHeight, x2: left + plotWidth, y2: top + plotHeight, stroke: "#333333")
        svg.text(groupAxisLabel, x: left + plotWidth / 2, y: top + plotHeight + 70, size: 13, anchor: .middle, fill: "#444444")

        if legend.count == 2 {
            let x = left + plotWidth + baselineWidth + right
            svg.circle(cx: x + 7, cy: top + 10, r: 3.5, fill: "#555555", stroke: "#555555")
            svg.text(legend[0], x: x + 18, y: top + 14, size: 12)
            svg.circle(cx: x + 7, cy: top + 32, r: 3.5, fill: "#ffffff", stroke: "#555555", strokeWidth: 1.3)
            svg.text(legend[1], x: x + 18, y: top + 36, size: 12)
        }
        return svg.text
    }
}
