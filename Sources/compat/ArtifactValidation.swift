import CompatCore
import CompatModels

/// What a valid document may still deserve a word about.
struct ValidationFindings {
    /// Problems that make the artifact unusable even though it decodes: an expression that can only ever
    /// error. Exit status 1, like a decoding error.
    var errors: [String] = []
    /// Things that are legal but probably not meant (an expression without op matches anything).
    var warnings: [String] = []
}

/// Decodes a document as one artifact kind with that kind's strict decoder, returning what it found.
enum ArtifactValidation {
    static func check(_ document: JSONValue, as kind: ArtifactKind) throws -> ValidationFindings {
        switch kind {
        case .compspec:
            _ = try CompatibilitySpec(from: document)
            return ValidationFindings()
        case .manifestList:
            _ = try ImageManifestList(decoding: document.serializedBytes())
            return ValidationFindings()
        case .imageCompatibility:
            let spec = try ImageCompatibilitySpec.decode(from: document)
            let errors = spec.unsatisfiableExpressions
            let errorPaths = Set(errors.map { "\($0.path)" })
            // The decoder also warns about these; each is reported once, as the error it is.
            let warnings = spec.warnings.filter { warning in !errorPaths.contains { warning.hasPrefix($0 + ": ") } }
            return ValidationFindings(errors: errors.map(\.description), warnings: warnings)
        case .modelCompatibility:
            _ = try ModelCompatibilitySpec(from: document)
            return ValidationFindings()
        case .performanceModel:
            _ = try PerformanceModel(from: document)
            return ValidationFindings()
        }
    }
}
