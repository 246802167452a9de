import CompatCore
import CompatKube
import CompatRunner
import CompatSimulation
import Foundation
import Testing

/// A session on the Kubernetes backend: each job admitted by the embedded webhook, then run through
/// a replayed API server.
@Suite struct KubernetesSessionTests {
    @Test func sessionAgainstReplayedAPIServerSubmitsTheWebhooksChoiceAndKeepsTheLeaderLog() throws {
        let api = try ReplayedKubeAPI()
        defer { api.stop() }
        let name = "lammps-0-size-2"
        let collection = "/apis/flux-framework.org/v1alpha2/namespaces/hpc/miniclusters"
        let log = try KubernetesLAMMPSBackendTests.pilotLog("descriptive-basic", "lammps-0-size-2.log")
        api.enqueue("POST", collection, .created)
        api.enqueue("GET", "/api/v1/namespaces/hpc/pods", .json(status: 200, body: KubeFixtures.podList([
            KubeFixtures.miniClusterPod(
                miniCluster: name, namespace: "hpc", index: 0, suffix: "x7k2p", phase: "Succeeded", nodeName: "gke-node-1",
                image: "chosen", view: "view"),
        ])))
        api.enqueue("GET", "/api/v1/namespaces/hpc/pods/lammps-0-size-2-0-x7k2p/log", .log(log, pieceSize: 1024))
        api.enqueue("GET", "/api/v1/nodes/gke-node-1", .json(status: 200, body: KubeFixtures.node(name: "gke-node-1", instanceType: "c2d-standard-8")))
        api.enqueue("DELETE", collection + "/" + name, .json(status: 200, body: KubeFixtures.deletedStatus(name: name, kind: "miniclusters", uid: "0f3b6c1e")))
        api.enqueue("GET", collection + "/" + name, .json(status: 404, body: KubeFixtures.notFound("miniclusters", group: "flux-framework.org", name: name)))
        var options = SessionOptions(seed: 1, paths: RunnerTestPaths.paths, webhook: inProcessWebhook, logger: quietLogger)
        options.backend = .kubernetes(KubernetesBackends(client: try api.client(), namespace: "hpc", timeouts: KubernetesLAMMPSBackendTests.fast, logger: quietLogger))

        let result = try ExperimentSession(options: options).run(ExperimentPlan(seed: 1, entries: modes([.descriptiveBasic], iterations: 1)))

        let record = try #require(result.records.first)
        let submitted = try #require(api.requests.first?.json)
        #expect(result.records.count == 1)
        #expect(record.reason == .success && record.wallTimeSeconds == 11 && record.node == "c2d-standard-8")
        #expect(submitted["spec"]?["containers"]?.arrayValue?.first?["image"]?.stringValue == record.image)
        #expect(submitted["spec"]?["flux"]?["container"]?["image"]?.stringValue == record.view)
        #expect(result.logs.map(\.group) == ["descriptive-basic"])
        #expect(result.logs.map(\.name) == [name])
        #expect(result.logs.first?.text == log + "\n")
    }
}
