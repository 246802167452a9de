import CompatAdmission
import CompatCore
import Testing

@Suite struct MiniClusterAdmissionTests {
    let arm = LAMMPSImages.app["arm64"] ?? ""
    let amd = LAMMPSImages.app["amd64"] ?? ""
    let armView = LAMMPSImages.fluxView["arm64"] ?? ""
    let amdView = LAMMPSImages.fluxView["amd64"] ?? ""

    @Test func withoutSpecFluxTheFluxViewIsAddedAsOneMapAndTheInstanceUnderSpecPod() throws {
        let admitted = try AdmittedFixture.admit(
            "minicluster-create-without-flux.json", nodes: try EKSNodes.all(), selector: InstanceTypeSelector(instanceType: "hpc7g.16xlarge")
        )
        #expect(admitted.outcome.disposition == .mutated)
        #expect(admitted.response.warnings.isEmpty)
        #expect(admitted.patchJSON == (try json(#"""
            [{"op":"replace","path":"/spec/containers/0/image","value":"\#(arm)"},
             {"op":"add","path":"/spec/pod/nodeSelector","value":{"node.kubernetes.io/instance-type":"hpc7g.16xlarge"}},
             {"op":"add","path":"/spec/flux","value":{"container":{"image":"\#(armView)"}}},
             {"op":"add","path":"/metadata/annotations/oci.image.compatibilities.selection~1selected-image","value":"\#(arm)"}]
            """#)))
        #expect(try admitted.patchedValue("/spec/pod") == ["labels": ["app": "lammps-hns"], "nodeSelector": ["node.kubernetes.io/instance-type": "hpc7g.16xlarge"]])
        #expect(try admitted.patchedValue("/spec/size") == 2)
        #expect(try admitted.patchedValue("/spec/tasks") == 4)
    }

    @Test func withAFluxViewBlockTheDefaultedImageIsReplacedAndItsSiblingsKept() throws {
        let selector = RecordingSelector(ArchitectureSelector())
        let admitted = try AdmittedFixture.admit("minicluster-create-with-flux-view.json", nodes: try EKSNodes.all(), selector: selector)
        #expect(admitted.patchJSON == (try json(#"""
            [{"op":"replace","path":"/spec/containers/0/image","value":"\#(amd)"},
             {"op":"replace","path":"/spec/flux/container/image","value":"\#(amdView)"},
             {"op":"add","path":"/metadata/annotations/oci.image.compatibilities.selection~1selected-image","value":"\#(amd)"}]
            """#)))
        #expect(try admitted.patchedValue("/spec/flux/container") == [
            "disable": false, "image": .string(amdView), "mountPath": "/mnt/flux", "name": "flux-view", "pullAlways": false,
        ])
        let request = try #require(selector.requests.first)
        #expect(request.kind == .miniCluster)
        #expect(request.objectName == "lammps-amd")
        #expect(request.contract.placeholder == "placeholder:lammps")
        #expect(request.contract.mode == .platformVersion)
        #expect(request.nodeSelector == ["node.kubernetes.io/instance-type": "c7a.12xlarge"])
        #expect(request.nodeFeatures.features?.nodeNames == ["ip-192-168-58-98.ec2.internal"])
    }

    @Test func withoutSpecPodTheWholePodMapIsAdded() throws {
        let request = try AdmissionFixtures.request("minicluster-create-without-flux.json")
            .withObject(patchedBy: #"[{"op":"remove","path":"/spec/pod"}]"#)
        let outcome = AdmissionController().admit(request, nodes: try EKSNodes.all(), selector: InstanceTypeSelector(instanceType: "hpc7g.16xlarge"))
        let admitted = try AdmittedFixture(request: request, outcome: outcome)
        #expect(admitted.outcome.response.patch.operations.map(\.description) == [
            "replace /spec/containers/0/image", "add /spec/pod", "add /spec/flux",
            "add /metadata/annotations/oci.image.compatibilities.selection~1selected-image",
        ])
        #expect(try admitted.patchedValue("/spec/pod") == ["nodeSelector": ["node.kubernetes.io/instance-type": "hpc7g.16xlarge"]])
    }

    @Test func labelsOnlyUnderSpecPodLeaveTheMiniClusterToItsPods() throws {
        let request = try AdmissionFixtures.request("minicluster-create-without-flux.json").withObject(patchedBy: #"""
            [{"op":"move","from":"/metadata/labels/oci.image.compatibilities.selection~1enabled",
              "path":"/spec/pod/labels/oci.image.compatibilities.selection~1enabled"}]
            """#)
        let selector = RecordingSelector(InstanceTypeSelector(instanceType: "hpc7g.16xlarge"))
        let outcome = AdmissionController().admit(request, nodes: try EKSNodes.all(), selector: selector)
        #expect(outcome.disposition == .allowedUnchanged)
        #expect(outcome.response.patch.isEmpty)
        #expect(selector.requests.isEmpty)
    }

    @Test func otherMiniClusterVersionsAreAllowedWithAWarning() throws {
        var request = try AdmissionFixtures.request("minicluster-create-without-flux.json")
        request.kind = GroupVersionKind(group: "flux-framework.org", version: "v1alpha1", kind: "MiniCluster")
        let outcome = AdmissionController().admit(request, nodes: try EKSNodes.all(), selector: InstanceTypeSelector(instanceType: "hpc7g.16xlarge"))
        #expect(outcome.disposition == .allowedUnchanged)
        #expect(outcome.response.warnings == ["only flux-framework.org/v1alpha2 MiniClusters get an image chosen; this one is v1alpha1"])
    }

    @Test func aDecisionContradictingTheUsersNodeSelectorIsDenied() throws {
        let decision = SelectionDecision(image: arm, architecture: "arm64", nodeSelector: ["node.kubernetes.io/instance-type": "hpc7g.16xlarge"])
        let admitted = try AdmittedFixture.admit("minicluster-create-with-flux-view.json", nodes: try EKSNodes.all(), selector: FixedSelector(decision: decision))
        #expect(admitted.response.denial == AdmissionDenial(
            .invalid,
            "the selection needs node.kubernetes.io/instance-type=hpc7g.16xlarge, but spec.pod.nodeSelector sets "
                + "node.kubernetes.io/instance-type=c7a.12xlarge; remove that entry to let the selection choose, or remove annotation "
                + "oci.image.compatibilities.selection/model to keep it"
        ))
    }

    @Test func aSpecPodThatIsNotAnObjectIsDeniedRatherThanOverwritten() throws {
        let request = try AdmissionFixtures.request("minicluster-create-without-flux.json")
            .withObject(patchedBy: #"[{"op":"replace","path":"/spec/pod","value":"default"}]"#)
        let outcome = AdmissionController().admit(request, nodes: try EKSNodes.all(), selector: InstanceTypeSelector(instanceType: "hpc7g.16xlarge"))
        #expect(outcome.response.denial == AdmissionDenial(
            .invalid,
            "the selection cannot be written into this MiniCluster: cannot set '/spec/pod/nodeSelector/node.kubernetes.io~1instance-type': "
                + "'/spec/pod' is a string, not an object"
        ))
        let flux = try AdmissionFixtures.request("minicluster-create-without-flux.json")
            .withObject(patchedBy: #"[{"op":"add","path":"/spec/flux","value":["not","a","map"]}]"#)
        let fluxOutcome = AdmissionController().admit(flux, nodes: try EKSNodes.all(), selector: InstanceTypeSelector(instanceType: "hpc7g.16xlarge"))
        #expect(fluxOutcome.response.denial == AdmissionDenial(
            .invalid, "the selection cannot be written into this MiniCluster: cannot set '/spec/flux/container/image': '/spec/flux' is an array, not an object"
        ))
    }
}
