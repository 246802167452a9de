import CompatCore
import Testing
@testable import CompatKube

@Suite struct KubeNodeDecodingTests {
    @Test func realNodeObjectDecodesToNameLabelsAndFlags() throws {
        let labels = try APIFixtures.realNodeLabels()[0]
        let object = APIFixtures.node(
            name: "ip-192-168-14-154.ec2.internal", labels: labels, resourceVersion: "8812", unschedulable: true,
            taints: [("node.kubernetes.io/unschedulable", nil, "NoSchedule"), ("hpc", "true", "NoExecute")])
        let node = try KubeNode(apiObject: object)
        #expect(node.name == "ip-192-168-14-154.ec2.internal")
        #expect(node.labels == labels)
        #expect(node.instanceType == "hpc7g.16xlarge")
        #expect(node.unschedulable)
        #expect(node.taints == [NodeTaint(key: "node.kubernetes.io/unschedulable", effect: "NoSchedule"), NodeTaint(key: "hpc", value: "true", effect: "NoExecute")])
        #expect(!node.isControlPlane)
        #expect(!node.acceptsWorkloads)
        #expect(node.source == .live)
        #expect(ResourceVersion.of(object) == "8812")
    }

    @Test func heartbeatOnlyChangeDecodesToAnEqualNode() throws {
        let labels = try APIFixtures.realNodeLabels()[3]
        let before = try KubeNode(apiObject: APIFixtures.node(name: "n", labels: labels, resourceVersion: "1", heartbeat: "2025-06-02T14:07:41Z"))
        let after = try KubeNode(apiObject: APIFixtures.node(name: "n", labels: labels, resourceVersion: "2", heartbeat: "2025-06-02T14:08:22Z"))
        #expect(before == after)
    }

    @Test func controlPlaneIsRecognisedByEitherRoleLabel() {
        #expect(KubeNode(name: "cp", labels: ["node-role.kubernetes.io/control-plane": ""]).isControlPlane)
        #expect(KubeNode(name: "old", labels: ["node-role.kubernetes.io/master": ""]).isControlPlane)
        #expect(KubeNode(name: "beta", labels: ["beta.kubernetes.io/instance-type": "m5.large"]).instanceType == "m5.large")
    }

    @Test func wrongTypeIsAnErrorNamingThePath() {
        let object: JSONValue = ["kind": "Node", "metadata": ["name": "n", "labels": ["a": ["b"]]]]
        #expect(throws: ArtifactDecodingError(path: FieldPath([.key("metadata"), .key("labels"), .key("a")]), problem: "expected a string, found an array")) {
            try KubeNode(apiObject: object)
        }
    }
}
