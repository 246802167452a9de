import Testing
@testable import CompatCore

/// basic, platform and platform-version: the experiment's baselines, which know architecture and OS only.
@Suite struct BaselineModeTests {
    @Test func basicAdmitsEveryImageOfTheArchitecture() throws {
        let amd = try LAMMPSHosts.candidateTags(.basic, LAMMPSHosts.host(LAMMPSHosts.jammy))
        #expect(amd.count == 10)
        #expect(amd.allSatisfy { $0.hasSuffix("-amd64") })
        let arm = try LAMMPSHosts.candidateTags(.basic, LAMMPSHosts.host(LAMMPSHosts.jammy, .arm64))
        #expect(arm == [
            "openmpi-ubuntu-22.04-arm64", "openmpi-ubuntu-20.04-arm64", "mpich-ubuntu-20.04-arm64", "mpich-ubuntu-22.04-arm64",
            "openmpi-ubuntu-gpu-22.04-arm64", "openmpi-ubuntu-gpu-20.04-arm64", "openmpi-rocky-gpu-9-arm64", "openmpi-rocky-gpu-8-arm64",
        ])
    }

    @Test func platformAddsTheHostOSVendorButNotItsVersion() throws {
        let rocky = try LAMMPSHosts.candidateTags(.platform, LAMMPSHosts.host(LAMMPSHosts.rocky8))
        #expect(rocky == ["intel-mpi-rocky-9-amd64", "intel-mpi-rocky-8-amd64", "openmpi-rocky-gpu-9-amd64", "openmpi-rocky-gpu-8-amd64"])
        let ubuntu = try LAMMPSHosts.candidateTags(.platform, LAMMPSHosts.host(LAMMPSHosts.focal))
        #expect(ubuntu.count == 6)
        #expect(ubuntu.contains("openmpi-ubuntu-gpu-22.04-amd64"))
    }

    @Test func platformVersionPairsOnlyTheSameReleaseLine() throws {
        #expect(try LAMMPSHosts.candidateTags(.platformVersion, LAMMPSHosts.host(LAMMPSHosts.rocky8)) == [
            "intel-mpi-rocky-8-amd64", "openmpi-rocky-gpu-8-amd64",
        ])
        #expect(try LAMMPSHosts.candidateTags(.platformVersion, LAMMPSHosts.host(LAMMPSHosts.focal)) == [
            "mpich-ubuntu-20.04-amd64", "openmpi-ubuntu-20.04-amd64", "openmpi-ubuntu-gpu-20.04-amd64",
        ])
        // A view named by major version alone ("rocky 8") pairs with the 8.9 images.
        let rockyMajor = HostEnvironment(architecture: .amd64, operatingSystem: OperatingSystem(vendor: .rocky, version: v("8")))
        #expect(try LAMMPSHosts.candidateTags(.platformVersion, rockyMajor).count == 2)
    }

    @Test func platformVersionNeverPairsMismatchedVersionsForAnySeed() throws {
        let selector = try LAMMPSHosts.selector()
        for view in LAMMPSHosts.views {
            for seed in UInt64(0)..<50 {
                var random = SeededRandom(seed: seed)
                let image = try #require(selector.select(for: LAMMPSHosts.host(view), mode: .platformVersion, random: &random).selection?.image)
                #expect(image.attributes.operatingSystem?.sharesReleaseLine(with: view) == true, "\(image.name) for \(view)")
            }
        }
    }

    @Test func baselineModesCanPickGPUImagesAndLeaveIntelMPIUnprepared() throws {
        let selector = try LAMMPSHosts.selector()
        var pickedGPU = false
        var pickedIntel = false
        for seed in UInt64(0)..<100 {
            var random = SeededRandom(seed: seed)
            let selection = try #require(selector.select(for: LAMMPSHosts.host(LAMMPSHosts.rocky8), mode: .platform, random: &random).selection)
            pickedGPU = pickedGPU || selection.image.attributes.gpu?.available == true
            if selection.image.attributes.mpi?.kind == .intelMPI {
                pickedIntel = true
                #expect(selection.preCommands.isEmpty)
            }
        }
        #expect(pickedGPU)
        #expect(pickedIntel)
    }

    @Test func osModesNeedTheHostOS() throws {
        let outcome = try LAMMPSHosts.selector().candidates(for: HostEnvironment(architecture: .amd64), mode: .platform)
        #expect(outcome.images.isEmpty)
        #expect(outcome.tallies.last?.constraint == .hostAttributeMissing("operating system"))
    }
}
