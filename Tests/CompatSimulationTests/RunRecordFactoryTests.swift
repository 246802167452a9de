import CompatCore
import Testing
@testable import CompatSimulation

@Suite struct RunRecordFactoryTests {
    @Test func aSimulatedRunIsRecordedAsItsLogReads() throws {
        let job = try SimulatedClusterTests.job("intel-mpi-rocky-9-amd64", view: "ubuntu-jammy-amd64", sourced: true)
        var random = SeededRandom(seed: 1)
        let run = try SimulatedCluster().run(job, random: &random)
        let record = RunRecord.lammps(mode: "basic", iteration: 3, job: job, run: run, selectionLatencyMilliseconds: 2.5)
        #expect(record == RunRecord(
            experiment: .lammps, group: "basic", iteration: 3, image: "ghcr.io/rse-ops/lammps-matrix:intel-mpi-rocky-9-amd64",
            view: "ghcr.io/converged-computing/flux-view-ubuntu:tag-jammy", node: "c2d-standard-8", reason: .osABI,
            selectionLatencyMilliseconds: 2.5
        ))
    }

    @Test func aSuccessfulRunCarriesItsWholeSecondWallTime() throws {
        let job = try SimulatedClusterTests.job("intel-mpi-rocky-8-amd64", view: "rocky-8-amd64", sourced: true)
        var random = SeededRandom(seed: 1)
        let record = RunRecord.lammps(mode: "descriptive-basic", iteration: 0, job: job, run: try SimulatedCluster().run(job, random: &random))
        #expect(record.reason == .success)
        #expect(record.wallTimeSeconds == 11)
    }

    @Test func modelRecordsKeepTheEstimateFlag() throws {
        let hpcg = try SharedData.hpcgFOM()
        var random = SeededRandom(seed: 4)
        let measurement = try hpcg.lookup(instance: "hpc7g.16xlarge", build: try #require(HPCGBuild(name: "cortex-a72-Os")), random: &random)
        let record = RunRecord.model(strategy: "model", iteration: 1, image: "ghcr.io/converged-computing/hpcg-matrix:cortex-a72-Os", measurement: measurement)
        #expect(record.node == "hpc7g.16xlarge")
        #expect(record.estimated)
        #expect(record.figureOfMerit == measurement.figureOfMerit)
        let failed = RunRecord.modelArchitectureMismatch(strategy: "random", iteration: 2, image: "hpcg-matrix:cortex-a72-Os", instance: "c7a.12xlarge")
        #expect(failed.reason == .archMismatch)
        #expect(failed.figureOfMerit == nil)
    }
}
