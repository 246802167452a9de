import CompatCore
import CompatKube
@testable import CompatRunner
import CompatSimulation
import Foundation
import Testing

/// The Kubernetes HPCG backend against a replayed API server: Pod create, wait for the end, the
/// figure of merit from the log, deletion.
@Suite struct KubernetesHPCGBackendTests {
    static let pods = "/api/v1/namespaces/hpc/pods"
    static let name = "hpcg-fom-0"
    static let pod = pods + "/" + name
    static let log = pod + "/log"
    static let fast = KubernetesTimeouts(start: .seconds(5), run: .seconds(20), deletion: .seconds(5), pollInterval: .milliseconds(10))

    static func admittedJob() -> AdmittedHPCGJob {
        var object = HPCGPodTemplate(specReference: "file:///models/model-compatibility.json").pod(strategy: "fom", iteration: 0, seed: 5)
        if case .object(var root) = object, case .object(var spec)? = root["spec"] {
            spec["nodeSelector"] = ["node.kubernetes.io/instance-type": "hpc6a.48xlarge"]
            root["spec"] = .object(spec)
            object = .object(root)
        }
        return AdmittedHPCGJob(
            strategy: "fom", iteration: 0, object: object, image: "ghcr.io/converged-computing/hpcg-matrix:znver3-Ofast",
            instance: "hpc6a.48xlarge", selectionLatencyMilliseconds: 2.25)
    }

    /// Pending, Running, then `finalPhase`; the log; a delete answered with a Status (a finished Pod
    /// goes at once), then 404.
    static func script(_ api: ReplayedKubeAPI, _ job: AdmittedHPCGJob, finalPhase: String, log: String) {
        api.enqueue("POST", pods, .created)
        api.enqueue("GET", pod,
            .json(status: 200, body: KubeFixtures.pod(job.object, phase: "Pending", nodeName: nil)),
            .json(status: 200, body: KubeFixtures.pod(job.object, phase: "Running", nodeName: "ip-192-168-14-154.ec2.internal")),
            .json(status: 200, body: KubeFixtures.pod(job.object, phase: finalPhase, nodeName: "ip-192-168-14-154.ec2.internal")),
            .json(status: 404, body: KubeFixtures.notFound("pods", group: "", name: name)))
        api.enqueue("GET", Self.log, .log(log, pieceSize: 300))
        api.enqueue("DELETE", pod, .json(status: 200, body: KubeFixtures.deletedStatus(name: name, kind: "pods", uid: "0f3b6c1e-8a4d-4c57-9e2f-5b1d7a9c3e10")))
    }

    static func run(_ api: ReplayedKubeAPI, _ job: AdmittedHPCGJob) throws -> RunRecord {
        try KubernetesHPCGBackend(client: try api.client(), namespace: "hpc", timeouts: fast, logger: quietLogger).run(job)
    }

    @Test func hpcgRunAgainstReplayedAPIServerReadsFigureOfMeritAndDeletesPod() throws {
        let api = try ReplayedKubeAPI()
        defer { api.stop() }
        let job = Self.admittedJob()
        Self.script(api, job, finalPhase: "Succeeded", log: KubeFixtures.hpcgReport(verdict: "Final Summary::HPCG result is VALID with a GFLOP/s rating of=10.8472"))

        let record = try Self.run(api, job)

        #expect(record == RunRecord(
            experiment: .model, group: "fom", iteration: 0, image: job.image, node: "hpc6a.48xlarge", reason: .success,
            figureOfMerit: 10.8472, selectionLatencyMilliseconds: 2.25))
        #expect(api.requestLines == [
            "POST \(Self.pods)", "GET \(Self.pod)", "GET \(Self.pod)", "GET \(Self.pod)", "GET \(Self.log)", "DELETE \(Self.pod)", "GET \(Self.pod)",
        ])
        let requests = api.requests
        #expect(requests[0].json?["metadata"]?["namespace"]?.stringValue == "hpc")
        #expect(requests[0].json?["spec"]?["nodeSelector"] == ["node.kubernetes.io/instance-type": "hpc6a.48xlarge"])
        #expect(requests[5].json == ["propagationPolicy": "Background"])
    }

    @Test func hpcgRunAgainstReplayedAPIServerRecordsInvalidResultAsUnknownWithoutFigureOfMerit() throws {
        let api = try ReplayedKubeAPI()
        defer { api.stop() }
        let job = Self.admittedJob()
        Self.script(api, job, finalPhase: "Succeeded", log: KubeFixtures.hpcgReport(verdict: "Final Summary::HPCG result is=INVALID."))

        let record = try Self.run(api, job)

        #expect(record.reason == .unknown)
        #expect(record.figureOfMerit == nil)
        #expect(api.requestLines.suffix(2) == ["DELETE \(Self.pod)", "GET \(Self.pod)"])
    }

    @Test func hpcgRunAgainstReplayedAPIServerRecordsExecFormatErrorAsArchitectureMismatch() throws {
        let api = try ReplayedKubeAPI()
        defer { api.stop() }
        let job = Self.admittedJob()
        Self.script(api, job, finalPhase: "Failed", log: "exec /opt/hpcg/xhpcg: exec format error\n")

        let record = try Self.run(api, job)

        #expect(record.reason == .archMismatch)
        #expect(record.figureOfMerit == nil)
        #expect(record.node == "hpc6a.48xlarge")
    }

    @Test func hpcgRunAgainstReplayedAPIServerNamesAMissingNamespace() throws {
        let api = try ReplayedKubeAPI()
        defer { api.stop() }
        api.enqueue("POST", Self.pods, .json(status: 404, body: KubeFixtures.status(
            code: 404, reason: "NotFound", message: "namespaces \"hpc\" not found", details: ["name": "hpc", "kind": "namespaces"])))

        #expect {
            try Self.run(api, Self.admittedJob())
        } throws: { error in
            "\(error)" == "creating Pod hpc/hpcg-fom-0: namespace 'hpc' does not exist; create it or pass --namespace"
        }
        #expect(api.requestLines == ["POST \(Self.pods)"])
    }
}
