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
        nodes = try NodeLabels.decodeList(from: value)
    }
}
