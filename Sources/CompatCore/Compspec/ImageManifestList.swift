/// compspec's `manifests.yaml`: which compatibility artifact describes which image.
///
/// ```yaml
/// images:
///   - name: ghcr.io/rse-ops/lammps-matrix:mpich-ubuntu-22.04-amd64
///     artifact: ghcr.io/rse-ops/lammps-matrix:mpich-ubuntu-22.04-amd64-compspec
/// ```
///
/// There is no standard link between an image and its artifact yet (compspec-go's usage notes say to
/// "manually remember the pairing"), so this list is the link.
public struct ImageManifestList: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        /// The image reference a selection returns.
        public var name: String
        /// Where its compspec artifact is: an OCI reference, or a file path.
        public var artifact: String

        public init(name: String, artifact: String) {
            self.name = name
            self.artifact = artifact
        }
    }

    /// In document order, which is the order every listing and tie keeps.
    public var images: [Entry]

    public init(images: [Entry]) {
        self.images = images
    }

    public init<Bytes: Collection>(decoding bytes: Bytes) throws(ArtifactDecodingError) where Bytes.Element == UInt8 {
        try self.init(from: try DocumentDecoder.decode(bytes))
    }

    /// Strict: unknown fields, empty names and an image listed twice are errors naming their path.
    public init(from value: JSONValue) throws(ArtifactDecodingError) {
        var root = try StrictObject(value, at: FieldPath())
        var entries: [Entry] = []
        var seen: Set<String> = []
        for element in try root.array("images") {
            var entry = try StrictObject(element.value, at: element.path)
            let name = try entry.string("name")
            let artifact = try entry.string("artifact")
            try entry.finish()
            guard !name.trimmingSpaces.isEmpty else {
                throw ArtifactDecodingError(path: element.path.appending("name"), problem: "an image name must not be empty")
            }
            guard !artifact.trimmingSpaces.isEmpty else {
                throw ArtifactDecodingError(path: element.path.appending("artifact"), problem: "an artifact reference must not be empty")
            }
            guard seen.insert(name).inserted else {
                throw ArtifactDecodingError(path: element.path.appending("name"), problem: "image '\(name)' is listed more than once")
            }
            entries.append(Entry(name: name, artifact: artifact))
        }
        try root.finish()
        images = entries
    }
}
