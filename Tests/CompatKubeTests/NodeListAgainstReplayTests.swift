import CompatCore
import Foundation
import Testing
@testable import CompatKube

@Suite struct NodeListAgainstReplayTests {
    @Test func listFollowsContinuePagesFromResourceVersionZero_againstReplayedAPI() throws {
        let harness = try ReplayHarness()
        defer { harness.shutDown() }
        let nodes = try ReplayHarness.realNodeObjects()
        let pages = ReplayScript.nodeListPages(nodes, pageSize: 10, resourceVersion: "8812")
        #expect(pages.count == 3)
        harness.server.script.enqueueNodeLists(pages)
        harness.watcher.start()
        #expect(waitUntil(timeout: replayDeadline) { harness.cache.snapshot.synced })

        let snapshot = harness.cache.snapshot
        #expect(snapshot.liveNodeCount == 25)
        #expect(snapshot.node(named: "ip-192-168-14-154.ec2.internal")?.instanceType == "hpc7g.16xlarge")
        let lists = harness.server.script.nodeListRequests
        #expect(lists.count == 3)
        #expect(lists[0].query == ["limit": "10", "resourceVersion": "0"])
        // Later pages carry the previous page's continue token and no resourceVersion.
        for (index, request) in lists.dropFirst().enumerated() {
            guard case .json(_, let body) = pages[index] else { continue }
            let token = try JSONParser().parse(body)["metadata"]?["continue"]?.stringValue
            #expect(request.query == ["limit": "10", "continue": token ?? "<none>"])
        }
        #expect(waitUntil(timeout: replayDeadline) { harness.server.script.nodeWatchRequests.count == 1 })
        #expect(harness.server.script.nodeWatchRequests.first?.query["resourceVersion"] == "8812")
    }

    @Test func readinessFlipsOnlyAfterTheFirstCompleteList_againstReplayedAPI() throws {
        let harness = try ReplayHarness()
        defer { harness.shutDown() }
        // No list scripted yet: every list attempt gets a 500 Status and is retried with backoff.
        harness.watcher.start()
        #expect(waitUntil(timeout: replayDeadline) { harness.server.script.nodeListRequests.count >= 2 })
        #expect(!harness.cache.snapshot.synced)
        #expect(harness.watcher.currentProgress.lists == 0)

        harness.server.script.enqueueNodeLists(ReplayScript.nodeListPages(try ReplayHarness.realNodeObjects(), pageSize: 10, resourceVersion: "9000"))
        #expect(waitUntil(timeout: replayDeadline) { harness.cache.snapshot.synced })
        #expect(harness.cache.snapshot.liveNodeCount == 25)
        #expect(harness.watcher.currentProgress.lists == 1)
    }

    @Test func genericListFollowsContinueTokens_againstReplayedAPI() throws {
        let harness = try ReplayHarness()
        defer { harness.shutDown() }
        harness.server.script.enqueueNodeLists(ReplayScript.nodeListPages(try ReplayHarness.realNodeObjects(), pageSize: 4, resourceVersion: "77"))
        let (items, version) = try harness.client.list(KubePath.nodes(), pageSize: 4)
        #expect(items.count == 25)
        #expect(version == "77")
        #expect(harness.server.script.nodeListRequests.count == 7)
        #expect(harness.server.script.nodeListRequests[0].query == ["limit": "4"])
    }
}
