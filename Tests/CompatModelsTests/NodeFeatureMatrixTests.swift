import CompatCore
import CompatModels
import Testing

@Suite struct NodeFeatureMatrixTests {
    @Test func readsTheRealEKSLabelMaps() throws {
        let nodes = try TestData.eksNodes()
        #expect(nodes.count == 25)
        #expect(nodes[TestData.bottlerocketIndex]["feature.node.kubernetes.io/system-os_release.ID"] == "bottlerocket")
        #expect(nodes[0]["kubernetes.io/arch"] == "arm64")
    }

    @Test func readsAKubernetesNodeList() throws {
        let list = """
            {"apiVersion": "v1", "kind": "NodeList", "items": [
              {"metadata": {"name": "n1", "labels": {"node.kubernetes.io/instance-type": "m6i.large"}}, "status": {}},
              {"metadata": {"name": "n2"}}
            ]}
            """
        let matrix = try NodeFeatureMatrix(decoding: Array(list.utf8))
        #expect(matrix.nodes == [["node.kubernetes.io/instance-type": "m6i.large"], [:]])
    }

    @Test func treatsNullAsAnAbsentLabel() throws {
        let matrix = try NodeFeatureMatrix(decoding: Array(#"[{"a": "1", "b": null}]"#.utf8))
        #expect(matrix.nodes == [["a": "1"]])
    }

    @Test func rejectsANonStringLabelValueNamingItsPath() {
        #expect(throws: ArtifactDecodingError(
            path: FieldPath([.index(1), .key("feature.node.kubernetes.io/cpu-model.family")]),
            problem: "expected a string label value, found a number (Kubernetes label values are strings; quote it)"
        )) {
            try NodeFeatureMatrix(decoding: Array(#"[{}, {"feature.node.kubernetes.io/cpu-model.family": 6}]"#.utf8))
        }
    }

    @Test func rejectsADocumentThatIsNeitherShape() {
        #expect(throws: ArtifactDecodingError.self) { try NodeFeatureMatrix(decoding: Array(#"{"nodes": []}"#.utf8)) }
        #expect(throws: ArtifactDecodingError.self) { try NodeFeatureMatrix(decoding: Array("[1]".utf8)) }
    }
}
