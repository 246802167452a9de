import CompatAdmission
import CompatCore
import Foundation
import Testing
@testable import CompatWebhook

/// The recorded AdmissionReview fixtures answered by the whole selection path (file:// artifacts from
/// the repository, the EKS nodes), each patch applied to the request's object.
@Suite struct AdmissionFixtureTests {
    static let imageRef = "oci.image.compatibilities.selection/image-ref"
    static let mode = "oci.image.compatibilities.selection/mode"
    static let model = "oci.image.compatibilities.selection/model"
    static let catalogRef = "file://" + TestPaths.lammpsCatalog

    static func rulesSpecFile() throws -> (TemporaryDirectory, String) {
        let folder = try TemporaryDirectory()
        return (folder, "file://" + (try folder.write("eks-rules.yaml", eksRulesSpec)))
    }

    // MARK: Feature mode (NFD spec)

    @Test func podOnGraviton3GetsTheSVEImageInEveryPlaceholderContainer() throws {
        let (folder, spec) = try Self.rulesSpecFile()
        defer { folder.cleanUp() }
        var review = try ReviewFixture("pod-create-init-and-app-containers.json")
        try review.annotate(Self.imageRef, spec)
        try review.annotate(Self.mode, nil)
        let answered = try AnsweredReview(review, service: try makeService())
        #expect(answered.response.allowed)
        #expect(try answered.string("/spec/containers/0/image") == "ghcr.io/example/lammps:sve")
        #expect(try answered.string("/spec/initContainers/0/image") == "ghcr.io/example/lammps:sve")
        #expect(try answered.string("/spec/containers/1/image") == "quay.io/prometheus/node-exporter:v1.8.2")
        #expect(try answered.string("/metadata/annotations/oci.image.compatibilities.selection~1selected-image") == "ghcr.io/example/lammps:sve")
    }

    @Test func miniClusterOnAMDNodesGetsTheZenImage() throws {
        let (folder, spec) = try Self.rulesSpecFile()
        defer { folder.cleanUp() }
        var review = try ReviewFixture("minicluster-create-with-flux-view.json")
        try review.annotate(Self.imageRef, spec)
        try review.annotate(Self.mode, nil)
        let answered = try AnsweredReview(review, service: try makeService())
        #expect(try answered.string("/spec/containers/0/image") == "ghcr.io/example/lammps:zen")
        #expect(try answered.string("/spec/flux/container/image") == "ghcr.io/converged-computing/flux-view-ubuntu:tag-noble")
    }

    @Test func nodesNoSetMatchesAreDeniedWithTheEvaluation() throws {
        let (folder, spec) = try Self.rulesSpecFile()
        defer { folder.cleanUp() }
        var review = try ReviewFixture("pod-create-init-and-app-containers.json")
        try review.annotate(Self.imageRef, spec)
        try review.edit(["request", "object", "spec", "nodeSelector"], ["node.kubernetes.io/instance-type": "m6g.12xlarge"])
        let answered = try AnsweredReview(review, service: try makeService())
        #expect(!answered.response.allowed)
        #expect(answered.response.denial?.reason == .forbidden)
        #expect(answered.response.denial?.message.contains("no compatibility set matched") == true)
    }

    // MARK: Descriptive and baseline modes (compspec catalog)

    @Test func podDescriptiveChoosesAnArm64CPUImage() throws {
        var review = try ReviewFixture("pod-create-init-and-app-containers.json")
        try review.annotate(Self.imageRef, Self.catalogRef)
        let answered = try AnsweredReview(review, service: try makeService())
        let image = try #require(try answered.string("/spec/containers/0/image"))
        let catalog = try TestData.catalog()
        let chosen = try #require(catalog.images.first { $0.name == image })
        #expect(chosen.attributes.architecture == .arm64)
        #expect(chosen.attributes.gpu?.available == false)
        #expect(try answered.string("/spec/initContainers/0/image") == image)
        // The seed annotation (42) fixes the draw: a second answer agrees.
        #expect(try AnsweredReview(review, service: try makeService()).string("/spec/containers/0/image") == image)
    }

    @Test func miniClusterPlatformVersionSetsTheMatchingFluxView() throws {
        var review = try ReviewFixture("minicluster-create-with-flux-view.json")
        try review.annotate(Self.imageRef, Self.catalogRef)
        let answered = try AnsweredReview(review, service: try makeService())
        let catalog = try TestData.catalog()
        let image = try #require(catalog.images.first { $0.name == (try? answered.string("/spec/containers/0/image")) })
        let viewImage = try #require(try answered.string("/spec/flux/container/image"))
        let view = try #require(try TestData.views().view(named: viewImage))
        #expect(image.attributes.architecture == .amd64)
        #expect(view.architecture == .amd64)
        #expect(view.operatingSystem.sharesReleaseLine(with: try #require(image.attributes.operatingSystem)))
        #expect(try answered.string("/spec/pod/nodeSelector/node.kubernetes.io~1instance-type") == "c7a.12xlarge")
    }

    @Test func miniClusterDescriptiveBasicKeepsTheViewAndPicksItsRelease() throws {
        var review = try ReviewFixture("minicluster-create-with-flux-view.json")
        try review.annotate(Self.imageRef, Self.catalogRef)
        try review.annotate(Self.mode, "descriptive-basic")
        try review.edit(["request", "object", "spec", "flux", "container", "image"], "ghcr.io/converged-computing/flux-view-ubuntu:tag-jammy")
        let answered = try AnsweredReview(review, service: try makeService())
        let image = try #require(try answered.string("/spec/containers/0/image"))
        #expect(["ghcr.io/rse-ops/lammps-matrix:openmpi-ubuntu-22.04-amd64", "ghcr.io/rse-ops/lammps-matrix:mpich-ubuntu-22.04-amd64"].contains(image))
        #expect(try answered.string("/spec/flux/container/image") == "ghcr.io/converged-computing/flux-view-ubuntu:tag-jammy")
        #expect(try answered.value("/spec/containers/0/commands") == nil)
    }

    @Test func intelMPIImageGetsItsEnvironmentInCommandsPre() throws {
        var review = try ReviewFixture("minicluster-create-with-flux-view.json")
        try review.annotate(Self.imageRef, Self.catalogRef)
        try review.annotate(Self.mode, "descriptive-basic")
        try review.edit(["request", "object", "spec", "flux", "container", "image"], "ghcr.io/converged-computing/flux-view-rocky:tag-8")
        let answered = try AnsweredReview(review, service: try makeService())
        #expect(try answered.string("/spec/containers/0/image") == "ghcr.io/rse-ops/lammps-matrix:intel-mpi-rocky-8-amd64")
        #expect(try answered.string("/spec/containers/0/commands/pre") == ". /opt/intel/mpi/latest/env/vars.sh")
    }

    @Test func existingPreCommandsAreKeptAndNotDuplicated() throws {
        var review = try ReviewFixture("minicluster-create-with-flux-view.json")
        try review.annotate(Self.imageRef, Self.catalogRef)
        try review.annotate(Self.mode, "descriptive-basic")
        try review.edit(["request", "object", "spec", "flux", "container", "image"], "ghcr.io/converged-computing/flux-view-rocky:tag-8")
        try review.edit(["request", "object", "spec", "containers", "0", "commands"], ["pre": "ulimit -s unlimited"])
        let answered = try AnsweredReview(review, service: try makeService())
        #expect(try answered.string("/spec/containers/0/commands/pre") == "ulimit -s unlimited\n. /opt/intel/mpi/latest/env/vars.sh")

        try review.edit(["request", "object", "spec", "containers", "0", "commands"], ["pre": ". /opt/intel/mpi/latest/env/vars.sh\n"])
        let again = try AnsweredReview(review, service: try makeService())
        #expect(try again.string("/spec/containers/0/commands/pre") == ". /opt/intel/mpi/latest/env/vars.sh\n")
    }

    @Test func defaultFluxViewWithoutCompatibleImageIsDenied() throws {
        var review = try ReviewFixture("minicluster-create-without-flux.json")
        try review.annotate(Self.imageRef, Self.catalogRef)
        try review.annotate(Self.model, nil)
        try review.annotate(Self.mode, "descriptive")
        try review.edit(["request", "object", "spec", "pod", "nodeSelector"], ["node.kubernetes.io/instance-type": "c7a.12xlarge"])
        let answered = try AnsweredReview(review, service: try makeService())
        #expect(answered.response.denial?.reason == .forbidden)
        #expect(answered.response.denial?.message.contains("flux-view-ubuntu:tag-noble") == true)
    }

    // MARK: Requests that are allowed unchanged or denied before selection

    @Test func missingImageReferenceIsDenied() throws {
        let answered = try AnsweredReview(try ReviewFixture("pod-create-missing-image-ref.json"), service: try makeService())
        #expect(!answered.response.allowed)
        #expect(answered.response.denial?.reason == .invalid)
        #expect(answered.response.denial?.message.contains(Self.imageRef) == true)
    }

    @Test func unknownArtifactIsDenied() throws {
        var review = try ReviewFixture("pod-create-init-and-app-containers.json")
        try review.annotate(Self.imageRef, "file://" + TestPaths.packageRoot + "/README.md")
        let answered = try AnsweredReview(review, service: try makeService())
        #expect(answered.response.denial?.reason == .invalid)
        #expect(answered.response.denial?.message.contains("README.md is not a valid") == true)

        try review.annotate(Self.imageRef, "file://" + TestPaths.packageRoot + "/no-such-catalog")
        let missing = try AnsweredReview(review, service: try makeService())
        #expect(missing.response.denial?.reason == .internalError)
        #expect(missing.response.denial?.message.contains("does not exist") == true)
    }

    @Test func objectsNotOptedInAreAllowedWithoutPatch() throws {
        let answered = try AnsweredReview(try ReviewFixture("pod-create-not-enabled.json"), service: try makeService())
        #expect(answered.response.allowed)
        #expect(answered.response.patch.isEmpty)
    }

    @Test func reinvocationOnOwnOutputIsANoOp() throws {
        let recorded = try AnsweredReview(try ReviewFixture("pod-reinvocation-already-mutated.json"), service: try makeService())
        #expect(recorded.response.allowed)
        #expect(recorded.response.patch.isEmpty)

        var review = try ReviewFixture("pod-create-init-and-app-containers.json")
        try review.annotate(Self.imageRef, Self.catalogRef)
        let first = try AnsweredReview(review, service: try makeService())
        let kind = try #require(review.document["request"]?["kind"])
        let second = try AnsweredReview(
            ReviewFixture.reinvocation(of: try #require(first.patched), kind: kind, uid: "5f0c9a8e-reinvoked"), service: try makeService())
        #expect(second.response.allowed)
        #expect(second.response.patch.isEmpty)
        #expect(second.response.warnings.isEmpty)
    }

    @Test func podWithoutNodeSelectorOnAMixedClusterIsDenied() throws {
        var review = try ReviewFixture("pod-create-without-node-selector.json")
        try review.annotate(Self.imageRef, Self.catalogRef)
        let answered = try AnsweredReview(review, service: try makeService())
        #expect(answered.response.denial?.reason == .invalid)
        #expect(answered.response.denial?.message.contains("spec.nodeSelector is not set") == true)
    }

    @Test func malformedBodyIsNotAReview() throws {
        let service = try makeService()
        guard case .malformed(let message) = service.answer(body: Array("{\"kind\":".utf8), timeout: nil) else {
            Issue.record("expected malformed"); return
        }
        #expect(message.hasPrefix("not an admission.k8s.io/v1 AdmissionReview"))
    }
}
