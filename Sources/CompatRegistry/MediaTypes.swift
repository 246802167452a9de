import Foundation

/// OCI and Docker media types the registry client sends and reads.
public enum OCIMediaType {
    public static let imageManifest = "application/vnd.oci.image.manifest.v1+json"
    public static let imageIndex = "application/vnd.oci.image.index.v1+json"
    public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    /// The 2-byte `{}` config of artifacts.
    public static let emptyJSON = "application/vnd.oci.empty.v1+json"

    /// Sent with every manifest request: docker-registry 2.8 answers 404 for an OCI manifest when the
    /// Accept header does not list it.
    public static let manifestAccept = [imageManifest, imageIndex, dockerManifest, dockerManifestList].joined(separator: ", ")

    /// The media type without parameters, lower-cased, for comparisons.
    static func essence(_ mediaType: String) -> String {
        let base = mediaType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? mediaType
        return base.trimmingCharacters(in: .whitespaces).lowercased()
    }
}

/// Media types of image-compatibility artifacts and their layers.
public enum CompatibilityMediaType {
    /// OCI WG proposal J blob, also used by ocifit-k8s for its feature specs.
    public static let ociCompatibilities = "application/vnd.oci.image.compatibilities.v1+json"
    /// ocifit-k8s model-based specs.
    public static let modelCompatibilities = "application/vnd.oci.image.model-compatibilities.v1+json"
    /// compspec artifacts as pushed by rse-ops/lammps-matrix (ORAS).
    public static let supercontainersCompspec = "application/org.supercontainers.compspec"
    public static let compspec = "application/org.compspec"
    /// NFD's artifact type (also accepted as a layer type).
    public static let nfdArtifact = "application/vnd.nfd.image-compatibility.v1alpha1"
    /// NFD's spec layer.
    public static let nfdSpec = "application/vnd.nfd.image-compatibility.spec.v1alpha1+yaml"

    /// Layer media types a compatibility pull accepts, most preferred first. The layer is chosen by
    /// type, never by position (NFD takes `layers[0]` unchecked, nfd-oci.md §1.2).
    public static let layerPreference: [String] = [
        ociCompatibilities, modelCompatibilities, supercontainersCompspec, compspec, nfdSpec, nfdArtifact,
    ]

    /// Artifact types whose manifests carry compatibility layers, for referrers discovery.
    public static let artifactTypes: [String] = [
        nfdArtifact, ociCompatibilities, modelCompatibilities, supercontainersCompspec, compspec,
    ]
}

/// Annotation keys from the OCI image spec.
public enum OCIAnnotation {
    /// RFC 3339 creation time; referrers discovery picks the newest artifact by it.
    public static let created = "org.opencontainers.image.created"
    /// File name of a layer (ORAS uses it to name pulled files).
    public static let title = "org.opencontainers.image.title"
}
