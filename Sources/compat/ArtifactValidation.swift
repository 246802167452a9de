import CompatCore

/// Decodes a document as one artifact kind with that kind's strict decoder, returning its warnings.
enum ArtifactValidation {
    static func check(_ document: JSONValue, as kind: ArtifactKind) throws -> [String] {
        switch kind {
        case .compspec:
            _ = try CompatibilitySpec(from: document)
            return []
        case .manifestList:
            _ = try ImageManifestList(decoding: document.serializedBytes())
            return []
        case .imageCompatibility:
            return try ImageCompatibilitySpec.decode(from: document).warnings
        case .modelCompatibility, .performanceModel:
            throw ArtifactDecodingError(path: FieldPath(), problem: "validation of \(kind) artifacts needs CompatModels")
        }
    }
}
