/// Where a value sits in a document, for error messages: `compatibilities[0].rules[1].matchFeatures[0].feature`.
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public private(set) var components: [Component]

    public init(_ components: [Component] = []) {
        self.components = components
    }

    public func appending(_ key: String) -> FieldPath {
        FieldPath(components + [.key(key)])
    }

    public func appending(_ index: Int) -> FieldPath {
        FieldPath(components + [.index(index)])
    }

    public var description: String {
        if components.isEmpty { return "(document root)" }
        var out = ""
        for c in components {
            switch c {
            case .key(let k):
                let plain = !k.isEmpty && k.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
                if plain {
                    if !out.isEmpty { out += "." }
                    out += k
                } else {
                    out += "[\"\(k)\"]"
                }
            case .index(let i): out += "[\(i)]"
            }
        }
        return out
    }
}

/// An artifact that cannot be decoded: what is wrong and where.
public struct ArtifactDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: FieldPath
    public var problem: String

    public init(path: FieldPath, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String {
        path.components.isEmpty ? problem : "\(path): \(problem)"
    }
}

/// Reads an object's members with type checks, remembering which were read so that ``finish()`` can
/// reject the rest. Every error names the member's full path.
///
/// ```swift
/// var spec = try StrictObject(value, at: FieldPath())
/// let version = try spec.string("version")
/// let sets = try spec.array("compatibilities")
/// try spec.finish()   // "unknown field 'compatibilites'" for a typo
/// ```
public struct StrictObject: Sendable {
    public let path: FieldPath
    public let object: JSONObject
    /// The member names read so far. An array: objects have a handful of known fields, and a linear
    /// search of a few strings is cheaper than hashing each one on every read.
    private var consumed: [String] = []

    public init(_ value: JSONValue, at path: FieldPath) throws(ArtifactDecodingError) {
        guard case .object(let object) = value else {
            throw ArtifactDecodingError(path: path, problem: "expected an object, found \(value.typeName)")
        }
        self.path = path
        self.object = object
    }

    public func contains(_ key: String) -> Bool { object[key] != nil }

    /// Marks a member as known without reading it (fields accepted for compatibility but unused).
    public mutating func ignore(_ keys: String...) {
        for k in keys { markConsumed(k) }
    }

    /// The raw member, marked as read; `nil` when absent.
    private mutating func markConsumed(_ key: String) {
        if !consumed.contains(key) { consumed.append(key) }
    }

    public mutating func value(_ key: String) -> JSONValue? {
        markConsumed(key)
        return object[key]
    }

    public mutating func requiredValue(_ key: String) throws(ArtifactDecodingError) -> JSONValue {
        guard let v = value(key) else {
            throw ArtifactDecodingError(path: path, problem: "missing required field '\(key)'")
        }
        return v
    }

    public mutating func string(_ key: String) throws(ArtifactDecodingError) -> String {
        let v = try requiredValue(key)
        return try Self.string(v, at: path.appending(key))
    }

    public mutating func optionalString(_ key: String) throws(ArtifactDecodingError) -> String? {
        guard let v = value(key), v != .null else { return nil }
        return try Self.string(v, at: path.appending(key))
    }

    /// A string, or a number or boolean taken as its exact source text. For values that YAML authors
    /// commonly leave unquoted (`value: [5.10]`, `version: 22.04`).
    public mutating func optionalScalarText(_ key: String) throws(ArtifactDecodingError) -> String? {
        guard let v = value(key), v != .null else { return nil }
        return try Self.scalarText(v, at: path.appending(key))
    }

    /// A required string, or an unquoted scalar's exact text (YAML authors write `version: 22.04`).
    public mutating func scalarText(_ key: String) throws(ArtifactDecodingError) -> String {
        try Self.scalarText(try requiredValue(key), at: path.appending(key))
    }

    public mutating func double(_ key: String) throws(ArtifactDecodingError) -> Double {
        try Self.double(try requiredValue(key), at: path.appending(key))
    }

    public mutating func int(_ key: String) throws(ArtifactDecodingError) -> Int {
        let v = try requiredValue(key)
        return try Self.int(v, at: path.appending(key))
    }

    public mutating func optionalInt(_ key: String) throws(ArtifactDecodingError) -> Int? {
        guard let v = value(key), v != .null else { return nil }
        return try Self.int(v, at: path.appending(key))
    }

    public mutating func optionalDouble(_ key: String) throws(ArtifactDecodingError) -> Double? {
        guard let v = value(key), v != .null else { return nil }
        return try Self.double(v, at: path.appending(key))
    }

    public mutating func optionalBool(_ key: String) throws(ArtifactDecodingError) -> Bool? {
        guard let v = value(key), v != .null else { return nil }
        guard case .bool(let b) = v else {
            throw ArtifactDecodingError(path: path.appending(key), problem: "expected a boolean, found \(v.typeName)")
        }
        return b
    }

    public mutating func object(_ key: String) throws(ArtifactDecodingError) -> StrictObject {
        try StrictObject(try requiredValue(key), at: path.appending(key))
    }

    public mutating func optionalObject(_ key: String) throws(ArtifactDecodingError) -> StrictObject? {
        guard let v = value(key), v != .null else { return nil }
        return try StrictObject(v, at: path.appending(key))
    }

    /// Array elements paired with their paths.
    public mutating func array(_ key: String) throws(ArtifactDecodingError) -> [(value: JSONValue, path: FieldPath)] {
        let v = try requiredValue(key)
        return try Self.array(v, at: path.appending(key))
    }

    public mutating func optionalArray(_ key: String) throws(ArtifactDecodingError) -> [(value: JSONValue, path: FieldPath)]? {
        guard let v = value(key), v != .null else { return nil }
        return try Self.array(v, at: path.appending(key))
    }

    /// An object whose values must all be strings (or unquoted scalars), in document order.
    public mutating func optionalStringMap(_ key: String) throws(ArtifactDecodingError) -> [(key: String, value: String)]? {
        guard let v = value(key), v != .null else { return nil }
        let p = path.appending(key)
        guard case .object(let o) = v else {
            throw ArtifactDecodingError(path: p, problem: "expected an object of strings, found \(v.typeName)")
        }
        var out: [(key: String, value: String)] = []
        for (k, member) in o.members {
            out.append((k, try Self.scalarText(member, at: p.appending(k))))
        }
        return out
    }

    /// Fails on the first member that was never read, naming it and the fields that are allowed here.
    public func finish() throws(ArtifactDecodingError) {
        for (key, _) in object.members where !consumed.contains(key) {
            let known = consumed.sorted().map { "'\($0)'" }.joined(separator: ", ")
            throw ArtifactDecodingError(
                path: path.appending(key),
                problem: "unknown field '\(key)'" + (known.isEmpty ? "" : " (known fields here: \(known))")
            )
        }
    }

    // MARK: Value readers usable on array elements

    public static func string(_ v: JSONValue, at path: FieldPath) throws(ArtifactDecodingError) -> String {
        guard case .string(let s) = v else {
            throw ArtifactDecodingError(path: path, problem: "expected a string, found \(v.typeName)")
        }
        return s
    }

    public static func scalarText(_ v: JSONValue, at path: FieldPath) throws(ArtifactDecodingError) -> String {
        switch v {
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        default: throw ArtifactDecodingError(path: path, problem: "expected a string, found \(v.typeName)")
        }
    }

    public static func int(_ v: JSONValue, at path: FieldPath) throws(ArtifactDecodingError) -> Int {
        guard case .number(let n) = v else {
            throw ArtifactDecodingError(path: path, problem: "expected an integer, found \(v.typeName)")
        }
        guard let i = Int(n) else {
            throw ArtifactDecodingError(path: path, problem: "expected an integer, found \(n)")
        }
        return i
    }

    public static func double(_ v: JSONValue, at path: FieldPath) throws(ArtifactDecodingError) -> Double {
        guard case .number(let n) = v, let d = Double(n) else {
            throw ArtifactDecodingError(path: path, problem: "expected a number, found \(v.typeName)")
        }
        return d
    }

    public static func array(_ v: JSONValue, at path: FieldPath) throws(ArtifactDecodingError) -> [(value: JSONValue, path: FieldPath)] {
        guard case .array(let elements) = v else {
            throw ArtifactDecodingError(path: path, problem: "expected an array, found \(v.typeName)")
        }
        return elements.enumerated().map { ($0.element, path.appending($0.offset)) }
    }
}
