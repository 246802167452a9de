import CompatCore
import Foundation
import Testing
@testable import CompatKube

@Suite struct StaticFeaturesWithLiveNodesAgainstReplayTests {
    @Test func staticEntriesFillInInstanceTypesTheListLacks_againstReplayedAPI() throws {
        let harness = try ReplayHarness(skipInstanceTypes: ["t3.2xlarge"])
        defer { harness.shutDown() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.copyItem(atPath: APIFixtures.nodeFeaturesFile.path, toPath: directory.file("node-features.json"))
        let poller = StaticFeaturePoller(
            directory: StaticFeatureDirectory(path: directory.path), cache: harness.cache, interval: .seconds(60), logger: ReplayHarness.quietLogger)
        poller.start()
        defer { poller.stop() }
        #expect(harness.cache.snapshot.staticNodeCount == 24)
        #expect(!harness.cache.snapshot.synced)

        // Live: the first five real nodes, with a label the static copies lack.
        let live = try Array(ReplayHarness.realNodeObjects().prefix(5)).map { object -> JSONValue in
            guard case .object(var root) = object, case .object(var metadata)? = root["metadata"], case .object(var labels)? = metadata["labels"] else { return object }
            labels["example.com/live"] = "yes"
            metadata["labels"] = .object(labels)
            root["metadata"] = .object(metadata)
            return .object(root)
        }
        harness.server.script.enqueueNodeLists(ReplayScript.nodeListPages(live, pageSize: 10, resourceVersion: "42"))
        harness.watcher.start()
        #expect(waitUntil(timeout: replayDeadline) { harness.cache.snapshot.synced })

        let snapshot = harness.cache.snapshot
        let liveTypes = Set(snapshot.nodes.filter { !$0.isStatic }.compactMap(\.instanceType))
        #expect(liveTypes == ["hpc7g.16xlarge", "i4i.8xlarge", "t3.2xlarge", "d3.4xlarge", "r6a.12xlarge"])
        // 25 static entries minus 5 types now live (the t3.2xlarge one is also skip-listed): 20 remain.
        #expect(snapshot.staticNodeCount == 20)
        #expect(snapshot.nodes.filter { $0.instanceType == "hpc7g.16xlarge" }.allSatisfy { $0.labels["example.com/live"] == "yes" })
        #expect(snapshot.candidates.contains { $0.instanceType == "t3.2xlarge" } == false)
        #expect(snapshot.candidatesByInstanceType["g4dn.xlarge"]?.count == 2)
    }
}
