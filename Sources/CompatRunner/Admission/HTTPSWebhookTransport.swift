import CompatTransport
import Logging

/// Posts AdmissionReviews to a webhook over HTTPS with libcurl, trusting only the CA that signed the
/// webhook's serving certificate (as the API server trusts only the `caBundle`). Connections are kept
/// alive between reviews.
public struct HTTPSWebhookTransport: AdmissionTransport {
    public let url: String
    private let client: CurlClient

    /// - Parameters:
    ///   - url: the webhook's mutate endpoint, e.g. `https://127.0.0.1:8443/mutate`.
    ///   - trust: the CA to verify the webhook with.
    ///   - timeout: the whole exchange, as the API server's `timeoutSeconds` (10 s by default there).
    public init(url: String, trust: CurlClient.TrustRoots, timeout: Duration = .seconds(10), logger: Logger) {
        self.url = url
        client = CurlClient(configuration: .init(trust: trust, timeout: timeout, userAgent: "compat-run"), logger: logger)
    }

    public func post(review: [UInt8]) throws -> [UInt8] {
        let response: HTTPClientResponse
        do {
            response = try client.send(HTTPClientRequest(method: "POST", url: url, headers: ["Content-Type": "application/json"], body: review))
        } catch {
            throw AdmissionRoundTripError(description: "cannot reach the webhook at \(url): \(error)")
        }
        guard response.status == 200 else {
            throw AdmissionRoundTripError(description: "the webhook at \(url) answered HTTP \(response.status): \(response.bodyText.prefix(300))")
        }
        return response.body
    }
}
