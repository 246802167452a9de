/// Which node labels describe what a container needs from a node, and so must agree before one label set
/// can stand for several nodes.
///
/// Compared: every label in a node-feature domain (`feature.node.kubernetes.io/…`, NFD's vendor domains
/// `<vendor>.feature.node.kubernetes.io/…`, and `profile.node.kubernetes.io/…`), plus
/// `kubernetes.io/arch`, `kubernetes.io/os` and `node.kubernetes.io/instance-type`. The instance type is
/// compared because it is what model-based choice selects and what artifact rules may name.
///
/// Ignored: everything else, because it names *which* node or where it is rather than what it can run:
/// `kubernetes.io/hostname`, `topology.kubernetes.io/zone|region` and `topology.k8s.aws/*`, cloud
/// instance and launch-template IDs, node-group and cluster names, capacity type, machine image IDs (the
/// kernel and OS they carry are compared through the NFD labels), and the deprecated `beta.kubernetes.io/*`
/// duplicates. ocifit-k8s compared all labels, so `kubernetes.io/hostname` alone made every cluster of
/// two or more nodes "heterogeneous".
public struct CompatibilityLabelPolicy: Sendable, Hashable {
    /// Label-key domains (the part before `/`) whose labels are compared; a domain also covers its
    /// subdomains (`intel.feature.node.kubernetes.io` under `feature.node.kubernetes.io`).
    public var featureDomains: [String]
    /// Individual keys compared, in the order differences are reported.
    public var exactKeys: [String]

    public init(featureDomains: [String], exactKeys: [String]) {
        self.featureDomains = featureDomains
        self.exactKeys = exactKeys
    }

    public static let standard = CompatibilityLabelPolicy(
        featureDomains: ["feature.node.kubernetes.io", "profile.node.kubernetes.io"],
        exactKeys: ["kubernetes.io/arch", "kubernetes.io/os", "node.kubernetes.io/instance-type"]
    )

    public func isRelevant(_ key: String) -> Bool {
        if exactKeys.contains(key) { return true }
        let bytes = key.utf8
        guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")) else { return false }
        let domain = bytes[..<slash]
        return featureDomains.contains { feature in
            let suffix = feature.utf8
            guard domain.count >= suffix.count, domain.suffix(suffix.count).elementsEqual(suffix) else { return false }
            return domain.count == suffix.count || domain[domain.index(domain.endIndex, offsetBy: -suffix.count - 1)] == UInt8(ascii: ".")
        }
    }
}

/// Works out which nodes an object can run on and, when they are all one kind of node, the labels that
/// describe them. Pure: the caller passes the current node list.
///
/// - With a nodeSelector: every node whose labels contain all its entries, except cordoned ones (tainted
///   nodes stay: selecting a tainted node group explicitly usually comes with a toleration). All matches
///   must agree on the compatibility-relevant labels (ocifit-k8s took the first match and ignored the rest).
/// - Without one: every schedulable worker, skipping control-plane nodes, cordoned nodes and nodes with
///   `NoSchedule`/`NoExecute` taints, must agree on the compatibility-relevant labels.
public struct NodeFeatureResolver: Sendable {
    public var policy: CompatibilityLabelPolicy

    public init(policy: CompatibilityLabelPolicy = .standard) {
        self.policy = policy
    }

    /// - Parameters:
    ///   - nodeSelector: The object's nodeSelector; empty when it has none.
    ///   - selectorField: Where that selector lives in the object (`spec.nodeSelector`), for messages.
    ///   - explainingDifferences: Whether a disagreement among the nodes is itemised (the differing labels
    ///     and a nodeSelector suggestion). Model-based choice scores the nodes one by one and never reports
    ///     the disagreement, so it skips that work.
    public func resolve(
        nodeSelector: [String: String], selectorField: String, nodes: [ClusterNode], explainingDifferences: Bool = true
    ) -> NodeFeatureResolution {
        resolve(nodeSelector: nodeSelector, selectorField: selectorField, in: ClusterNodeSet(nodes), explainingDifferences: explainingDifferences)
    }

    /// ``resolve(nodeSelector:selectorField:nodes:explainingDifferences:)`` against a snapshot: matched
    /// through its label index, and memoized in it, so repeated admissions with the same nodeSelector
    /// cost a lookup until the nodes change.
    public func resolve(
        nodeSelector: [String: String], selectorField: String, in snapshot: ClusterNodeSet, explainingDifferences: Bool = true
    ) -> NodeFeatureResolution {
        let candidates = CandidateNodeSet(selectorField: selectorField, nodeSelector: nodeSelector, policy: policy)
        return snapshot.memo.value(for: ResolutionKey(candidates: candidates, explainingDifferences: explainingDifferences)) {
            uncachedResolve(candidates, in: snapshot, explainingDifferences: explainingDifferences)
        }
    }

    /// A memoized resolution: the candidate set and whether differences were itemised.
    struct ResolutionKey: SnapshotMemoKey {
        typealias Value = NodeFeatureResolution
        let candidates: CandidateNodeSet
        let explainingDifferences: Bool
    }

    private func uncachedResolve(
        _ candidateSet: CandidateNodeSet, in snapshot: ClusterNodeSet, explainingDifferences: Bool
    ) -> NodeFeatureResolution {
        let nodes = snapshot.nodes
        let nodeSelector = candidateSet.nodeSelector
        let selectorField = candidateSet.selectorField
        func failure(_ reason: NodeResolutionProblem.Reason, candidates: [ClusterNode] = [], nodeNames: [String] = [],
                     differences: [LabelDifference] = [], suggestion: String? = nil) -> NodeFeatureResolution {
            NodeFeatureResolution(candidates: candidates, candidateSet: candidateSet, outcome: .failure(NodeResolutionProblem(
                reason: reason, selectorField: selectorField, nodeSelector: nodeSelector, nodeNames: nodeNames,
                clusterNodeCount: nodes.count, differences: differences, suggestion: suggestion
            )))
        }
        let positions: [Int]
        if nodeSelector.isEmpty {
            positions = nodes.indices.filter { nodes[$0].isSchedulableWorker }
            guard !positions.isEmpty else { return failure(.noSchedulableWorkers) }
        } else {
            let matches = snapshot.indices(matching: nodeSelector)
            positions = matches.filter { !nodes[$0].unschedulable }
            guard !positions.isEmpty else {
                return matches.isEmpty ? failure(.noMatchingNode) : failure(.onlyCordonedMatches, nodeNames: matches.map { nodes[$0].name })
            }
        }
        let candidates = positions.map { nodes[$0] }
        let classes = positions.count > 1 ? snapshot.compatibilityClass(under: policy) : []
        guard positions.count > 1 && positions.contains(where: { classes[$0] != classes[positions[0]] }) else {
            var shared = candidates[0].labels
            for node in candidates.dropFirst() {
                shared = shared.filter { node.labels[$0.key] == $0.value }
            }
            return NodeFeatureResolution(
                candidates: candidates, candidateSet: candidateSet,
                outcome: .success(ResolvedNodeFeatures(labels: shared, nodeNames: candidates.map(\.name)))
            )
        }
        let reason: NodeResolutionProblem.Reason = nodeSelector.isEmpty ? .heterogeneousCluster : .ambiguousNodeSelector
        guard explainingDifferences else { return failure(reason, candidates: candidates, nodeNames: candidates.map(\.name)) }
        let differences = differences(among: candidates)
        var resolution = failure(
            reason, candidates: candidates, nodeNames: candidates.map(\.name), differences: differences,
            suggestion: suggestion(differences, candidates: candidates)
        )
        resolution.classes = Self.kinds(of: positions, classes: classes, nodes: nodes)
        return resolution
    }

    /// The candidates grouped into kinds of node (equal compatibility-relevant labels), each with the labels
    /// its nodes share, in order of first appearance.
    private static func kinds(of positions: [Int], classes: [Int], nodes: [ClusterNode]) -> [ResolvedNodeFeatures] {
        var order: [Int] = []
        var members: [Int: [Int]] = [:]
        for position in positions {
            if members[classes[position]] == nil { order.append(classes[position]) }
            members[classes[position], default: []].append(position)
        }
        return order.map { kind in
            let group = members[kind] ?? []
            var shared = nodes[group[0]].labels
            for position in group.dropFirst() { shared = shared.filter { nodes[position].labels[$0.key] == $0.value } }
            return ResolvedNodeFeatures(labels: shared, nodeNames: group.map { nodes[$0].name })
        }
    }

    /// A `key=value` entry whose nodes all agree: the instance type first (the usual way to pick a kind
    /// of node), then the other differing labels, each value tried from the largest group down.
    private func suggestion(_ differences: [LabelDifference], candidates: [ClusterNode]) -> String? {
        let instanceType = "node.kubernetes.io/instance-type"
        let instanceTypeValues = Set(candidates.compactMap { $0.labels[instanceType] })
        let keys = (instanceTypeValues.isEmpty ? [] : [instanceType]) + differences.map(\.key).filter { $0 != instanceType }
        for key in keys {
            let groups = Dictionary(grouping: candidates.filter { $0.labels[key] != nil }) { $0.labels[key] ?? "" }
            let ordered = groups.sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }
            if let (value, _) = ordered.first(where: { self.differences(among: $0.value).isEmpty }) {
                return "\(key)=\(value)"
            }
        }
        return nil
    }

    /// The compatibility-relevant keys on which the nodes do not all carry the same value (absence counts
    /// as a value), the policy's exact keys first, then the rest by name.
    public func differences(among nodes: [ClusterNode]) -> [LabelDifference] {
        var allKeys = Set<String>()
        for node in nodes { allKeys.formUnion(node.labels.keys) }
        let keys = allKeys.filter(policy.isRelevant)
        let ordered = policy.exactKeys.filter(keys.contains) + keys.subtracting(policy.exactKeys).sorted()
        return ordered.compactMap { key in
            var groups: [String?: [String]] = [:]
            for node in nodes { groups[node.labels[key], default: []].append(node.name) }
            guard groups.count > 1 else { return nil }
            let values = groups
                .map { LabelDifference.ValueGroup(value: $0.key, nodeNames: $0.value) }
                .sorted { ($0.nodeNames.count, $1.value ?? "") > ($1.nodeNames.count, $0.value ?? "") }
            return LabelDifference(key: key, values: values)
        }
    }
}

/// The outcome of node resolution for one object.
public struct NodeFeatureResolution: Sendable, Hashable {
    /// The nodes the object could be scheduled on (empty when none could be found).
    public var candidates: [ClusterNode]
    /// What picked ``candidates``: the key for results derived from them within the snapshot.
    public var candidateSet: CandidateNodeSet
    /// The kinds of node among the candidates when they disagree, each with the labels its nodes share
    /// (empty otherwise: agreeing candidates are ``features``). A selector may find that they agree on
    /// everything its choice reads.
    public var classes: [ResolvedNodeFeatures] = []
    public var outcome: Result<ResolvedNodeFeatures, NodeResolutionProblem>

    public init(
        candidates: [ClusterNode], candidateSet: CandidateNodeSet = CandidateNodeSet(selectorField: "", nodeSelector: [:]),
        outcome: Result<ResolvedNodeFeatures, NodeResolutionProblem>
    ) {
        self.candidates = candidates
        self.candidateSet = candidateSet
        self.outcome = outcome
    }

    /// The resolved features, or `nil` when the candidates are not one kind of node.
    public var features: ResolvedNodeFeatures? {
        if case .success(let features) = outcome { return features }
        return nil
    }

    public var problem: NodeResolutionProblem? {
        if case .failure(let problem) = outcome { return problem }
        return nil
    }
}

/// The node labels an image is chosen for.
public struct ResolvedNodeFeatures: Sendable, Hashable {
    /// Labels every candidate node carries with the same value: for one node all its labels, for several
    /// at least every compatibility-relevant label.
    public var labels: [String: String]
    public var nodeNames: [String]

    public init(labels: [String: String], nodeNames: [String]) {
        self.labels = labels
        self.nodeNames = nodeNames
    }
}

/// One label on which candidate nodes disagree.
public struct LabelDifference: Sendable, Hashable, CustomStringConvertible {
    public struct ValueGroup: Sendable, Hashable {
        /// `nil` for nodes without the label.
        public var value: String?
        public var nodeNames: [String]
    }

    public var key: String
    /// Largest group first.
    public var values: [ValueGroup]

    /// `kubernetes.io/arch: amd64 on 19 nodes, arm64 on 6 nodes`, naming nodes when a group has one or two.
    public var description: String {
        let groups = values.prefix(3).map { group in
            let value = group.value ?? "(absent)"
            let nodes = group.nodeNames.count <= 2 ? group.nodeNames.joined(separator: " and ") : "\(group.nodeNames.count) nodes"
            return "\(value) on \(nodes)"
        }
        let more = values.count > 3 ? ", and \(values.count - 3) more values" : ""
        return "\(key): " + groups.joined(separator: ", ") + more
    }
}

/// Why no single label set describes where an object will run. The description says what to change.
public struct NodeResolutionProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        /// No nodeSelector, and no node is a schedulable worker.
        case noSchedulableWorkers
        /// No node carries every nodeSelector entry.
        case noMatchingNode
        /// Every matching node is cordoned.
        case onlyCordonedMatches
        /// The nodes matching the nodeSelector differ in compatibility-relevant labels.
        case ambiguousNodeSelector
        /// No nodeSelector, and the schedulable workers differ in compatibility-relevant labels.
        case heterogeneousCluster

        /// The candidates exist but differ; whether that matters depends on what the choice reads.
        public var isDisagreement: Bool { self == .ambiguousNodeSelector || self == .heterogeneousCluster }
    }

    public var reason: Reason
    /// Where the nodeSelector lives in the object (`spec.nodeSelector`).
    public var selectorField: String
    public var nodeSelector: [String: String]
    /// The nodes concerned: the cordoned matches, or the candidates that disagree.
    public var nodeNames: [String]
    /// How many nodes were listed.
    public var clusterNodeCount: Int
    public var differences: [LabelDifference]
    /// A `key=value` nodeSelector entry that would select one kind of node, when one exists.
    public var suggestion: String?

    public init(
        reason: Reason, selectorField: String, nodeSelector: [String: String] = [:], nodeNames: [String] = [],
        clusterNodeCount: Int, differences: [LabelDifference] = [], suggestion: String? = nil
    ) {
        self.reason = reason
        self.selectorField = selectorField
        self.nodeSelector = nodeSelector
        self.nodeNames = nodeNames
        self.clusterNodeCount = clusterNodeCount
        self.differences = differences
        self.suggestion = suggestion
    }

    /// How many differing labels a message spells out.
    static let listedDifferences = 2

    public var description: String {
        let field = selectorField
        let selector = nodeSelector.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        let example = suggestion.map { ", for example \($0)" } ?? ""
        switch reason {
        case .noSchedulableWorkers:
            return "none of the cluster's \(clusterNodeCount) nodes is a schedulable worker (control-plane, cordoned and "
                + "NoSchedule-tainted nodes are skipped), so there are no node features to choose an image for; "
                + "set \(field) to the nodes the workload will run on"
        case .noMatchingNode:
            return "no node matches \(field) \(selector); correct it (kubectl get nodes -l \(selector) lists the matches)"
        case .onlyCordonedMatches:
            return "every node matching \(field) \(selector) is cordoned (\(Self.list(nodeNames))); uncordon one or change \(field)"
        case .ambiguousNodeSelector:
            return "the \(nodeNames.count) nodes matching \(field) \(selector) differ in compatibility-relevant labels ("
                + summary + "); narrow \(field) to one kind of node" + example
        case .heterogeneousCluster:
            return "\(field) is not set and the \(nodeNames.count) schedulable worker nodes differ in compatibility-relevant "
                + "labels (" + summary + "); set \(field) to one kind of node" + example
        }
    }

    private static func list(_ names: [String]) -> String {
        names.count <= 3 ? names.joined(separator: ", ") : names.prefix(3).joined(separator: ", ") + " and \(names.count - 3) more"
    }

    private var summary: String {
        let shown = differences.prefix(Self.listedDifferences).map(\.description).joined(separator: "; ")
        let hidden = differences.count - Self.listedDifferences
        return hidden > 0 ? shown + "; and \(hidden) more labels" : shown
    }
}
