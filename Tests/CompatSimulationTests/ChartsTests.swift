import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import CompatSimulation

@Suite struct ChartsTests {
    static func isWellFormedXML(_ text: String) -> Bool {
        XMLParser(data: Data(text.utf8)).parse()
    }

    @Test func outcomeBarsCarryEveryCountOfThePilot() throws {
        let svg = Charts.outcomesByGroup(try PilotRecords.load(), title: "LAMMPS pilot <amd64>")
        #expect(Self.isWellFormedXML(svg))
        #expect(svg.contains(">LAMMPS pilot &lt;amd64&gt;</text>"))
        for segment in ["basic: os abi issue 20", "basic: missing gpu 3", "basic: success 2", "platform: mpi error 5",
                        "platform-version: missing gpu 11", "descriptive-basic: success 25"] {
            #expect(svg.contains("<title>\(segment)</title>"), "\(segment)")
        }
        for top in [">2/25<", ">6/25<", ">12/25<", ">25/25<"] { #expect(svg.contains(top)) }
        // The legend lists the outcomes that occur, no others.
        #expect(svg.contains(">os abi issue</text>"))
        #expect(!svg.contains(">arch mismatch</text>"))
    }

    @Test func outcomeBarsAreDeterministic() throws {
        let records = try PilotRecords.load()
        #expect(Charts.outcomesByGroup(records, title: "t") == Charts.outcomesByGroup(records, title: "t"))
    }

    @Test func wallTimePlotHasABoxPerModeAndADotPerSuccess() throws {
        let svg = Charts.wallTimes(try PilotRecords.load(), title: "wall time")
        #expect(Self.isWellFormedXML(svg))
        #expect(svg.components(separatedBy: "<circle").count - 1 == 2 + 6 + 12 + 25)
        #expect(svg.contains("<title>descriptive-basic: median 7, IQR 7-11</title>"))
        #expect(svg.contains(">n=12 of 25</text>"))
    }

    @Test func fomPlotMarksEstimatesAndTheRandomMedian() {
        let svg = Charts.figureOfMerit(SummaryTests.modelRecords(), title: "FOM")
        #expect(Self.isWellFormedXML(svg))
        #expect(svg.contains(">random median 24</text>"))
        #expect(svg.contains("<title>model run 2: 34 (estimated)</title>"))
        #expect(svg.contains(">estimated (never measured): 1 runs</text>"))
        #expect(svg.contains(">measured: 6 runs</text>"))
        #expect(svg.contains(">FOM: 6 measured, 1 estimated</text>"))
        #expect(svg.contains(">no successful run</text>"))
    }

    @Test func nonFiniteValuesAreLeftOffTheAxis() {
        var records = SummaryTests.modelRecords()
        records.append(RunRecord(experiment: .model, group: "model", iteration: 9, image: "i", node: "n", reason: .success, figureOfMerit: .infinity))
        let svg = Charts.figureOfMerit(records, title: "FOM")
        #expect(Self.isWellFormedXML(svg))
        #expect(!svg.contains("inf"))
        #expect(svg.contains(">n=4 of 5</text>"))
    }

    @Test func emptyRecordsStillGiveAValidChart() {
        #expect(Self.isWellFormedXML(Charts.outcomesByGroup([], title: "none")))
        #expect(Self.isWellFormedXML(Charts.wallTimes([], title: "none")))
        #expect(Self.isWellFormedXML(Charts.figureOfMerit([], title: "none")))
    }

    @Test(arguments: [(0.0, 25.0, 0.0, 25.0, 5.0), (6.8, 11.24, 6.0, 12.0, 1.0), (7.7, 8.3, 7.6, 8.4, 0.2), (7.0, 7.0, 6.0, 8.0, 0.5), (20.0, 41.9, 20.0, 45.0, 5.0)])
    func scalesUseNiceSteps(minimum: Double, maximum: Double, lower: Double, upper: Double, step: Double) {
        let scale = NiceScale(minimum: minimum, maximum: maximum, targetTicks: 5)
        #expect(scale.lower == lower)
        #expect(scale.upper == upper)
        #expect(scale.step == step)
    }
}
