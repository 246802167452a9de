import CompatAdmission
import CompatCore
import Testing

/// The `…/mpi` annotation: what the job needs from the image's MPI, for mode `descriptive`.
@Suite struct MPIRequirementAnnotationTests {
    let ref = SelectionAnnotations.imageReference

    @Test func annotationIsNamedUnderTheSelectionPrefix() {
        #expect(SelectionAnnotations.mpi == "oci.image.compatibilities.selection/mpi")
    }

    @Test func absentMeansAnyMPI() throws {
        #expect(try SelectionContract(annotations: [ref: "ghcr.io/a/b:c"]).mpi == .any)
    }

    @Test func familiesAndImplementationsAreRead() throws {
        func mpi(_ value: String) throws -> MPIRequirement {
            try SelectionContract(annotations: [ref: "ghcr.io/a/b:c", SelectionAnnotations.mpi: value]).mpi
        }
        #expect(try mpi("abi:mpich") == .family(.mpich))
        #expect(try mpi(" ABI:OpenMPI ") == .family(.openMPI))
        #expect(try mpi("openmpi") == .implementation(.openMPI))
        #expect(try mpi("intel-mpi") == .implementation(.intelMPI))
        #expect(try mpi("mvapich2") == .implementation(.mvapich))
    }

    @Test func unknownValueIsDeniedListingTheAcceptedOnes() {
        for value in ["lam-mpi", "abi:lam"] {
            #expect {
                try SelectionContract(annotations: [ref: "ghcr.io/a/b:c", SelectionAnnotations.mpi: value])
            } throws: { error in
                "\(error)".contains("annotation oci.image.compatibilities.selection/mpi is '\(value)'; use an implementation (openmpi, mpich, intel-mpi, mvapich) or an ABI family (abi:openmpi, abi:mpich)")
            }
        }
    }
}
