import CompatCore
import Testing
@testable import CompatAdmission

/// The placeholder is compared as a container runtime resolves references, and the seed names the workload.
@Suite struct PlaceholderAndWorkloadSeedTests {
    @Test func placeholderSpellingsAreOneImage() {
        let placeholder = PlaceholderImage("placeholder:latest")
        let digest = "sha256:" + String(repeating: "0", count: 64)
        for spelling in ["placeholder", "placeholder:latest", "docker.io/library/placeholder:latest", "index.docker.io/library/placeholder",
                         "placeholder@" + digest, "placeholder:latest@" + digest] {
            #expect(placeholder.matches(spelling), "\(spelling)")
        }
        for other in ["placeholder:v2", "ghcr.io/placeholder:latest", "docker.io/other/placeholder", "placeholders", "placeholder:v2@" + digest] {
            #expect(!placeholder.matches(other), "\(other)")
        }
        let custom = PlaceholderImage("registry.example:5000/team/app:choose-me")
        #expect(custom.matches("registry.example:5000/team/app:choose-me"))
        #expect(!custom.matches("registry.example:5000/team/app"))
        #expect(PlaceholderImage("not a reference").matches("not a reference"))
    }

    private func object(labels: JSONValue = [:], owners: JSONValue = [], uid: String? = nil) -> AdmittedObject {
        var metadata = JSONObject([("labels", labels), ("ownerReferences", owners)])
        if let uid { metadata["uid"] = .string(uid) }
        return AdmittedObject(kind: .pod, object: ["metadata": .object(metadata)])
    }

    @Test func theControllerOwnerComesFirstThenWorkloadLabelsThenUIDs() {
        let owner: JSONValue = [["kind": "Job", "uid": "job-uid", "controller": true]]
        let labels: JSONValue = ["training.kubeflow.org/job-name": "pi", "app": "x"]
        let owned = object(labels: labels, owners: owner).workloadSeed(namespace: "hpc", requestUID: "r1")
        #expect(owned.source == .ownerReference)
        #expect(object(owners: owner).workloadSeed(namespace: "other", requestUID: "r2").seed == owned.seed)

        // A non-controller owner (a garbage-collection link) names no workload.
        let weak: JSONValue = [["kind": "ConfigMap", "uid": "cm", "controller": false]]
        let labelled = object(labels: labels, owners: weak).workloadSeed(namespace: "hpc", requestUID: "r3")
        #expect(labelled.source == .workloadLabel)
        #expect(object(labels: labels).workloadSeed(namespace: "hpc", requestUID: "r4").seed == labelled.seed)
        #expect(object(labels: labels).workloadSeed(namespace: "lab", requestUID: "r4").seed != labelled.seed)

        let own = object(uid: "pod-uid").workloadSeed(namespace: "hpc", requestUID: "r5")
        #expect(own.source == .objectUID)
        let none = object().workloadSeed(namespace: "hpc", requestUID: "r6")
        #expect(none.source == .requestUID)
        #expect(none.seed != object().workloadSeed(namespace: "hpc", requestUID: "r7").seed)
    }

    @Test func anMPIJobDeclaresItsMPIAndOtherKindsNone() {
        func job(_ implementation: String?) -> AdmittedObject {
            AdmittedObject(kind: .mpiJob, object: ["spec": implementation.map { ["mpiImplementation": .string($0)] } ?? [:]])
        }
        #expect(job(nil).declaredMPI == .implementation(.openMPI))
        #expect(job("Intel").declaredMPI == .implementation(.intelMPI))
        #expect(job("MPICH").declaredMPI == .implementation(.mpich))
        #expect(AdmittedObject(kind: .pod, object: [:]).declaredMPI == .any)
    }
}
