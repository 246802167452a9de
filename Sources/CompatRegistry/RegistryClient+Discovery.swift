import CompatCore
extension RegistryClient {
    /// The compatibility artifact for `reference`: the artifact itself when the reference names one, or,
    /// when it names an image (a manifest without a compatibility layer), the newest compatibility
    /// artifact attached to that image (``referrers(of:artifactType:)``, with the `sha256-<hex>` tag
    /// fallback). So users may put the image they run in `…/image-ref` and let the webhook find what
    /// was published for it.
    public func pullCompatibilityArtifact(
        _ reference: ImageReference, acceptedLayerTypes: [String] = CompatibilityMediaType.layerPreference
    ) throws(RegistryError) -> PulledArtifact {
        do {
            return try pullArtifact(reference, acceptedLayerTypes: acceptedLayerTypes)
        } catch where error.kind == .noMatchingLayer {
            let types = Set(CompatibilityMediaType.artifactTypes.map(OCIMediaType.essence))
            let attached = try referrers(of: reference).filter { descriptor in
                descriptor.artifactType.map { types.contains(OCIMediaType.essence($0)) } ?? false
            }
            guard let newest = Self.newest(attached) else {
                throw RegistryError(
                    .noMatchingLayer, reference.description,
                    "\(error.detail); no compatibility artifact is attached to it either (referrers); reference the artifact, "
                        + "or attach one with `oras attach --artifact-type \(CompatibilityMediaType.ociCompatibilities)`"
                )
            }
            return try pullArtifact(reference.pinned(to: newest.digest), acceptedLayerTypes: acceptedLayerTypes)
        }
    }
}
