import CompatCore
import Testing
@testable import CompatKube

/// Decoding an API node with an interner gives an equal node whose texts are the shared instances.
@Suite struct KubeNodeInternedDecodingTests {
    @Test func internedDecodingEqualsPlainDecodingAndSharesTextsBetweenNodes() throws {
        let labels = try APIFixtures.realNodeLabels()[0]
        let interner = LabelInterner()
        let taints: [(key: String, value: String?, effect: String)] = [("nvidia.com/gpu-exclusive", "present", "PreferNoSchedule")]
        let one = APIFixtures.node(name: "one", labels: labels, resourceVersion: "1", taints: taints)
        let two = APIFixtures.node(name: "two", labels: labels, resourceVersion: "2", taints: taints)
        let first = try KubeNode(apiObject: one, interner: interner)
        let second = try KubeNode(apiObject: two, interner: interner)
        #expect(first == (try KubeNode(apiObject: one)))
        #expect(first.labels == labels)
        #expect(first.taints == [NodeTaint(key: "nvidia.com/gpu-exclusive", value: "present", effect: "PreferNoSchedule")])
        let key = "feature.node.kubernetes.io/cpu-cpuid.ASIMD"
        #expect(LabelInterner.sharesStorage(
            try #require(first.labels.keys.first { $0 == key }), try #require(second.labels.keys.first { $0 == key })))
        #expect(LabelInterner.sharesStorage(first.taints[0].key, second.taints[0].key))
        #expect(LabelInterner.sharesStorage(first.taints[0].effect, second.taints[0].effect))
        // The second node added nothing: every long text of it was already in the table.
        let countAfterFirst = interner.count
        _ = try KubeNode(apiObject: APIFixtures.node(name: "three", labels: labels, resourceVersion: "3", taints: taints), interner: interner)
        #expect(interner.count == countAfterFirst)
    }
}
