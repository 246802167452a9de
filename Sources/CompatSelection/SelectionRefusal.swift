/// Why the selection engine chose nothing. Each message is one sentence the user can act on; the
/// category decides how the admission answer classifies it.
public struct SelectionRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Category: String, Sendable, Hashable {
        /// The request is well formed but nothing compatible exists (no image for these nodes).
        case noCompatibleChoice
        /// The object's annotations, nodeSelector or flux view ask for something unusable.
        case invalidRequest
        /// The artifact or model is not something selection can use: an unknown media type, a document
        /// that does not decode, a catalog naming a non-compspec artifact, a spec that cannot be evaluated.
        case artifactInvalid
        /// The artifact or model could not be obtained (registry unreachable without a cached copy, a file
        /// that is missing or unreadable).
        case artifactUnavailable
    }

    public var category: Category
    public var message: String

    public init(_ category: Category, _ message: String) {
        self.category = category
        self.message = message
    }

    public var description: String { message }
}
