import CompatCore
import CompatTransport
import Foundation
import Testing
@testable import CompatKube

@Suite struct GenericRequestsAgainstReplayTests {
    static let miniClusters = KubePath.customResource(group: "flux-framework.org", version: "v1alpha2", namespace: "hpc", plural: "miniclusters")

    static let miniCluster: JSONValue = [
        "apiVersion": "flux-framework.org/v1alpha2",
        "kind": "MiniCluster",
        "metadata": ["name": "lammps-run-1", "namespace": "hpc", "labels": ["compat.run/id": "run-1"]],
        "spec": ["size": 4, "containers": [["image": "ghcr.io/converged-computing/metric-lammps:latest", "command": "lmp -in in.reaxff.hns"]]],
    ]

    @Test func createGetAndDeleteACustomResource_againstReplayedAPI() throws {
        let harness = try ReplayHarness()
        defer { harness.shutDown() }
        let path = Self.miniClusters
        var created = Self.miniCluster.objectValue ?? JSONObject()
        created["metadata"] = ["name": "lammps-run-1", "namespace": "hpc", "uid": "0b7e4c1a-5d2f-4a3b-9c8d-7e6f5a4b3c2d", "resourceVersion": "33120"]
        let script = harness.server.script
        script.enqueue("POST", path, .json(status: 201, body: JSONValue.object(created).serialized()))
        script.enqueue("GET", path + "/lammps-run-1", .json(status: 200, body: JSONValue.object(created).serialized()))
        script.enqueue("DELETE", path + "/lammps-run-1", .json(status: 200, body: #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"lammps-run-1","group":"flux-framework.org","kind":"miniclusters","uid":"0b7e4c1a-5d2f-4a3b-9c8d-7e6f5a4b3c2d"}}"#))
        script.enqueue("GET", path + "/lammps-run-1", .json(status: 404, body: APIFixtures.notFoundStatusBody(kind: "miniclusters.flux-framework.org", name: "lammps-run-1")))

        let answer = try harness.client.post(path, body: Self.miniCluster)
        #expect(answer["metadata"]?["resourceVersion"] == "33120")
        #expect(try harness.client.get(path + "/lammps-run-1")["spec"]?["size"] == 4)
        #expect(try harness.client.delete(path + "/lammps-run-1", body: ["propagationPolicy": "Foreground"])["status"] == "Success")
        do {
            _ = try harness.client.get(path + "/lammps-run-1")
            Issue.record("expected 404")
        } catch {
            #expect(error.httpStatus == 404)
            #expect(error.status?.reason == "NotFound")
            #expect(error.description == #"GET /apis/flux-framework.org/v1alpha2/namespaces/hpc/miniclusters/lammps-run-1: HTTP 404 NotFound: miniclusters.flux-framework.org "lammps-run-1" not found"#)
        }

        let requests = script.requests
        #expect(requests.map(\.method) == ["POST", "GET", "DELETE", "GET"])
        #expect(try JSONParser().parse(requests[0].body) == Self.miniCluster)
        #expect(try JSONParser().parse(requests[2].body) == ["propagationPolicy": "Foreground"])
    }

    @Test func listPodsSendsTheEncodedLabelSelector_againstReplayedAPI() throws {
        let harness = try ReplayHarness()
        defer { harness.shutDown() }
        let pods = #"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"5120"},"items":[{"metadata":{"name":"lammps-run-1-0","namespace":"hpc"}},{"metadata":{"name":"lammps-run-1-1","namespace":"hpc"}}]}"#
        harness.server.script.enqueue("GET", "/api/v1/namespaces/hpc/pods", .json(status: 200, body: pods))
        let items = try harness.client.listPods(namespace: "hpc", labelSelector: "job-name in (lammps-run-1),!canary")
        #expect(items.compactMap { $0["metadata"]?["name"]?.stringValue } == ["lammps-run-1-0", "lammps-run-1-1"])
        #expect(harness.server.script.requests.first?.query == ["labelSelector": "job-name in (lammps-run-1),!canary", "limit": "500"])
    }

    @Test func podLogStreamsLinesAcrossChunks_againstReplayedAPI() throws {
        let harness = try ReplayHarness()
        defer { harness.shutDown() }
        let log = "LAMMPS (29 Aug 2024 - Update 1)\r\nOMP_NUM_THREADS environment is not set. Defaulting to 1 thread.\nLoop time of 31.4159 on 64 procs for 100 steps with 304 atoms\nTotal wall time: 0:00:34"
        harness.server.script.enqueue("GET", "/api/v1/namespaces/hpc/pods/lammps-run-1-0/log", .stream(ReplayScript.pieces(log, size: 11)))
        var lines: [String] = []
        try harness.client.streamLog(namespace: "hpc", pod: "lammps-run-1-0", container: "lammps") { line in
            lines.append(line)
            return true
        }
        #expect(lines == [
            "LAMMPS (29 Aug 2024 - Update 1)",
            "OMP_NUM_THREADS environment is not set. Defaulting to 1 thread.",
            "Loop time of 31.4159 on 64 procs for 100 steps with 304 atoms",
            "Total wall time: 0:00:34",
        ])
        #expect(harness.server.script.requests.first?.query == ["container": "lammps", "follow": "true"])
    }

    @Test func tlsWithTheClusterCAWorksAndAnotherCAIsRefused_againstReplayedAPI() throws {
        let harness = try ReplayHarness(tls: true)
        defer { harness.shutDown() }
        #expect(harness.server.baseURL.hasPrefix("https://127.0.0.1:"))
        harness.server.script.enqueueNodeLists(ReplayScript.nodeListPages(try ReplayHarness.realNodeObjects(), pageSize: 25, resourceVersion: "1"))
        #expect(try harness.client.list(KubePath.nodes()).items.count == 25)

        let otherCA = try CertificateAuthority.generate(commonName: "some-other-cluster-ca")
        var wrong = harness.server.connection()
        wrong.certificateAuthority = .inline(Array(otherCA.certificatePEM.utf8))
        let untrusting = try KubeClient(connection: wrong, logger: ReplayHarness.quietLogger)
        do {
            _ = try untrusting.get(KubePath.nodes())
            Issue.record("expected a TLS failure")
        } catch {
            guard case .transport(let detail) = error.kind else {
                Issue.record("expected a transport error, found \(error)")
                return
            }
            #expect(detail.contains("TLS certificate verification failed"))
        }
    }

    @Test func unreachableServerIsATransportError() throws {
        // A loopback port with no listener: bind one, note its port, close it.
        let probe = try ReplayAPIServer()
        let url = probe.baseURL
        probe.stop()
        let client = try KubeClient(connection: KubeConnection(server: url), logger: ReplayHarness.quietLogger, requestTimeout: .seconds(5))
        do {
            _ = try client.get(KubePath.nodes())
            Issue.record("expected a transport error")
        } catch {
            guard case .transport = error.kind else {
                Issue.record("expected a transport error, found \(error)")
                return
            }
            #expect(error.description.hasPrefix("GET /api/v1/nodes: no response from the API server: "))
        }
    }
}

@Suite struct DroppedWatchConnectionTests {
    @Test func droppedConnectionIsATransportErrorAfterTheEventsReceived() throws {
        let labels = try APIFixtures.realNodeLabels()
        let added = APIFixtures.watchLine("ADDED", APIFixtures.node(name: "node-1", labels: labels[1], resourceVersion: "301"))
        let next = APIFixtures.watchLine("MODIFIED", APIFixtures.node(name: "node-1", labels: labels[1], resourceVersion: "302"))
        let listener = try DroppingListener(chunks: [added, String(next.prefix(200))])
        let client = try KubeClient(connection: KubeConnection(server: "http://127.0.0.1:\(listener.port)"), logger: ReplayHarness.quietLogger)
        var received: [String?] = []
        do {
            try client.watch(KubePath.nodes([("watch", "1"), ("resourceVersion", "300")])) { event in
                received.append(event.resourceVersion)
                return true
            }
            Issue.record("expected the drop to be an error")
        } catch {
            guard case .transport(let detail) = error.kind else {
                Issue.record("expected a transport error, found \(error)")
                return
            }
            #expect(detail.contains("connection closed unexpectedly"))
        }
        #expect(received == ["301"])
    }
}
