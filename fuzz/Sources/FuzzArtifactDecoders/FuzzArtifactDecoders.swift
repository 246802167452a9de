import CompatCore
import CompatModels

/// Any bytes as an artifact (JSON or YAML): every decoder either decodes or throws its typed error.
/// A decoded image-compatibility spec is also evaluated against a fixed label set.
func fuzzArtifactDecoders(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let document = try? DocumentDecoder.decode(bytes) else { return 0 }
    _ = try? ArtifactKind.detect(document)
    if let spec = try? ImageCompatibilitySpec.decode(from: document) {
        _ = try? spec.evaluate(labels: [
            "feature.node.kubernetes.io/kernel-version.major": "6", "feature.node.kubernetes.io/cpu-model.vendor_id": "AMD",
            "feature.node.kubernetes.io/cpu-cpuid.AVX2": "true", "kubernetes.io/arch": "amd64",
        ])
    }
    _ = try? CompatibilitySpec(from: document)
    _ = try? ImageManifestList(from: document)
    _ = try? ModelCompatibilitySpec(from: document)
    if let model = try? PerformanceModel(from: document) {
        _ = model.assess(["feature.node.kubernetes.io/cpu-model.vendor_id": "AMD"])
    }
    _ = try? FluxViewCatalog(decoding: bytes)
    return 0
}
