import Foundation

/// The node features admission decisions read: an immutable value, replaced as a whole when the cluster's
/// labels change, so a reader holding one sees a consistent cluster for as long as it needs.
///
/// Derived views (candidates, instance types, common labels) are computed once, when the snapshot is
/// built; the cache builds a new snapshot only when a node's labels, schedulability or taints change or
/// a node comes or goes, never for status heartbeats.
public final class NodeFeatureSnapshot: Sendable {
    /// Every live node, then the static entries that survived merging; each group sorted by name.
    public let nodes: [KubeNode]
    /// Nodes a workload can be placed on: not cordoned, not control-plane, instance type not skip-listed.
    /// Static entries are candidates: they stand for instance types the autoscaler can add.
    public let candidates: [KubeNode]
    /// Candidates grouped by instance type (candidates without an instance-type label are left out).
    public let candidatesByInstanceType: [String: [KubeNode]]
    /// Label pairs that every candidate carries with the same value (empty when there are no candidates).
    public let commonLabels: [String: String]
    /// True when there is at least one candidate and all candidates agree on the instance type and on
    /// every `feature.node.kubernetes.io/` label: any of them will do.
    public let isHomogeneous: Bool
    /// The initial list from the API server has completed (readiness).
    public let synced: Bool
    /// Increases by one with every snapshot the cache publishes.
    public let generation: UInt64
    /// When this snapshot was built (wall clock, for the snapshot-age metric).
    public let builtAt: Date
    public let liveNodeCount: Int
    public let staticNodeCount: Int
    private let positions: [String: Int]

    /// Labels with this prefix are NFD features; the rest (hostname, zone, node group) differ between
    /// interchangeable nodes.
    public static let featureLabelPrefix = "feature.node.kubernetes.io/"

    /// Builds a snapshot from live nodes and static entries. A static entry is dropped when a live node
    /// already has its instance type (live nodes describe the real hardware and image); entries whose
    /// instance type is skip-listed are dropped too.
    public init(live: [KubeNode], staticEntries: [KubeNode], skipInstanceTypes: Set<String>, synced: Bool, generation: UInt64, builtAt: Date) {
        let liveSorted = live.sorted { $0.name < $1.name }
        let liveTypes = Set(liveSorted.compactMap(\.instanceType))
        let liveNames = Set(liveSorted.map(\.name))
        let staticKept = staticEntries
            .filter { entry in
                guard let type = entry.instanceType else { return false }
                return !liveTypes.contains(type) && !skipInstanceTypes.contains(type) && !liveNames.contains(entry.name)
            }
            .sorted { $0.name < $1.name }
        nodes = liveSorted + staticKept
        positions = Dictionary(nodes.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { first, _ in first })
        liveNodeCount = liveSorted.count
        staticNodeCount = staticKept.count

        let candidates = nodes.filter { node in
            node.acceptsWorkloads && !(node.instanceType.map(skipInstanceTypes.contains) ?? false)
        }
        self.candidates = candidates
        candidatesByInstanceType = Dictionary(grouping: candidates.filter { $0.instanceType != nil }) { $0.instanceType ?? "" }

        var common = candidates.first?.labels ?? [:]
        for node in candidates.dropFirst() where !common.isEmpty {
            common = common.filter { node.labels[$0.key] == $0.value }
        }
        commonLabels = common
        isHomogeneous = !candidates.isEmpty && candidates.allSatisfy { node in
            Self.featureSignature(node) == Self.featureSignature(candidates[0])
        }
        self.synced = synced
        self.generation = generation
        self.builtAt = builtAt
    }

    /// The empty, not yet synced snapshot a cache starts with.
    public static func empty(builtAt: Date = Date()) -> NodeFeatureSnapshot {
        NodeFeatureSnapshot(live: [], staticEntries: [], skipInstanceTypes: [], synced: false, generation: 0, builtAt: builtAt)
    }

    public func node(named name: String) -> KubeNode? {
        positions[name].map { nodes[$0] }
    }

    private static func featureSignature(_ node: KubeNode) -> [String: String] {
        var signature = node.labels.filter { $0.key.hasPrefix(featureLabelPrefix) }
        signature[KubeNode.instanceTypeLabels[0]] = node.instanceType
        return signature
    }
}
