import CompatCore

/// A node as image and instance selection sees it: identity, labels (NFD features among them) and
/// whether pods can be placed there.
///
/// Everything else the API server sends (status, conditions, images, heartbeats) is dropped on decoding,
/// so two versions of a node that differ only in a heartbeat compare equal and leave the cache alone.
package struct KubeNode: Sendable, Hashable {
    /// Where a node's features come from.
    package enum Source: Sendable, Hashable {
        /// A node that exists in the cluster now (list or watch).
        case live
        /// An entry of a static feature file: an instance type the autoscaler can add but that has no
        /// node yet. `file` is the file name inside the configured directory.
        case staticFeatures(file: String)
    }

    package var name: String
    package var labels: [String: String]
    /// `spec.unschedulable` (cordoned).
    package var unschedulable: Bool
    package var taints: [NodeTaint]
    package var source: Source

    package init(name: String, labels: [String: String], unschedulable: Bool = false, taints: [NodeTaint] = [], source: Source = .live) {
        self.name = name
        self.labels = labels
        self.unschedulable = unschedulable
        self.taints = taints
        self.source = source
    }

    /// Labels that mark control-plane nodes (the second is the pre-1.24 name, still set by some installers).
    package static let controlPlaneLabels = ["node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master"]
    /// Labels that carry the cloud instance type, the current one first.
    package static let instanceTypeLabels = NodeLabels.instanceTypeLabels

    package var isControlPlane: Bool {
        Self.controlPlaneLabels.contains { labels[$0] != nil }
    }

    package var instanceType: String? { NodeLabels.instanceType(of: labels) }

    package var isStatic: Bool {
        if case .staticFeatures = source { return true }
        return false
    }

    /// A node that workloads may land on: not cordoned and not a control-plane node.
    package var acceptsWorkloads: Bool { !unschedulable && !isControlPlane }
}

/// One `spec.taints[]` entry.
package struct NodeTaint: Sendable, Hashable {
    package var key: String
    package var value: String?
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
    package var effect: String

    package init(key: String, value: String? = nil, effect: String) {
        self.key = key
        self.value = value
        self.effect = effect
    }
}

extension KubeNode {
    /// Decodes a live `v1.Node` object as the API server sends it in a list item or a watch event.
    ///
    /// API objects are open (new fields appear with every release), so unknown fields are ignored;
    /// the fields read here must have their documented types, and an error names the path.
    ///
    /// With an `interner`, label keys and values and taint texts are its shared instances (see
    /// ``LabelInterner``), so the node keeps nothing of the decoded document alive.
    package init(apiObject: JSONValue, at path: FieldPath = FieldPath(), interner: LabelInterner? = nil) throws(ArtifactDecodingError) {
        var object = try StrictObject(apiObject, at: path)
        var metadata = try object.object("metadata")
        let name = try metadata.string("name")
        guard !name.isEmpty else {
            throw ArtifactDecodingError(path: metadata.path.appending("name"), problem: "a node name must not be empty")
        }
        let pairs = try metadata.optionalStringMap("labels") ?? []
        let labels: [String: String]
        if let interner {
            labels = interner.internLabels(pairs)
        } else {
            var plain: [String: String] = Dictionary(minimumCapacity: pairs.count)
            for (key, value) in pairs { plain[key] = value }
            labels = plain
        }
        var unschedulable = false
        var taints: [NodeTaint] = []
        if var spec = try object.optionalObject("spec") {
            unschedulable = try spec.optionalBool("unschedulable") ?? false
            for (element, elementPath) in try spec.optionalArray("taints") ?? [] {
                var taint = try StrictObject(element, at: elementPath)
                taints.append(NodeTaint(key: try taint.string("key"), value: try taint.optionalString("value"), effect: try taint.string("effect")))
            }
            if let interner { taints = interner.intern(taints: taints) }
        }
        self.init(name: name, labels: labels, unschedulable: unschedulable, taints: taints, source: .live)
    }
}

/// Reads `metadata.resourceVersion` of any API object (list, item, bookmark).
enum ResourceVersion {
    static func of(_ object: JSONValue) -> String? {
        object["metadata"]?["resourceVersion"]?.stringValue
    }
}
