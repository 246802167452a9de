import CompatAdmission
import CompatCore
import Testing

/// Which failures allow and which deny (the policy documented on ``AdmissionController``).
@Suite struct AdmissionErrorPolicyTests {
    let arm = LAMMPSImages.app["arm64"] ?? ""
    let amd = LAMMPSImages.app["amd64"] ?? ""

    func outcome(_ fixture: String, _ selector: some AdmissionSelector) throws -> AdmissionOutcome {
        AdmissionController().admit(try AdmissionFixtures.request(fixture), nodes: try EKSNodes.all(), selector: selector)
    }

    @Test func deleteIsAllowedWithoutAskingTheSelector() throws {
        let selector = RecordingSelector(FailingSelector(error: RegistryUnreachable()))
        let admitted = try AdmittedFixture.admit("pod-delete.json", nodes: try EKSNodes.all(), selector: selector)
        #expect(admitted.outcome.disposition == .allowedUnchanged)
        #expect(admitted.outcome.summary == "DELETE is never mutated")
        #expect(admitted.response.reviewJSON.serialized()
            == #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"0a6d4e2b-8f1c-4b93-a7e5-9c2b6d0f3e81","allowed":true}}"#)
        #expect(selector.requests.isEmpty)
    }

    @Test func subresourcesOtherKindsAndNonOptedInObjectsAreAllowed() throws {
        var status = try AdmissionFixtures.request("pod-create-init-and-app-containers.json")
        status.operation = .update
        status.subResource = "status"
        var deployment = try AdmissionFixtures.request("pod-create-init-and-app-containers.json")
        deployment.kind = GroupVersionKind(group: "apps", version: "v1", kind: "Deployment")
        let notOptedIn = try AdmissionFixtures.request("pod-create-unknown-mode.json")
            .withObject(patchedBy: #"[{"op":"replace","path":"/metadata/labels/oci.image.compatibilities.selection~1enabled","value":"false"}]"#)
        for request in [status, deployment, notOptedIn] {
            let result = AdmissionController().admit(request, nodes: try EKSNodes.all(), selector: FailingSelector(error: RegistryUnreachable()))
            #expect(result.disposition == .allowedUnchanged)
            #expect(result.response.warnings.isEmpty)
        }
    }

    @Test func aDenialFromTheSelectorReachesTheUser() throws {
        let result = try outcome("pod-create-init-and-app-containers.json",
                                 FailingSelector(error: AdmissionDenial(.forbidden, "no image in the catalog runs on arm64 with glibc 2.34")))
        #expect(result.disposition == .denied)
        #expect(result.response.denial == AdmissionDenial(.forbidden, "no image in the catalog runs on arm64 with glibc 2.34"))
        #expect(result.response.reviewJSON["response"]?["status"]?["code"] == 403)
    }

    @Test func anySelectorFailureDeniesSoThePlaceholderNeverRuns() throws {
        let result = try outcome("pod-create-init-and-app-containers.json", FailingSelector(error: RegistryUnreachable()))
        #expect(result.response.denial == AdmissionDenial(
            .internalError,
            "image selection failed for Pod lammps-7c9d5b8f6d-*, so it would keep the placeholder image 'placeholder:latest': "
                + "GET https://ghcr.io/v2/rse-ops/lammps-matrix/manifests/compatibility: connection timed out"
        ))
    }

    @Test func unusableDecisionsAreDenied() throws {
        let cases: [(SelectionDecision, String)] = [
            (SelectionDecision(image: ""), "the selector returned an unusable image reference ''"),
            (SelectionDecision(image: "ghcr.io/a b:c"), "the selector returned an unusable image reference 'ghcr.io/a b:c'"),
            (SelectionDecision(image: "placeholder:latest"), "the selector returned the placeholder 'placeholder:latest' itself as the image"),
            (SelectionDecision(image: arm, fluxViewImage: ""), "the selector returned an unusable flux view image reference ''"),
            (SelectionDecision(image: arm, nodeSelector: ["": "x"]), "the selector returned an empty nodeSelector key"),
        ]
        for (decision, message) in cases {
            let result = try outcome("pod-create-init-and-app-containers.json", FixedSelector(decision: decision))
            #expect(result.response.denial == AdmissionDenial(.internalError, message))
        }
    }

    @Test func anImageForTheWrongArchitectureIsDenied() throws {
        let result = try outcome("pod-create-init-and-app-containers.json", FixedSelector(decision: SelectionDecision(image: amd, architecture: "amd64")))
        #expect(result.response.denial == AdmissionDenial(
            .internalError,
            "the selector chose \(amd), built for amd64, but this Pod can run on arm64 nodes "
                + "(ip-192-168-14-154.ec2.internal), where it would fail to start"
        ))
    }

    @Test func anImageForTheChosenInstancesArchitectureIsAllowed() throws {
        let decision = SelectionDecision(image: arm, architecture: "arm64", nodeSelector: ["node.kubernetes.io/instance-type": "c7g.16xlarge"])
        let result = try outcome("pod-create-model-without-node-selector.json", FixedSelector(decision: decision))
        #expect(result.disposition == .mutated)
        let wrong = SelectionDecision(image: amd, architecture: "amd64", nodeSelector: ["node.kubernetes.io/instance-type": "c7g.16xlarge"])
        #expect(try outcome("pod-create-model-without-node-selector.json", FixedSelector(decision: wrong)).response.denial?.reason == .internalError)
    }

    @Test func aNodeSelectorNoNodeMatchesYetIsAllowedWithAWarning() throws {
        let decision = SelectionDecision(image: amd, nodeSelector: ["node.kubernetes.io/instance-type": "hpc6a.48xlarge"], warnings: ["line one\nline two"])
        let result = try outcome("pod-create-model-without-node-selector.json", FixedSelector(decision: decision))
        #expect(result.disposition == .mutated)
        #expect(result.response.warnings == [
            "no schedulable node matches the chosen nodeSelector yet; the workload waits until one joins", "line one line two",
        ])
    }

    @Test func aMalformedNodeSelectorIsDenied() throws {
        let request = try AdmissionFixtures.request("pod-create-init-and-app-containers.json").withObject(patchedBy: #"""
            [{"op":"replace","path":"/spec/nodeSelector","value":{"node.kubernetes.io/instance-type":["hpc7g.16xlarge"]}}]
            """#)
        let result = AdmissionController().admit(request, nodes: try EKSNodes.all(), selector: ArchitectureSelector())
        #expect(result.response.denial == AdmissionDenial(
            .invalid, "spec.nodeSelector[\"node.kubernetes.io/instance-type\"] must be a string, found an array"
        ))
    }

    @Test func undecodableReviewsThrowInsteadOfDenying() {
        #expect(throws: AdmissionReviewDecodingError.self) {
            try AdmissionController().admit(reviewBytes: Array(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#.utf8),
                                            nodes: [], selector: ArchitectureSelector())
        }
    }

    @Test func reviewBytesAreDecidedLikeDecodedRequests() throws {
        let outcome = try AdmissionController().admit(
            reviewBytes: try AdmissionFixtures.bytes("pod-create-init-and-app-containers.json"), nodes: try EKSNodes.all(),
            selector: ArchitectureSelector(includeFluxView: false)
        )
        #expect(outcome.disposition == .mutated)
        #expect(outcome.response.patch.operations.count == 3)
    }
}
