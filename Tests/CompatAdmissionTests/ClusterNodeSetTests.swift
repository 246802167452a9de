@testable import CompatAdmission
import Testing

/// A node snapshot answers nodeSelector matches through its label index exactly as a scan would, and
/// what admissions derive from it is reused until the snapshot is replaced.
@Suite struct ClusterNodeSetTests {
    private static func node(_ name: String, _ labels: [String: String], unschedulable: Bool = false) -> ClusterNode {
        ClusterNode(name: name, labels: labels, unschedulable: unschedulable)
    }

    private static let fleet: [ClusterNode] = (0..<300).map { index in
        node("node-\(index)", [
            "kubernetes.io/arch": index % 3 == 0 ? "arm64" : "amd64",
            "node.kubernetes.io/instance-type": "type-\(index % 10)",
            "topology.kubernetes.io/zone": "zone-\(index % 4)",
            "kubernetes.io/hostname": "node-\(index)",
        ])
    }

    @Test(arguments: [
        [String: String](),
        ["node.kubernetes.io/instance-type": "type-3"],
        ["node.kubernetes.io/instance-type": "type-3", "topology.kubernetes.io/zone": "zone-1"],
        ["kubernetes.io/arch": "arm64", "topology.kubernetes.io/zone": "zone-2"],
        ["kubernetes.io/hostname": "node-17"],
        ["kubernetes.io/hostname": "node-17", "kubernetes.io/arch": "arm64"],
        ["node.kubernetes.io/instance-type": "type-99"],
        ["no-such-label": "x"],
    ])
    func indexedMatchesEqualAScanInNodeOrder(_ selector: [String: String]) {
        let snapshot = ClusterNodeSet(Self.fleet)
        let scanned = Self.fleet.indices.filter { Self.fleet[$0].matches(selector) }
        #expect(snapshot.indices(matching: selector) == scanned)
        #expect(snapshot.nodes(matching: selector).map(\.name) == scanned.map { Self.fleet[$0].name })
    }

    @Test func hostnameSelectorFindsExactlyOneOf300() {
        let snapshot = ClusterNodeSet(Self.fleet)
        #expect(snapshot.indices(matching: ["kubernetes.io/hostname": "node-241"]) == [241])
        #expect(snapshot.indices(matching: ["node.kubernetes.io/instance-type": "type-3"]).count == 30)
    }

    @Test func moreSelectorKeysThanTheIndexBudgetStillMatchByScan() {
        let labels = Dictionary(uniqueKeysWithValues: (0..<40).map { ("k\($0)", "v\($0)") })
        let snapshot = ClusterNodeSet([Self.node("a", labels), Self.node("b", labels.merging(["k39": "other"]) { $1 })])
        for key in 0..<38 { _ = snapshot.indices(matching: ["k\(key)": "v\(key)"]) }
        #expect(snapshot.indices(matching: ["k39": "v39"]) == [0])
        #expect(snapshot.indices(matching: ["k0": "v0", "k39": "other"]) == [1])
    }

    @Test func compatibilityClassesGroupNodesWithEqualRelevantLabelsOnly() {
        let snapshot = ClusterNodeSet([
            Self.node("a", ["kubernetes.io/arch": "amd64", "kubernetes.io/hostname": "a", "feature.node.kubernetes.io/cpu-model.id": "143"]),
            Self.node("b", ["kubernetes.io/arch": "amd64", "kubernetes.io/hostname": "b", "feature.node.kubernetes.io/cpu-model.id": "143"]),
            Self.node("c", ["kubernetes.io/arch": "amd64", "kubernetes.io/hostname": "c", "feature.node.kubernetes.io/cpu-model.id": "106"]),
            Self.node("d", ["kubernetes.io/arch": "amd64", "kubernetes.io/hostname": "d"]),
        ])
        #expect(snapshot.compatibilityClass(under: .standard) == [0, 0, 1, 2])
    }

    @Test func resolutionIsMemoizedPerNodeSelectorAndEqualsTheUnmemoizedOne() {
        let snapshot = ClusterNodeSet(Self.fleet)
        let resolver = NodeFeatureResolver()
        let selector = ["node.kubernetes.io/instance-type": "type-4"]
        let first = resolver.resolve(nodeSelector: selector, selectorField: "spec.nodeSelector", in: snapshot)
        #expect(snapshot.memo.count == 1)
        let again = resolver.resolve(nodeSelector: selector, selectorField: "spec.nodeSelector", in: snapshot)
        #expect(snapshot.memo.count == 1)
        #expect(first == again)
        #expect(first == resolver.resolve(nodeSelector: selector, selectorField: "spec.nodeSelector", nodes: Self.fleet))
        // type-4 nodes span arm64 and amd64, so they do not agree.
        #expect(first.problem?.reason == .ambiguousNodeSelector)
        #expect(first.candidates.count == 30)
        _ = resolver.resolve(nodeSelector: ["kubernetes.io/hostname": "node-4"], selectorField: "spec.nodeSelector", in: snapshot)
        #expect(snapshot.memo.count == 2)
    }

    @Test func memoKeysDistinguishSelectorsThatConcatenateAlike() {
        func key(_ selector: [String: String], explaining: Bool) -> NodeFeatureResolver.ResolutionKey {
            .init(candidates: CandidateNodeSet(selectorField: "spec.nodeSelector", nodeSelector: selector), explainingDifferences: explaining)
        }
        let a = key(["ab": "c"], explaining: true)
        let b = key(["a": "bc"], explaining: true)
        let c = key(["ab": "c"], explaining: false)
        #expect(Set([a, b, c]).count == 3)
    }

    @Test func aFullMemoStartsOverInsteadOfGrowing() {
        let memo = SnapshotMemo(capacity: 3)
        for key in 0..<10 { #expect(memo.value(for: NumberKey(key)) { key * 2 } == key * 2) }
        #expect(memo.count <= 3)
        var computed = 0
        #expect(memo.value(for: NumberKey(9)) { computed += 1; return -1 } == 18)
        #expect(computed == 0)
    }

    @Test func storedErrorsAreNotMemoized() {
        struct Failure: Error {}
        let memo = SnapshotMemo(capacity: 8)
        #expect(throws: Failure.self) { try memo.value(for: NumberKey(1)) { () throws(Failure) -> Int in throw Failure() } }
        #expect(memo.value(for: NumberKey(1)) { 7 } == 7)
    }
}

/// A memo entry for the tests: an integer derived from an integer.
private struct NumberKey: SnapshotMemoKey {
    typealias Value = Int
    let number: Int
    init(_ number: Int) { self.number = number }
}
