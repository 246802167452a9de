import CompatCore
import Foundation

/// What a node's labels say about the host an image runs on: CPU architecture, GPU, and the node's
/// operating system as NFD reports it.
///
/// Only labels Kubernetes or common operators set are read, so selection works on clusters without NFD
/// (architecture from the kubelet's `kubernetes.io/arch`, GPU from the NVIDIA GPU operator) and gets
/// finer with it (the OS release, the PCI vendor).
public struct NodeHostFacts: Sendable, Hashable {
    public var architecture: Architecture?
    public var gpu: GPU
    /// The node's own OS (`system-os_release.ID` / `VERSION_ID`), which is the host OS of a Pod. A
    /// MiniCluster's host OS is its flux view's instead, because Flux runs inside the application image.
    public var operatingSystem: OperatingSystem?

    /// The kubelet's label first, then the deprecated beta label.
    public static let architectureLabels = ["kubernetes.io/arch", "beta.kubernetes.io/arch"]
    /// Set to `"true"` by the NVIDIA GPU operator's feature discovery.
    public static let gpuPresentLabel = "nvidia.com/gpu.present"
    /// GPUs per node, from the NVIDIA GPU operator's feature discovery.
    public static let gpuCountLabel = "nvidia.com/gpu.count"
    /// NFD's PCI label for vendor 0x10de (NVIDIA) when NFD labels by vendor only; present without the GPU
    /// operator. With NFD's default label fields the class comes first (`pci-0302_10de.present`, a 3D
    /// controller); any display-class (`03xx`) NVIDIA device counts.
    public static let nvidiaPCILabel = "feature.node.kubernetes.io/pci-10de.present"
    static let pciLabelPrefix = "feature.node.kubernetes.io/pci-"
    static let nvidiaPCISuffix = "10de.present"
    public static let osIDLabel = "feature.node.kubernetes.io/system-os_release.ID"
    public static let osVersionLabel = "feature.node.kubernetes.io/system-os_release.VERSION_ID"

    public init(architecture: Architecture?, gpu: GPU = .unavailable, operatingSystem: OperatingSystem? = nil) {
        self.architecture = architecture
        self.gpu = gpu
        self.operatingSystem = operatingSystem
    }

    /// Reads the facts from one label set (a node's, or the labels several interchangeable nodes share).
    public init(labels: [String: String]) {
        architecture = Self.architectureLabels.lazy.compactMap { labels[$0] }.first.flatMap(Architecture.init(normalising:))
        let present = labels[Self.gpuPresentLabel].flatMap(GPU.availability(fromFlag:)) ?? false
        let count = labels[Self.gpuCountLabel].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0
        let pci = labels.contains { key, value in
            guard key.hasPrefix(Self.pciLabelPrefix), key.hasSuffix(Self.nvidiaPCISuffix),
                  GPU.availability(fromFlag: value) == true else { return false }
            let deviceClass = key.dropFirst(Self.pciLabelPrefix.count).dropLast(Self.nvidiaPCISuffix.count)
            return deviceClass.isEmpty || (deviceClass.hasPrefix("03") && deviceClass.hasSuffix("_"))
        }
        gpu = present || count > 0 || pci ? GPU(available: true, vendor: .nvidia) : .unavailable
        if let id = labels[Self.osIDLabel], !id.isEmpty, let versionText = labels[Self.osVersionLabel], let version = Version(versionText) {
            operatingSystem = OperatingSystem(vendor: OSVendor(id: id), version: version)
        } else {
            operatingSystem = nil
        }
    }
}
