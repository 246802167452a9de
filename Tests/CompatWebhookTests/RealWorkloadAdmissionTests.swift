import CompatAdmission
import CompatCore
import Foundation
import Testing
@testable import CompatWebhook

/// Real objects from public repositories (Flux Operator and MPI Operator examples, ocifit-k8s examples,
/// Pods from the Kubernetes documentation and the Pods their controllers create; sources in
/// `shared/data/real-world/objects/SOURCES.md`), sent as kube-apiserver sends them to a webhook over the
/// project's 25 EKS nodes (`webhook/node-features/node-features.json`), every answer applied and checked
/// by kube-apiserver's rules with an independent JSON Patch implementation (``RealWorld``).
@Suite(.serialized) struct RealWorkloadAdmissionTests {
    static let lammps = "ghcr.io/rse-ops/lammps-matrix:"

    /// Every object once (oc06, four Pods of one Job, four times), answered and checked.
    static let answers: [RealWorld.Answer] = {
        do {
            let objects = try RealWorld.load()
            var requests: [(RealWorld.Object, uid: String)] = []
            for (index, object) in objects.enumerated() {
                for copy in 0..<(object.file.hasPrefix("oc06") ? 4 : 1) {
                    requests.append((object, uid: String(format: "5f0c2a7e-0000-4000-8000-%012d", index * 10 + copy)))
                }
            }
            return try RealWorld.answer(requests, service: try service())
        } catch {
            Issue.record("the real objects could not be answered: \(error)")
            return []
        }
    }()

    static func service() throws -> AdmissionService {
        let labels = try NodeLabels.decodeList(from: DocumentDecoder.decode(try TestPaths.bytes(TestPaths.packageRoot + "/webhook/node-features/node-features.json")))
        return try makeService(nodes: labels.map { ClusterNode(name: $0["kubernetes.io/hostname"] ?? "", labels: $0) })
    }

    static func answers(_ file: String) -> [RealWorld.Answer] { answers.filter { $0.object.file.hasPrefix(file) } }

    static func answer(_ file: String) throws -> RealWorld.Answer { try #require(answers(file).first) }

    @Test func everyAnswerPassesTheAPIServersChecks() {
        #expect(Self.answers.count == 55)
        for answer in Self.answers {
            #expect(answer.problems.isEmpty, "\(answer.object.name): \(answer.problems)")
            // An opted-in object is never admitted still naming the placeholder anywhere.
            if let patched = answer.patched, answer.response.patch.operations.count > 0 {
                #expect(!patched.serialized().contains("placeholder"), "\(answer.object.name)")
            }
        }
    }

    @Test func reinvocationOnTheWebhooksOwnOutputIsANoOp() throws {
        let service = try Self.service()
        let mutated = Self.answers.filter { !$0.response.patch.operations.isEmpty }
        #expect(mutated.count == 43)
        let again = try RealWorld.answer(mutated.map { answer in
            (RealWorld.Object(
                name: answer.object.name, file: answer.object.file, kind: answer.object.kind, group: answer.object.group,
                version: answer.object.version, resource: answer.object.resource, object: answer.patched ?? .null
            ), uid: answer.uid + "-again")
        }, service: service)
        for answer in again {
            #expect(answer.response.allowed && answer.response.patch.operations.isEmpty, "\(answer.object.name)")
            #expect(answer.problems.isEmpty, "\(answer.object.name): \(answer.problems)")
        }
    }

    // MARK: Every image field, every spelling of the placeholder

    @Test func podPlaceholdersInContainersAndInitContainersAreReplaced() throws {
        let pod = try Self.answer("k01")
        #expect(pod.response.patch.operations.map(\.path.description) == [
            "/spec/containers/0/image", "/spec/initContainers/0/image", "/metadata/annotations/oci.image.compatibilities.selection~1selected-image",
        ])
        let app = try pod.value("/spec/containers/0/image")?.stringValue, initial = try pod.value("/spec/initContainers/0/image")?.stringValue
        #expect(app == Self.lammps + "openmpi-ubuntu-20.04-arm64")
        #expect(initial == app)
    }

    @Test func aTaglessPlaceholderIsThePlaceholder() throws {
        let pod = try Self.answer("oc07")
        #expect(try pod.value("/spec/containers/0/image")?.stringValue == "ghcr.io/converged-computing/kernel-header-installer:fedora43")
    }

    @Test func aMiniClusterServiceNamingThePlaceholderIsDeniedNamingTheField() throws {
        let denial = try #require(try Self.answer("mc05").response.denial)
        #expect(denial.reason == .invalid)
        #expect(denial.message.hasPrefix("spec.services[0].image names the placeholder image 'placeholder:latest', but a service runs its own image"))
    }

    @Test func everyMiniClusterContainerNamingThePlaceholderGetsTheOneChoice() throws {
        let sidecars = try Self.answer("mc16")
        let image = try #require(sidecars.image)
        #expect(try sidecars.value("/spec/containers/0/image")?.stringValue == image)
        #expect(try sidecars.value("/spec/containers/1/image")?.stringValue == image)
    }

    /// The same real MiniCluster with the placeholder spelled as Docker's full name, pinned by digest, and
    /// in the flux view field.
    @Test func placeholderSpellingsAndTheFluxViewField() throws {
        let base = try #require(try RealWorld.load().first { $0.file.hasPrefix("mc01") })
        func variant(_ edit: (inout JSONPatchBuilder) throws -> Void) throws -> RealWorld.Object {
            var builder = JSONPatchBuilder(document: base.object)
            try edit(&builder)
            return RealWorld.Object(name: base.name, file: base.file, kind: base.kind, group: base.group, version: base.version, resource: base.resource, object: builder.document)
        }
        let image = JSONPointer(tokens: ["spec", "containers", "0", "image"])
        let view = JSONPointer(tokens: ["spec", "flux", "container", "image"])
        let mode = JSONPointer(tokens: ["metadata", "annotations", SelectionAnnotations.mode])
        let full = try variant { try $0.set("docker.io/library/placeholder:latest", at: image) }
        let pinned = try variant { try $0.set(.string("placeholder@sha256:" + String(repeating: "a", count: 64)), at: image) }
        let viewChosen = try variant { try $0.set("placeholder", at: view) }
        let viewKept = try variant { builder in
            try builder.set("placeholder", at: view)
            try builder.set("descriptive-basic", at: mode)
        }
        let answers = try RealWorld.answer(
            [(full, uid: "a1"), (pinned, uid: "a2"), (viewChosen, uid: "a3"), (viewKept, uid: "a4")], service: try Self.service()
        )
        for answer in answers { #expect(answer.problems.isEmpty, "\(answer.problems)") }
        #expect(try answers[0].value("/spec/containers/0/image")?.stringValue == answers[0].image)
        #expect(try answers[1].value("/spec/containers/0/image")?.stringValue == answers[1].image)
        // platform-version chooses the view, so a placeholder there is filled with the view of the image's release line.
        let chosenView = try answers[2].value("/spec/flux/container/image")?.stringValue
        #expect(chosenView == "ghcr.io/converged-computing/flux-view-ubuntu:tag-jammy")
        #expect(answers[2].image == Self.lammps + "openmpi-ubuntu-22.04-amd64")
        let kept = try #require(answers[3].response.denial)
        #expect(kept.reason == .invalid)
        #expect(kept.message.hasPrefix("spec.flux.container.image names the placeholder, and mode descriptive-basic keeps the flux view"))
    }

    // MARK: One choice per workload

    @Test func thePodsOfOneStatefulSetOrIndexedJobGetOneImage() throws {
        for file in ["wl01", "wl02"] {
            let pods = Self.answers(file)
            #expect(pods.count == 4)
            #expect(Set(pods.compactMap(\.image)).count == 1, "\(file)")
            #expect(pods.allSatisfy { $0.response.allowed })
        }
        #expect(try Self.answer("wl01").image == Self.lammps + "openmpi-ubuntu-20.04-amd64")
        #expect(try Self.answer("wl02").image == Self.lammps + "mpich-ubuntu-22.04-arm64")
    }

    /// The Flux Operator's pods of one MiniCluster (one Indexed Job) get one answer, whichever request uid.
    @Test func theOperatorPodsOfOneMiniClusterGetOneAnswer() throws {
        let pods = Self.answers("oc06")
        #expect(pods.count == 4)
        #expect(Set(pods.map { $0.response.denial?.message ?? $0.image ?? "" }).count == 1)
        // Its flux-view init container (the operator's default, amd64) cannot run on the hpc7g (arm64) nodes it selects.
        let denial = try #require(pods.first?.response.denial)
        #expect(denial.message.hasPrefix(
            "flux view ghcr.io/converged-computing/flux-view-ubuntu:tag-noble is built for amd64 but the nodes are arm64; set the "
                + "MiniCluster's spec.flux.container.image (this pod's flux-view init container) to a view built for arm64"
        ))
    }

    /// Which rule gave each decision's seed is logged and counted.
    @Test func theSeedSourceIsCounted() throws {
        let metrics = WebhookMetrics()
        let labels = try NodeLabels.decodeList(from: DocumentDecoder.decode(try TestPaths.bytes(TestPaths.packageRoot + "/webhook/node-features/node-features.json")))
        let service = try makeService(nodes: labels.map { ClusterNode(name: $0["kubernetes.io/hostname"] ?? "", labels: $0) }, metrics: metrics)
        for answer in Self.answers("wl01") + Self.answers("k01") {
            _ = service.answer(body: RealWorld.review(answer.object, uid: answer.uid + "-metrics"), timeout: nil)
        }
        let text = metrics.render(now: 0)
        #expect(text.contains("compat_admission_seed_source_total{source=\"owner\"} 4\n"))
        #expect(text.contains("compat_admission_seed_source_total{source=\"request\"} 1\n"))
    }

    /// The same Job created twice (new uid): each one's pods agree, and the two jobs are free to differ.
    @Test func twoWorkloadsOfTheSameNameDrawSeparately() throws {
        let pods = Self.answers("wl03")
        func owner(_ answer: RealWorld.Answer) -> String { answer.object.object["metadata"]?["ownerReferences"]?.arrayValue?.first?["uid"]?.stringValue ?? "" }
        let owners = pods.map(owner)
        #expect(Set(owners).count == 2)
        let service = try Self.service()
        var seeds: [String: Set<UInt64>] = [:]
        for answer in pods {
            guard case .review(_, let outcome) = service.answer(body: RealWorld.review(answer.object, uid: answer.uid + "-seed"), timeout: nil) else {
                Issue.record("malformed")
                continue
            }
            let seed = try #require(outcome.seed)
            #expect(seed.source == .ownerReference)
            seeds[owner(answer), default: []].insert(seed.value)
        }
        #expect(seeds.values.allSatisfy { $0.count == 1 })
        #expect(Set(seeds.values.flatMap { $0 }).count == 2)
    }

    // MARK: Host facts per kind

    /// Pods on Amazon Linux nodes, in the default mode and in descriptive: the node's OS does not constrain
    /// a container's image.
    @Test func podsOnAmazonLinuxNodesAreAdmitted() throws {
        let defaultMode = try Self.answer("k01").image, descriptive = try Self.answer("k08").image, statefulSet = try Self.answer("wl01").image
        #expect(defaultMode == Self.lammps + "openmpi-ubuntu-20.04-arm64")
        #expect(descriptive == Self.lammps + "openmpi-ubuntu-22.04-arm64")
        #expect(statefulSet == Self.lammps + "openmpi-ubuntu-20.04-amd64")
    }

    /// Two g4dn.xlarge nodes, one Amazon Linux 2023 and one Bottlerocket: the same host to a MiniCluster's
    /// image. The answer is about the view, not "the nodes differ".
    @Test func nodesThatDifferOnlyInTheirOSAreOneHost() throws {
        let denial = try #require(try Self.answer("mc18").response.denial)
        #expect(!denial.message.contains("differ"))
        #expect(denial.message.hasPrefix("spec.flux.container.image is not set, so the Flux Operator's default view"))
    }

    // MARK: Flux view handling

    @Test func aDisabledViewIsNotLookedUp() throws {
        let disabled = try Self.answer("mc09")
        #expect(disabled.response.allowed)
        #expect(disabled.image == Self.lammps + "intel-mpi-rocky-8-amd64")
        #expect(try disabled.value("/spec/flux/container/image")?.stringValue == "ubuntu:focal")
    }

    @Test func withoutAViewTheDenialNamesTheAssumedDefaultAndWhatToSet() throws {
        let denial = try #require(try Self.answer("mc19").response.denial)
        #expect(denial.reason == .forbidden)
        #expect(denial.message.hasPrefix(
            "spec.flux.container.image is not set, so the Flux Operator's default view ghcr.io/converged-computing/flux-view-ubuntu:tag-noble was assumed"
        ))
        #expect(denial.message.contains("; set spec.flux.container.image to one of ghcr.io/converged-computing/flux-view-ubuntu:tag-focal, "))
        #expect(denial.message.hasSuffix(", or use mode basic, platform or platform-version"))
    }

    // MARK: MPI Operator

    @Test func anMPIJobsLauncherAndWorkersGetOneBuild() throws {
        let job = try Self.answer("mj01")
        #expect(job.response.patch.operations.map(\.path.description) == [
            "/spec/mpiReplicaSpecs/Launcher/template/spec/containers/0/image", "/spec/mpiReplicaSpecs/Worker/template/spec/containers/0/image",
            "/metadata/annotations/oci.image.compatibilities.selection~1selected-image",
        ])
        #expect(job.image == Self.lammps + "openmpi-ubuntu-22.04-arm64")
        #expect(try job.value("/spec/mpiReplicaSpecs/Launcher/template/spec/containers/0/image")?.stringValue == job.image)
    }

    @Test func aLauncherWithItsOwnImageKeepsIt() throws {
        let job = try Self.answer("mj02")
        #expect(try job.value("/spec/mpiReplicaSpecs/Launcher/template/spec/containers/0/image")?.stringValue == "mpioperator/tensorflow-benchmarks:latest")
        #expect(try job.value("/spec/mpiReplicaSpecs/Worker/template/spec/containers/0/image")?.stringValue == "ghcr.io/example/hpcg:x86-64-v3")
    }

    @Test func aModelChoosesOneInstanceForLauncherAndWorkers() throws {
        let job = try Self.answer("mj03")
        let launcher = try job.value("/spec/mpiReplicaSpecs/Launcher/template/spec/nodeSelector")
        #expect(launcher == ["node.kubernetes.io/instance-type": "hpc7g.16xlarge"])
        #expect(try job.value("/spec/mpiReplicaSpecs/Worker/template/spec/nodeSelector") == launcher)
        #expect(job.image == "ghcr.io/converged-computing/hpcg-matrix:cortex-a72-Os")
    }
}
