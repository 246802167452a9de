import CompatTransport

/// Why a registry operation failed. The description names the reference and what to do.
public struct RegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The reference text does not parse, or references do not fit together.
        case invalidReference
        /// An artifact to push is incomplete.
        case invalidArtifact
        /// The registry (or repository) is not on the configured allowlist; nothing was sent.
        case notAllowed
        /// The registry refused our credentials, or has none for us.
        case unauthorized
        /// The registry has no such manifest, tag or blob.
        case notFound
        /// Content did not hash to the digest it was fetched by; it was not used.
        case digestMismatch
        /// A manifest, index or token response could not be decoded.
        case malformedDocument
        /// The manifest has no layer of an accepted media type.
        case noMatchingLayer
        /// A manifest or blob is larger than the configured limit.
        case tooLarge
        /// The registry answered with an unexpected status.
        case unexpectedStatus(Int)
        /// The HTTP exchange failed (timeout, refused, TLS, …).
        case transport(TransportError.Kind)
        /// A `file://` artifact could not be read.
        case localArtifact
        /// Credentials configuration (docker config, secret files) could not be read.
        case credentials
    }

    public let kind: Kind
    /// The reference or URL concerned.
    public let subject: String
    public let detail: String

    public init(_ kind: Kind, _ subject: String, _ detail: String) {
        self.kind = kind
        self.subject = subject
        self.detail = detail
    }

    public var description: String { "\(subject): \(detail)" }
}
