import CompatCore
import CompatTransport
import Foundation

/// An OCI content descriptor.
public struct OCIDescriptor: Sendable, Hashable {
    public var mediaType: String
    public var digest: String
    public var size: Int
    public var artifactType: String?
    public var annotations: [String: String]
    public var platform: OCIPlatform?
    /// Embedded content (base64), as ORAS writes for the empty config.
    public var data: String?

    public init(
        mediaType: String, digest: String, size: Int, artifactType: String? = nil, annotations: [String: String] = [:],
        platform: OCIPlatform? = nil, data: String? = nil
    ) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.artifactType = artifactType
        self.annotations = annotations
        self.platform = platform
        self.data = data
    }

    /// The descriptor of `bytes` with `mediaType`.
    public static func of(_ bytes: [UInt8], mediaType: String) -> OCIDescriptor {
        OCIDescriptor(mediaType: mediaType, digest: Digest.sha256(bytes), size: bytes.count)
    }

    /// The `org.opencontainers.image.created` annotation as a date, when present and RFC 3339.
    public var created: Date? { annotations[OCIAnnotation.created].flatMap(parseRFC3339) }
}

public struct OCIPlatform: Sendable, Hashable {
    public var architecture: String
    public var os: String
    public var variant: String?

    public init(architecture: String, os: String, variant: String? = nil) {
        self.architecture = architecture
        self.os = os
        self.variant = variant
    }
}

/// An image or artifact manifest.
public struct OCIManifest: Sendable, Hashable {
    public var mediaType: String?
    public var artifactType: String?
    public var config: OCIDescriptor
    public var layers: [OCIDescriptor]
    public var subject: OCIDescriptor?
    public var annotations: [String: String]

    public init(
        mediaType: String? = OCIMediaType.imageManifest, artifactType: String? = nil, config: OCIDescriptor, layers: [OCIDescriptor],
        subject: OCIDescriptor? = nil, annotations: [String: String] = [:]
    ) {
        self.mediaType = mediaType
        self.artifactType = artifactType
        self.config = config
        self.layers = layers
        self.subject = subject
        self.annotations = annotations
    }

    /// The artifact type: `artifactType`, else the config media type (OCI 1.1 rule for older artifacts).
    public var effectiveArtifactType: String { artifactType ?? config.mediaType }
}

/// An image index (multi-platform image, or a referrers list).
public struct OCIIndex: Sendable, Hashable {
    public var mediaType: String?
    public var artifactType: String?
    public var manifests: [OCIDescriptor]
    public var subject: OCIDescriptor?
    public var annotations: [String: String]

    public init(
        mediaType: String? = OCIMediaType.imageIndex, artifactType: String? = nil, manifests: [OCIDescriptor],
        subject: OCIDescriptor? = nil, annotations: [String: String] = [:]
    ) {
        self.mediaType = mediaType
        self.artifactType = artifactType
        self.manifests = manifests
        self.subject = subject
        self.annotations = annotations
    }
}

/// A manifest or an index, as fetched from a manifest endpoint.
public enum OCIDocument: Sendable, Hashable {
    case manifest(OCIManifest)
    case index(OCIIndex)

    /// Decodes a manifest endpoint's bytes. `contentType` (the response header) decides when the
    /// document has no `mediaType` field. Unknown fields are ignored, as the OCI image spec requires of
    /// readers; known fields with a wrong type are errors naming their path.
    public static func decode(_ bytes: [UInt8], contentType: String?) throws(ArtifactDecodingError) -> OCIDocument {
        let value: JSONValue
        do {
            value = try JSONParser(maximumDepth: 64).parse(bytes)
        } catch {
            throw ArtifactDecodingError(path: FieldPath(), problem: "\(error)")
        }
        var object = try StrictObject(value, at: FieldPath())
        let declared = try object.optionalString("mediaType")
        let kind = OCIMediaType.essence(declared ?? contentType ?? "")
        let isIndex = kind == OCIMediaType.imageIndex || kind == OCIMediaType.dockerManifestList
            || (declared == nil && object.contains("manifests") && !object.contains("layers"))
        if let schemaVersion = try object.optionalInt("schemaVersion"), schemaVersion != 2 {
            throw ArtifactDecodingError(path: FieldPath().appending("schemaVersion"), problem: "expected 2, found \(schemaVersion)")
        }
        let artifactType = try object.optionalString("artifactType")
        let subject = try object.optionalObject("subject").map { o throws(ArtifactDecodingError) in try decodeDescriptor(o) }
        let annotations = try decodeAnnotations(&object)
        if isIndex {
            let manifests = try object.array("manifests").map { element throws(ArtifactDecodingError) in
                try decodeDescriptor(try StrictObject(element.value, at: element.path))
            }
            return .index(OCIIndex(mediaType: declared, artifactType: artifactType, manifests: manifests, subject: subject, annotations: annotations))
        }
        let config = try decodeDescriptor(try object.object("config"))
        let layers = try (object.optionalArray("layers") ?? []).map { element throws(ArtifactDecodingError) in
            try decodeDescriptor(try StrictObject(element.value, at: element.path))
        }
        return .manifest(OCIManifest(mediaType: declared, artifactType: artifactType, config: config, layers: layers, subject: subject, annotations: annotations))
    }

    static func decodeDescriptor(_ source: StrictObject) throws(ArtifactDecodingError) -> OCIDescriptor {
        var object = source
        let mediaType = try object.string("mediaType")
        let digest = try object.string("digest")
        if let problem = ImageReference.digestProblem(digest) {
            throw ArtifactDecodingError(path: object.path.appending("digest"), problem: problem)
        }
        let size = try object.int("size")
        guard size >= 0 else { throw ArtifactDecodingError(path: object.path.appending("size"), problem: "size must not be negative") }
        var platform: OCIPlatform? = nil
        if var p = try object.optionalObject("platform") {
            platform = OCIPlatform(architecture: try p.string("architecture"), os: try p.string("os"), variant: try p.optionalString("variant"))
        }
        return OCIDescriptor(
            mediaType: mediaType, digest: digest, size: size, artifactType: try object.optionalString("artifactType"),
            annotations: try decodeAnnotations(&object), platform: platform, data: try object.optionalString("data")
        )
    }

    private static func decodeAnnotations(_ object: inout StrictObject) throws(ArtifactDecodingError) -> [String: String] {
        guard let pairs = try object.optionalStringMap("annotations") else { return [:] }
        return Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}

// MARK: - Encoding

extension OCIDescriptor {
    var jsonValue: JSONValue {
        var object = JSONObject()
        object["mediaType"] = .string(mediaType)
        object["digest"] = .string(digest)
        object["size"] = .number(String(size))
        if let artifactType { object["artifactType"] = .string(artifactType) }
        if let data { object["data"] = .string(data) }
        if let platform {
            var p = JSONObject()
            p["architecture"] = .string(platform.architecture)
            p["os"] = .string(platform.os)
            if let variant = platform.variant { p["variant"] = .string(variant) }
            object["platform"] = .object(p)
        }
        if !annotations.isEmpty { object["annotations"] = annotationsValue(annotations) }
        return .object(object)
    }
}

extension OCIManifest {
    /// Canonical bytes to push (fields in spec order, annotation keys sorted). The manifest's digest is
    /// the SHA-256 of exactly these bytes.
    public func encoded() -> [UInt8] {
        var object = JSONObject()
        object["schemaVersion"] = 2
        object["mediaType"] = .string(mediaType ?? OCIMediaType.imageManifest)
        if let artifactType { object["artifactType"] = .string(artifactType) }
        object["config"] = config.jsonValue
        object["layers"] = .array(layers.map(\.jsonValue))
        if let subject { object["subject"] = subject.jsonValue }
        if !annotations.isEmpty { object["annotations"] = annotationsValue(annotations) }
        return JSONValue.object(object).serializedBytes()
    }
}

extension OCIIndex {
    public func encoded() -> [UInt8] {
        var object = JSONObject()
        object["schemaVersion"] = 2
        object["mediaType"] = .string(mediaType ?? OCIMediaType.imageIndex)
        if let artifactType { object["artifactType"] = .string(artifactType) }
        object["manifests"] = .array(manifests.map(\.jsonValue))
        if let subject { object["subject"] = subject.jsonValue }
        if !annotations.isEmpty { object["annotations"] = annotationsValue(annotations) }
        return JSONValue.object(object).serializedBytes()
    }
}

private func annotationsValue(_ annotations: [String: String]) -> JSONValue {
    .object(JSONObject(annotations.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }))
}

/// RFC 3339 with or without fractional seconds.
func parseRFC3339(_ text: String) -> Date? {
    let plain = ISO8601DateFormatter()
    plain.formatOptions = [.withInternetDateTime]
    if let date = plain.date(from: text) { return date }
    let fractional = ISO8601DateFormatter()
    fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return fractional.date(from: text)
}

func formatRFC3339(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
}
