import Foundation
import Synchronization
import Testing
@testable import CompatKube

@Suite struct NodeFeatureCacheTests {
    static func liveNodes(_ indices: [Int]) throws -> [KubeNode] {
        let labels = try APIFixtures.realNodeLabels()
        return indices.map { KubeNode(name: labels[$0]["kubernetes.io/hostname"] ?? "node-\($0)", labels: labels[$0]) }
    }

    @Test func startsEmptyAndUnsyncedThenSyncsOnTheFirstList() throws {
        let cache = NodeFeatureCache()
        #expect(!cache.snapshot.synced)
        #expect(cache.snapshot.nodes.isEmpty)
        cache.replaceLiveNodes(try Self.liveNodes([0, 1, 2]))
        let snapshot = cache.snapshot
        #expect(snapshot.synced)
        #expect(snapshot.nodes.map(\.instanceType) == ["hpc7g.16xlarge", "i4i.8xlarge", "t3.2xlarge"])
        #expect(snapshot.generation == 1)
        #expect(cache.statistics.synced)
        #expect(cache.statistics.liveNodes == 3)
    }

    @Test func emptyFirstListStillMarksTheCacheSynced() {
        let cache = NodeFeatureCache()
        cache.replaceLiveNodes([])
        #expect(cache.snapshot.synced)
        #expect(cache.snapshot.generation == 1)
    }

    @Test func heartbeatModificationKeepsTheSameSnapshot() throws {
        let cache = NodeFeatureCache()
        let nodes = try Self.liveNodes([0, 1])
        cache.replaceLiveNodes(nodes)
        let before = cache.snapshot
        #expect(cache.apply(.upsert(nodes[1])) == false)
        #expect(cache.snapshot === before)
        #expect(cache.statistics.eventsWithoutChange == 1)
        #expect(cache.statistics.snapshotsBuilt == 1)
        #expect(cache.statistics.lastEventAt != nil)
    }

    @Test func labelChangePublishesANewSnapshotAndOldReadersKeepTheirs() throws {
        let cache = NodeFeatureCache()
        var nodes = try Self.liveNodes([0, 1])
        cache.replaceLiveNodes(nodes)
        let held = cache.snapshot
        nodes[1].labels["feature.node.kubernetes.io/rdma.available"] = "true"
        #expect(cache.apply(.upsert(nodes[1])))
        let now = cache.snapshot
        #expect(now.generation == held.generation + 1)
        #expect(now.node(named: nodes[1].name)?.labels["feature.node.kubernetes.io/rdma.available"] == "true")
        #expect(held.node(named: nodes[1].name)?.labels["feature.node.kubernetes.io/rdma.available"] == nil)
    }

    @Test func cordonAndDeleteChangeTheCandidates() throws {
        let cache = NodeFeatureCache()
        var nodes = try Self.liveNodes([0, 1, 2])
        cache.replaceLiveNodes(nodes)
        nodes[0].unschedulable = true
        cache.apply(.upsert(nodes[0]))
        #expect(cache.snapshot.candidates.map(\.name) == [nodes[1].name, nodes[2].name].sorted())
        cache.apply(.delete(name: nodes[2].name))
        #expect(cache.snapshot.candidates.map(\.name) == [nodes[1].name])
        #expect(cache.snapshot.nodes.count == 2)
        #expect(cache.apply(.delete(name: "never-existed")) == false)
    }

    @Test func homogeneousMeansSameInstanceTypeAndFeatureLabels() throws {
        let labels = try APIFixtures.realNodeLabels()
        let gpuNodes = labels.filter { $0["node.kubernetes.io/instance-type"] == "g4dn.xlarge" }
        #expect(gpuNodes.count == 2)
        let cache = NodeFeatureCache()
        // Two nodes of one instance type with one OS: homogeneous, and the common labels keep the features.
        let amazonLinux = gpuNodes[0]
        cache.replaceLiveNodes([KubeNode(name: "a", labels: amazonLinux), KubeNode(name: "b", labels: amazonLinux.merging(["kubernetes.io/hostname": "b"]) { _, new in new })])
        #expect(cache.snapshot.isHomogeneous)
        #expect(cache.snapshot.commonLabels["feature.node.kubernetes.io/system-os_release.ID"] == "amzn")
        #expect(cache.snapshot.commonLabels["kubernetes.io/hostname"] == nil)
        // The same instance type with Bottlerocket differs in NFD features: not homogeneous.
        cache.apply(.upsert(KubeNode(name: "b", labels: gpuNodes[1])))
        #expect(!cache.snapshot.isHomogeneous)
        #expect(cache.snapshot.candidatesByInstanceType["g4dn.xlarge"]?.count == 2)
        #expect(cache.snapshot.commonLabels["feature.node.kubernetes.io/system-os_release.ID"] == nil)
        #expect(cache.snapshot.commonLabels["node.kubernetes.io/instance-type"] == "g4dn.xlarge")
    }

    @Test func controlPlaneNodesAreNotCandidates() {
        let cache = NodeFeatureCache()
        cache.replaceLiveNodes([
            KubeNode(name: "cp", labels: ["node-role.kubernetes.io/control-plane": "", "node.kubernetes.io/instance-type": "m5.large"]),
            KubeNode(name: "w", labels: ["node.kubernetes.io/instance-type": "c7g.16xlarge"]),
        ])
        #expect(cache.snapshot.candidates.map(\.name) == ["w"])
        #expect(cache.snapshot.nodes.map(\.name) == ["cp", "w"])
    }

    @Test func watchRestartsAreCountedByReasonWithZeros() {
        let cache = NodeFeatureCache()
        cache.recordWatchRestart(.gone)
        cache.recordWatchRestart(.timeout)
        cache.recordWatchRestart(.timeout)
        #expect(cache.statistics.watchRestartsByReason == ["timeout": 2, "gone": 1, "error": 0])
    }

    @Test func snapshotAgeCountsFromTheLastPublishedChange() throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_000))
        let cache = NodeFeatureCache(clock: { clock.now })
        cache.replaceLiveNodes(try Self.liveNodes([0]))
        clock.now = Date(timeIntervalSince1970: 1_042)
        cache.recordEvent()
        #expect(cache.statistics.snapshotAge(now: clock.now) == 42)
        #expect(cache.statistics.lastEventAt == Date(timeIntervalSince1970: 1_042))
    }
}

/// A settable wall clock for statistics.
final class ManualClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date) { current = Mutex(start) }

    var now: Date {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }
}
