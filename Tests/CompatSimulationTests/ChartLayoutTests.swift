import Foundation
import Testing
@testable import CompatSimulation

/// Charts are as wide as their titles and legends need, for any number of groups, and labels stay
/// clear of the data.
@Suite struct ChartLayoutTests {
    static func width(_ svg: String) -> Double {
        let start = svg.range(of: "width=\"")!.upperBound
        return Double(svg[start...].prefix { $0 != "\"" })!
    }

    /// The right end of every `<text>` (start-anchored) as x + estimated width.
    static func textRightEdges(_ svg: String) -> [(text: String, right: Double)] {
        svg.split(separator: "\n").compactMap { line -> (String, Double)? in
            guard line.hasPrefix("<text x=\""), line.contains("text-anchor=\"start\""), !line.contains("rotate") else { return nil }
            let x = Double(line.dropFirst("<text x=\"".count).prefix { $0 != "\"" })!
            let sizeStart = line.range(of: "font-size=\"")!.upperBound
            let size = Double(line[sizeStart...].prefix { $0 != "\"" })!
            let content = String(line[line.range(of: ">")!.upperBound..<line.range(of: "</text>")!.lowerBound])
            return (content, x + SVGDocument.textWidth(content, size: size, bold: line.contains("bold")))
        }
    }

    static func oneMode(_ count: Int) -> [RunRecord] {
        (0..<count).map { i in
            RunRecord(experiment: .lammps, group: "descriptive-basic", iteration: i, image: "i", node: "n", reason: i % 3 == 0 ? .osABI : .success, wallTimeSeconds: 7)
        }
    }

    @Test(arguments: [1, 2, 5])
    func everyTextFitsForAnyNumberOfModes(modes: Int) throws {
        let names = ["basic", "platform", "platform-version", "descriptive-basic", "descriptive"]
        let records = names.prefix(modes).flatMap { name in Self.oneMode(4).map { var r = $0; r.group = name; return r } }
        for svg in [
            Charts.outcomesByGroup(records, title: "LAMMPS runs by selection mode"),
            Charts.wallTimes(records, title: "LAMMPS wall time of successful runs", simulated: true),
        ] {
            let width = Self.width(svg)
            for (text, right) in Self.textRightEdges(svg) {
                #expect(right <= width, "'\(text)' ends at \(right), the chart is \(width) wide")
            }
        }
    }

    @Test func fomChartKeepsItsTitleTheBaselineLabelAndTheLegendInside() throws {
        let svg = Charts.figureOfMerit(SummaryTests.modelRecords(), title: "HPCG figure of merit by instance-selection strategy")
        let width = Self.width(svg)
        for (text, right) in Self.textRightEdges(svg) {
            #expect(right <= width, "'\(text)' ends at \(right), the chart is \(width) wide")
        }
        // The baseline's label starts right of every point, so it never covers one.
        let label = try #require(svg.split(separator: "\n").first { $0.contains(">random median 24</text>") })
        let labelX = Double(label.dropFirst("<text x=\"".count).prefix { $0 != "\"" })!
        let pointXs = svg.split(separator: "\n").filter { $0.hasPrefix("<circle cx=\"") && $0.contains("<title>") }.map { Double($0.dropFirst("<circle cx=\"".count).prefix { $0 != "\"" })! }
        #expect(pointXs.allSatisfy { $0 + 3.5 < labelX })
    }

    @Test func simulatedWallTimesSayTheyAreSimulated() {
        let svg = Charts.wallTimes(Self.oneMode(3), title: "wall time", simulated: true)
        #expect(svg.contains(">simulated LAMMPS wall time (s)</text>"))
        #expect(svg.contains(">Simulated cluster: times drawn from the pilot's measured range. Successful runs only."))
        #expect(!Charts.wallTimes(Self.oneMode(3), title: "wall time").contains("imulated"))
    }
}
