import Synchronization

/// One snapshot of the cluster's nodes as admission reads it, with what admissions derive from it kept
/// until the snapshot is replaced.
///
/// Node features change on watch events (a node joins, leaves or is relabelled), admissions arrive
/// hundreds of times a second in between. So the work that depends only on the nodes is done once per
/// snapshot instead of once per admission: nodeSelector matching goes through a per-key label index
/// (no scan of 10 000 nodes), node resolution is memoized per nodeSelector, and selectors may memoize
/// their own derived results (a model's scores of the candidates) in ``memo``. A snapshot is immutable;
/// the node cache publishes a new one, and with it empty memos, for every change.
public final class ClusterNodeSet: Sendable {
    public let nodes: [ClusterNode]
    /// Results derived from these nodes, keyed by whoever stores them; bounded, so requests naming ever
    /// new selectors cannot grow it.
    public let memo: SnapshotMemo
    private let labelIndexes = Mutex<[String: [String: [Int]]]>([:])
    private let compatibilityClasses = Mutex<[CompatibilityLabelPolicy: [Int]]>([:])

    /// Label keys indexed at most; a selector on further keys is matched by a scan.
    static let maximumIndexedKeys = 32

    public init(_ nodes: [ClusterNode], memoCapacity: Int = 1024) {
        self.nodes = nodes
        memo = SnapshotMemo(capacity: memoCapacity)
    }

    public var count: Int { nodes.count }

    /// Positions of the nodes whose labels contain every entry of `selector` (all nodes for an empty
    /// selector), in node order. The rarest indexed entry narrows the set; the others are checked on it.
    public func indices(matching selector: [String: String]) -> [Int] {
        guard !selector.isEmpty else { return Array(nodes.indices) }
        var narrowest: (key: String, positions: [Int])?
        for (key, value) in selector {
            guard let index = index(forKey: key) else { continue }
            let positions = index[value] ?? []
            if narrowest == nil || positions.count < narrowest!.positions.count { narrowest = (key, positions) }
            if positions.isEmpty { return [] }
        }
        let pool = narrowest?.positions ?? Array(nodes.indices)
        let rest = selector.filter { $0.key != narrowest?.key }
        return rest.isEmpty ? pool : pool.filter { nodes[$0].matches(rest) }
    }

    /// The nodes `indices(matching:)` finds.
    public func nodes(matching selector: [String: String]) -> [ClusterNode] {
        selector.isEmpty ? nodes : indices(matching: selector).map { nodes[$0] }
    }

    /// Value → node positions for one label key, built on first use; `nil` once the index budget is spent.
    private func index(forKey key: String) -> [String: [Int]]? {
        if let built = labelIndexes.withLock({ $0[key] }) { return built }
        var index: [String: [Int]] = [:]
        for (position, node) in nodes.enumerated() {
            if let value = node.labels[key] { index[value, default: []].append(position) }
        }
        return labelIndexes.withLock { indexes -> [String: [Int]]? in
            if let raced = indexes[key] { return raced }
            guard indexes.count < Self.maximumIndexedKeys else { return nil }
            indexes[key] = index
            return index
        }
    }

    /// For each node, a number shared by exactly the nodes with the same compatibility-relevant labels
    /// under `policy`, so "do these nodes agree" is a comparison of integers.
    func compatibilityClass(under policy: CompatibilityLabelPolicy) -> [Int] {
        if let known = compatibilityClasses.withLock({ $0[policy] }) { return known }
        var classOf: [[String: String]: Int] = [:]
        let classes = nodes.map { node in
            let relevant = node.labels.filter { policy.isRelevant($0.key) }
            if let known = classOf[relevant] { return known }
            classOf[relevant] = classOf.count
            return classOf.count - 1
        }
        compatibilityClasses.withLock { $0[policy] = classes }
        return classes
    }
}

/// A result derived from one ``ClusterNodeSet``, named by everything it depends on besides the nodes.
/// The key's type fixes the value's type, so a memo entry can never be read back as something else, and
/// no key is ever a concatenated string.
public protocol SnapshotMemoKey: Hashable, Sendable {
    associatedtype Value: Sendable
}

/// The one place admission keeps what it derives from a node snapshot: node resolution per candidate
/// set, a catalog's admitted images per host and mode, a model's choice per candidate set. Bounded; when
/// full it starts over, which only costs recomputation, and entries never outlive their snapshot.
public final class SnapshotMemo: Sendable {
    private let entries = Mutex<[ErasedKey: any Sendable]>([:])
    public let capacity: Int

    /// A type-erased key. Only built from ``SnapshotMemoKey`` values, which are `Sendable`, so sharing it is safe.
    private struct ErasedKey: Hashable, @unchecked Sendable {
        let base: AnyHashable
    }

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The value stored under `key`, else `compute()`'s, stored. Concurrent misses may both compute;
    /// the results are equal because they derive from the same inputs. Errors are not stored.
    public func value<Key: SnapshotMemoKey, Failure: Error>(
        for key: Key, _ compute: () throws(Failure) -> Key.Value
    ) throws(Failure) -> Key.Value {
        let erased = ErasedKey(base: AnyHashable(key))
        if let stored = entries.withLock({ $0[erased] }) as? Key.Value { return stored }
        let value = try compute()
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[erased] = value
        }
        return value
    }

    public var count: Int { entries.withLock { $0.count } }
}

/// The nodes one nodeSelector picks within a snapshot, named by what picks them: the selector's field,
/// its entries and the label policy that decides whether they agree. Selection keys what it derives from
/// the candidates (a model's choice among them) by this.
public struct CandidateNodeSet: Hashable, Sendable {
    public var selectorField: String
    public var nodeSelector: [String: String]
    public var policy: CompatibilityLabelPolicy

    public init(selectorField: String, nodeSelector: [String: String], policy: CompatibilityLabelPolicy = .standard) {
        self.selectorField = selectorField
        self.nodeSelector = nodeSelector
        self.policy = policy
    }

    /// The field and the entries; the policy, nearly always the standard one, is left to `==`, which keeps
    /// the hash (computed on every admission's memo lookups) short.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(selectorField)
        hasher.combine(nodeSelector)
    }
}
