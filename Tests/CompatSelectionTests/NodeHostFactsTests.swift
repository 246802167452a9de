import CompatAdmission
import CompatCore
import Testing
@testable import CompatSelection

@Suite struct NodeHostFactsTests {
    /// The node's OS release is not an image host fact: an Amazon Linux and a Bottlerocket node of one
    /// instance type are the same host to an image.
    @Test func readsArchitectureAndGPUButNotTheNodeOS() throws {
        let labels = try TestData.labels(ofInstanceType: "hpc7g.16xlarge")
        let facts = NodeHostFacts(labels: labels)
        #expect(facts.architecture == .arm64)
        #expect(facts.gpu.available == false)
        var bottlerocket = labels
        bottlerocket["feature.node.kubernetes.io/system-os_release.ID"] = "bottlerocket"
        bottlerocket["feature.node.kubernetes.io/system-os_release.VERSION_ID"] = "1.20.0"
        #expect(NodeHostFacts(labels: bottlerocket) == facts)
    }

    @Test func detectsNVIDIAFromNFDClassAndVendorPCILabel() throws {
        let labels = try TestData.labels(ofInstanceType: "g4dn.xlarge")
        #expect(labels["feature.node.kubernetes.io/pci-0302_10de.present"] == "true")
        let facts = NodeHostFacts(labels: labels)
        #expect(facts.gpu.available)
        #expect(facts.gpu.vendor == .nvidia)
        #expect(facts.architecture == .amd64)
    }

    @Test func detectsGPUFromOperatorLabelsAndVendorOnlyPCILabel() {
        #expect(NodeHostFacts(labels: ["nvidia.com/gpu.present": "true"]).gpu.available)
        #expect(NodeHostFacts(labels: ["nvidia.com/gpu.count": "4"]).gpu.available)
        #expect(NodeHostFacts(labels: ["feature.node.kubernetes.io/pci-10de.present": "true"]).gpu.available)
        #expect(!NodeHostFacts(labels: ["nvidia.com/gpu.count": "0"]).gpu.available)
    }

    /// An NVIDIA device of another class (an NVSwitch bridge, 0680) is not a GPU.
    @Test func ignoresNonDisplayNVIDIADevices() {
        #expect(!NodeHostFacts(labels: ["feature.node.kubernetes.io/pci-0680_10de.present": "true"]).gpu.available)
    }

    @Test func normalisesBetaArchitectureLabel() {
        #expect(NodeHostFacts(labels: ["beta.kubernetes.io/arch": "aarch64"]).architecture == .arm64)
        #expect(NodeHostFacts(labels: [:]).architecture == nil)
    }
}
