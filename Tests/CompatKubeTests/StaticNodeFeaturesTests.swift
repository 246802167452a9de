import CompatCore
import Foundation
import Logging
import Testing
@testable import CompatKube

@Suite struct StaticNodeFeaturesTests {
    @Test func realFeatureFileBecomesStaticEntries() throws {
        let nodes = try StaticNodeFeatures.parse(try Data(contentsOf: APIFixtures.nodeFeaturesFile), fileName: "node-features.json")
        #expect(nodes.count == 25)
        #expect(nodes[0].name == "static/node-features.json/0")
        #expect(nodes[0].instanceType == "hpc7g.16xlarge")
        #expect(nodes.allSatisfy { $0.source == .staticFeatures(file: "node-features.json") && $0.isStatic })
    }

    @Test func liveNodesWinOverStaticEntriesOfTheSameInstanceTypeAndSkipListApplies() throws {
        let staticEntries = try StaticNodeFeatures.parse(try Data(contentsOf: APIFixtures.nodeFeaturesFile), fileName: "node-features.json")
        let labels = try APIFixtures.realNodeLabels()
        // Live: the c7g node (index 24) with a label the static copy lacks, so a win is visible.
        let live = KubeNode(name: "ip-live", labels: labels[24].merging(["example.com/live": "yes"]) { _, new in new })
        let cache = NodeFeatureCache(skipInstanceTypes: ["t3.2xlarge", "t3a.2xlarge"])
        cache.replaceStaticFeatures(["node-features.json": staticEntries])
        cache.replaceLiveNodes([live])
        let snapshot = cache.snapshot
        let c7g = snapshot.nodes.filter { $0.instanceType == "c7g.16xlarge" }
        #expect(c7g.map(\.name) == ["ip-live"])
        #expect(c7g.first?.labels["example.com/live"] == "yes")
        #expect(!snapshot.nodes.contains { $0.instanceType == "t3.2xlarge" || $0.instanceType == "t3a.2xlarge" })
        // 25 entries − 1 (c7g, live wins) − 2 (skip-listed) = 22 static, both g4dn variants kept.
        #expect(snapshot.staticNodeCount == 22)
        #expect(snapshot.liveNodeCount == 1)
        #expect(snapshot.candidatesByInstanceType["g4dn.xlarge"]?.count == 2)
        #expect(snapshot.candidatesByInstanceType["g4dn.xlarge"]?.allSatisfy(\.isStatic) == true)
        #expect(snapshot.candidatesByInstanceType.count == 22)
    }

    @Test func skipListAlsoKeepsLiveNodesOutOfTheCandidates() {
        let cache = NodeFeatureCache(skipInstanceTypes: ["t3.2xlarge"])
        cache.replaceLiveNodes([
            KubeNode(name: "system", labels: ["node.kubernetes.io/instance-type": "t3.2xlarge"]),
            KubeNode(name: "hpc", labels: ["node.kubernetes.io/instance-type": "hpc7g.16xlarge"]),
        ])
        #expect(cache.snapshot.nodes.map(\.name) == ["hpc", "system"])
        #expect(cache.snapshot.candidates.map(\.name) == ["hpc"])
    }

    @Test func entryWithoutInstanceTypeIsAnErrorNamingIt() {
        let text = #"[{"node.kubernetes.io/instance-type": "m5.large"}, {"kubernetes.io/arch": "amd64"}]"#
        #expect(throws: ArtifactDecodingError(
            path: FieldPath([.index(1)]),
            problem: "entry has no node.kubernetes.io/instance-type label; each static entry must name the instance type it stands for")) {
            try StaticNodeFeatures.parse(Array(text.utf8), fileName: "x.json")
        }
    }

    @Test func directoryReloadsOnlyWhenFilesChangeAndKeepsLastGoodEntries() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("a.json", #"[{"node.kubernetes.io/instance-type": "m5.large"}]"#)
        try directory.write("notes.txt", "ignored")
        let features = StaticFeatureDirectory(path: directory.path)
        let first = try #require(features.reload())
        #expect(first.entriesByFile.keys.sorted() == ["a.json"])
        #expect(features.reload() == nil)

        try directory.write("b.json", #"[{"node.kubernetes.io/instance-type": "c7g.16xlarge"}, {"node.kubernetes.io/instance-type": "c7a.12xlarge"}]"#)
        let second = try #require(features.reload())
        #expect(second.entriesByFile["b.json"]?.compactMap(\.instanceType) == ["c7g.16xlarge", "c7a.12xlarge"])

        try directory.write("a.json", #"[{"node.kubernetes.io/instance-type": 5}]"#)
        let third = try #require(features.reload())
        #expect(third.entriesByFile["a.json"]?.compactMap(\.instanceType) == ["m5.large"])
        #expect(third.errorsByFile["a.json"] == "[0][\"node.kubernetes.io/instance-type\"]: expected a string label value, found a number (Kubernetes label values are strings; quote it)")

        try FileManager.default.removeItem(atPath: directory.file("a.json"))
        let fourth = try #require(features.reload())
        #expect(fourth.entriesByFile.keys.sorted() == ["b.json"])
        #expect(fourth.errorsByFile.isEmpty)
    }

    @Test func pollerFeedsTheCacheWhenAFileAppears() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let cache = NodeFeatureCache()
        let poller = StaticFeaturePoller(
            directory: StaticFeatureDirectory(path: directory.path), cache: cache, interval: .milliseconds(20),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        poller.start()
        defer { poller.stop() }
        #expect(cache.snapshot.staticNodeCount == 0)
        try directory.write("features.json", #"[{"node.kubernetes.io/instance-type": "hpc7g.16xlarge"}]"#)
        let arrived = waitUntil(timeout: replayDeadline) { cache.snapshot.staticNodeCount == 1 }
        #expect(arrived)
        #expect(cache.snapshot.nodes.first?.name == "static/features.json/0")
    }
}
