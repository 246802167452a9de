import Yams

/// How an artifact's bytes are written.
public enum DocumentFormat: String, Sendable, CaseIterable {
    case json
    case yaml

    /// JSON when the first non-blank character opens an object or array, YAML otherwise.
    /// YAML is a superset of JSON, but our JSON parser keeps number text exactly, so JSON goes through it.
    public static func detect<Bytes: Collection>(_ bytes: Bytes) -> DocumentFormat where Bytes.Element == UInt8 {
        for b in bytes {
            switch b {
            case 0x20, 0x09, 0x0A, 0x0D: continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): return .json
            default: return .yaml
            }
        }
        return .json
    }
}

/// Parses JSON or YAML artifact text into a ``JSONValue``.
public enum DocumentDecoder {
    /// Largest number of nodes a YAML document may expand to. Aliases can make a small document
    /// expand exponentially ("billion laughs"); this bound turns that into an error.
    public static let maximumYAMLNodes = 1_000_000

    public static func decode<Bytes: Collection>(_ bytes: Bytes, format: DocumentFormat? = nil) throws(ArtifactDecodingError) -> JSONValue
    where Bytes.Element == UInt8 {
        switch format ?? DocumentFormat.detect(bytes) {
        case .json:
            do {
                return try JSONParser().parse(bytes)
            } catch {
                throw ArtifactDecodingError(path: FieldPath(), problem: error.description)
            }
        case .yaml:
            guard let text = String(validating: Array(bytes), as: UTF8.self) else {
                throw ArtifactDecodingError(path: FieldPath(), problem: "document is not valid UTF-8")
            }
            return try decodeYAML(text)
        }
    }

    public static func decode(_ text: String, format: DocumentFormat? = nil) throws(ArtifactDecodingError) -> JSONValue {
        try decode(Array(text.utf8), format: format)
    }

    static func decodeYAML(_ text: String) throws(ArtifactDecodingError) -> JSONValue {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw ArtifactDecodingError(path: FieldPath(), problem: "invalid YAML: \(error)")
        }
        guard let node else { return .null }
        var budget = maximumYAMLNodes
        return try convert(node, path: FieldPath(), budget: &budget)
    }

    /// YAML scalars map to JSON by their resolved tag. Integers and floats keep their source text
    /// (`5.10` stays `5.10`, unlike NFD's float32 round trip); YAML 1.1 booleans (`yes`, `off`) become
    /// booleans, as NFD's decoder makes them; timestamps and everything else stay strings.
    private static func convert(_ node: Node, path: FieldPath, budget: inout Int) throws(ArtifactDecodingError) -> JSONValue {
        budget -= 1
        guard budget >= 0 else {
            throw ArtifactDecodingError(path: path, problem: "YAML document expands to more than \(maximumYAMLNodes) nodes")
        }
        switch node {
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: return .null
            case .bool: return .bool(Bool.construct(from: scalar) ?? false)
            case .int, .float:
                if let n = normalisedNumber(scalar.string) { return .number(n) }
                return .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .mapping(let mapping):
            var object = JSONObject()
            for (key, value) in mapping {
                guard case .scalar(let k) = key else {
                    throw ArtifactDecodingError(path: path, problem: "YAML mapping keys must be scalars")
                }
                object[k.string] = try convert(value, path: path.appending(k.string), budget: &budget)
            }
            return .object(object)
        case .sequence(let sequence):
            var elements: [JSONValue] = []
            elements.reserveCapacity(sequence.count)
            for (i, element) in sequence.enumerated() {
                elements.append(try convert(element, path: path.appending(i), budget: &budget))
            }
            return .array(elements)
        case .alias:
            throw ArtifactDecodingError(path: path, problem: "unresolved YAML alias")
        }
    }

    /// YAML number text that is also valid JSON number text stays as written; YAML-only spellings
    /// (`0x10`, `+5`, `.5`, `1_000`, `.inf`) are not JSON numbers and are kept as strings.
    private static func normalisedNumber(_ text: String) -> String? {
        guard case .number(let n)? = try? JSONParser().parse(text) else { return nil }
        return n
    }
}
