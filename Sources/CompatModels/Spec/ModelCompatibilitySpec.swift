import CompatCore

/// A model-compatibility artifact (ocifit-k8s's `application/vnd.oci.image.model-compatibilities.v1+json`
/// layer): each entry names a performance model, the direction to optimise it in, and the image to run
/// per CPU architecture once an instance is chosen.
///
/// Decoding is strict. ocifit-k8s decodes this shape leniently and tries it *before* the feature-rule
/// shape, so any feature spec with a rule passes as a model spec (its `matchFeatures` silently ignored);
/// here `matchFeatures` is an unknown field, and the layer media type decides which decoder to use.
public struct ModelCompatibilitySpec: Sendable, Hashable {
    public static let mediaType = "application/vnd.oci.image.model-compatibilities.v1+json"
    public static let supportedVersions = ["v1alpha1"]

    /// The image to run on one CPU architecture.
    public struct PlatformImage: Sendable, Hashable {
        /// A Kubernetes `kubernetes.io/arch` value (`amd64`, `arm64`).
        public var architecture: String
        public var image: String

        public init(architecture: String, image: String) {
            self.architecture = architecture
            self.image = image
        }
    }

    /// `matchModel.model`: which model to ask and how.
    public struct ModelReference: Sendable, Hashable {
        /// The regressor family the model was fitted as (`lasso`), informational; absent for `random`.
        public var type: String?
        /// Per-architecture images, in document order.
        public var platforms: [PlatformImage]
        public var direction: SelectionDirection
        /// The model key (`fom`), or `random`.
        public var name: String
        /// The model file the name resolves to, as the artifact author wrote it; absent for `random`.
        public var filename: String?

        public init(type: String?, platforms: [PlatformImage], direction: SelectionDirection, name: String, filename: String?) {
            self.type = type
            self.platforms = platforms
            self.direction = direction
            self.name = name
            self.filename = filename
        }

        /// The image for a node architecture, if the artifact names one.
        public func image(forArchitecture architecture: String) -> String? {
            platforms.first { $0.architecture == architecture }?.image
        }
    }

    public struct Compatibility: Sendable, Hashable {
        public var tag: String?
        public var description: String?
        public var weight: Int?
        /// The models of this entry, one per `rules[].matchModel`.
        public var models: [ModelReference]

        public init(tag: String?, description: String?, weight: Int?, models: [ModelReference]) {
            self.tag = tag
            self.description = description
            self.weight = weight
            self.models = models
        }
    }

    public var version: String
    public var compatibilities: [Compatibility]

    public init(version: String = "v1alpha1", compatibilities: [Compatibility]) {
        self.version = version
        self.compatibilities = compatibilities
    }

    /// Decodes JSON or YAML bytes.
    public init<Bytes: Collection>(decoding bytes: Bytes) throws(ArtifactDecodingError) where Bytes.Element == UInt8 {
        try self.init(from: try DocumentDecoder.decode(bytes))
    }

    public init(from value: JSONValue) throws(ArtifactDecodingError) {
        var root = try StrictObject(value, at: FieldPath())
        version = try root.string("version")
        guard Self.supportedVersions.contains(version) else {
            throw ArtifactDecodingError(
                path: root.path.appending("version"),
                problem: "unsupported version '\(version)'; this reader knows \(Self.supportedVersions.joined(separator: ", "))"
            )
        }
        let entries = try root.array("compatibilities")
        guard !entries.isEmpty else {
            throw ArtifactDecodingError(path: root.path.appending("compatibilities"), problem: "a model-compatibility spec needs at least one entry")
        }
        compatibilities = try entries.map { entry throws(ArtifactDecodingError) in try Self.compatibility(entry.value, at: entry.path) }
        try root.finish()
    }

    private static func compatibility(_ value: JSONValue, at path: FieldPath) throws(ArtifactDecodingError) -> Compatibility {
        var object = try StrictObject(value, at: path)
        let tag = try object.optionalString("tag")
        let description = try object.optionalString("description")
        let weight = try object.optionalInt("weight")
        let rules = try object.array("rules")
        guard !rules.isEmpty else {
            throw ArtifactDecodingError(path: path.appending("rules"), problem: "an entry needs at least one rule")
        }
        let models = try rules.map { rule throws(ArtifactDecodingError) in
            var ruleObject = try StrictObject(rule.value, at: rule.path)
            var match = try ruleObject.object("matchModel")
            let model = try Self.model(try match.requiredValue("model"), at: match.path.appending("model"))
            try match.finish()
            try ruleObject.finish()
            return model
        }
        try object.finish()
        return Compatibility(tag: tag, description: description, weight: weight, models: models)
    }

    private static func model(_ value: JSONValue, at path: FieldPath) throws(ArtifactDecodingError) -> ModelReference {
        var object = try StrictObject(value, at: path)
        let type = try object.optionalString("type")
        guard let platformMap = try object.optionalStringMap("platforms"), !platformMap.isEmpty else {
            throw ArtifactDecodingError(path: path.appending("platforms"), problem: "missing required field 'platforms' (architecture → image)")
        }
        for (architecture, image) in platformMap where architecture.isEmpty || image.isEmpty {
            throw ArtifactDecodingError(path: path.appending("platforms").appending(architecture), problem: "architecture and image must not be empty")
        }
        let directionText = try object.string("direction")
        guard let direction = SelectionDirection(rawValue: directionText) else {
            throw ArtifactDecodingError(path: path.appending("direction"), problem: "expected 'maximize', 'minimize' or 'random', found '\(directionText)'")
        }
        let name = try object.string("name")
        guard !name.isEmpty else {
            throw ArtifactDecodingError(path: path.appending("name"), problem: "must not be empty")
        }
        let filename = try object.optionalString("filename")
        try object.finish()
        return ModelReference(
            type: type, platforms: platformMap.map { PlatformImage(architecture: $0.key, image: $0.value) },
            direction: direction, name: name, filename: filename
        )
    }

    /// The entries that use model `name`.
    public func references(toModel name: String) -> [ModelReference] {
        var found: [ModelReference] = []
        for entry in compatibilities {
            for model in entry.models where model.name == name { found.append(model) }
        }
        return found
    }

    /// The artifact as JSON, in ocifit-k8s's field order.
    public var jsonValue: JSONValue {
        .object(JSONObject([
            ("version", .string(version)),
            ("compatibilities", .array(compatibilities.map { entry in
                var object = JSONObject()
                if let tag = entry.tag { object["tag"] = .string(tag) }
                if let description = entry.description { object["description"] = .string(description) }
                if let weight = entry.weight { object["weight"] = .number(String(weight)) }
                object["rules"] = .array(entry.models.map { model in
                    var reference = JSONObject()
                    if let type = model.type { reference["type"] = .string(type) }
                    reference["platforms"] = .object(JSONObject(model.platforms.map { ($0.architecture, JSONValue.string($0.image)) }))
                    reference["direction"] = .string(model.direction.rawValue)
                    reference["name"] = .string(model.name)
                    if let filename = model.filename { reference["filename"] = .string(filename) }
                    return .object(JSONObject([("matchModel", .object(JSONObject([("model", .object(reference))])))]))
                })
                return .object(object)
            })),
        ]))
    }
}
