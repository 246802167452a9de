import CompatAdmission
import CompatKube
import Synchronization

/// The node cache's current snapshot as the admission controller reads it: live nodes and static
/// feature entries, minus skip-listed instance types. Converted once per snapshot generation, so an
/// admission only copies a reference, and what admissions derive from a snapshot lives as long as it.
package final class AdmissionNodes: Sendable {
    package let cache: NodeFeatureCache
    private let converted = Mutex<(generation: UInt64, nodes: ClusterNodeSet)?>(nil)

    package init(cache: NodeFeatureCache) {
        self.cache = cache
    }

    package func current() -> ClusterNodeSet {
        let snapshot = cache.snapshot
        if let cached = converted.withLock({ $0 }), cached.generation == snapshot.generation { return cached.nodes }
        let nodes = ClusterNodeSet(snapshot.nodes
            .filter { node in !(node.instanceType.map(cache.skipInstanceTypes.contains) ?? false) }
            .map(Self.clusterNode))
        converted.withLock { $0 = (snapshot.generation, nodes) }
        return nodes
    }

    static func clusterNode(_ node: KubeNode) -> ClusterNode {
        ClusterNode(
            name: node.name, labels: node.labels, unschedulable: node.unschedulable,
            noScheduleTaints: node.taints.filter { $0.effect == "NoSchedule" || $0.effect == "NoExecute" }.map(\.key)
        )
    }
}
