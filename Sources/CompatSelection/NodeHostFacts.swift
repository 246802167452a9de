import CompatCore
import Foundation

/// What a node's labels say about the host an image runs on: CPU architecture and GPU. The node's own
/// operating system is not a fact about the image's host: a container brings its userland, and a
/// MiniCluster's host is its flux view.
///
/// Only labels Kubernetes or common operators set are read, so selection works on clusters without NFD
/// (architecture from the kubelet's `kubernetes.io/arch`, GPU from the NVIDIA GPU operator) and gets
/// finer with it (the OS release, the PCI vendor).
public struct NodeHostFacts: Sendable, Hashable {
    public var architecture: Architecture?
    public var gpu: GPU

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

    public init(architecture: Architecture?, gpu: GPU = .unavailable) {
        self.architecture = architecture
        self.gpu = gpu
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
    }
}
