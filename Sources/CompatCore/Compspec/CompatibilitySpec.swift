/// A compspec artifact (`kind: CompatibilitySpec`): groups of string attributes, one group per
/// namespace (`org.supercontainers`, `io.archspec`), as compspec-go writes and pushes next to an image.
///
/// Decoding is strict where compspec is loose: an unknown field, a wrong type or a missing required
/// field is an error naming its path. Attribute *keys* stay open, because compspec's schemas define no
/// closed set (and artifacts already drifted from them); ``ImageAttributes`` gives the known ones types.
public struct CompatibilitySpec: Sendable, Hashable {
    public static let kind = "CompatibilitySpec"

    public struct Metadata: Sendable, Hashable {
        public var name: String?
        /// Namespace → schema URL, in document order.
        public var schemas: [Schema]

        public init(name: String? = nil, schemas: [Schema] = []) {
            self.name = name
            self.schemas = schemas
        }
    }

    public struct Schema: Sendable, Hashable {
        public var namespace: String
        public var url: String

        public init(namespace: String, url: String) {
            self.namespace = namespace
            self.url = url
        }
    }

    /// One namespace's attributes.
    public struct Compatibility: Sendable, Hashable {
        public var name: String
        public var version: String?
        /// Key (without the namespace) → value, in document order.
        public var attributes: [Attribute]

        public init(name: String, version: String? = nil, attributes: [Attribute]) {
            self.name = name
            self.version = version
            self.attributes = attributes
        }
    }

    public struct Attribute: Sendable, Hashable {
        public var key: String
        public var value: String

        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = value
        }
    }

    public var version: String
    public var metadata: Metadata
    public var compatibilities: [Compatibility]

    public init(version: String = "0.0.0", metadata: Metadata, compatibilities: [Compatibility]) {
        self.version = version
        self.metadata = metadata
        self.compatibilities = compatibilities
    }

    /// Decodes JSON or YAML bytes.
    public init<Bytes: Collection>(decoding bytes: Bytes) throws(ArtifactDecodingError) where Bytes.Element == UInt8 {
        try self.init(from: try DocumentDecoder.decode(bytes))
    }

    public init(from value: JSONValue) throws(ArtifactDecodingError) {
        var root = try StrictObject(value, at: FieldPath())
        version = try StrictObject.scalarText(try root.requiredValue("version"), at: FieldPath([.key("version")]))
        let kind = try root.string("kind")
        guard kind == Self.kind else {
            throw ArtifactDecodingError(
                path: FieldPath([.key("kind")]),
                problem: "expected '\(Self.kind)', found '\(kind)' (this is not a compspec compatibility artifact)"
            )
        }
        if var meta = try root.optionalObject("metadata") {
            let name = try meta.optionalString("name")
            let schemas = try meta.optionalStringMap("schemas") ?? []
            try meta.finish()
            metadata = Metadata(name: name, schemas: schemas.map { Schema(namespace: $0.key, url: $0.value) })
        } else {
            metadata = Metadata()
        }
        var groups: [Compatibility] = []
        for element in try root.array("compatibilities") {
            var group = try StrictObject(element.value, at: element.path)
            let name = try group.string("name")
            guard !name.isEmpty else {
                throw ArtifactDecodingError(path: element.path.appending("name"), problem: "a namespace name must not be empty")
            }
            let groupVersion = try group.optionalScalarText("version")
            let attributes = try group.optionalStringMap("attributes") ?? []
            try group.finish()
            groups.append(Compatibility(name: name, version: groupVersion, attributes: attributes.map { Attribute($0.key, $0.value) }))
        }
        try root.finish()
        compatibilities = groups
    }

    /// Where attribute `key` of compatibility group `index` sits, for error messages.
    public static func attributePath(group index: Int, key: String) -> FieldPath {
        FieldPath([.key("compatibilities"), .index(index), .key("attributes"), .key(key)])
    }

    /// Every attribute under its full name `<namespace>.<key>` (e.g. `org.supercontainers.os.version`),
    /// which is how compspec's `match --match` addresses them. A later duplicate replaces an earlier one.
    public var flatAttributes: [String: String] {
        var flat: [String: String] = [:]
        for group in compatibilities {
            for attribute in group.attributes { flat[group.name + "." + attribute.key] = attribute.value }
        }
        return flat
    }

    /// The artifact as a JSON value, in compspec-go's field order.
    public var jsonValue: JSONValue {
        var meta = JSONObject()
        if let name = metadata.name { meta["name"] = .string(name) }
        if !metadata.schemas.isEmpty {
            meta["schemas"] = .object(JSONObject(metadata.schemas.map { ($0.namespace, JSONValue.string($0.url)) }))
        }
        let groups: [JSONValue] = compatibilities.map { group in
            var object = JSONObject()
            object["name"] = .string(group.name)
            if let version = group.version { object["version"] = .string(version) }
            object["attributes"] = .object(JSONObject(group.attributes.map { ($0.key, JSONValue.string($0.value)) }))
            return .object(object)
        }
        return .object(JSONObject([
            ("version", .string(version)),
            ("kind", .string(Self.kind)),
            ("metadata", .object(meta)),
            ("compatibilities", .array(groups)),
        ]))
    }
}
