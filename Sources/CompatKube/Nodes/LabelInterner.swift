import Synchronization

/// Makes equal label texts share one String instance, so that 10 000 nodes carrying the same 150 label
/// names (and mostly the same values) hold 150 heap strings instead of 730 000.
///
/// A Swift String longer than ``inlineCapacity`` UTF-8 bytes lives in a heap buffer of its own, and
/// decoding gives every node its own buffers even when the text repeats on every node
/// (`feature.node.kubernetes.io/cpu-cpuid.AVX512F`). Interning replaces such a string by the instance
/// the table already holds for that text; shorter strings are stored inline in the String value and are
/// returned as they are.
///
/// The table only grows as new texts are interned. Its owner keeps it bounded by calling
/// ``prune(keeping:)`` with the nodes it still holds whenever ``needsPruning`` says the table has grown
/// to twice what the last prune kept (``NodeFeatureCache`` does so after every write). Thread-safe:
/// decoders on any thread may intern at the same time.
package final class LabelInterner: Sendable {
    /// Longest string (in UTF-8 bytes) that a String stores inline, without a heap buffer, on 64-bit platforms.
    package static let inlineCapacity = 15

    private struct Table {
        var strings: Set<String> = []
        /// How many strings the last prune kept (0 before the first).
        var keptByLastPrune = 0
    }

    private let table = Mutex(Table())
    /// The table never asks for pruning while it holds at most this many strings.
    package let minimumPruneThreshold: Int

    package init(minimumPruneThreshold: Int = 4096) {
        self.minimumPruneThreshold = max(0, minimumPruneThreshold)
    }

    /// Distinct heap-allocated texts in the table.
    package var count: Int {
        table.withLock { $0.strings.count }
    }

    /// True when the table holds more than twice what the last prune kept (and more than
    /// ``minimumPruneThreshold``): texts of nodes that have gone are likely piling up.
    package var needsPruning: Bool {
        table.withLock { $0.strings.count > max(minimumPruneThreshold, 2 * $0.keptByLastPrune) }
    }

    // MARK: Interning

    /// The shared instance equal to `text` (a compact copy of `text`, stored, the first time).
    package func intern(_ text: String) -> String {
        guard Self.needsHeap(text) else { return text }
        return table.withLock { $0.strings.interned(text) }
    }

    /// A label map built from decoded pairs with every key and value interned; a repeated key takes the
    /// last value. Takes the lock once for the whole map.
    package func internLabels<Pairs: Collection>(_ pairs: Pairs) -> [String: String] where Pairs.Element == (key: String, value: String) {
        var labels: [String: String] = Dictionary(minimumCapacity: pairs.count)
        table.withLock { table in
            for (key, value) in pairs {
                labels[table.strings.interned(key)] = table.strings.interned(value)
            }
        }
        return labels
    }

    /// `labels` with every key and value interned. Returns `labels` itself (no new storage) when each of
    /// its strings is the shared instance or a text the table does not have yet (which it then adopts as
    /// the shared instance, without a copy): nodes decoded with this interner come back as they are.
    package func intern(labels: [String: String]) -> [String: String] {
        table.withLock { table in
            if labels.allSatisfy({ table.strings.adopts($0.key) && table.strings.adopts($0.value) }) { return labels }
            var interned: [String: String] = Dictionary(minimumCapacity: labels.count)
            for (key, value) in labels {
                interned[table.strings.interned(key)] = table.strings.interned(value)
            }
            return interned
        }
    }

    /// `taints` with their keys, values and effects interned, as ``intern(labels:)`` does labels.
    package func intern(taints: [NodeTaint]) -> [NodeTaint] {
        guard !taints.isEmpty else { return taints }
        return table.withLock { table in
            if taints.allSatisfy({ table.strings.adopts($0) }) { return taints }
            return taints.map { taint in
                NodeTaint(key: table.strings.interned(taint.key), value: taint.value.map { table.strings.interned($0) },
                          effect: table.strings.interned(taint.effect))
            }
        }
    }

    /// `node` with its labels and taints interned; unchanged (same storage) when ``intern(labels:)``
    /// and ``intern(taints:)`` leave them so.
    package func intern(_ node: KubeNode) -> KubeNode {
        var node = node
        node.labels = intern(labels: node.labels)
        node.taints = intern(taints: node.taints)
        return node
    }

    /// `nodes` with every node interned as by ``intern(_:)``; the very same array (no new storage) when
    /// every node comes back unchanged.
    package func intern(nodes: [KubeNode]) -> [KubeNode] {
        let unchanged = table.withLock { table in
            nodes.allSatisfy { node in
                node.labels.allSatisfy { table.strings.adopts($0.key) && table.strings.adopts($0.value) }
                    && node.taints.allSatisfy { table.strings.adopts($0) }
            }
        }
        return unchanged ? nodes : nodes.map { intern($0) }
    }

    // MARK: Bounding

    /// Replaces the table by the texts `nodes` hold (their label keys and values, taint keys, values and
    /// effects), keeping the instances the nodes already share. Texts only nodes that have gone used are
    /// dropped; a string interned concurrently by a node not in `nodes` simply stops being shared.
    package func prune<Nodes: Sequence>(keeping nodes: Nodes) where Nodes.Element == KubeNode {
        table.withLock { table in
            var kept: Set<String> = Set(minimumCapacity: max(table.keptByLastPrune, 16))
            for node in nodes {
                for (key, value) in node.labels {
                    if Self.needsHeap(key) { kept.insert(key) }
                    if Self.needsHeap(value) { kept.insert(value) }
                }
                for taint in node.taints {
                    for text in [taint.key, taint.effect] + (taint.value.map { [$0] } ?? []) where Self.needsHeap(text) {
                        kept.insert(text)
                    }
                }
            }
            table.strings = kept
            table.keptByLastPrune = kept.count
        }
    }

    /// Whether `text` is too long for a String's inline storage.
    @inline(__always)
    static func needsHeap(_ text: String) -> Bool {
        text.utf8.count > inlineCapacity
    }

    /// Whether two strings are the same instance (share one heap buffer), not merely equal.
    static func sharesStorage(_ a: String, _ b: String) -> Bool {
        guard let first = a.utf8.withContiguousStorageIfAvailable({ UnsafeRawPointer($0.baseAddress) }),
              let second = b.utf8.withContiguousStorageIfAvailable({ UnsafeRawPointer($0.baseAddress) })
        else { return false }
        return first != nil && first == second
    }

    /// A copy of `text` in a buffer of its own sized to it, so the shared instance neither pins the
    /// (larger) buffer `text` came from nor carries spare capacity.
    static func compactCopy(_ text: String) -> String {
        let utf8 = text.utf8
        return String(unsafeUninitializedCapacity: utf8.count) { buffer in
            buffer.initialize(fromContentsOf: utf8)
        }
    }
}

private extension Set<String> {
    /// The member equal to `text`, inserting a compact copy first when there is none. Short strings are
    /// inline and returned as they are.
    @inline(__always)
    mutating func interned(_ text: String) -> String {
        guard LabelInterner.needsHeap(text) else { return text }
        if let index = firstIndex(of: text) { return self[index] }
        let copy = LabelInterner.compactCopy(text)
        insert(copy)
        return copy
    }

    /// Whether `text` can stay as it is: it is inline, or it is the very instance stored here, or no
    /// equal text is stored yet, in which case `text` itself (no copy) becomes the stored instance.
    /// False only when an equal but different instance is stored.
    @inline(__always)
    mutating func adopts(_ text: String?) -> Bool {
        guard let text, LabelInterner.needsHeap(text) else { return true }
        guard let index = firstIndex(of: text) else {
            insert(text)
            return true
        }
        return LabelInterner.sharesStorage(self[index], text)
    }

    @inline(__always)
    mutating func adopts(_ taint: NodeTaint) -> Bool {
        adopts(taint.key) && adopts(taint.value) && adopts(taint.effect)
    }
}
