/// Node labels, the input ``ImageCompatibilitySpec/evaluate(labels:)`` reads.
public enum NodeLabels {
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
}
