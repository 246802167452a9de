import CompatAdmission
import CompatCore
import Testing

@Suite struct NodeFeatureResolutionTests {
    let resolver = NodeFeatureResolver()
    let instanceType = "node.kubernetes.io/instance-type"

    func resolve(_ selector: [String: String], _ nodes: [ClusterNode]) -> NodeFeatureResolution {
        resolver.resolve(nodeSelector: selector, selectorField: "spec.nodeSelector", nodes: nodes)
    }

    /// Copies of one real node that differ only in identity labels (hostname, zone, node group, launch template).
    func clones(of node: ClusterNode, count: Int) -> [ClusterNode] {
        (0..<count).map { index in
            var labels = node.labels
            labels["kubernetes.io/hostname"] = "ip-10-0-\(index)-1.ec2.internal"
            labels["topology.kubernetes.io/zone"] = ["us-east-1a", "us-east-1b", "us-east-1c"][index % 3]
            labels["topology.k8s.aws/zone-id"] = "use1-az\(index + 1)"
            labels["eks.amazonaws.com/nodegroup"] = "ng-\(index)"
            labels["eks.amazonaws.com/sourceLaunchTemplateId"] = "lt-0\(index)"
            return ClusterNode(name: "ip-10-0-\(index)-1.ec2.internal", labels: labels)
        }
    }

    @Test func realHeterogeneousClusterWithoutNodeSelectorIsUnresolved() throws {
        let nodes = try EKSNodes.all()
        #expect(nodes.count == 25)
        let resolution = resolve([:], nodes)
        let problem = try #require(resolution.problem)
        #expect(problem.reason == .heterogeneousCluster)
        #expect(resolution.candidates.count == 25)
        #expect(problem.differences.first?.key == "kubernetes.io/arch")
        #expect(problem.differences.first?.description == "kubernetes.io/arch: amd64 on 19 nodes, arm64 on 6 nodes")
        #expect(problem.differences.dropFirst().first?.key == instanceType)
        // g4dn.xlarge is the most common type but its two nodes differ, so the suggestion skips it.
        #expect(problem.suggestion == "node.kubernetes.io/instance-type=c6a.16xlarge")
        #expect(problem.description.hasPrefix(
            "spec.nodeSelector is not set and the 25 schedulable worker nodes differ in compatibility-relevant labels "
                + "(kubernetes.io/arch: amd64 on 19 nodes, arm64 on 6 nodes; node.kubernetes.io/instance-type: g4dn.xlarge on "
                + "ip-192-168-38-150.ec2.internal and ip-192-168-61-74.ec2.internal, c6a.16xlarge on ip-192-168-60-68.ec2.internal, "
                + "c6i.16xlarge on ip-192-168-77-20.ec2.internal, and 21 more values; and "
        ))
        #expect(problem.description.hasSuffix(
            " more labels); set spec.nodeSelector to one kind of node, for example node.kubernetes.io/instance-type=c6a.16xlarge"
        ))
    }

    /// Model-based choice scores nodes one by one: the disagreement is detected but not itemised.
    @Test func heterogeneityWithoutExplanationKeepsTheCandidatesAndReason() throws {
        let nodes = try EKSNodes.all()
        let resolution = resolver.resolve(nodeSelector: [:], selectorField: "spec.nodeSelector", nodes: nodes, explainingDifferences: false)
        let problem = try #require(resolution.problem)
        #expect(problem.reason == .heterogeneousCluster)
        #expect(resolution.candidates.count == 25)
        #expect(problem.differences.isEmpty)
        #expect(problem.suggestion == nil)
    }

    @Test func instanceTypeNodeSelectorResolvesToThatNode() throws {
        let resolution = resolve([instanceType: "hpc7g.16xlarge"], try EKSNodes.all())
        let features = try #require(resolution.features)
        #expect(features.nodeNames == ["ip-192-168-14-154.ec2.internal"])
        #expect(features.labels["kubernetes.io/arch"] == "arm64")
        #expect(features.labels["feature.node.kubernetes.io/cpu-cpuid.SVE"] == "true")
        #expect(features.labels.count == (try EKSNodes.named("hpc7g.16xlarge")).first?.labels.count)
    }

    @Test func everySingleNodeInstanceTypeResolves() throws {
        let nodes = try EKSNodes.all()
        let types = Dictionary(grouping: nodes) { $0.labels[instanceType] ?? "" }.filter { $0.value.count == 1 }.keys
        #expect(types.count == 23)
        for type in types {
            #expect(resolve([instanceType: type], nodes).features != nil, "\(type)")
        }
    }

    @Test func matchesThatDisagreeAskForANarrowerSelector() throws {
        let resolution = resolve([instanceType: "g4dn.xlarge"], try EKSNodes.all())
        let problem = try #require(resolution.problem)
        #expect(problem.reason == .ambiguousNodeSelector)
        #expect(problem.nodeNames == ["ip-192-168-38-150.ec2.internal", "ip-192-168-61-74.ec2.internal"])
        #expect(problem.differences.map(\.key) == [
            "feature.node.kubernetes.io/kernel-selinux.enabled", "feature.node.kubernetes.io/kernel-version.full",
            "feature.node.kubernetes.io/rdma.available", "feature.node.kubernetes.io/system-os_release.ID",
            "feature.node.kubernetes.io/system-os_release.VERSION_ID", "feature.node.kubernetes.io/system-os_release.VERSION_ID.major",
            "feature.node.kubernetes.io/system-os_release.VERSION_ID.minor",
        ])
        #expect(problem.suggestion == "feature.node.kubernetes.io/kernel-selinux.enabled=true")
        #expect(problem.description == "the 2 nodes matching spec.nodeSelector node.kubernetes.io/instance-type=g4dn.xlarge differ in "
            + "compatibility-relevant labels (feature.node.kubernetes.io/kernel-selinux.enabled: (absent) on ip-192-168-38-150.ec2.internal, "
            + "true on ip-192-168-61-74.ec2.internal; feature.node.kubernetes.io/kernel-version.full: 6.1.134 on "
            + "ip-192-168-61-74.ec2.internal, 6.1.134-152.225.amzn2023.x86_64 on ip-192-168-38-150.ec2.internal; and 5 more labels); "
            + "narrow spec.nodeSelector to one kind of node, for example feature.node.kubernetes.io/kernel-selinux.enabled=true")
    }

    @Test func architectureSelectorOnMixedInstanceTypesIsAmbiguous() throws {
        let problem = try #require(resolve(["kubernetes.io/arch": "arm64"], try EKSNodes.all()).problem)
        #expect(problem.reason == .ambiguousNodeSelector)
        #expect(problem.nodeNames.count == 6)
        #expect(problem.differences.first?.key == instanceType)
    }

    @Test func identityLabelsDoNotMakeAClusterHeterogeneous() throws {
        let node = try #require(try EKSNodes.named("hpc7g.16xlarge").first)
        let nodes = clones(of: node, count: 3)
        let features = try #require(resolve([:], nodes).features)
        #expect(features.nodeNames.count == 3)
        #expect(features.labels["kubernetes.io/arch"] == "arm64")
        #expect(features.labels[instanceType] == "hpc7g.16xlarge")
        #expect(features.labels["kubernetes.io/hostname"] == nil)
        #expect(features.labels["topology.kubernetes.io/zone"] == nil)
        #expect(features.labels["topology.kubernetes.io/region"] == "us-east-1")
    }

    @Test func controlPlaneCordonedAndTaintedNodesAreSkippedWithoutASelector() throws {
        let hpc = try #require(try EKSNodes.named("hpc7g.16xlarge").first)
        var nodes = clones(of: hpc, count: 2)
        var controlPlane = try #require(try EKSNodes.named("c7a.12xlarge").first)
        controlPlane.labels["node-role.kubernetes.io/control-plane"] = ""
        var cordoned = try #require(try EKSNodes.named("m6a.12xlarge").first)
        cordoned.unschedulable = true
        var tainted = try #require(try EKSNodes.named("g5.xlarge").first)
        tainted.noScheduleTaints = ["nvidia.com/gpu"]
        nodes += [controlPlane, cordoned, tainted]
        let features = try #require(resolve([:], nodes).features)
        #expect(features.nodeNames == nodes.prefix(2).map(\.name))
    }

    @Test func aSelectorMayChooseTaintedNodesButNotCordonedOnes() throws {
        var tainted = try #require(try EKSNodes.named("g5.xlarge").first)
        tainted.noScheduleTaints = ["nvidia.com/gpu"]
        #expect(resolve([instanceType: "g5.xlarge"], [tainted]).features?.nodeNames == [tainted.name])
        tainted.unschedulable = true
        let problem = try #require(resolve([instanceType: "g5.xlarge"], [tainted]).problem)
        #expect(problem.reason == .onlyCordonedMatches)
        #expect(problem.description == "every node matching spec.nodeSelector node.kubernetes.io/instance-type=g5.xlarge is cordoned "
            + "(ip-192-168-55-43.ec2.internal); uncordon one or change spec.nodeSelector")
    }

    @Test func aSelectorMatchingNothingSaysHowToCheck() throws {
        let problem = try #require(resolve([instanceType: "hpc6a.48xlarge", "kubernetes.io/os": "linux"], try EKSNodes.all()).problem)
        #expect(problem.reason == .noMatchingNode)
        #expect(problem.description == "no node matches spec.nodeSelector kubernetes.io/os=linux,node.kubernetes.io/instance-type=hpc6a.48xlarge; "
            + "correct it (kubectl get nodes -l kubernetes.io/os=linux,node.kubernetes.io/instance-type=hpc6a.48xlarge lists the matches)")
    }

    @Test func noWorkersAtAllIsUnresolved() {
        let controlPlane = ClusterNode(name: "cp", labels: ["node-role.kubernetes.io/control-plane": ""])
        #expect(resolve([:], [controlPlane]).problem?.reason == .noSchedulableWorkers)
        #expect(resolve([:], []).problem?.reason == .noSchedulableWorkers)
    }

    @Test func policyComparesFeatureDomainsAndThreeWellKnownKeysOnly() {
        let policy = CompatibilityLabelPolicy.standard
        let relevant = [
            "feature.node.kubernetes.io/cpu-cpuid.AVX512F", "intel.feature.node.kubernetes.io/sgx", "profile.node.kubernetes.io/hpc",
            "kubernetes.io/arch", "kubernetes.io/os", "node.kubernetes.io/instance-type",
        ]
        let ignored = [
            "kubernetes.io/hostname", "topology.kubernetes.io/zone", "topology.kubernetes.io/region", "topology.k8s.aws/zone-id",
            "beta.kubernetes.io/arch", "beta.kubernetes.io/instance-type", "eks.amazonaws.com/nodegroup",
            "eks.amazonaws.com/nodegroup-image", "alpha.eksctl.io/cluster-name", "notfeature.node.kubernetes.io/x",
            "feature.node.kubernetes.io.example.com/x", "feature.node.kubernetes.io",
        ]
        #expect(relevant.allSatisfy(policy.isRelevant))
        #expect(!ignored.contains(where: policy.isRelevant))
    }

    @Test func nodesAreReadFromV1NodeObjects() throws {
        let node = try ClusterNode(node: try json(#"""
            {"apiVersion":"v1","kind":"Node","metadata":{"name":"ip-192-168-55-43.ec2.internal","labels":{"kubernetes.io/arch":"amd64"},
             "resourceVersion":"1"},"spec":{"providerID":"aws:///us-east-1a/i-0abc","unschedulable":true,
             "taints":[{"key":"nvidia.com/gpu","effect":"NoSchedule"},{"key":"soft","effect":"PreferNoSchedule"},
                       {"key":"node.kubernetes.io/unreachable","effect":"NoExecute","timeAdded":"2025-03-14T09:26:53Z"}]},
             "status":{"capacity":{"cpu":"4"}}}
            """#))
        #expect(node == ClusterNode(
            name: "ip-192-168-55-43.ec2.internal", labels: ["kubernetes.io/arch": "amd64"], unschedulable: true,
            noScheduleTaints: ["nvidia.com/gpu", "node.kubernetes.io/unreachable"]
        ))
        #expect(throws: ArtifactDecodingError(path: FieldPath([.key("metadata")]), problem: "missing required field 'name'")) {
            try ClusterNode(node: try json(#"{"metadata":{}}"#))
        }
    }
}
