import Testing
@testable import CompatCore

/// descriptive-basic (compspec exact matching) and descriptive (ABI, GPU, CPU and MPI reasoning).
@Suite struct DescriptiveModeTests {
    @Test func descriptiveBasicMatchesOSVersionGPUAndTargetExactly() throws {
        #expect(try LAMMPSHosts.candidateTags(.descriptiveBasic, LAMMPSHosts.host(LAMMPSHosts.jammy)) == [
            "openmpi-ubuntu-22.04-amd64", "mpich-ubuntu-22.04-amd64",
        ])
        #expect(try LAMMPSHosts.candidateTags(.descriptiveBasic, LAMMPSHosts.host(LAMMPSHosts.rocky9)) == ["intel-mpi-rocky-9-amd64"])
        #expect(try LAMMPSHosts.candidateTags(.descriptiveBasic, LAMMPSHosts.host(LAMMPSHosts.focal, .arm64)) == [
            "openmpi-ubuntu-20.04-arm64", "mpich-ubuntu-20.04-arm64",
        ])
    }

    @Test func intelMPIImagesComeWithTheirEnvironmentScript() throws {
        var random = SeededRandom(seed: 1)
        let selection = try #require(try LAMMPSHosts.selector().select(for: LAMMPSHosts.host(LAMMPSHosts.rocky8), mode: .descriptiveBasic, random: &random).selection)
        #expect(LAMMPSMatrixData.tags([selection.image]) == ["intel-mpi-rocky-8-amd64"])
        #expect(selection.preCommands == [". /opt/intel/mpi/latest/env/vars.sh"])
    }

    @Test func descriptiveAdmitsNewerOSImagesByABI() throws {
        // The focal view's Flux needs glibc 2.31 and GLIBCXX 3.4.28: Ubuntu 22.04 and Rocky 9 images
        // provide both; the Rocky 8 image (2.28) does not.
        #expect(try LAMMPSHosts.candidateTags(.descriptive, LAMMPSHosts.host(LAMMPSHosts.focal)) == [
            "openmpi-ubuntu-22.04-amd64", "mpich-ubuntu-20.04-amd64", "openmpi-ubuntu-20.04-amd64", "mpich-ubuntu-22.04-amd64",
            "intel-mpi-rocky-9-amd64",
        ])
        #expect(try LAMMPSHosts.candidateTags(.descriptive, LAMMPSHosts.host(LAMMPSHosts.rocky8)).count == 6)
        #expect(try LAMMPSHosts.candidateTags(.descriptive, LAMMPSHosts.host(LAMMPSHosts.rocky9)) == [
            "openmpi-ubuntu-22.04-amd64", "mpich-ubuntu-22.04-amd64", "intel-mpi-rocky-9-amd64",
        ])
    }

    @Test func descriptiveExcludesImagesWhoseLibrariesAreOlderThanTheViewNeeds() throws {
        // The jammy view needs GLIBCXX 3.4.30: the Rocky 9 image (3.4.29) failed exactly so in the experiment.
        #expect(try LAMMPSHosts.candidateTags(.descriptive, LAMMPSHosts.host(LAMMPSHosts.jammy)) == [
            "openmpi-ubuntu-22.04-amd64", "mpich-ubuntu-22.04-amd64",
        ])
    }

    @Test func descriptiveNeverPicksAnImageTheRuntimeCannotLoadOrAGPUImageOnACPUHost() throws {
        let selector = try LAMMPSHosts.selector()
        for architecture in [Architecture.amd64, .arm64] {
            for entry in OSABITable.entries {
                let host = HostEnvironment(architecture: architecture, operatingSystem: OperatingSystem(vendor: entry.vendor, version: entry.releaseLine))
                let requirement = try #require(host.runtimeABI)
                for mode in [SelectionMode.descriptive, .descriptiveBasic] {
                    for image in selector.candidates(for: host, mode: mode).images {
                        #expect(image.attributes.gpu?.available == false, "\(image.name) on a CPU host")
                        #expect(image.attributes.abi?.satisfies(requirement) == true, "\(image.name) under \(requirement)")
                    }
                }
            }
        }
    }

    @Test func descriptiveFiltersByTheJobsMPIRequirement() throws {
        #expect(try LAMMPSHosts.candidateTags(.descriptive, LAMMPSHosts.host(LAMMPSHosts.focal, mpi: .family(.openMPI))) == [
            "openmpi-ubuntu-22.04-amd64", "openmpi-ubuntu-20.04-amd64",
        ])
        let hostMPICH = MPIRequirement.hostLibrary(MPIImplementation(kind: .mpich, version: v("4.1")))
        #expect(try LAMMPSHosts.candidateTags(.descriptive, LAMMPSHosts.host(LAMMPSHosts.focal, mpi: hostMPICH)) == [
            "mpich-ubuntu-20.04-amd64", "mpich-ubuntu-22.04-amd64", "intel-mpi-rocky-9-amd64",
        ])
    }

    @Test func descriptiveGivesGPUHostsOnlyGPUImagesTheirViewCanLoad() throws {
        let host = HostEnvironment(architecture: .amd64, operatingSystem: LAMMPSHosts.focal, gpu: GPU(available: true, vendor: .nvidia))
        #expect(try LAMMPSHosts.candidateTags(.descriptive, host) == [
            "openmpi-ubuntu-gpu-20.04-amd64", "openmpi-ubuntu-gpu-22.04-amd64", "openmpi-rocky-gpu-9-amd64",
        ])
    }

    @Test func descriptiveUnderstandsAMicroarchitectureHostButDescriptiveBasicDoesNot() throws {
        let host = HostEnvironment(architecture: .amd64, operatingSystem: LAMMPSHosts.jammy, cpuTarget: .x86_64Level(3))
        #expect(try LAMMPSHosts.candidateTags(.descriptive, host).count == 2)
        #expect(try LAMMPSHosts.candidateTags(.descriptiveBasic, host).isEmpty)
    }

    @Test func withNothingInjectedEveryCPUImageOfTheArchitectureQualifies() throws {
        let host = HostEnvironment(architecture: .amd64, operatingSystem: LAMMPSHosts.jammy, runtimeABI: .unconstrained)
        #expect(try LAMMPSHosts.candidateTags(.descriptive, host).count == 6)
    }

    @Test func anOSOutsideTheABITableFallsBackToItsOwnReleaseLine() throws {
        let mantic = HostEnvironment(architecture: .amd64, operatingSystem: OperatingSystem(vendor: .ubuntu, version: v("23.10")))
        #expect(mantic.runtimeABI == nil)
        let set = try LAMMPSHosts.selector().candidates(for: mantic, mode: .descriptive)
        #expect(set.images.isEmpty)
        #expect(set.tallies.map(\.constraint).contains(.osReleaseLine(OperatingSystem(vendor: .ubuntu, version: v("23.10")))))
    }
}
