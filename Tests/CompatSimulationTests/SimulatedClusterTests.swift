import CompatCore
import Foundation
import Testing
@testable import CompatSimulation

@Suite struct SimulatedClusterTests {
    /// 2024-02-06 01:59:45 UTC, when pilot run basic/lammps-24 started.
    static let pilotStart = Date(timeIntervalSince1970: 1_707_184_785)

    static func job(
        _ tag: String, view: String, node: NodeType = .amd64CPU, sourced: Bool = false, mpi: MPIABIFamily? = nil, name: String = "lammps-0-size-2"
    ) throws -> SimulatedJob {
        let image = try LAMMPSImages.image(tag)
        return SimulatedJob(
            name: name, image: image, view: try FluxViewCatalogTests.view(view), node: node,
            executable: try #require(LAMMPSExecutable.carried(by: image.attributes)),
            environmentScriptSourced: sourced, requiredMPIABI: mpi, startedAt: pilotStart
        )
    }

    static func outcome(_ job: SimulatedJob) throws -> SimulatedOutcome {
        try SimulatedCluster().outcome(of: job)
    }

    // MARK: The pairings the pilot ran, with the outcomes its logs show

    @Test func jammyViewOnFocalImageNeedsGlibc234() throws {
        #expect(try Self.outcome(Self.job("mpich-ubuntu-20.04-amd64", view: "ubuntu-jammy-amd64")) == .glibcTooOld(required: Version([2, 34]), provided: Version([2, 31])))
        #expect(try Self.outcome(Self.job("intel-mpi-rocky-8-amd64", view: "ubuntu-jammy-amd64", sourced: true)) == .glibcTooOld(required: Version([2, 34]), provided: Version([2, 28])))
    }

    @Test func jammyViewOnRocky9ImageNeedsGLIBCXX330() throws {
        #expect(try Self.outcome(Self.job("intel-mpi-rocky-9-amd64", view: "ubuntu-jammy-amd64", sourced: true)) == .glibcxxTooOld(required: Version([3, 4, 30]), provided: Version([3, 4, 29])))
    }

    @Test func rocky9ViewOnRocky8ImageNeedsGlibc234() throws {
        #expect(try Self.outcome(Self.job("intel-mpi-rocky-8-amd64", view: "rocky-9-amd64", sourced: true)) == .glibcTooOld(required: Version([2, 34]), provided: Version([2, 28])))
    }

    @Test func anOlderViewOnANewerImageWorks() throws {
        #expect(try Self.outcome(Self.job("mpich-ubuntu-22.04-amd64", view: "ubuntu-focal-amd64")) == .success)
        #expect(try Self.outcome(Self.job("intel-mpi-rocky-9-amd64", view: "rocky-8-amd64", sourced: true)) == .success)
        #expect(try Self.outcome(Self.job("openmpi-ubuntu-22.04-arm64", view: "rocky-9-arm64", node: .arm64CPU)) == .success)
    }

    @Test func gpuImagesNeedAGPUNode() throws {
        #expect(try Self.outcome(Self.job("openmpi-ubuntu-gpu-22.04-amd64", view: "ubuntu-jammy-amd64")) == .noGPU)
        #expect(try Self.outcome(Self.job("openmpi-ubuntu-gpu-22.04-amd64", view: "ubuntu-jammy-amd64", node: .amd64GPU)) == .success)
        // The ABI check comes first: a Rocky 8 GPU image under the jammy view never reaches the loader of lmp_gpu.
        #expect(try Self.outcome(Self.job("openmpi-rocky-gpu-8-amd64", view: "ubuntu-jammy-amd64")).reason == .osABI)
    }

    @Test func intelMPINeedsItsEnvironmentScript() throws {
        #expect(try Self.outcome(Self.job("intel-mpi-rocky-9-amd64", view: "rocky-9-amd64")) == .intelMPIEnvironmentMissing)
        #expect(try Self.outcome(Self.job("intel-mpi-rocky-9-amd64", view: "rocky-9-amd64", sourced: true)) == .success)
    }

    @Test func anImageOrViewOfAnotherArchitectureCannotStart() throws {
        #expect(try Self.outcome(Self.job("mpich-ubuntu-22.04-arm64", view: "ubuntu-jammy-amd64")) == .architectureMismatch(node: .amd64, image: .arm64, view: .amd64))
        #expect(try Self.outcome(Self.job("mpich-ubuntu-22.04-amd64", view: "ubuntu-jammy-arm64")) == .architectureMismatch(node: .amd64, image: .amd64, view: .arm64))
        // Architecture is checked before anything else, even a hopeless ABI.
        #expect(try Self.outcome(Self.job("openmpi-rocky-gpu-8-arm64", view: "ubuntu-noble-amd64")).reason == .archMismatch)
    }

    @Test func theJobsMPIABIMustBeTheImages() throws {
        #expect(try Self.outcome(Self.job("openmpi-ubuntu-22.04-amd64", view: "ubuntu-jammy-amd64", mpi: .mpich)) == .mpiABIMismatch(required: .mpich, image: .openMPI))
        #expect(try Self.outcome(Self.job("openmpi-ubuntu-22.04-amd64", view: "ubuntu-jammy-amd64", mpi: .openMPI)) == .success)
        // Intel MPI belongs to the MPICH ABI family.
        #expect(try Self.outcome(Self.job("intel-mpi-rocky-9-amd64", view: "rocky-9-amd64", sourced: true, mpi: .mpich)) == .success)
    }

    // MARK: Every combination classifies back to its reason

    @Test func everySimulatedLogClassifiesBackToItsReason() throws {
        let images = try LAMMPSImages.catalog().images
        let views = try FluxViewCatalogTests.shipped().views
        let cluster = SimulatedCluster()
        var random = SeededRandom(seed: 2024)
        var reasons: [RunReason: Int] = [:]
        var runs = 0
        for image in images {
            let executable = try #require(LAMMPSExecutable.carried(by: image.attributes))
            for view in views {
                for node in [NodeType.amd64CPU, .arm64CPU, .amd64GPU] {
                    for sourced in [false, true] {
                        for mpi in [nil, MPIABIFamily.openMPI, .mpich] {
                            let job = SimulatedJob(name: "lammps-\(runs)-size-2", image: image, view: view, node: node, executable: executable,
                                                   environmentScriptSourced: sourced, requiredMPIABI: mpi, startedAt: Self.pilotStart)
                            let run = try cluster.run(job, random: &random)
                            let classified = LogClassifier.classify(run.log)
                            #expect(classified.reason == run.reason, "\(image.name) \(view.name) \(node.name) sourced=\(sourced) mpi=\(String(describing: mpi)): \(run.outcome)")
                            #expect(classified.wallTimeSeconds == run.wallTimeSeconds)
                            reasons[run.reason, default: 0] += 1
                            runs += 1
                        }
                    }
                }
            }
        }
        #expect(runs == 18 * 9 * 3 * 2 * 3)
        // Every reason but `unknown` occurs, so every log shape was exercised.
        #expect(Set(reasons.keys) == Set(RunReason.allCases).subtracting([.unknown]))
    }

    // MARK: Logs written as the real ones are

    @Test func failureLinesAreWordForWordThoseOfThePilot() throws {
        let pilot = try SharedData.pilotLogs(mode: "basic")
        func realEvidence(_ file: String) throws -> String? {
            LogClassifier.classify(try #require(pilot.first { $0.name == file }).text).evidence
        }
        var random = SeededRandom(seed: 1)
        let cluster = SimulatedCluster()
        let glibcxx = try cluster.run(Self.job("intel-mpi-rocky-9-amd64", view: "ubuntu-jammy-amd64", sourced: true), random: &random)
        #expect(LogClassifier.classify(glibcxx.log).evidence == (try realEvidence("lammps-13-size-2.log")))
        let glibc = try cluster.run(Self.job("openmpi-ubuntu-20.04-amd64", view: "ubuntu-jammy-amd64"), random: &random)
        #expect(LogClassifier.classify(glibc.log).evidence == (try realEvidence("lammps-1-size-2.log")))
        let gpu = try cluster.run(Self.job("openmpi-ubuntu-gpu-22.04-amd64", view: "ubuntu-jammy-amd64"), random: &random)
        #expect(LogClassifier.classify(gpu.log).evidence == (try realEvidence("lammps-0-size-2.log")))
        let platform = try SharedData.pilotLogs(mode: "platform")
        let mpi = try cluster.run(Self.job("intel-mpi-rocky-9-amd64", view: "rocky-9-amd64"), random: &random)
        #expect(LogClassifier.classify(mpi.log).evidence == LogClassifier.classify(try #require(platform.first { $0.name == "lammps-1-size-2.log" }).text).evidence)
    }

    @Test func aSuccessfulLogStartsLikeThePilotRun() throws {
        // basic/lammps-24: an Ubuntu 22.04 CPU image with the jammy view, started 2024-02-06 01:59:45.
        let real = try #require(try SharedData.pilotLogs(mode: "basic").first { $0.name == "lammps-24-size-2.log" }).text
        var random = SeededRandom(seed: 9)
        let run = try SimulatedCluster().run(Self.job("mpich-ubuntu-22.04-amd64", view: "ubuntu-jammy-amd64", name: "lammps-24-size-2"), random: &random)
        let simulated = run.log.split(separator: "\n", omittingEmptySubsequences: false)
        let expected = real.split(separator: "\n", omittingEmptySubsequences: false)
        // Everything up to the broker start is identical but the random CURVE keys (lines 22-23).
        for i in 0..<37 where i != 22 && i != 23 {
            #expect(simulated[i] == expected[i], "line \(i + 1)")
        }
        #expect(simulated[22].hasPrefix("    public-key = \"") && simulated[22].count == expected[22].count)
        #expect(simulated.contains("Step Temp PotEng Press E_vdwl E_coul Volume "))
        #expect(simulated.contains("broker.info[0]: online: lammps-24-size-2-[0-1] (ranks 0-1)"))
    }

    @Test func wallTimesFollowTheMeasuredRanges() throws {
        let cluster = SimulatedCluster()
        var random = SeededRandom(seed: 5)
        for _ in 0..<40 {
            let amd = try cluster.run(Self.job("mpich-ubuntu-22.04-amd64", view: "ubuntu-jammy-amd64"), random: &random)
            #expect((7.33...7.86).contains(try #require(amd.loopTimeSeconds)))
            #expect([7, 8].contains(try #require(amd.wallTimeSeconds)))
            let arm = try cluster.run(Self.job("mpich-ubuntu-22.04-arm64", view: "ubuntu-jammy-arm64", node: .arm64CPU), random: &random)
            #expect((8.0...9.0).contains(try #require(arm.loopTimeSeconds)))
            #expect([8, 9].contains(try #require(arm.wallTimeSeconds)))
            let intel8 = try cluster.run(Self.job("intel-mpi-rocky-8-amd64", view: "rocky-8-amd64", sourced: true), random: &random)
            #expect(intel8.wallTimeSeconds == 11)
        }
    }

    @Test func theSameSeedWritesTheSameLog() throws {
        let job = try Self.job("openmpi-ubuntu-20.04-amd64", view: "ubuntu-focal-amd64")
        var a = SeededRandom(seed: 77, stream: "basic/3")
        var b = SeededRandom(seed: 77, stream: "basic/3")
        let first = try SimulatedCluster().run(job, random: &a)
        #expect(first == (try SimulatedCluster().run(job, random: &b)))
        var c = SeededRandom(seed: 78, stream: "basic/3")
        #expect(first.log != (try SimulatedCluster().run(job, random: &c)).log)
    }

    @Test func loopTimeDrivesTheReportedPerformance() throws {
        var random = SeededRandom(seed: 11)
        let run = try SimulatedCluster(wallTimes: WallTimeModel(amd64: 7.76398...7.76398, arm64: 8...8, intelMPIOnEL8: 11...11, overhead: 0.22))
            .run(Self.job("mpich-ubuntu-22.04-amd64", view: "ubuntu-jammy-amd64"), random: &random)
        // With the pilot's basic/lammps-24 loop time, LAMMPS's whole output is that run's, line for line.
        let real = try #require(try SharedData.pilotLogs(mode: "basic").first { $0.name == "lammps-24-size-2.log" }).text
        func lammpsSection(_ log: String) -> [Substring] {
            let lines = log.split(separator: "\n", omittingEmptySubsequences: false)
            guard let start = lines.firstIndex(of: "LAMMPS (29 Sep 2021 - Update 2)"),
                  let end = lines.firstIndex(where: { $0.hasPrefix("Total wall time") }) else { return [] }
            return Array(lines[start...end])
        }
        let simulated = lammpsSection(run.log)
        #expect(simulated.count == 77)
        #expect(simulated == lammpsSection(real))
    }

    // MARK: Inputs that leave the outcome undecidable

    @Test func inconsistentInputsAreErrorsNotGuesses() throws {
        let cluster = SimulatedCluster()
        var job = try Self.job("mpich-ubuntu-22.04-amd64", view: "ubuntu-jammy-amd64")
        job.executable = .lmpGPU
        #expect(throws: SimulationInputError.executableNotInImage(executable: .lmpGPU, image: LAMMPSImages.prefix + "mpich-ubuntu-22.04-amd64", carries: .lmp)) {
            try cluster.outcome(of: job)
        }
        job.executable = .lmp
        job.tasks = 1
        #expect(throws: SimulationInputError.invalidShape(size: 2, tasks: 1)) { try cluster.outcome(of: job) }
        job.tasks = 4
        job.image.attributes.abi = nil
        #expect(throws: SimulationInputError.imageABIUnknown(image: job.image.name)) { try cluster.outcome(of: job) }
        job.image.attributes.architecture = nil
        #expect(throws: SimulationInputError.imageArchitectureUnknown(image: job.image.name)) { try cluster.outcome(of: job) }
    }

    @Test func nodeTypesExistPerArchitectureAndForGPUs() {
        #expect(NodeType.standard(for: .amd64, gpu: false)?.name == "c2d-standard-8")
        #expect(NodeType.standard(for: .arm64, gpu: false)?.name == "t2a-standard-8")
        #expect(NodeType.standard(for: .amd64, gpu: true)?.gpu.available == true)
        #expect(NodeType.standard(for: .arm64, gpu: true) == nil)
    }

    @Test func timestampsAreWrittenAsTheOperatorAndLsWriteThem() {
        let stamps = SimulatedLog.timestamps(Self.pilotStart)
        #expect(stamps.waitFS == "2024/02/06 01:59:45")
        #expect(stamps.listing == "Feb  6 01:59")
        #expect(SimulatedLog.timestamps(Date(timeIntervalSince1970: 1_734_567_890)).listing == "Dec 19 00:24")
    }
}
