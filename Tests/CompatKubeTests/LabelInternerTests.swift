import Foundation
import Synchronization
import Testing
@testable import CompatKube

/// Equal label texts share one String instance; short texts stay inline; the table is bounded by pruning.
@Suite struct LabelInternerTests {
    /// A string with its own heap buffer, never the instance of a literal or of another call.
    static func fresh(_ text: String) -> String {
        String(decoding: Array(text.utf8), as: UTF8.self)
    }

    @Test func equalLongTextsDecodedSeparatelyComeBackAsOneInstance() {
        let interner = LabelInterner()
        let first = Self.fresh("feature.node.kubernetes.io/cpu-cpuid.AVX512F")
        let second = Self.fresh("feature.node.kubernetes.io/cpu-cpuid.AVX512F")
        #expect(!LabelInterner.sharesStorage(first, second))
        let a = interner.intern(first)
        let b = interner.intern(second)
        #expect(a == "feature.node.kubernetes.io/cpu-cpuid.AVX512F")
        #expect(LabelInterner.sharesStorage(a, b))
        #expect(interner.count == 1)
    }

    @Test func textsThatFitInlineAreReturnedAsTheyAreAndNotStored() {
        let interner = LabelInterner()
        #expect(interner.intern("true") == "true")
        #expect(interner.intern("us-east-1a") == "us-east-1a")
        #expect(interner.intern(Self.fresh("123456789012345")) == "123456789012345")
        #expect(interner.count == 0)
    }

    @Test func internedLabelMapKeepsTheLastValueOfARepeatedKeyAndSharesItsTexts() {
        let interner = LabelInterner()
        let key = "node.kubernetes.io/instance-type"
        let labels = interner.internLabels([(key: Self.fresh(key), value: "m5.large"), (key: Self.fresh(key), value: "c7g.16xlarge")])
        #expect(labels == [key: "c7g.16xlarge"])
        let again = interner.internLabels([(key: Self.fresh(key), value: "m5.large")])
        #expect(LabelInterner.sharesStorage(labels.keys.first!, again.keys.first!))
        #expect(interner.count == 1)
    }

    @Test func nodeWithForeignStringsIsRebuiltOnTheSharedInstancesAndStaysEqual() {
        let interner = LabelInterner()
        let key = "feature.node.kubernetes.io/pci-10de.present"
        let taintKey = "nvidia.com/gpu-exclusive-taint"
        let first = interner.intern(KubeNode(name: "a", labels: [Self.fresh(key): "true"],
                                             taints: [NodeTaint(key: Self.fresh(taintKey), value: "present", effect: "NoSchedule")]))
        let input = KubeNode(name: "b", labels: [Self.fresh(key): "true"],
                             taints: [NodeTaint(key: Self.fresh(taintKey), value: "present", effect: "NoSchedule")])
        let second = interner.intern(input)
        #expect(second == input)
        #expect(LabelInterner.sharesStorage(first.labels.keys.first!, second.labels.keys.first!))
        #expect(LabelInterner.sharesStorage(first.taints[0].key, second.taints[0].key))
        #expect(interner.count == 2)
    }

    @Test func storedLabelsWithTextsNewToTheTableAreKeptAsTheyAreAndBecomeTheSharedInstances() {
        let interner = LabelInterner()
        let key = Self.fresh("example.com/label-first-seen-at-store")
        let labels = interner.intern(labels: [key: "on"])
        #expect(LabelInterner.sharesStorage(labels.keys.first!, key))
        #expect(LabelInterner.sharesStorage(interner.intern(Self.fresh("example.com/label-first-seen-at-store")), key))
        #expect(interner.count == 1)
    }

    @Test func pruneKeepsOnlyTheTextsOfTheNodesStillHeld() {
        let interner = LabelInterner(minimumPruneThreshold: 0)
        let kept = interner.intern(KubeNode(name: "kept", labels: ["example.com/shared-label-key": "value-of-the-kept-node"]))
        _ = interner.intern(KubeNode(name: "gone", labels: ["example.com/shared-label-key": "value-of-the-node-that-left"]))
        #expect(interner.count == 3)
        interner.prune(keeping: [kept])
        #expect(interner.count == 2)
        // The kept node's instances remain the shared ones.
        let again = interner.intern(Self.fresh("value-of-the-kept-node"))
        #expect(LabelInterner.sharesStorage(again, kept.labels["example.com/shared-label-key"]!))
    }

    @Test func pruningIsAskedForOnceTheTableDoublesWhatTheLastPruneKept() {
        let interner = LabelInterner(minimumPruneThreshold: 4)
        for index in 0..<4 { _ = interner.intern("example.com/label-number-\(index)") }
        #expect(!interner.needsPruning)
        _ = interner.intern("example.com/label-number-4")
        #expect(interner.needsPruning)
        let held = (0..<3).map { KubeNode(name: "n\($0)", labels: ["example.com/label-number-\($0)": "x"]) }
        interner.prune(keeping: held)
        #expect(interner.count == 3)
        // max(4, 2 × 3) = 6 strings are allowed before the next prune.
        for index in 10..<13 { _ = interner.intern("example.com/label-number-\(index)") }
        #expect(interner.count == 6)
        #expect(!interner.needsPruning)
        _ = interner.intern("example.com/label-number-13")
        #expect(interner.needsPruning)
    }

    @Test func concurrentInterningYieldsOneInstancePerText() {
        let interner = LabelInterner()
        let texts = (0..<64).map { "feature.node.kubernetes.io/concurrent-\($0)" }
        let results = ConcurrentResults(count: 8)
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            results.set(worker, texts.map { interner.intern(Self.fresh($0)) })
        }
        let all = results.values
        #expect(interner.count == 64)
        for worker in 1..<8 {
            for index in texts.indices {
                #expect(LabelInterner.sharesStorage(all[0][index], all[worker][index]))
            }
        }
    }
}

/// Per-worker results written from concurrent threads.
private final class ConcurrentResults: Sendable {
    private let storage: Mutex<[[String]]>

    init(count: Int) { storage = Mutex(Array(repeating: [], count: count)) }

    func set(_ worker: Int, _ value: [String]) { storage.withLock { $0[worker] = value } }

    var values: [[String]] { storage.withLock { $0 } }
}
