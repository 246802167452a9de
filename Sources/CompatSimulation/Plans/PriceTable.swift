import CompatCore

/// On-demand prices per node-hour (`artifacts/prices.yaml`), for estimating what a plan will cost.
public struct PriceTable: Sendable, Hashable {
    public struct Instance: Sendable, Hashable {
        public var name: String
        public var provider: String
        public var region: String
        public var architecture: Architecture
        public var vcpus: Int
        public var gpus: Int
        public var usdPerHour: Double
    }

    public var currency: String
    /// When the prices were read (`2024-06`).
    public var retrieved: String
    /// Provider → page the prices were read from.
    public var sources: [String: String]
    /// Node type used when a plan entry names none: per architecture, and for GPU entries.
    public var defaultAMD64: String
    public var defaultARM64: String
    public var defaultGPU: String
    public var instances: [Instance]

    public func instance(named name: String) -> Instance? {
        instances.first { $0.name == name }
    }

    /// Decodes the YAML or JSON table. Strict: unknown fields, a duplicate instance, a non-positive price
    /// or a default that names no listed instance are errors naming their path.
    public init<Bytes: Collection>(decoding bytes: Bytes) throws(ArtifactDecodingError) where Bytes.Element == UInt8 {
        var root = try StrictObject(try DocumentDecoder.decode(bytes), at: FieldPath())
        currency = try root.string("currency")
        retrieved = try root.scalarText("retrieved")
        var sources: [String: String] = [:]
        for (provider, url) in try root.optionalStringMap("sources") ?? [] { sources[provider] = url }
        self.sources = sources

        var parsed: [Instance] = []
        for (value, path) in try root.array("instances") {
            var object = try StrictObject(value, at: path)
            let name = try object.string("name")
            guard !parsed.contains(where: { $0.name == name }) else {
                throw ArtifactDecodingError(path: path.appending("name"), problem: "instance '\(name)' is listed twice")
            }
            let architectureText = try object.string("architecture")
            guard let architecture = Architecture(normalising: architectureText) else {
                throw ArtifactDecodingError(path: path.appending("architecture"), problem: "unknown architecture '\(architectureText)' (expected amd64 or arm64)")
            }
            let price = try object.double("usdPerHour")
            guard price > 0, price.isFinite else {
                throw ArtifactDecodingError(path: path.appending("usdPerHour"), problem: "price must be a positive number of dollars per hour, found \(price)")
            }
            let vcpus = try object.int("vcpus")
            let gpus = try object.optionalInt("gpus") ?? 0
            guard vcpus > 0, gpus >= 0 else {
                throw ArtifactDecodingError(path: path, problem: "vcpus must be positive and gpus not negative (found \(vcpus) and \(gpus))")
            }
            parsed.append(Instance(
                name: name, provider: try object.string("provider"), region: try object.string("region"),
                architecture: architecture, vcpus: vcpus, gpus: gpus, usdPerHour: price
            ))
            try object.finish()
        }
        instances = parsed

        var defaults = try root.object("defaults")
        func listed(_ key: String) throws(ArtifactDecodingError) -> String {
            let name = try defaults.string(key)
            guard parsed.contains(where: { $0.name == name }) else {
                throw ArtifactDecodingError(path: defaults.path.appending(key), problem: "default '\(name)' is not one of the listed instances")
            }
            return name
        }
        defaultAMD64 = try listed("amd64")
        defaultARM64 = try listed("arm64")
        defaultGPU = try listed("gpu")
        try defaults.finish()
        try root.finish()
    }

    /// The node type for an entry that names none.
    public func defaultInstance(architecture: Architecture, gpu: Bool) -> String? {
        if gpu { return defaultGPU }
        switch architecture {
        case .amd64: return defaultAMD64
        case .arm64: return defaultARM64
        default: return nil
        }
    }
}
