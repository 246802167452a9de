import CompatCore
import CompatRunner
import CompatSimulation
import Testing

/// The lammps-matrix experiment, every job admitted by the real webhook over HTTPS on 127.0.0.1 and run
/// on the simulated cluster.
@Suite struct LAMMPSExperimentTests {
    static let allModes = SelectionMode.allCases

    @Test func allModesShowTheLammpsMatrixGradient() throws {
        let records = try runSimulated(modes(Self.allModes)).records
        let counts = Self.allModes.map { successes(records, $0.rawValue) }
        #expect(counts == [4, 6, 9, 25, 25])
        #expect(counts[0] < counts[1] && counts[1] < counts[2] && counts[2] < counts[3])
        let reasons = Set(records.filter { !$0.succeeded }.map(\.reason))
        #expect(reasons == [.osABI, .missingGPU, .mpiError])
        #expect(records.allSatisfy { $0.selectionLatencyMilliseconds != nil })
    }

    @Test func sameSeedReproducesEveryChoiceAndOutcome() throws {
        let first = try runSimulated(modes([.platform, .descriptiveBasic], iterations: 10), seed: 7).records.map(\.withoutLatency)
        let second = try runSimulated(modes([.platform, .descriptiveBasic], iterations: 10), seed: 7).records.map(\.withoutLatency)
        let other = try runSimulated(modes([.platform, .descriptiveBasic], iterations: 10), seed: 8).records.map(\.withoutLatency)
        #expect(first == second)
        #expect(first != other)
    }

    @Test func descriptiveModesNeverChooseGPUBuildsOnCPUNodes() throws {
        let records = try runSimulated(modes([.descriptiveBasic, .descriptive], architecture: .arm64)).records
        #expect(records.count == 50)
        #expect(records.allSatisfy { !$0.image.contains("gpu") && $0.succeeded && $0.node == "t2a-standard-8" })
    }

    @Test func descriptiveModesChooseGPUBuildsThatSucceedOnGPUNodes() throws {
        let records = try runSimulated(modes([.descriptiveBasic, .descriptive], gpu: true)).records
        #expect(records.allSatisfy { $0.image.contains("gpu") && $0.succeeded && $0.node == "g2-standard-8" })
    }

    @Test func jobMPIRequirementIsMetOnlyByDescriptiveMode() throws {
        let records = try runSimulated(modes([.descriptiveBasic, .descriptive]), mpi: "abi:openmpi").records
        #expect(successes(records, "descriptive") == 25)
        #expect(records.records(in: "descriptive").allSatisfy { $0.image.contains("openmpi") })
        let basic = records.records(in: "descriptive-basic")
        #expect(basic.contains { $0.reason == .mpiError })
        #expect(basic.filter { $0.reason == .mpiError }.allSatisfy { !$0.image.contains("openmpi") })
    }

    @Test func everyRunLeavesAClassifiedLog() throws {
        let result = try runSimulated(modes([.basic, .platformVersion], iterations: 8))
        #expect(result.logs.count == 16)
        for (record, log) in zip(result.records, result.logs) {
            #expect(log.name == "lammps-\(record.iteration)-size-2")
            #expect(LogClassifier.classify(log.text).reason == record.reason)
        }
    }

    @Test func armGPURequestIsRefusedWithAReason() throws {
        #expect {
            try runSimulated(modes([.basic], iterations: 1, architecture: .arm64, gpu: true))
        } throws: { error in
            // The price table has no arm64 GPU node type, so the plan is refused before anything runs.
            "\(error)" == "the plan cannot run: experiments[0] (basic): node type 'g2-standard-8' is amd64, the experiment is arm64; change 'arch' or 'instance'"
        }
    }
}
