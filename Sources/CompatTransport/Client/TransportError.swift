/// Why an HTTP exchange failed before a complete response arrived. HTTP error statuses are not
/// transport errors: they come back as responses.
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The request itself is unusable (bad URL, unsupported scheme, unsafe header).
        case invalidRequest
        /// DNS has no address for the host.
        case hostNotResolved
        /// Nothing listens on the port (TCP reset on connect).
        case connectionRefused
        /// The TCP connection could not be made for another reason (unreachable network, connect timeout).
        case connectFailed
        /// The request or stream did not finish within its time limit, or a stream stalled longer than its idle limit.
        case timeout
        /// The server's certificate is not trusted by the configured CA, has expired, or does not name the host.
        case tlsVerificationFailed
        /// The TLS handshake failed for another reason (protocol or cipher mismatch, plain HTTP on a TLS port, peer reset).
        case tlsHandshakeFailed
        /// Our own TLS material is unusable (CA file unreadable, client certificate or key bad).
        case tlsConfigurationInvalid
        /// The connection closed or failed while sending the request or reading the response.
        case connectionClosed
        /// More redirects than allowed, or a redirect to a scheme that is not allowed.
        case redirectRefused
        /// The response body is larger than the request's limit.
        case responseTooLarge
        /// Any other libcurl failure; `curlCode` says which.
        case other
    }

    public let kind: Kind
    public let method: String
    public let url: String
    /// libcurl's own explanation (its error buffer), or ours.
    public let detail: String
    /// The `CURLcode`, when libcurl reported the failure.
    public let curlCode: Int?

    public init(kind: Kind, method: String, url: String, detail: String, curlCode: Int? = nil) {
        self.kind = kind
        self.method = method
        self.url = url
        self.detail = detail
        self.curlCode = curlCode
    }

    public var description: String {
        let code = curlCode.map { " (curl error \($0))" } ?? ""
        return "\(method) \(url): \(summary): \(detail)\(code). \(hint)"
    }

    private var summary: String {
        switch kind {
        case .invalidRequest: return "invalid request"
        case .hostNotResolved: return "host name not resolved"
        case .connectionRefused: return "connection refused"
        case .connectFailed: return "could not connect"
        case .timeout: return "timed out"
        case .tlsVerificationFailed: return "TLS certificate verification failed"
        case .tlsHandshakeFailed: return "TLS handshake failed"
        case .tlsConfigurationInvalid: return "local TLS configuration unusable"
        case .connectionClosed: return "connection closed unexpectedly"
        case .redirectRefused: return "redirect refused"
        case .responseTooLarge: return "response too large"
        case .other: return "transfer failed"
        }
    }

    /// What to check next.
    private var hint: String {
        switch kind {
        case .invalidRequest: return "Check the URL (scheme http or https, host, port) and header values"
        case .hostNotResolved: return "Check the host name and the DNS configuration"
        case .connectionRefused: return "Check that the server runs and listens on this host and port"
        case .connectFailed: return "Check network reachability, firewalls and the connect timeout"
        case .timeout: return "The server is slow or not answering; check it, or raise the timeout if the work is legitimately long"
        case .tlsVerificationFailed:
            return "Check that the configured CA bundle contains the CA that issued the server certificate, that the certificate has not expired, and that the URL host is one of its SANs"
        case .tlsHandshakeFailed: return "Check that the port serves TLS (use http:// for a plain-HTTP server) and that both sides share a TLS version (1.2 or 1.3)"
        case .tlsConfigurationInvalid: return "Check the CA file or PEM and the client certificate and key paths, formats and pairing"
        case .connectionClosed: return "The server closed the connection (it may have crashed, restarted, or rejected the request size); retry or check the server logs"
        case .redirectRefused: return "The server redirects in a loop or to a disallowed scheme; check the URL"
        case .responseTooLarge: return "Raise the response size limit if this much data is expected"
        case .other: return "See the curl error code in libcurl's documentation (libcurl-errors)"
        }
    }
}
