import CompatCore
import CompatTransport
import Foundation

/// One file of an artifact: a layer with its media type, named by `org.opencontainers.image.title`.
public struct ArtifactFile: Sendable, Equatable {
    public var bytes: [UInt8]
    public var mediaType: String
    /// The file name ORAS restores on pull.
    public var title: String
    public var annotations: [String: String]

    public init(bytes: [UInt8], mediaType: String, title: String, annotations: [String: String] = [:]) {
        self.bytes = bytes
        self.mediaType = mediaType
        self.title = title
        self.annotations = annotations
    }
}

/// An artifact to push in the layout `oras push`/`oras attach` produce.
public struct ArtifactPush: Sendable {
    public var artifactType: String
    public var files: [ArtifactFile]
    /// The image the artifact describes; must be in the same repository. Its manifest becomes the
    /// artifact's `subject`, and the referrers tag is kept up to date for registries without the API.
    public var subject: ImageReference?
    /// Manifest annotations; `org.opencontainers.image.created` is added from ``created`` unless present.
    public var annotations: [String: String]
    public var created: Date

    public init(artifactType: String, files: [ArtifactFile], subject: ImageReference? = nil, annotations: [String: String] = [:], created: Date = Date()) {
        self.artifactType = artifactType
        self.files = files
        self.subject = subject
        self.annotations = annotations
        self.created = created
    }
}

/// What a push stored.
public struct PushedArtifact: Sendable, Equatable {
    /// The target reference pinned to the manifest digest.
    public let reference: ImageReference
    public let manifest: OCIManifest
    /// The manifest's descriptor as referrers list it (artifact type and annotations included).
    public let descriptor: OCIDescriptor
    /// Whether the `sha256-<subject hex>` referrers index was written (registry without the referrers API).
    public let updatedReferrersTag: Bool
}

extension RegistryClient {
    /// The OCI empty descriptor's content.
    static let emptyConfig: [UInt8] = Array("{}".utf8)

    /// Pushes `artifact` to `reference` (its tag, or only by digest when the reference has no tag):
    /// every blob with a monolithic upload (POST, then PUT `?digest=`; docker-registry ignores a body on
    /// the POST), the `{}` config, then the manifest, whose stored digest is checked against ours.
    public func push(_ artifact: ArtifactPush, to reference: ImageReference) throws(RegistryError) -> PushedArtifact {
        try checkAllowed(reference)
        guard !artifact.files.isEmpty else {
            throw RegistryError(.invalidArtifact, reference.description, "an artifact needs at least one file")
        }
        let operation = Operation(reference, timeout: configuration.pushTimeout, actions: "pull,push")

        var subjectDescriptor: OCIDescriptor? = nil
        if let subject = artifact.subject {
            guard subject.registry == reference.registry, subject.repository == reference.repository else {
                throw RegistryError(.invalidReference, subject.description, "the subject must be in the artifact's repository \(reference.name)")
            }
            subjectDescriptor = try resolve(subject, operation)
        }

        let created = formatRFC3339(artifact.created)
        var config = OCIDescriptor.of(Self.emptyConfig, mediaType: OCIMediaType.emptyJSON)
        config.data = Data(Self.emptyConfig).base64EncodedString()
        try uploadBlob(Self.emptyConfig, digest: config.digest, operation)
        var layers: [OCIDescriptor] = []
        for file in artifact.files {
            var layer = OCIDescriptor.of(file.bytes, mediaType: file.mediaType)
            layer.annotations = file.annotations.merging([OCIAnnotation.title: file.title, OCIAnnotation.created: created]) { mine, _ in mine }
            try uploadBlob(file.bytes, digest: layer.digest, operation)
            layers.append(layer)
        }
        var annotations = artifact.annotations
        if annotations[OCIAnnotation.created] == nil { annotations[OCIAnnotation.created] = created }
        let manifest = OCIManifest(artifactType: artifact.artifactType, config: config, layers: layers, subject: subjectDescriptor, annotations: annotations)
        let bytes = manifest.encoded()
        let digest = Digest.sha256(bytes)
        let response = try putManifest(bytes, mediaType: OCIMediaType.imageManifest, reference: reference.tag ?? digest, digest: digest, operation)
        var descriptor = OCIDescriptor.of(bytes, mediaType: OCIMediaType.imageManifest)
        descriptor.artifactType = artifact.artifactType
        descriptor.annotations = annotations

        var updatedTag = false
        if let subjectDescriptor, response.headers["OCI-Subject"] == nil {
            try addToReferrersTag(descriptor, subject: subjectDescriptor, operation)
            updatedTag = true
        }
        logger.info("artifact pushed", metadata: [
            "reference": "\(reference)", "digest": "\(digest)", "artifactType": "\(artifact.artifactType)",
            "subject": "\(subjectDescriptor?.digest ?? "none")",
        ])
        return PushedArtifact(reference: reference.pinned(to: digest), manifest: manifest, descriptor: descriptor, updatedReferrersTag: updatedTag)
    }

    /// Uploads `bytes` unless the repository already has the blob.
    func uploadBlob(_ bytes: [UInt8], digest: String, _ operation: Operation) throws(RegistryError) {
        let reference = operation.reference
        let blobURL = baseURL(reference) + "/blobs/" + digest
        if try exchange(operation, method: "HEAD", url: blobURL, headers: [:], maxBytes: 0).status == 200 { return }

        let start = baseURL(reference) + "/blobs/uploads/"
        let started = try exchange(operation, method: "POST", url: start, headers: [:], maxBytes: 1 << 20)
        guard started.status == 202, let location = started.headers["Location"],
              let uploadURL = URL(string: location, relativeTo: URL(string: start))?.absoluteString else {
            throw unexpected(started, start, "starting a blob upload (expected 202 with a Location header)")
        }
        let target = uploadURL + (uploadURL.contains("?") ? "&" : "?") + "digest=" + queryEncoded(digest)
        let finished = try exchange(
            operation, method: "PUT", url: target, headers: ["Content-Type": "application/octet-stream"], body: bytes, maxBytes: 1 << 20
        )
        guard finished.status == 201 else { throw unexpected(finished, uploadURL, "completing a blob upload") }
        if let stored = finished.headers["Docker-Content-Digest"], stored != digest {
            throw RegistryError(.digestMismatch, reference.description, "the registry stored the blob as \(stored), expected \(digest)")
        }
    }

    @discardableResult
    func putManifest(_ bytes: [UInt8], mediaType: String, reference tagOrDigest: String, digest: String, _ operation: Operation) throws(RegistryError) -> HTTPClientResponse {
        let url = baseURL(operation.reference) + "/manifests/" + tagOrDigest
        let response = try exchange(operation, method: "PUT", url: url, headers: ["Content-Type": mediaType], body: bytes, maxBytes: 1 << 20)
        guard response.status == 201 else { throw unexpected(response, url, "storing the manifest") }
        if let stored = response.headers["Docker-Content-Digest"], stored != digest {
            throw RegistryError(.digestMismatch, operation.reference.description, "the registry stored the manifest as \(stored), expected \(digest)")
        }
        return response
    }

    /// Adds `descriptor` to the image index at tag `sha256-<subject hex>`, creating it if needed.
    /// Read-modify-write: concurrent pushers for the same subject can lose an entry (the OCI spec
    /// accepts this for the fallback).
    private func addToReferrersTag(_ descriptor: OCIDescriptor, subject: OCIDescriptor, _ operation: Operation) throws(RegistryError) {
        let tag = Self.referrersTag(for: subject.digest)
        let tagReference = operation.reference.tagged(tag)
        var index = OCIIndex(manifests: [])
        let existing: FetchedManifest?
        do {
            existing = try fetchManifest(tagReference, operation)
        } catch where error.kind == .notFound {
            existing = nil
        }
        if let existing {
            guard case .index(let found) = existing.document else {
                throw RegistryError(.malformedDocument, tagReference.description, "the referrers tag holds a manifest, not an image index; delete that tag")
            }
            index = found
        }
        guard !index.manifests.contains(where: { $0.digest == descriptor.digest }) else { return }
        index.manifests.append(descriptor)
        let bytes = index.encoded()
        try putManifest(bytes, mediaType: OCIMediaType.imageIndex, reference: tag, digest: Digest.sha256(bytes), operation)
    }
}
