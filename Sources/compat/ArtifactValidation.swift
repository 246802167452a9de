import CompatCore
import CompatModels

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
        case .modelCompatibility:
            _ = try ModelCompatibilitySpec(from: document)
            return []
        case .performanceModel:
            _ = try PerformanceModel(from: document)
            return []
        }
    }
}
