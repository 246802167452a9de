import CompatCore
import Foundation

/// The answer of an exec credential plugin (`client.authentication.k8s.io` `ExecCredential`) on stdout.
package struct ExecCredential: Sendable, Equatable {
    package var token: String
    /// When the token stops being valid; `nil`: valid until the server rejects it.
    package var expiration: Date?

    package init(token: String, expiration: Date?) {
        self.token = token
        self.expiration = expiration
    }

    /// Parses the plugin's stdout. `apiVersion` is the version the kubeconfig asked for; the answer
    /// must use the same one.
    package init<Bytes: Collection>(parsing bytes: Bytes, expectedAPIVersion apiVersion: String) throws(ArtifactDecodingError)
    where Bytes.Element == UInt8 {
        var root = try StrictObject(try DocumentDecoder.decode(bytes, format: .json), at: FieldPath())
        let kind = try root.string("kind")
        guard kind == "ExecCredential" else {
            throw ArtifactDecodingError(path: FieldPath([.key("kind")]), problem: "expected 'ExecCredential', found '\(kind)'")
        }
        let version = try root.string("apiVersion")
        guard version == apiVersion else {
            throw ArtifactDecodingError(
                path: FieldPath([.key("apiVersion")]),
                problem: "the plugin answered with '\(version)' but the kubeconfig asks for '\(apiVersion)'")
        }
        root.ignore("spec")
        var status = try root.object("status")
        if status.contains("clientCertificateData") || status.contains("clientKeyData") {
            throw ArtifactDecodingError(
                path: status.path,
                problem: "the plugin returned a client certificate; only token credentials from exec plugins are supported")
        }
        let token = try status.string("token")
        guard !token.isEmpty else {
            throw ArtifactDecodingError(path: status.path.appending("token"), problem: "the token is empty")
        }
        var expiration: Date?
        if let text = try status.optionalString("expirationTimestamp") {
            guard let date = Self.rfc3339(text) else {
                throw ArtifactDecodingError(
                    path: status.path.appending("expirationTimestamp"), problem: "expected an RFC 3339 time, found '\(text)'")
            }
            expiration = date
        }
        try status.finish()
        try root.finish()
        self.init(token: token, expiration: expiration)
    }

    /// RFC 3339 with or without fractional seconds (Go's `metav1.Time` writes without).
    static func rfc3339(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
