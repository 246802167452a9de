import Foundation
import Synchronization

/// The node features admission decisions read: an immutable value, replaced as a whole when the cluster's
/// labels change, so a reader holding one sees a consistent cluster for as long as it needs.
///
/// The cache builds a new snapshot only when a node's labels, schedulability or taints change or a node
/// comes or goes, never for status heartbeats. Building one costs the sort and the candidate filter;
/// the derived views that scan every label of every candidate (``candidatesByInstanceType``,
/// ``commonLabels``, ``isHomogeneous``) are computed on first use, once per snapshot, so a cluster
/// whose nodes change often does not pay for views nobody reads, and an idle snapshot holds no copy
/// of them.
package final class NodeFeatureSnapshot: Sendable {
    /// Every live node, then the static entries that survived merging; each group sorted by name.
    package let nodes: [KubeNode]
    /// Nodes a workload can be placed on: not cordoned, not control-plane, instance type not skip-listed.
    /// Static entries are candidates: they stand for instance types the autoscaler can add.
    package let candidates: [KubeNode]
    /// The initial list from the API server has completed (readiness).
    package let synced: Bool
    /// Increases by one with every snapshot the cache publishes.
    package let generation: UInt64
    /// When this snapshot was built (wall clock, for the snapshot-age metric).
    package let builtAt: Date
    package let liveNodeCount: Int
    package let staticNodeCount: Int

    /// The views derived from ``candidates``, computed on first use.
    private struct Derived: Sendable {
        var candidatesByInstanceType: [String: [KubeNode]]
        var commonLabels: [String: String]
        var isHomogeneous: Bool
    }

    private let derived = Mutex<Derived?>(nil)

    /// Labels with this prefix are NFD features; the rest (hostname, zone, node group) differ between
    /// interchangeable nodes.
    package static let featureLabelPrefix = "feature.node.kubernetes.io/"

    /// Builds a snapshot from live nodes and static entries. A static entry is dropped when a live node
    /// already has its instance type (live nodes describe the real hardware and image); entries whose
    /// instance type is skip-listed are dropped too.
    package init(live: [KubeNode], staticEntries: [KubeNode], skipInstanceTypes: Set<String>, synced: Bool, generation: UInt64, builtAt: Date) {
        let liveSorted = live.sorted { $0.name < $1.name }
        let liveTypes = Set(liveSorted.compactMap(\.instanceType))
        let liveNames = Set(liveSorted.map(\.name))
        let staticKept = staticEntries
            .filter { entry in
                guard let type = entry.instanceType else { return false }
                return !liveTypes.contains(type) && !skipInstanceTypes.contains(type) && !liveNames.contains(entry.name)
            }
            .sorted { $0.name < $1.name }
        let nodes = liveSorted.isEmpty ? staticKept : staticKept.isEmpty ? liveSorted : liveSorted + staticKept
        self.nodes = nodes
        liveNodeCount = liveSorted.count
        staticNodeCount = staticKept.count

        let candidates = nodes.filter { node in
            node.acceptsWorkloads && !(node.instanceType.map(skipInstanceTypes.contains) ?? false)
        }
        // Usually every node is a candidate: share the node array's storage instead of holding a copy.
        self.candidates = candidates.count == nodes.count ? nodes : candidates
        self.synced = synced
        self.generation = generation
        self.builtAt = builtAt
    }

    /// The empty, not yet synced snapshot a cache starts with.
    package static func empty(builtAt: Date = Date()) -> NodeFeatureSnapshot {
        NodeFeatureSnapshot(live: [], staticEntries: [], skipInstanceTypes: [], synced: false, generation: 0, builtAt: builtAt)
    }

    /// Candidates grouped by instance type (candidates without an instance-type label are left out).
    package var candidatesByInstanceType: [String: [KubeNode]] { derivedViews.candidatesByInstanceType }

    /// Label pairs that every candidate carries with the same value (empty when there are no candidates).
    package var commonLabels: [String: String] { derivedViews.commonLabels }

    /// True when there is at least one candidate and all candidates agree on the instance type and on
    /// every `feature.node.kubernetes.io/` label: any of them will do.
    package var isHomogeneous: Bool { derivedViews.isHomogeneous }

    /// The node named `name` (the first such when several share it), found by binary search in the
    /// live group, then in the static group, since each is sorted by name.
    package func node(named name: String) -> KubeNode? {
        for group in [0..<liveNodeCount, liveNodeCount..<nodes.count] {
            var low = group.lowerBound
            var high = group.upperBound
            while low < high {
                let middle = low + (high - low) / 2
                if nodes[middle].name < name { low = middle + 1 } else { high = middle }
            }
            if low < group.upperBound, nodes[low].name == name { return nodes[low] }
        }
        return nil
    }

    private var derivedViews: Derived {
        if let known = derived.withLock({ $0 }) { return known }
        let computed = Self.derive(candidates)
        // Two first readers may both compute; the views are equal, and the first stored is kept.
        return derived.withLock { stored in
            if let stored { return stored }
            stored = computed
            return computed
        }
    }

    private static func derive(_ candidates: [KubeNode]) -> Derived {
        let byInstanceType = Dictionary(grouping: candidates.filter { $0.instanceType != nil }) { $0.instanceType ?? "" }
        var common = candidates.first?.labels ?? [:]
        for node in candidates.dropFirst() where !common.isEmpty {
            common = common.filter { node.labels[$0.key] == $0.value }
        }
        let firstSignature = candidates.first.map(featureSignature)
        let homogeneous = !candidates.isEmpty && candidates.allSatisfy { featureSignature($0) == firstSignature }
        return Derived(candidatesByInstanceType: byInstanceType, commonLabels: common, isHomogeneous: homogeneous)
    }

    private static func featureSignature(_ node: KubeNode) -> [String: String] {
        var signature = node.labels.filter { $0.key.hasPrefix(featureLabelPrefix) }
        signature[KubeNode.instanceTypeLabels[0]] = node.instanceType
        return signature
    }
}
