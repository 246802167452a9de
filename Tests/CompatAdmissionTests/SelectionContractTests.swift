import CompatAdmission
import CompatCore
import Testing

@Suite struct SelectionContractTests {
    let ref = SelectionAnnotations.imageReference

    @Test func annotationNamesMatchOcifitK8s() {
        #expect(SelectionAnnotations.enabledLabel == "oci.image.compatibilities.selection/enabled")
        #expect(SelectionAnnotations.imageReference == "oci.image.compatibilities.selection/image-ref")
        #expect(SelectionAnnotations.targetImage == "oci.image.compatibilities.selection/target-image")
        #expect(SelectionAnnotations.model == "oci.image.compatibilities.selection/model")
        #expect(SelectionAnnotations.defaultTargetImage == "placeholder:latest")
    }

    @Test func onlyAnImageReferenceGivesDefaults() throws {
        let contract = try SelectionContract(annotations: [ref: "ghcr.io/rse-ops/lammps-matrix:compatibility"])
        #expect(contract == SelectionContract(imageReference: "ghcr.io/rse-ops/lammps-matrix:compatibility"))
        #expect(contract.placeholder == "placeholder:latest")
    }

    @Test func everyAnnotationIsRead() throws {
        let contract = try SelectionContract(annotations: [
            ref: " ghcr.io/a/b:c ", SelectionAnnotations.model: "lammps-instance-time", SelectionAnnotations.mode: "platform-version",
            SelectionAnnotations.seed: "18446744073709551615", SelectionAnnotations.targetImage: "placeholder:lammps",
        ])
        #expect(contract == SelectionContract(
            imageReference: "ghcr.io/a/b:c", model: "lammps-instance-time", mode: .platformVersion, seed: UInt64.max, placeholder: "placeholder:lammps"
        ))
    }

    @Test func everyModeNameIsAccepted() throws {
        for mode in SelectionMode.allCases {
            #expect(try SelectionContract(annotations: [ref: "r", SelectionAnnotations.mode: mode.rawValue]).mode == mode)
        }
    }

    @Test func modelWithoutImageReferenceIsEnough() throws {
        #expect(try SelectionContract(annotations: [SelectionAnnotations.model: "m"]).model == "m")
    }

    @Test func neitherImageReferenceNorModelIsDeniedWithTheFix() {
        #expect(throws: AdmissionDenial(
            .invalid,
            "the object is labelled oci.image.compatibilities.selection/enabled=true but has neither annotation "
                + "oci.image.compatibilities.selection/image-ref (the OCI reference of the compatibility artifact to choose an image "
                + "from) nor oci.image.compatibilities.selection/model; add one, or remove the label to opt out"
        )) {
            try SelectionContract(annotations: [SelectionAnnotations.mode: "basic"])
        }
    }

    @Test func unknownModeIsDeniedNamingTheValidModes() {
        #expect(throws: AdmissionDenial(
            .invalid,
            "annotation oci.image.compatibilities.selection/mode is 'fastest', which is not a selection mode; use one of "
                + "basic, platform, platform-version, descriptive-basic, descriptive"
        )) {
            try SelectionContract(annotations: [ref: "r", SelectionAnnotations.mode: "fastest"])
        }
    }

    @Test func seedsThatAreNotUInt64AreDenied() {
        for text in ["-1", "0x2a", "4.2", "18446744073709551616"] {
            #expect(throws: AdmissionDenial(
                .invalid,
                "annotation oci.image.compatibilities.selection/seed is '\(text)'; use a decimal integer from 0 to 18446744073709551615"
            )) {
                try SelectionContract(annotations: [ref: "r", SelectionAnnotations.seed: text])
            }
        }
    }

    @Test func emptyValuesAreDeniedNamingTheAnnotation() {
        #expect(throws: AdmissionDenial(
            .invalid,
            "annotation oci.image.compatibilities.selection/image-ref is empty; set it to the OCI reference of the compatibility artifact, or remove it"
        )) {
            try SelectionContract(annotations: [ref: "  "])
        }
        #expect(throws: AdmissionDenial.self) {
            try SelectionContract(annotations: [ref: "r", SelectionAnnotations.targetImage: ""])
        }
    }
}
