import CompatCore

/// What admission needs to know about one node: its name, labels, and whether it takes new pods.
public struct ClusterNode: Sendable, Hashable {
    public var name: String
    public var labels: [String: String]
    /// `spec.unschedulable` (a cordoned node).
    public var unschedulable: Bool
    /// Keys of taints with effect `NoSchedule` or `NoExecute`, which keep pods without a matching
    /// toleration off the node.
    public var noScheduleTaints: [String]

    public init(name: String, labels: [String: String], unschedulable: Bool = false, noScheduleTaints: [String] = []) {
        self.name = name
        self.labels = labels
        self.unschedulable = unschedulable
        self.noScheduleTaints = noScheduleTaints
    }

    /// Reads a `v1` Node object (as listed or watched from the API server). Only `metadata.name`,
    /// `metadata.labels`, `spec.unschedulable` and `spec.taints` are read; other members are ignored,
    /// as they change across Kubernetes releases.
    public init(node: JSONValue) throws(ArtifactDecodingError) {
        var object = try StrictObject(node, at: FieldPath())
        var metadata = try object.object("metadata")
        name = try metadata.string("name")
        var labels: [String: String] = [:]
        for (key, value) in try metadata.optionalStringMap("labels") ?? [] {
            labels[key] = value
        }
        self.labels = labels
        var unschedulable = false
        var taints: [String] = []
        if var spec = try object.optionalObject("spec") {
            unschedulable = try spec.optionalBool("unschedulable") ?? false
            for element in try spec.optionalArray("taints") ?? [] {
                var taint = try StrictObject(element.value, at: element.path)
                let effect = try taint.optionalString("effect")
                if effect == "NoSchedule" || effect == "NoExecute" {
                    taints.append(try taint.optionalString("key") ?? "")
                }
            }
        }
        self.unschedulable = unschedulable
        self.noScheduleTaints = taints
    }

    /// Labels `node-role.kubernetes.io/control-plane` or the older `node-role.kubernetes.io/master`.
    public var isControlPlane: Bool {
        labels["node-role.kubernetes.io/control-plane"] != nil || labels["node-role.kubernetes.io/master"] != nil
    }

    /// A worker that takes pods without a nodeSelector pointing at it: not control plane, not cordoned,
    /// no `NoSchedule`/`NoExecute` taint.
    public var isSchedulableWorker: Bool {
        !isControlPlane && !unschedulable && noScheduleTaints.isEmpty
    }

    /// True when every entry of `selector` is among the labels (an empty selector matches every node).
    public func matches(_ selector: [String: String]) -> Bool {
        selector.allSatisfy { labels[$0.key] == $0.value }
    }
}
