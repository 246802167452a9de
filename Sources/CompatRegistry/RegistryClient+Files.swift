import CompatCore
/// Every file of an artifact, as `oras pull` writes them: one per layer, named by its title annotation.
public struct PulledFiles: Sendable, Equatable {
    /// The reference pinned to the manifest's digest.
    public let reference: ImageReference
    public let artifactType: String?
    /// Each layer's file, verified against its descriptor's digest and size.
    public let files: [ArtifactFile]
    public let layers: [OCIDescriptor]
}

extension RegistryClient {
    /// Pulls every layer of the artifact manifest at `reference` (not an index: pin a platform's
    /// manifest first). Each file's name is its `org.opencontainers.image.title`; a title that is not a
    /// plain file name (empty, `.`/`..`, containing `/`) or a repeated one is refused, because callers
    /// write the files into a directory.
    public func pullFiles(_ reference: ImageReference) throws(RegistryError) -> PulledFiles {
        let fetched = try fetchManifest(reference)
        guard case .manifest(let manifest) = fetched.document else {
            throw RegistryError(.invalidArtifact, reference.description, "is an image index; pull one of its manifests by digest")
        }
        var files: [ArtifactFile] = []
        var titles: Set<String> = []
        for (index, layer) in manifest.layers.enumerated() {
            let title = layer.annotations[OCIAnnotation.title] ?? ""
            guard !title.isEmpty, title != ".", title != "..", !title.contains("/"), !title.contains("\0") else {
                throw RegistryError(
                    .invalidArtifact, reference.description,
                    "layer \(index) has title '\(title)', which is not a plain file name; re-push it with a file name as title"
                )
            }
            guard titles.insert(title).inserted else {
                throw RegistryError(.invalidArtifact, reference.description, "two layers are titled '\(title)'")
            }
            let bytes = try fetchBlob(fetched.reference, descriptor: layer)
            var annotations = layer.annotations
            annotations[OCIAnnotation.title] = nil
            files.append(ArtifactFile(bytes: bytes, mediaType: layer.mediaType, title: title, annotations: annotations))
        }
        return PulledFiles(reference: fetched.reference, artifactType: manifest.artifactType, files: files, layers: manifest.layers)
    }
}
