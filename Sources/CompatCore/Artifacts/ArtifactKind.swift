/// The kinds of document this project reads, and how to tell them apart.
///
/// Registries say what a layer is through its media type, and the webhook dispatches on that
/// (``init(mediaType:)``), never by trying decoders in turn: ocifit-k8s tried the model decoder first and so
/// read every feature spec as a model spec. For a file on disk there is no media type; ``detect(_:)`` reads
/// the one distinguishing member of each kind instead, and says which it saw.
public enum ArtifactKind: String, Sendable, CaseIterable, CustomStringConvertible {
    /// compspec `kind: CompatibilitySpec` (flat namespaced attributes of one image).
    case compspec
    /// `images: [{name, artifact}]`, the image ↔ artifact list `compspec match -i` reads.
    case manifestList = "manifest-list"
    /// NFD v1alpha1 image compatibility, or the ocifit-k8s list form of it.
    case imageCompatibility = "image-compatibility"
    /// A model-compatibility spec (`matchModel` rules naming a performance model and images per platform).
    case modelCompatibility = "model-compatibility"
    /// A portable performance model (`format: ocifit-linear-model`).
    case performanceModel = "performance-model"

    public var description: String { rawValue }

    /// Media types by kind, as registries label the layers (compspec's two, NFD's artifact and spec layer,
    /// ocifit-k8s's two, and this project's model file).
    public static let mediaTypes: [(mediaType: String, kind: ArtifactKind)] = [
        ("application/org.supercontainers.compspec", .compspec),
        ("application/org.compspec", .compspec),
        ("application/vnd.oci.image.compatibilities.v1+json", .imageCompatibility),
        ("application/vnd.nfd.image-compatibility.v1alpha1", .imageCompatibility),
        ("application/vnd.nfd.image-compatibility.spec.v1alpha1+yaml", .imageCompatibility),
        ("application/vnd.oci.image.model-compatibilities.v1+json", .modelCompatibility),
        ("application/vnd.compat.performance-model.v1+json", .performanceModel),
    ]

    /// The kind a registry layer's media type declares, or `nil` for a media type this project does not read.
    public init?(mediaType: String) {
        guard let match = Self.mediaTypes.first(where: { $0.mediaType == mediaType }) else { return nil }
        self = match.kind
    }

    /// The kind of a decoded document, from the member that only that kind has.
    public static func detect(_ document: JSONValue) throws(ArtifactDecodingError) -> ArtifactKind {
        guard case .object(let object) = document else {
            throw ArtifactDecodingError(path: FieldPath(), problem: "expected an artifact object, found \(document.typeName)")
        }
        if object["kind"] == .string("CompatibilitySpec") { return .compspec }
        if object["format"] != nil { return .performanceModel }
        if object["images"] != nil { return .manifestList }
        if let sets = object["compatibilities"]?.arrayValue {
            let usesModels = sets.contains { set in
                set["rules"]?.arrayValue?.contains { $0["matchModel"] != nil } ?? false
            }
            return usesModels ? .modelCompatibility : .imageCompatibility
        }
        throw ArtifactDecodingError(
            path: FieldPath(),
            problem: "not a known artifact: expected 'kind: CompatibilitySpec' (compspec), 'images' (manifest list), "
                + "'compatibilities' (image or model compatibility) or 'format' (performance model)"
        )
    }
}
