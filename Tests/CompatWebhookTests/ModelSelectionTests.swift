import CompatAdmission
import CompatArtifacts
import CompatSelection
import CompatCore
import CompatKube
import Foundation
import Testing
@testable import CompatWebhook

/// Model-based choice: the published performance models score the 25 EKS node types, the spec's image
/// for the winner's architecture runs there, and the nodeSelector pins the instance type.
@Suite struct ModelSelectionTests {
    static let imageRef = "oci.image.compatibilities.selection/image-ref"
    static let model = "oci.image.compatibilities.selection/model"
    static let instanceType = "/spec/nodeSelector/node.kubernetes.io~1instance-type"

    static func review(_ name: String, model: String) throws -> ReviewFixture {
        var review = try ReviewFixture(name)
        try review.annotate(imageRef, "file://" + TestPaths.modelSpec)
        try review.annotate(Self.model, model)
        return review
    }

    @Test func fomPicksGraviton3AndItsArmImage() throws {
        let answered = try AnsweredReview(try Self.review("pod-create-model-without-node-selector.json", model: "fom"), service: try makeService())
        #expect(answered.response.allowed)
        #expect(try answered.string(Self.instanceType) == "hpc7g.16xlarge")
        #expect(try answered.string("/spec/containers/0/image") == "ghcr.io/converged-computing/hpcg-matrix:cortex-a72-Os")
        #expect(answered.response.auditAnnotations["selection-explanation"]?.hasPrefix("maximize fom: chose hpc7g.16xlarge") == true)
    }

    /// Whatever `duration` (minimize) picks, the image is the spec's image for that instance's architecture.
    @Test func imageFollowsTheChosenInstancesArchitecture() throws {
        let answered = try AnsweredReview(try Self.review("pod-create-model-without-node-selector.json", model: "duration"), service: try makeService())
        let instance = try #require(try answered.string(Self.instanceType))
        let architecture = try TestData.labels(ofInstanceType: instance)["kubernetes.io/arch"]
        let expected = architecture == "arm64" ? "ghcr.io/converged-computing/hpcg-matrix:a64fx-O2" : "ghcr.io/converged-computing/hpcg-matrix:znver4-O2"
        #expect(try answered.string("/spec/containers/0/image") == expected)
    }

    /// An existing nodeSelector narrows the candidates and keeps its entries.
    @Test func existingNodeSelectorLimitsTheCandidates() throws {
        let answered = try AnsweredReview(try Self.review("pod-create-existing-node-selector.json", model: "fom"), service: try makeService())
        let instance = try #require(try answered.string(Self.instanceType))
        #expect(try TestData.labels(ofInstanceType: instance)["topology.kubernetes.io/zone"] == "us-east-1a")
        #expect(try answered.string("/spec/nodeSelector/topology.kubernetes.io~1zone") == "us-east-1a")
        #expect(try answered.string("/spec/nodeSelector/kubernetes.io~1os") == "linux")
    }

    /// The Flux Operator's default view is amd64; an arm64 choice brings the arm64 Ubuntu view along.
    @Test func miniClusterMovedToArmGetsAnArmFluxView() throws {
        let answered = try AnsweredReview(try Self.review("minicluster-create-without-flux.json", model: "fom"), service: try makeService())
        #expect(try answered.string("/spec/pod/nodeSelector/node.kubernetes.io~1instance-type") == "hpc7g.16xlarge")
        #expect(try answered.string("/spec/containers/0/image") == "ghcr.io/converged-computing/hpcg-matrix:cortex-a72-Os")
        #expect(try answered.string("/spec/flux/container/image") == "ghcr.io/converged-computing/flux-view-ubuntu:arm-jammy")
    }

    @Test func skipListedInstanceTypesAreNeverChosen() throws {
        let cache = NodeFeatureCache(skipInstanceTypes: ["hpc7g.16xlarge"])
        cache.replaceStaticFeatures(["eks.json": try StaticNodeFeatures.parse(try TestPaths.bytes(TestPaths.nodeFeatures), fileName: "eks.json")])
        cache.replaceLiveNodes([])
        let nodes = AdmissionNodes(cache: cache).current()
        #expect(nodes.count == 24)
        let answered = try AnsweredReview(try Self.review("pod-create-model-without-node-selector.json", model: "fom"), service: try makeService(nodes: nodes.nodes))
        let instance = try #require(try answered.string(Self.instanceType))
        #expect(instance != "hpc7g.16xlarge")
        #expect(try TestData.labels(ofInstanceType: instance)["kubernetes.io/arch"] == "arm64")
    }

    @Test func unknownModelIsDeniedListingTheSpecsModels() throws {
        let answered = try AnsweredReview(
            try Self.review("pod-create-model-without-node-selector.json", model: "lammps-instance-time"), service: try makeService())
        #expect(answered.response.denial?.reason == .invalid)
        #expect(answered.response.denial?.message.contains("has no entry for model 'lammps-instance-time' (it names duration, fom, fom_per_dollar)") == true)
    }

    @Test func modelSpecWithoutModelAnnotationIsDenied() throws {
        var review = try Self.review("pod-create-init-and-app-containers.json", model: "fom")
        try review.annotate(Self.model, nil)
        let answered = try AnsweredReview(review, service: try makeService())
        #expect(answered.response.denial?.reason == .invalid)
        #expect(answered.response.denial?.message.contains("add annotation oci.image.compatibilities.selection/model") == true)
    }
}
