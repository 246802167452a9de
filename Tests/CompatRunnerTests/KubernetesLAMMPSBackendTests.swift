import CompatCore
import CompatKube
@testable import CompatRunner
import CompatSimulation
import Foundation
import Testing

/// The Kubernetes LAMMPS backend against a replayed API server: MiniCluster create, lead broker pod,
/// followed log, node lookup and deletion, on the happy path and when the cluster fails it.
@Suite struct KubernetesLAMMPSBackendTests {
    static let namespace = "hpc"
    static let name = "lammps-0-size-2"
    static let collection = "/apis/flux-framework.org/v1alpha2/namespaces/hpc/miniclusters"
    static let object = collection + "/" + name
    static let pods = "/api/v1/namespaces/hpc/pods"
    static let leaderPod = "lammps-0-size-2-0-x7k2p"
    static let leaderLog = pods + "/" + leaderPod + "/log"
    static let nodeName = "gke-lammps-default-pool-7c1d2b9e-k3xq"
    static let fast = KubernetesTimeouts(start: .seconds(5), run: .seconds(20), deletion: .seconds(5), pollInterval: .milliseconds(10))

    /// A real pilot log of the lammps-matrix experiment.
    static func pilotLog(_ mode: String, _ file: String) throws -> String {
        try String(contentsOfFile: RunnerTestPaths.shared + "/data/lammps-matrix/logs/\(mode)/\(file)", encoding: .utf8)
    }

    /// The first admission of the descriptive-basic mode as the runner hands it to a backend: the
    /// template's MiniCluster with a catalog image and a Flux view.
    static func admittedJob() throws -> AdmittedLAMMPSJob {
        let catalog = try RunnerTestPaths.paths.loadCatalog()
        let views = try RunnerTestPaths.paths.loadFluxViews()
        let image = try #require(catalog.images.first { $0.attributes.architecture == .amd64 && !$0.name.contains("gpu") })
        let view = try #require(views.views(for: .amd64).first)
        let executable = try #require(LAMMPSExecutable.carried(by: image.attributes))
        let object = LAMMPSJobTemplate(catalogReference: "file:///catalog").miniCluster(iteration: 0, mode: .descriptiveBasic, fluxView: view.image, seed: 11)
        return AdmittedLAMMPSJob(
            mode: .descriptiveBasic, iteration: 0, object: object, image: image, view: view, executable: executable,
            environmentScriptSourced: false, selectionLatencyMilliseconds: 3.5, viewDraws: 1)
    }

    static func leader(_ job: AdmittedLAMMPSJob, phase: String, scheduling: JSONValue? = nil) -> JSONValue {
        KubeFixtures.miniClusterPod(
            miniCluster: name, namespace: namespace, index: 0, suffix: "x7k2p", phase: phase,
            nodeName: phase == "Pending" && scheduling != nil ? nil : nodeName, image: job.image.name, view: job.view.image, scheduling: scheduling)
    }

    static func worker(_ job: AdmittedLAMMPSJob, phase: String) -> JSONValue {
        KubeFixtures.miniClusterPod(
            miniCluster: name, namespace: namespace, index: 1, suffix: "q9m4t", phase: phase,
            nodeName: "gke-lammps-default-pool-7c1d2b9e-w8vz", image: job.image.name, view: job.view.image)
    }

    /// Scripts a run whose leader starts on the second look, deleted with Foreground propagation.
    static func scriptStartedRun(_ api: ReplayedKubeAPI, _ job: AdmittedLAMMPSJob, log: ReplayedKubeAPI.Reply) {
        api.enqueue("POST", collection, .created)
        api.enqueue("GET", pods,
            .json(status: 200, body: KubeFixtures.podList([worker(job, phase: "Running"), leader(job, phase: "Pending")])),
            .json(status: 200, body: KubeFixtures.podList([worker(job, phase: "Running"), leader(job, phase: "Running")])))
        api.enqueue("GET", leaderLog, log)
        api.enqueue("DELETE", object, .json(status: 200, body: KubeFixtures.terminating(job.object)))
        api.enqueue("GET", object, .json(status: 404, body: KubeFixtures.notFound("miniclusters", group: "flux-framework.org", name: name)))
    }

    static func backend(_ api: ReplayedKubeAPI, timeouts: KubernetesTimeouts = fast) throws -> KubernetesLAMMPSBackend {
        KubernetesLAMMPSBackend(client: try api.client(), namespace: namespace, timeouts: timeouts, logger: quietLogger)
    }

    @Test func lammpsRunAgainstReplayedAPIServerClassifiesLeaderLogAndDeletesMiniCluster() throws {
        let api = try ReplayedKubeAPI()
        defer { api.stop() }
        let job = try Self.admittedJob()
        let log = try Self.pilotLog("descriptive-basic", "lammps-0-size-2.log")
        Self.scriptStartedRun(api, job, log: .log(log, pieceSize: 700))
        api.enqueue("GET", "/api/v1/nodes/" + Self.nodeName, .json(status: 200, body: KubeFixtures.node(name: Self.nodeName, instanceType: "c2d-standard-8")))
        let backend = try Self.backend(api)

        let record = try backend.run(job)

        #expect(record == RunRecord(
            experiment: .lammps, group: "descriptive-basic", iteration: 0, image: job.image.name, view: job.view.image,
            node: "c2d-standard-8", reason: .success, wallTimeSeconds: 11, selectionLatencyMilliseconds: 3.5))
        #expect(api.requestLines == [
            "POST \(Self.collection)", "GET \(Self.pods)", "GET \(Self.pods)", "GET \(Self.leaderLog)",
            "GET /api/v1/nodes/\(Self.nodeName)", "DELETE \(Self.object)", "GET \(Self.object)",
        ])
        let requests = api.requests
        #expect(requests[0].json?["metadata"]?["namespace"]?.stringValue == "hpc")
        #expect(requests[0].json?["spec"] == job.object["spec"])
        #expect(requests[1].query["labelSelector"] == "job-name=lammps-0-size-2")
        #expect(requests[3].query["follow"] == "true")
        #expect(requests[3].query["container"] == nil)
        #expect(requests[5].json == ["propagationPolicy": "Foreground"])
        #expect(backend.logs.count == 1)
        #expect(backend.logs.first?.name == "lammps-0-size-2")
        #expect(backend.logs.first?.log == log + "\n")
    }

    @Test func lammpsRunAgainstReplayedAPIServerRecordsOSABIFailureAndNodeNameWhenNodesAreForbidden() throws {
        let api = try ReplayedKubeAPI()
        defer { api.stop() }
        let job = try Self.admittedJob()
        Self.scriptStartedRun(api, job, log: .log(try Self.pilotLog("basic", "lammps-1-size-2.log"), pieceSize: 512))
        api.enqueue("GET", "/api/v1/nodes/" + Self.nodeName, .json(status: 403, body: KubeFixtures.nodesForbidden))

        let record = try Self.backend(api).run(job)

        #expect(record.reason == .osABI)
        #expect(record.wallTimeSeconds == nil)
        #expect(record.node == Self.nodeName)
        #expect(api.requestLines.suffix(2) == ["DELETE \(Self.object)", "GET \(Self.object)"])
    }

    @Test func lammpsRunAgainstReplayedAPIServerDeletesMiniClusterWhenLogStreamFails() throws {
        let api = try ReplayedKubeAPI()
        defer { api.stop() }
        let job = try Self.admittedJob()
        let refusal = KubeFixtures.status(
            code: 400, reason: "BadRequest",
            message: "container \"lammps-0-size-2\" in pod \"lammps-0-size-2-0-x7k2p\" is waiting to start: ContainerCreating")
        Self.scriptStartedRun(api, job, log: .json(status: 400, body: refusal))
        let backend = try Self.backend(api)

        #expect {
            try backend.run(job)
        } throws: { error in
            "\(error)".hasPrefix("streaming the log of lead broker pod hpc/lammps-0-size-2-0-x7k2p: GET \(Self.leaderLog)?follow=true: HTTP 400 BadRequest")
        }
        #expect(api.requestLines == [
            "POST \(Self.collection)", "GET \(Self.pods)", "GET \(Self.pods)", "GET \(Self.leaderLog)", "DELETE \(Self.object)", "GET \(Self.object)",
        ])
        #expect(backend.logs.isEmpty)
    }

    @Test func lammpsRunAgainstReplayedAPIServerReportsMissingFluxOperatorCRD() throws {
        let api = try ReplayedKubeAPI()
        defer { api.stop() }
        api.enqueue("POST", Self.collection, .json(status: 404, body: KubeFixtures.resourceNotServed))

        #expect {
            try Self.backend(api).run(try Self.admittedJob())
        } throws: { error in
            "\(error)".contains("creating MiniCluster hpc/lammps-0-size-2: the Flux Operator CRD is not installed")
        }
        #expect(api.requestLines == ["POST \(Self.collection)"])
    }

    @Test func lammpsRunAgainstReplayedAPIServerReplacesMiniClusterLeftByAnAbortedRun() throws {
        let api = try ReplayedKubeAPI()
        defer { api.stop() }
        let job = try Self.admittedJob()
        api.enqueue("POST", Self.collection, .json(status: 409, body: KubeFixtures.alreadyExists("miniclusters", group: "flux-framework.org", name: Self.name)))
        api.enqueue("DELETE", Self.object, .json(status: 200, body: KubeFixtures.terminating(job.object)))
        api.enqueue("GET", Self.object,
            .json(status: 200, body: KubeFixtures.terminating(job.object)),
            .json(status: 404, body: KubeFixtures.notFound("miniclusters", group: "flux-framework.org", name: Self.name)))
        Self.scriptStartedRun(api, job, log: .log(try Self.pilotLog("descriptive-basic", "lammps-0-size-2.log"), pieceSize: 4096))
        api.enqueue("GET", "/api/v1/nodes/" + Self.nodeName, .json(status: 200, body: KubeFixtures.node(name: Self.nodeName, instanceType: "c2d-standard-8")))

        let record = try Self.backend(api).run(job)

        #expect(record.reason == .success)
        #expect(api.requestLines == [
            "POST \(Self.collection)", "DELETE \(Self.object)", "GET \(Self.object)", "GET \(Self.object)",
            "POST \(Self.collection)", "GET \(Self.pods)", "GET \(Self.pods)", "GET \(Self.leaderLog)",
            "GET /api/v1/nodes/\(Self.nodeName)", "DELETE \(Self.object)", "GET \(Self.object)",
        ])
    }

    @Test func lammpsRunAgainstReplayedAPIServerGivesUpOnUnschedulableLeaderAndDeletesMiniCluster() throws {
        let api = try ReplayedKubeAPI()
        defer { api.stop() }
        let job = try Self.admittedJob()
        api.enqueue("POST", Self.collection, .created)
        api.always("GET", Self.pods, .json(status: 200, body: KubeFixtures.podList([Self.leader(job, phase: "Pending", scheduling: KubeFixtures.unschedulable)])))
        api.enqueue("DELETE", Self.object, .json(status: 200, body: KubeFixtures.terminating(job.object)))
        api.enqueue("GET", Self.object, .json(status: 404, body: KubeFixtures.notFound("miniclusters", group: "flux-framework.org", name: Self.name)))
        var timeouts = Self.fast
        timeouts.start = .milliseconds(200)

        #expect {
            try Self.backend(api, timeouts: timeouts).run(job)
        } throws: { error in
            "\(error)".hasPrefix("lead broker pod hpc/lammps-0-size-2-0-x7k2p is still Pending after 0.2 seconds (Unschedulable: 0/5 nodes are available: 5 Insufficient cpu.")
        }
        let lines = api.requestLines
        #expect(lines.first == "POST \(Self.collection)")
        #expect(lines.dropFirst().prefix { $0 == "GET \(Self.pods)" }.count >= 2)
        #expect(lines.suffix(2) == ["DELETE \(Self.object)", "GET \(Self.object)"])
    }

    @Test func lammpsRunAgainstReplayedAPIServerStopsALogThatNeverEndsAndDeletesMiniCluster() throws {
        let api = try ReplayedKubeAPI()
        defer { api.stop() }
        let job = try Self.admittedJob()
        let brokerStart = try Self.pilotLog("descriptive-basic", "lammps-0-size-2.log").split(separator: "\n").prefix(5).joined(separator: "\n") + "\n"
        #expect(LogClassifier.classify(brokerStart).reason == .unknown)
        Self.scriptStartedRun(api, job, log: .endlessLog(prefix: brokerStart))
        var timeouts = Self.fast
        timeouts.run = .milliseconds(300)

        #expect {
            try Self.backend(api, timeouts: timeouts).run(job)
        } throws: { error in
            "\(error)".hasPrefix("the log of lead broker pod hpc/lammps-0-size-2-0-x7k2p did not end within 0.3 seconds and says nothing classifiable")
        }
        #expect(api.requestLines.suffix(2) == ["DELETE \(Self.object)", "GET \(Self.object)"])
    }
}
