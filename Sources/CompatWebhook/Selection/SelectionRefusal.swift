/// Why the selection engine chose nothing. Each message is one sentence the user can act on; the
/// category decides how the admission answer classifies it.
public struct SelectionRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Category: String, Sendable, Hashable {
        /// The request is well formed but nothing compatible exists (no image for these nodes).
        case noCompatibleChoice
        /// The object's annotations, nodeSelector or flux view ask for something unusable.
        case invalidRequest
        /// The artifact or model could not be obtained or read (registry down, unknown media type,
        /// a file outside the allowed roots, a broken artifact).
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
