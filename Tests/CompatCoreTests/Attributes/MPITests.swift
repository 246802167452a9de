import Testing
@testable import CompatCore

@Suite struct MPITests {
    @Test func parsesTheImplementationNamesCompspecWrites() {
        #expect(MPIKind(name: "OpenMPI") == .openMPI)
        #expect(MPIKind(name: "mpich") == .mpich)
        #expect(MPIKind(name: "intel-mpi") == .intelMPI)
        #expect(MPIKind(name: "MVAPICH2") == .mvapich)
        #expect(MPIKind(name: "spectrum") == .other("spectrum"))
        #expect(MPIKind.intelMPI.compspecName == "intel-mpi")
        #expect(MPIKind.openMPI.compspecName == "OpenMPI")
    }

    @Test func groupsImplementationsIntoABIFamilies() {
        #expect(MPIKind.openMPI.abiFamily == .openMPI)
        #expect(MPIKind.mpich.abiFamily == .mpich)
        #expect(MPIKind.intelMPI.abiFamily == .mpich)
        #expect(MPIKind.mvapich.abiFamily == .mpich)
        #expect(MPIKind.other("spectrum").abiFamily == nil)
    }

    @Test func parsesOpenMPIsVersionOutput() {
        let text = "mpirun (Open MPI) 4.1.2\n\nReport bugs to http://www.open-mpi.org/community/help/\n"
        #expect(MPIImplementation(mpirunVersionOutput: text) == MPIImplementation(kind: .openMPI, version: v("4.1.2")))
    }

    @Test func parsesMPICHsHydraOutput() {
        let text = """
            HYDRA build details:
                Version:                                 4.0
                Release Date:                            Fri Jan 21 10:42:29 CST 2022
                CC:                              gcc
            """
        #expect(MPIImplementation(mpirunVersionOutput: text) == MPIImplementation(kind: .mpich, version: v("4.0")))
    }

    @Test func parsesIntelMPIsBanner() {
        let text = "Intel(R) MPI Library for Linux* OS, Version 2021.8 Build 20221129 (id: 339ec755a1)\nCopyright 2003-2022, Intel Corporation.\n"
        #expect(MPIImplementation(mpirunVersionOutput: text) == MPIImplementation(kind: .intelMPI, version: v("2021.8")))
    }

    @Test func textNamingNoMPIGivesNothing() {
        #expect(MPIImplementation(mpirunVersionOutput: "bash: mpirun: command not found") == nil)
        #expect(MPIImplementation(mpirunVersionOutput: "") == nil)
    }

    @Test func aNewerHostLibraryOfTheSameFamilyRunsOlderBuilds() {
        let image = MPIImplementation(kind: .openMPI, version: v("4.0.3"))
        #expect(image.isABICompatible(withHostLibrary: MPIImplementation(kind: .openMPI, version: v("4.1.2"))))
        #expect(image.isABICompatible(withHostLibrary: MPIImplementation(kind: .openMPI, version: v("5.0.3"))))
        #expect(!MPIImplementation(kind: .openMPI, version: v("4.1.2")).isABICompatible(withHostLibrary: image))
        #expect(!image.isABICompatible(withHostLibrary: MPIImplementation(kind: .mpich, version: v("4.1"))))
    }

    @Test func theMPICHInitiativeLetsIntelMPIReplaceMPICH() {
        let mpich4 = MPIImplementation(kind: .mpich, version: v("4.0"))
        #expect(mpich4.isABICompatible(withHostLibrary: MPIImplementation(kind: .intelMPI, version: v("2021.8"))))
        #expect(MPIImplementation(kind: .intelMPI, version: v("2021.8")).isABICompatible(withHostLibrary: MPIImplementation(kind: .mvapich, version: v("2.3.7"))))
        // MPICH 3.0 predates the initiative (3.1): only the same release line is trusted.
        let mpich30 = MPIImplementation(kind: .mpich, version: v("3.0.4"))
        #expect(!mpich30.isABICompatible(withHostLibrary: MPIImplementation(kind: .intelMPI, version: v("2021.8"))))
        #expect(mpich30.isABICompatible(withHostLibrary: MPIImplementation(kind: .mpich, version: v("3.0.2"))))
    }

    @Test func requirementsAcceptOnlyWhatTheyName() {
        let intel = MPIImplementation(kind: .intelMPI, version: v("2021.8"))
        #expect(MPIRequirement.any.isSatisfied(by: nil))
        #expect(MPIRequirement.family(.mpich).isSatisfied(by: intel))
        #expect(!MPIRequirement.family(.openMPI).isSatisfied(by: intel))
        #expect(!MPIRequirement.family(.mpich).isSatisfied(by: nil))
        #expect(MPIRequirement.implementation(.intelMPI).isSatisfied(by: intel))
        #expect(!MPIRequirement.implementation(.mpich).isSatisfied(by: intel))
        #expect(MPIRequirement.hostLibrary(MPIImplementation(kind: .mpich, version: v("4.1"))).isSatisfied(by: intel))
    }

    @Test func onlyIntelMPINeedsItsEnvironmentSourced() {
        #expect(MPIKind.intelMPI.environmentSetupCommands == [". /opt/intel/mpi/latest/env/vars.sh"])
        #expect(MPIKind.openMPI.environmentSetupCommands.isEmpty)
        #expect(MPIKind.mpich.environmentSetupCommands.isEmpty)
    }
}
