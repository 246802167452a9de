import Testing
@testable import CompatCore

@Suite struct NodeLabelsTests {
    @Test func readsAPlainLabelMap() throws {
        let labels = try NodeLabels.decode(from: DocumentDecoder.decode(#"{"kubernetes.io/arch": "arm64", "feature.node.kubernetes.io/kernel-version.major": "6"}"#))
        #expect(labels == ["kubernetes.io/arch": "arm64", "feature.node.kubernetes.io/kernel-version.major": "6"])
    }

    @Test func readsTheLabelsOfANodeObject() throws {
        let node = """
            apiVersion: v1
            kind: Node
            metadata:
              name: ip-192-168-14-154.ec2.internal
              labels:
                kubernetes.io/arch: arm64
                feature.node.kubernetes.io/kernel-version.major: 6
            status:
              nodeInfo: {kernelVersion: 6.1.134-152.225.amzn2023.aarch64}
            """
        let labels = try NodeLabels.decode(from: DocumentDecoder.decode(node))
        #expect(labels == ["kubernetes.io/arch": "arm64", "feature.node.kubernetes.io/kernel-version.major": "6"])
    }

    @Test func aNodeWithoutLabelsHasNone() throws {
        #expect(try NodeLabels.decode(from: DocumentDecoder.decode(#"{"kind": "Node", "metadata": {"name": "n"}}"#)).isEmpty)
    }

    @Test func rejectsNonStringValuesWithTheirPath() throws {
        #expect(throws: ArtifactDecodingError(path: FieldPath([.key("metadata"), .key("labels"), .key("a")]), problem: "expected a string, found an object")) {
            try NodeLabels.decode(from: DocumentDecoder.decode(#"{"metadata": {"labels": {"a": {}}}}"#))
        }
        #expect(throws: ArtifactDecodingError(path: FieldPath(), problem: "expected a label map or a Kubernetes Node object, found an array")) {
            try NodeLabels.decode(from: DocumentDecoder.decode("[]"))
        }
    }
}
