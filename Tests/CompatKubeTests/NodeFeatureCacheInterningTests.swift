import Foundation
import Testing
@testable import CompatKube

/// The cache stores nodes on shared label texts and keeps its interner bounded while nodes churn.
@Suite struct NodeFeatureCacheInterningTests {
    static func fresh(_ text: String) -> String {
        String(decoding: Array(text.utf8), as: UTF8.self)
    }

    @Test func nodesStoredByTheCacheShareTheirLabelTexts() throws {
        let cache = NodeFeatureCache()
        let key = "feature.node.kubernetes.io/cpu-model.vendor_id"
        cache.replaceLiveNodes([
            KubeNode(name: "a", labels: [Self.fresh(key): Self.fresh("AuthenticAMD-family-25")]),
            KubeNode(name: "b", labels: [Self.fresh(key): Self.fresh("AuthenticAMD-family-25")]),
        ])
        let a = try #require(cache.snapshot.node(named: "a"))
        let b = try #require(cache.snapshot.node(named: "b"))
        #expect(a.labels == [key: "AuthenticAMD-family-25"])
        #expect(LabelInterner.sharesStorage(a.labels.keys.first!, b.labels.keys.first!))
        #expect(LabelInterner.sharesStorage(a.labels.values.first!, b.labels.values.first!))
        #expect(cache.labelInterner.count == 2)
    }

    @Test func watchEventNodeIsStoredOnTheTextsOfTheNodesAlreadyCached() throws {
        let cache = NodeFeatureCache()
        let labels = try APIFixtures.realNodeLabels()
        cache.replaceLiveNodes([KubeNode(name: "first", labels: labels[0])])
        let object = APIFixtures.node(name: "second", labels: labels[0], resourceVersion: "2")
        #expect(cache.apply(.upsert(try KubeNode(apiObject: object, interner: cache.labelInterner))))
        let first = try #require(cache.snapshot.node(named: "first"))
        let second = try #require(cache.snapshot.node(named: "second"))
        #expect(second.labels == labels[0])
        let key = "feature.node.kubernetes.io/cpu-cpuid.ASIMD"
        let firstKey = try #require(first.labels.keys.first { $0 == key })
        let secondKey = try #require(second.labels.keys.first { $0 == key })
        #expect(LabelInterner.sharesStorage(firstKey, secondKey))
    }

    @Test func churnOfNodesWithUniqueLabelsKeepsTheInternerBounded() throws {
        let cache = NodeFeatureCache(labelInterner: LabelInterner(minimumPruneThreshold: 64))
        // 1000 nodes come and go, each with a label value no other node has; at most 5 exist at once.
        for index in 0..<1000 {
            let node = KubeNode(name: "node-\(index)", labels: [
                "node.kubernetes.io/instance-type": "m5.large", "example.com/ephemeral-instance-id": "i-0123456789abcdef-\(index)",
            ])
            #expect(cache.apply(.upsert(node)))
            if index >= 5 { #expect(cache.apply(.delete(name: "node-\(index - 5)"))) }
            #expect(cache.labelInterner.count <= 64)
        }
        let snapshot = cache.snapshot
        #expect(snapshot.nodes.map(\.name) == (995..<1000).map { "node-\($0)" })
        #expect(snapshot.node(named: "node-999")?.labels["example.com/ephemeral-instance-id"] == "i-0123456789abcdef-999")
    }

    @Test func withoutPruningTheSameChurnWouldKeepEveryText() {
        let interner = LabelInterner(minimumPruneThreshold: .max)
        for index in 0..<1000 {
            _ = interner.intern(KubeNode(name: "node-\(index)", labels: ["example.com/ephemeral-instance-id": "i-0123456789abcdef-\(index)"]))
        }
        #expect(interner.count == 1001)
    }

    @Test func staticEntriesReloadedByThePollerUseTheCacheInterner() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("a.json", #"[{"node.kubernetes.io/instance-type": "hpc7g.16xlarge", "feature.node.kubernetes.io/cpu-cpuid.SVE": "true"}]"#)
        try directory.write("b.json", #"[{"node.kubernetes.io/instance-type": "c7g.16xlarge", "feature.node.kubernetes.io/cpu-cpuid.SVE": "true"}]"#)
        let cache = NodeFeatureCache()
        let poller = StaticFeaturePoller(
            directory: StaticFeatureDirectory(path: directory.path), cache: cache, interval: .seconds(60), logger: ReplayHarness.quietLogger)
        #expect(poller.reloadNow())
        let a = try #require(cache.snapshot.node(named: "static/a.json/0"))
        let b = try #require(cache.snapshot.node(named: "static/b.json/0"))
        let key = "feature.node.kubernetes.io/cpu-cpuid.SVE"
        #expect(LabelInterner.sharesStorage(try #require(a.labels.keys.first { $0 == key }), try #require(b.labels.keys.first { $0 == key })))
        // instance-type key and the feature key; the values fit inline.
        #expect(cache.labelInterner.count == 2)
    }
}
