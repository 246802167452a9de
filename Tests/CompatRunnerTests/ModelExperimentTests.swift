import CompatCore
import CompatModels
import CompatRunner
import CompatSimulation
import Foundation
import Testing

/// The aws-performance-study model experiment: HPCG Pods admitted by the real webhook, whose model picks
/// the instance type among the 25 EKS nodes, with figures of merit from the study's measurements.
@Suite struct ModelExperimentTests {
    static let fomImages: [Architecture: String] = [
        .arm64: "ghcr.io/converged-computing/hpcg-matrix:cortex-a72-Os",
        .amd64: "ghcr.io/converged-computing/hpcg-matrix:znver3-Ofast",
    ]

    static func strategies(_ runs: [(String, Int)]) -> [ExperimentPlan.Entry] {
        runs.map { ExperimentPlan.Entry(selections: [.model($0.0)], iterations: $0.1, architecture: nil, nodes: 1) }
    }

    /// The expected figure of merit of one run on `instance` with the fom entry's build: the mean of
    /// the observations the lookup draws from (the measured pair, or the documented estimate's pair).
    static func expectedFOM(_ measurements: HPCGMeasurements, instance: String) throws -> Double {
        let architecture = try #require(measurements.instanceArchitectures[instance])
        let image = try #require(fomImages[architecture])
        let tag = String(image.split(separator: ":").last ?? "")
        let build = try #require(HPCGBuild(name: tag))
        var random = SeededRandom(seed: 0)
        let measured = try measurements.lookup(instance: instance, build: build, random: &random).measuredBuild
        let values = measurements.observations(instance: instance, build: measured).map(\.figureOfMerit)
        return values.reduce(0, +) / Double(values.count)
    }

    @Test func fomRunsWhereTheTrainedModelPredictsTheHighestFigureOfMerit() throws {
        let paths = RunnerTestPaths.paths
        let measurements = try paths.loadMeasurements()
        let nodes = try paths.loadNodeFeatures().filter { measurements.instanceArchitectures[$0["node.kubernetes.io/instance-type"] ?? ""] != nil }
        let model = try PerformanceModel(decoding: Array(try Data(contentsOf: URL(fileURLWithPath: paths.models + "/trained/fom.json"))))
        let predicted = try InstanceChooser.choose(model: model, nodes: nodes).chosen.identity

        let records = try runSimulated(Self.strategies([("fom", 10)])).records
        #expect(predicted == "hpc7g.16xlarge")
        #expect(records.allSatisfy { $0.node == predicted && $0.image == Self.fomImages[.arm64] && $0.succeeded })
        // hpc7g was never measured with cortex-a72-Os: every value is the documented estimate.
        #expect(records.allSatisfy { $0.estimated })
    }

    @Test func fomBeatsRandomByTheMarginTheMeasurementsImply() throws {
        let measurements = try RunnerTestPaths.paths.loadMeasurements()
        let records = try runSimulated(Self.strategies([("fom", 30), ("random", 200)])).records
        func mean(_ group: String) -> Double {
            let values = records.records(in: group).compactMap(\.figureOfMerit)
            return values.reduce(0, +) / Double(values.count)
        }
        let fomExpected = try Self.expectedFOM(measurements, instance: "hpc7g.16xlarge")
        let randomExpected = try measurements.instances.map { try Self.expectedFOM(measurements, instance: $0) }.reduce(0, +)
            / Double(measurements.instances.count)
        let fomMean = mean("fom"), randomMean = mean("random")
        #expect(abs(fomMean / fomExpected - 1) < 0.05, "fom mean \(fomMean) vs expected \(fomExpected)")
        #expect(abs(randomMean / randomExpected - 1) < 0.15, "random mean \(randomMean) vs expected \(randomExpected)")
        // Random draws only among measured instance types: the others are skip-listed for the study.
        #expect(Set(records.records(in: "random").map(\.node)).isSubset(of: Set(measurements.instances)))
        #expect(Set(records.records(in: "random").map(\.node)).count >= 15)
        let gain = fomMean / randomMean
        let expectedGain = fomExpected / randomExpected
        #expect(abs(gain / expectedGain - 1) < 0.2, "gain \(gain) vs implied \(expectedGain)")
        #expect(gain > 1.5)
    }

    @Test func unknownStrategyIsRefusedNamingTheSpecsModels() throws {
        #expect {
            try runSimulated(Self.strategies([("nope", 1)]))
        } throws: { error in
            "\(error)".contains("has no entry for model 'nope'") && "\(error)".contains("fom")
        }
    }
}
