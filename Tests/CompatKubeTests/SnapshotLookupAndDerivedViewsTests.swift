import Foundation
import Testing
@testable import CompatKube

/// Snapshot lookups by name and the derived views computed on first use.
@Suite struct SnapshotLookupAndDerivedViewsTests {
    static func snapshot(live: [KubeNode], staticEntries: [KubeNode] = [], skip: Set<String> = []) -> NodeFeatureSnapshot {
        NodeFeatureSnapshot(live: live, staticEntries: staticEntries, skipInstanceTypes: skip, synced: true, generation: 1, builtAt: Date())
    }

    @Test func nodeNamedFindsLiveAndStaticNodesAndNothingElse() {
        let live = (0..<50).reversed().map { KubeNode(name: "live-\($0)", labels: ["node.kubernetes.io/instance-type": "m5.\($0)xlarge"]) }
        let staticEntries = (0..<30).map {
            KubeNode(name: "static/f.json/\($0)", labels: ["node.kubernetes.io/instance-type": "c7g.\($0)xlarge"], source: .staticFeatures(file: "f.json"))
        }
        let snapshot = Self.snapshot(live: live, staticEntries: staticEntries)
        #expect(snapshot.node(named: "live-7")?.instanceType == "m5.7xlarge")
        #expect(snapshot.node(named: "live-49")?.instanceType == "m5.49xlarge")
        #expect(snapshot.node(named: "static/f.json/0")?.instanceType == "c7g.0xlarge")
        #expect(snapshot.node(named: "static/f.json/29")?.instanceType == "c7g.29xlarge")
        #expect(snapshot.node(named: "live-50") == nil)
        #expect(snapshot.node(named: "") == nil)
        #expect(snapshot.node(named: "zzz") == nil)
        for node in snapshot.nodes { #expect(snapshot.node(named: node.name) == node) }
    }

    @Test func repeatedLiveNameResolvesToTheFirstGivenAsBefore() {
        let snapshot = Self.snapshot(live: [
            KubeNode(name: "dup", labels: ["node.kubernetes.io/instance-type": "first.large"]),
            KubeNode(name: "dup", labels: ["node.kubernetes.io/instance-type": "second.large"]),
        ])
        #expect(snapshot.node(named: "dup")?.instanceType == "first.large")
    }

    @Test func candidatesEqualNodesWhenEveryNodeAcceptsWorkloads() {
        let snapshot = Self.snapshot(live: [
            KubeNode(name: "b", labels: ["node.kubernetes.io/instance-type": "m5.large"]),
            KubeNode(name: "a", labels: ["node.kubernetes.io/instance-type": "c7g.large"]),
        ])
        #expect(snapshot.candidates == snapshot.nodes)
        #expect(snapshot.candidates.map(\.name) == ["a", "b"])
    }

    @Test func derivedViewsAreTheSameOnEveryReadAndFromEveryThread() {
        let snapshot = Self.snapshot(live: [
            KubeNode(name: "a", labels: ["node.kubernetes.io/instance-type": "m5.large", "feature.node.kubernetes.io/x": "1", "zone": "a"]),
            KubeNode(name: "b", labels: ["node.kubernetes.io/instance-type": "m5.large", "feature.node.kubernetes.io/x": "1", "zone": "b"]),
            KubeNode(name: "cp", labels: ["node.kubernetes.io/instance-type": "t3.large", "node-role.kubernetes.io/control-plane": ""]),
        ])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            #expect(snapshot.commonLabels == ["node.kubernetes.io/instance-type": "m5.large", "feature.node.kubernetes.io/x": "1"])
            #expect(snapshot.isHomogeneous)
            #expect(snapshot.candidatesByInstanceType.mapValues { $0.map(\.name) } == ["m5.large": ["a", "b"]])
        }
    }
}
