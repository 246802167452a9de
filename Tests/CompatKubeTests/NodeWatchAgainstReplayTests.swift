import CompatCore
import Foundation
import Testing
@testable import CompatKube

@Suite struct NodeWatchAgainstReplayTests {
    /// Three real nodes listed at resource version 100.
    private func startWithThreeNodes(_ harness: ReplayHarness) throws -> [[String: String]] {
        let labels = Array(try APIFixtures.realNodeLabels().prefix(4))
        let objects = labels.prefix(3).enumerated().map { APIFixtures.node(name: "node-\($0.offset)", labels: $0.element, resourceVersion: "100") }
        harness.server.script.enqueueNodeLists(ReplayScript.nodeListPages(objects, pageSize: 10, resourceVersion: "100"))
        return labels
    }

    @Test func chunkedWatchEventsAreAppliedToTheCache_againstReplayedAPI() throws {
        let harness = try ReplayHarness()
        defer { harness.shutDown() }
        let labels = try startWithThreeNodes(harness)
        var relabelled = labels[0]
        relabelled["feature.node.kubernetes.io/rdma.available"] = "true"
        let events = APIFixtures.watchLine("ADDED", APIFixtures.node(name: "node-3", labels: labels[3], resourceVersion: "101"))
            + APIFixtures.watchLine("MODIFIED", APIFixtures.node(name: "node-0", labels: relabelled, resourceVersion: "102"))
            + APIFixtures.watchLine("MODIFIED", APIFixtures.node(name: "node-1", labels: labels[1], resourceVersion: "103", heartbeat: "2025-06-02T14:08:22Z"))
            + APIFixtures.watchLine("DELETED", APIFixtures.node(name: "node-2", labels: labels[2], resourceVersion: "104"))
        // 97-byte pieces: every event (several KB) spans many chunks, and chunk ends fall mid-token.
        harness.server.script.enqueueNodeWatch(.stream(ReplayScript.pieces(events, size: 97) + [.hold]))
        harness.watcher.start()

        #expect(waitUntil(timeout: replayDeadline) { harness.watcher.currentProgress.resourceVersion == "104" })
        let snapshot = harness.cache.snapshot
        #expect(snapshot.nodes.map(\.name) == ["node-0", "node-1", "node-3"])
        #expect(snapshot.node(named: "node-0")?.labels["feature.node.kubernetes.io/rdma.available"] == "true")
        #expect(snapshot.node(named: "node-3")?.instanceType == "d3.4xlarge")
        // List + ADDED + relabel + DELETE built snapshots; the heartbeat did not.
        #expect(harness.cache.statistics.snapshotsBuilt == 4)
        #expect(harness.cache.statistics.eventsWithoutChange == 1)

        let watch = try #require(harness.server.script.nodeWatchRequests.first)
        #expect(watch.query["watch"] == "1")
        #expect(watch.query["resourceVersion"] == "100")
        #expect(watch.query["allowWatchBookmarks"] == "true")
        #expect((300...600).contains(Int(watch.query["timeoutSeconds"] ?? "") ?? 0))
    }

    @Test func bookmarkMovesTheResumePointAndServerTimeoutRewatchesWithoutListing_againstReplayedAPI() throws {
        let harness = try ReplayHarness()
        defer { harness.shutDown() }
        _ = try startWithThreeNodes(harness)
        // The first watch sees only a bookmark, then the server ends it (its timeoutSeconds).
        harness.server.script.enqueueNodeWatch(.stream(ReplayScript.pieces(APIFixtures.watchLine("BOOKMARK", APIFixtures.bookmark(resourceVersion: "150")), size: 16)))
        harness.watcher.start()

        #expect(waitUntil(timeout: replayDeadline) { harness.server.script.nodeWatchRequests.count == 2 })
        let watches = harness.server.script.nodeWatchRequests
        #expect(watches.map { $0.query["resourceVersion"] } == ["100", "150"])
        #expect(harness.server.script.nodeListRequests.count == 1)
        #expect(harness.cache.statistics.watchRestarts == [.timeout: 1])
        #expect(harness.cache.snapshot.liveNodeCount == 3)
    }

    @Test func watchRelistsAfterInStreamErrorGone_againstReplayedAPI() throws {
        let harness = try ReplayHarness()
        defer { harness.shutDown() }
        let labels = try startWithThreeNodes(harness)
        harness.server.script.enqueueNodeWatch(.stream(ReplayScript.pieces(
            APIFixtures.watchLine("ADDED", APIFixtures.node(name: "node-3", labels: labels[3], resourceVersion: "101")) + APIFixtures.goneWatchLine, size: 251)))
        // After the relist the cluster has two nodes only (node-0 and a new node-9) at resource version 500.
        let relisted = [
            APIFixtures.node(name: "node-0", labels: labels[0], resourceVersion: "480"),
            APIFixtures.node(name: "node-9", labels: labels[3], resourceVersion: "499"),
        ]
        harness.server.script.enqueueNodeLists(ReplayScript.nodeListPages(relisted, pageSize: 10, resourceVersion: "500"))
        harness.watcher.start()

        #expect(waitUntil(timeout: replayDeadline) { harness.server.script.nodeWatchRequests.count == 2 })
        let lists = harness.server.script.nodeListRequests
        #expect(lists.count == 2)
        // The relist is a consistent read: no resourceVersion at all.
        #expect(lists[1].query == ["limit": "10"])
        #expect(harness.server.script.nodeWatchRequests[1].query["resourceVersion"] == "500")
        #expect(harness.cache.snapshot.nodes.map(\.name) == ["node-0", "node-9"])
        #expect(harness.cache.statistics.watchRestarts == [.gone: 1])
        #expect(harness.cache.snapshot.synced)
    }

    @Test func watchRelistsAfterHTTP410Gone_againstReplayedAPI() throws {
        let harness = try ReplayHarness()
        defer { harness.shutDown() }
        let labels = try startWithThreeNodes(harness)
        harness.server.script.enqueueNodeWatch(.json(status: 410, body: APIFixtures.goneStatusBody))
        harness.server.script.enqueueNodeLists(ReplayScript.nodeListPages(
            [APIFixtures.node(name: "node-5", labels: labels[1], resourceVersion: "700")], pageSize: 10, resourceVersion: "701"))
        harness.watcher.start()

        #expect(waitUntil(timeout: replayDeadline) { harness.server.script.nodeWatchRequests.count == 2 })
        #expect(harness.server.script.nodeListRequests.map(\.query) == [["limit": "10", "resourceVersion": "0"], ["limit": "10"]])
        #expect(harness.server.script.nodeWatchRequests[1].query["resourceVersion"] == "701")
        #expect(harness.cache.snapshot.nodes.map(\.name) == ["node-5"])
        #expect(harness.cache.statistics.watchRestarts == [.gone: 1])
    }

    @Test func connectionCutMidEventRewatchesFromTheLastVersionWithoutRelisting_againstReplayedAPI() throws {
        let harness = try ReplayHarness()
        defer { harness.shutDown() }
        let labels = try startWithThreeNodes(harness)
        let added = APIFixtures.watchLine("ADDED", APIFixtures.node(name: "node-3", labels: labels[3], resourceVersion: "201"))
        let half = String(APIFixtures.watchLine("DELETED", APIFixtures.node(name: "node-0", labels: labels[0], resourceVersion: "202")).prefix(300))
        harness.server.script.enqueueNodeWatch(.stream(ReplayScript.pieces(added + half, size: 512) + [.endMidEvent]))
        harness.watcher.start()

        #expect(waitUntil(timeout: replayDeadline) { harness.server.script.nodeWatchRequests.count == 2 })
        #expect(harness.server.script.nodeWatchRequests.map { $0.query["resourceVersion"] } == ["100", "201"])
        #expect(harness.server.script.nodeListRequests.count == 1)
        #expect(harness.cache.statistics.watchRestarts == [.error: 1])
        // The half-received DELETE was not applied.
        #expect(harness.cache.snapshot.nodes.map(\.name) == ["node-0", "node-1", "node-2", "node-3"])
    }

    @Test func inStreamErrorOtherThanGoneRewatchesWithoutListing_againstReplayedAPI() throws {
        let harness = try ReplayHarness()
        defer { harness.shutDown() }
        _ = try startWithThreeNodes(harness)
        let internalError = #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"etcdserver: request timed out","reason":"InternalError","code":500}}"# + "\n"
        harness.server.script.enqueueNodeWatch(.stream(ReplayScript.pieces(internalError, size: 40)))
        harness.watcher.start()

        #expect(waitUntil(timeout: replayDeadline) { harness.server.script.nodeWatchRequests.count == 2 })
        #expect(harness.server.script.nodeWatchRequests.map { $0.query["resourceVersion"] } == ["100", "100"])
        #expect(harness.server.script.nodeListRequests.count == 1)
        #expect(harness.cache.statistics.watchRestarts == [.error: 1])
    }

    @Test func stopEndsAnIdleWatchPromptly_againstReplayedAPI() throws {
        let harness = try ReplayHarness()
        defer { harness.server.stop() }
        _ = try startWithThreeNodes(harness)
        harness.watcher.start()
        #expect(waitUntil(timeout: replayDeadline) { harness.server.script.nodeWatchRequests.count == 1 })
        // The watch is open and silent (the script holds it); stop must not wait for the server.
        #expect(harness.watcher.stop(timeout: .seconds(5)))
    }
}
