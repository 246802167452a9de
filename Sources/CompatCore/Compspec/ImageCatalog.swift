/// An image and what its compatibility artifact says about it.
public struct CatalogImage: Sendable, Hashable {
    public var name: String
    public var artifact: String
    public var attributes: ImageAttributes

    public init(name: String, artifact: String, attributes: ImageAttributes) {
        self.name = name
        self.artifact = artifact
        self.attributes = attributes
    }
}

/// The images a selection chooses from, each with typed attributes. Built once (from `manifests.yaml`
/// and the artifacts it names) and then queried per admission or per simulated run.
public struct ImageCatalog: Sendable, Hashable {
    /// In manifest order; every candidate list keeps it.
    public var images: [CatalogImage]

    public init(images: [CatalogImage]) {
        self.images = images
    }

    /// Pairs every manifest entry with its artifact, found in `specs` by the entry's `artifact`
    /// reference. A missing artifact or one whose attributes cannot be typed is an error naming the
    /// image and the artifact.
    public init(manifests: ImageManifestList, specs: [String: CompatibilitySpec]) throws(CatalogError) {
        var images: [CatalogImage] = []
        images.reserveCapacity(manifests.images.count)
        for entry in manifests.images {
            guard let spec = specs[entry.artifact] else {
                throw CatalogError(image: entry.name, artifact: entry.artifact, problem: "no artifact was provided for this reference")
            }
            do {
                images.append(CatalogImage(name: entry.name, artifact: entry.artifact, attributes: try ImageAttributes(spec: spec)))
            } catch {
                throw CatalogError(image: entry.name, artifact: entry.artifact, problem: error.description)
            }
        }
        self.images = images
    }

    public var count: Int { images.count }
}

/// A catalog that cannot be built: which image, which artifact, what is wrong.
public struct CatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    public var image: String
    public var artifact: String
    public var problem: String

    public init(image: String, artifact: String, problem: String) {
        self.image = image
        self.artifact = artifact
        self.problem = problem
    }

    public var description: String { "artifact '\(artifact)' of image '\(image)': \(problem)" }
}
