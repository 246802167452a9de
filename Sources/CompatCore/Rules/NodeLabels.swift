/// Node labels, the input ``ImageCompatibilitySpec/evaluate(labels:)`` reads.
public enum NodeLabels {
    /// The labels that name a node's instance type: the kubelet's, then the deprecated beta one.
    public static let instanceTypeLabels = ["node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type"]

    /// The instance type `labels` name (the first non-empty of ``instanceTypeLabels``).
    public static func instanceType(of labels: [String: String]) -> String? {
        instanceTypeLabels.lazy.compactMap { labels[$0] }.first { !$0.isEmpty }
    }

    /// Labels from a Kubernetes Node object (its `metadata.labels`; the rest of the object is not read)
    /// or from a plain `{"key": "value"}` map.
    ///
    /// A document whose `metadata` member is an object is taken as a Node; anything else must be a map
    /// whose values are strings. Unquoted YAML scalars keep their text (`kernel-version.major: 6` is `"6"`).
    public static func decode(from document: JSONValue) throws(ArtifactDecodingError) -> [String: String] {
        guard case .object(let object) = document else {
            throw ArtifactDecodingError(path: FieldPath(), problem: "expected a label map or a Kubernetes Node object, found \(document.typeName)")
        }
        if case .object(let metadata)? = object["metadata"] {
            let labelsPath = FieldPath([.key("metadata"), .key("labels")])
            guard let labels = metadata["labels"], labels != .null else { return [:] }
            return try labelMap(labels, at: labelsPath)
        }
        return try labelMap(document, at: FieldPath())
    }

    private static func labelMap(_ value: JSONValue, at path: FieldPath) throws(ArtifactDecodingError) -> [String: String] {
        guard case .object(let object) = value else {
            throw ArtifactDecodingError(path: path, problem: "expected an object of label values, found \(value.typeName)")
        }
        var labels: [String: String] = [:]
        labels.reserveCapacity(object.count)
        for (key, member) in object.members {
            labels[key] = try StrictObject.scalarText(member, at: path.appending(key))
        }
        return labels
    }

    /// The label maps of several nodes: a JSON array of label maps (static node features, `compat
    /// predict --nodes`) or a Kubernetes NodeList (`kubectl get nodes -o json`). Label values must be
    /// strings, as Kubernetes requires; `null` values are skipped. The one decoder of node label lists.
    public static func decodeList(from value: JSONValue) throws(ArtifactDecodingError) -> [[String: String]] {
        switch value {
        case .array(let elements):
            return try elements.enumerated().map { (index, element) throws(ArtifactDecodingError) in
                try labelValues(element, at: FieldPath([.index(index)]))
            }
        case .object(let object) where object["items"] != nil:
            guard case .array(let items)? = object["items"] else {
                throw ArtifactDecodingError(path: FieldPath([.key("items")]), problem: "expected an array of nodes")
            }
            return try items.enumerated().map { (index, item) throws(ArtifactDecodingError) in
                let itemPath = FieldPath([.key("items"), .index(index)])
                guard case .object(let metadata)? = item["metadata"] else {
                    throw ArtifactDecodingError(path: itemPath.appending("metadata"), problem: "expected the node's metadata object")
                }
                guard let labels = metadata["labels"] else { return [:] }
                return try labelValues(labels, at: itemPath.appending("metadata").appending("labels"))
            }
        default:
            throw ArtifactDecodingError(
                path: FieldPath(),
                problem: "expected an array of node label maps or a Kubernetes NodeList, found \(value.typeName)"
            )
        }
    }

    /// One node's label map at `path` in a list: string values only, `null` values skipped.
    public static func labelValues(_ value: JSONValue, at path: FieldPath) throws(ArtifactDecodingError) -> [String: String] {
        guard case .object(let object) = value else {
            throw ArtifactDecodingError(path: path, problem: "expected an object of node labels, found \(value.typeName)")
        }
        var labels: [String: String] = [:]
        for (key, member) in object.members {
            switch member {
            case .string(let text): labels[key] = text
            case .null: continue
            default:
                throw ArtifactDecodingError(
                    path: path.appending(key),
                    problem: "expected a string label value, found \(member.typeName) (Kubernetes label values are strings; quote it)"
                )
            }
        }
        return labels
    }
}
