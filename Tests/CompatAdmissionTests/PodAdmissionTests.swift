import CompatAdmission
import CompatCore
import Testing

@Suite struct PodAdmissionTests {
    let arm = LAMMPSImages.app["arm64"] ?? ""
    let amd = LAMMPSImages.app["amd64"] ?? ""

    @Test func placeholderAppAndInitContainersAreReplacedAndTheSidecarIsNot() throws {
        let selector = RecordingSelector(ArchitectureSelector(includeFluxView: false))
        let admitted = try AdmittedFixture.admit("pod-create-init-and-app-containers.json", nodes: try EKSNodes.all(), selector: selector)
        #expect(admitted.outcome.disposition == .mutated)
        #expect(admitted.response.allowed)
        #expect(admitted.response.uid == "b6e2c0a4-1f3d-4c5e-9a7b-2d8f6e1c3a90")
        #expect(admitted.response.warnings.isEmpty)
        #expect(admitted.patchJSON == (try json(#"""
            [{"op":"replace","path":"/spec/containers/0/image","value":"\#(arm)"},
             {"op":"replace","path":"/spec/initContainers/0/image","value":"\#(arm)"},
             {"op":"add","path":"/metadata/annotations/oci.image.compatibilities.selection~1selected-image","value":"\#(arm)"}]
            """#)))
        #expect(try admitted.patchedValue("/spec/containers/0/image") == .string(arm))
        #expect(try admitted.patchedValue("/spec/initContainers/0/image") == .string(arm))
        #expect(try admitted.patchedValue("/spec/containers/1/image") == "quay.io/prometheus/node-exporter:v1.8.2")
        #expect(try admitted.patchedValue("/spec/nodeSelector") == ["node.kubernetes.io/instance-type": "hpc7g.16xlarge"])
        #expect(try admitted.patchedValue("/metadata/annotations/oci.image.compatibilities.selection~1seed") == "42")
        #expect(admitted.response.auditAnnotations == ["selected-image": arm, "selection-explanation": "openmpi ubuntu 22.04 matches arm64"])
        #expect(admitted.outcome.summary == "selected \(arm)")
    }

    @Test func theSelectorSeesTheContractNodesAndContainers() throws {
        let selector = RecordingSelector(ArchitectureSelector(includeFluxView: false))
        _ = try AdmittedFixture.admit("pod-create-init-and-app-containers.json", nodes: try EKSNodes.all(), selector: selector)
        let request = try #require(selector.requests.first)
        #expect(selector.requests.count == 1)
        #expect(request.kind == .pod)
        #expect(request.objectName == "lammps-7c9d5b8f6d-*")
        #expect(request.namespace == "hpc")
        #expect(request.contract == SelectionContract(imageReference: "ghcr.io/rse-ops/lammps-matrix:compatibility", mode: .descriptive, seed: 42))
        #expect(request.seed == 42)
        #expect(request.nodeSelector == ["node.kubernetes.io/instance-type": "hpc7g.16xlarge"])
        #expect(request.nodeFeatures.features?.nodeNames == ["ip-192-168-14-154.ec2.internal"])
        #expect(request.containers.map(\.name) == ["lammps", "node-exporter", "stage-input"])
        #expect(request.containers.map(\.role) == [.container, .container, .initContainer])
        #expect(request.placeholderContainers.map(\.pointer.description) == ["/spec/containers/0/image", "/spec/initContainers/0/image"])
    }

    /// Pods of one ReplicaSet arrive in requests of their own; the seed comes from the owner, so they all
    /// get the same choice. Without an owner or a workload label it comes from the request.
    @Test func withoutASeedAnnotationTheSeedComesFromTheOwningWorkload() throws {
        let selector = RecordingSelector(InstanceTypeSelector(instanceType: "hpc7g.16xlarge"))
        _ = try AdmittedFixture.admit("pod-create-model-without-node-selector.json", nodes: try EKSNodes.all(), selector: selector)
        let seed = try #require(selector.requests.first?.seed)
        #expect(selector.requests.first?.seedSource == .ownerReference)
        var sibling = try AdmissionFixtures.request("pod-create-model-without-node-selector.json")
        sibling.uid = "d0b5f3a8-7e2c-4d61-9b4a-5f8e1c7d3a93"
        let second = RecordingSelector(InstanceTypeSelector(instanceType: "hpc7g.16xlarge"))
        _ = AdmissionController().admit(sibling, nodes: try EKSNodes.all(), selector: second)
        #expect(second.requests.first?.seed == seed)

        var orphan = sibling
        orphan.object = try JSONPatch([.remove(path: JSONPointer(tokens: ["metadata", "ownerReferences"]))]).apply(to: try #require(orphan.object))
        let third = RecordingSelector(InstanceTypeSelector(instanceType: "hpc7g.16xlarge"))
        _ = AdmissionController().admit(orphan, nodes: try EKSNodes.all(), selector: third)
        #expect(third.requests.first?.seedSource == .requestUID)
        #expect(third.requests.first?.seed != seed)
    }

    @Test func anExistingNodeSelectorKeepsItsKeysAndGainsTheEscapedInstanceType() throws {
        let admitted = try AdmittedFixture.admit(
            "pod-create-existing-node-selector.json", nodes: try EKSNodes.all(), selector: InstanceTypeSelector(instanceType: "hpc7g.16xlarge")
        )
        #expect(admitted.outcome.disposition == .mutated)
        #expect(admitted.patchJSON == (try json(#"""
            [{"op":"replace","path":"/spec/containers/0/image","value":"\#(arm)"},
             {"op":"add","path":"/spec/nodeSelector/node.kubernetes.io~1instance-type","value":"hpc7g.16xlarge"},
             {"op":"add","path":"/metadata/annotations/oci.image.compatibilities.selection~1selected-image","value":"\#(arm)"}]
            """#)))
        #expect(try admitted.patchedValue("/spec/nodeSelector") == [
            "kubernetes.io/os": "linux", "topology.kubernetes.io/zone": "us-east-1a", "node.kubernetes.io/instance-type": "hpc7g.16xlarge",
        ])
        #expect(admitted.outcome.summary == "selected \(arm) on node.kubernetes.io/instance-type=hpc7g.16xlarge")
    }

    @Test func modelChoiceWithoutANodeSelectorAddsTheWholeMap() throws {
        let admitted = try AdmittedFixture.admit(
            "pod-create-model-without-node-selector.json", nodes: try EKSNodes.all(), selector: InstanceTypeSelector(instanceType: "c7a.12xlarge")
        )
        #expect(admitted.patchJSON == (try json(#"""
            [{"op":"replace","path":"/spec/containers/0/image","value":"\#(amd)"},
             {"op":"add","path":"/spec/nodeSelector","value":{"node.kubernetes.io/instance-type":"c7a.12xlarge"}},
             {"op":"add","path":"/metadata/annotations/oci.image.compatibilities.selection~1selected-image","value":"\#(amd)"}]
            """#)))
        #expect(admitted.response.warnings == ["flux view image ghcr.io/converged-computing/flux-view-ubuntu:tag-jammy ignored: only MiniClusters have a flux view"])
    }

    @Test func modelChoiceGetsEveryCandidateEvenOnAMixedCluster() throws {
        let selector = RecordingSelector(InstanceTypeSelector(instanceType: "c7a.12xlarge"))
        _ = try AdmittedFixture.admit("pod-create-model-without-node-selector.json", nodes: try EKSNodes.all(), selector: selector)
        let features = try #require(selector.requests.first?.nodeFeatures)
        #expect(features.candidates.count == 25)
        #expect(features.problem?.reason == .heterogeneousCluster)
    }

    @Test func artifactChoiceWithoutANodeSelectorOnTheMixedClusterIsDenied() throws {
        let selector = RecordingSelector(ArchitectureSelector())
        let admitted = try AdmittedFixture.admit("pod-create-without-node-selector.json", nodes: try EKSNodes.all(), selector: selector)
        #expect(admitted.outcome.disposition == .denied)
        #expect(!admitted.response.allowed)
        #expect(admitted.response.patch.isEmpty)
        #expect(admitted.response.denial?.reason == .invalid)
        #expect(admitted.response.denial?.message.hasPrefix("spec.nodeSelector is not set and the 25 schedulable worker nodes differ") == true)
        #expect(admitted.response.denial?.message.hasSuffix("for example node.kubernetes.io/instance-type=c6a.16xlarge") == true)
        #expect(selector.requests.isEmpty)
    }

    @Test func artifactChoiceWithoutANodeSelectorOnAUniformClusterUsesTheCommonLabels() throws {
        let node = try #require(try EKSNodes.named("c7a.12xlarge").first)
        let uniform = (0..<3).map { index in
            var labels = node.labels
            labels["kubernetes.io/hostname"] = "worker-\(index)"
            labels["topology.kubernetes.io/zone"] = "us-east-1\(["a", "b", "c"][index])"
            return ClusterNode(name: "worker-\(index)", labels: labels)
        }
        let admitted = try AdmittedFixture.admit("pod-create-without-node-selector.json", nodes: uniform, selector: ArchitectureSelector(includeFluxView: false))
        #expect(admitted.outcome.disposition == .mutated)
        #expect(try admitted.patchedValue("/spec/containers/0/image") == .string(amd))
        #expect(try admitted.patchedValue("/spec/nodeSelector") == nil)
    }

    @Test func aNodeSelectorMatchingDisagreeingNodesIsDenied() throws {
        let request = try AdmissionFixtures.request("pod-create-init-and-app-containers.json")
            .withObject(patchedBy: #"[{"op":"replace","path":"/spec/nodeSelector/node.kubernetes.io~1instance-type","value":"g4dn.xlarge"}]"#)
        let outcome = AdmissionController().admit(request, nodes: try EKSNodes.all(), selector: ArchitectureSelector())
        #expect(outcome.response.denial?.reason == .invalid)
        #expect(outcome.response.denial?.message.hasPrefix("the 2 nodes matching spec.nodeSelector node.kubernetes.io/instance-type=g4dn.xlarge differ") == true)
    }

    @Test func missingImageReferenceAndModelIsDeniedWithTheFix() throws {
        let admitted = try AdmittedFixture.admit("pod-create-missing-image-ref.json", nodes: try EKSNodes.all(), selector: ArchitectureSelector())
        #expect(admitted.response.denial == AdmissionDenial(
            .invalid,
            "the object is labelled oci.image.compatibilities.selection/enabled=true but has neither annotation "
                + "oci.image.compatibilities.selection/image-ref (the OCI reference of the compatibility artifact to choose an image "
                + "from) nor oci.image.compatibilities.selection/model; add one, or remove the label to opt out"
        ))
        #expect(admitted.patched == (try AdmissionFixtures.request("pod-create-missing-image-ref.json")).object)
    }

    @Test func unknownModeIsDeniedNamingTheValidModes() throws {
        let admitted = try AdmittedFixture.admit("pod-create-unknown-mode.json", nodes: try EKSNodes.all(), selector: ArchitectureSelector())
        #expect(admitted.response.denial == AdmissionDenial(
            .invalid,
            "annotation oci.image.compatibilities.selection/mode is 'fastest', which is not a selection mode; use one of "
                + "basic, platform, platform-version, descriptive-basic, descriptive"
        ))
        let body = admitted.response.reviewJSON["response"]
        #expect(body?["status"]?["code"] == 422)
        #expect(body?["patch"] == nil)
    }

    @Test func aPodThatDidNotOptInIsAllowedUntouched() throws {
        let selector = RecordingSelector(ArchitectureSelector())
        let admitted = try AdmittedFixture.admit("pod-create-not-enabled.json", nodes: try EKSNodes.all(), selector: selector)
        #expect(admitted.outcome.disposition == .allowedUnchanged)
        #expect(admitted.response.reviewJSON.serialized()
            == #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"2d7e9a41-6b0c-4f35-8d12-9e4a7c3b5f06","allowed":true}}"#)
        #expect(selector.requests.isEmpty)
    }

    @Test func anOptedInPodWithAConcreteImageIsAllowedWithAWarning() throws {
        let admitted = try AdmittedFixture.admit("pod-create-enabled-concrete-image.json", nodes: try EKSNodes.all(), selector: ArchitectureSelector())
        #expect(admitted.outcome.disposition == .allowedUnchanged)
        #expect(admitted.response.patch.isEmpty)
        #expect(admitted.response.warnings == ["no container uses placeholder image 'placeholder:latest', so no image was selected"])
    }

    @Test func ephemeralContainersWithThePlaceholderAreReplacedThroughTheirSubresource() throws {
        var request = try AdmissionFixtures.request("pod-reinvocation-already-mutated.json").withObject(patchedBy: #"""
            [{"op":"add","path":"/spec/ephemeralContainers","value":[{"name":"debugger","image":"placeholder:latest","targetContainerName":"lammps",
              "resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"Always"}]}]
            """#)
        request.operation = .update
        request.subResource = "ephemeralcontainers"
        let outcome = AdmissionController().admit(request, nodes: try EKSNodes.all(), selector: ArchitectureSelector(includeFluxView: false))
        let admitted = try AdmittedFixture(request: request, outcome: outcome)
        #expect(admitted.patchJSON == (try json(#"[{"op":"replace","path":"/spec/ephemeralContainers/0/image","value":"\#(arm)"}]"#)))
    }

    @Test func aPodUpdateThatWouldNeedANewNodeSelectorEntryIsDenied() throws {
        var request = try AdmissionFixtures.request("pod-create-model-without-node-selector.json")
        request.operation = .update
        let outcome = AdmissionController().admit(request, nodes: try EKSNodes.all(), selector: InstanceTypeSelector(instanceType: "c7a.12xlarge"))
        #expect(outcome.response.denial == AdmissionDenial(
            .invalid,
            "the selection needs node.kubernetes.io/instance-type=c7a.12xlarge in spec.nodeSelector, which cannot change after a Pod "
                + "is created; delete the Pod and create it again"
        ))
    }
}
