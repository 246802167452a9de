import CompatCore

/// The candidate nodes of an instance choice: one label map per node, in input order.
///
/// Two document shapes are read: an array of label maps (what ocifit-k8s sends its model server and what
/// `shared/data/node-features.json` holds), and a Kubernetes `NodeList` (`kubectl get nodes -o json`),
/// of which only `items[].metadata.labels` is read. Label values must be strings, as Kubernetes labels
/// are; a `null` value counts as an absent label.
public struct NodeFeatureMatrix: Sendable, Hashable {
    public var nodes: [[String: String]]

    public init(nodes: [[String: String]]) {
        self.nodes = nodes
    }

    /// Decodes JSON or YAML bytes.
    public init<Bytes: Collection>(decoding bytes: Bytes) throws(ArtifactDecodingError) where Bytes.Element == UInt8 {
        try self.init(from: try DocumentDecoder.decode(bytes))
    }

    public init(from value: JSONValue) throws(ArtifactDecodingError) {
        switch value {
        case .array(let elements):
            nodes = try elements.enumerated().map { (index, element) throws(ArtifactDecodingError) in
                try Self.labels(element, at: FieldPath([.index(index)]))
            }
        case .object(let object) where object["items"] != nil:
            guard case .array(let items)? = object["items"] else {
                throw ArtifactDecodingError(path: FieldPath([.key("items")]), problem: "expected an array of nodes")
            }
            nodes = try items.enumerated().map { (index, item) throws(ArtifactDecodingError) in
                let itemPath = FieldPath([.key("items"), .index(index)])
                guard case .object(let metadata)? = item["metadata"] else {
                    throw ArtifactDecodingError(path: itemPath.appending("metadata"), problem: "expected the node's metadata object")
                }
                guard let labels = metadata["labels"] else { return [:] }
                return try Self.labels(labels, at: itemPath.appending("metadata").appending("labels"))
            }
        default:
            throw ArtifactDecodingError(
                path: FieldPath(),
                problem: "expected an array of node label maps or a Kubernetes NodeList, found \(value.typeName)"
            )
        }
    }

    private static func labels(_ value: JSONValue, at path: FieldPath) throws(ArtifactDecodingError) -> [String: String] {
        guard case .object(let object) = value else {
            throw ArtifactDecodingError(path: path, problem: "expected a map of node labels, found \(value.typeName)")
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
