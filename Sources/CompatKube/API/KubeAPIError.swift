/// A failed call to the Kubernetes API, with what to do about it.
package struct KubeAPIError: Error, Sendable, CustomStringConvertible {
    package enum Kind: Sendable, Equatable {
        /// No complete HTTP response: connection refused, TLS failure, timeout, reset, a stream cut
        /// mid-event. `detail` is the transport's message, with its hint.
        case transport(detail: String)
        /// An HTTP response with a non-success status.
        case status(code: Int, status: KubeStatus?)
        /// A success response whose body is not what the API documents.
        case malformedResponse(detail: String)
        /// Credentials could not be obtained (token file unreadable, exec plugin failed).
        case credentials(detail: String)
    }

    package var kind: Kind
    /// `GET /api/v1/nodes?limit=500`
    package var request: String

    package init(kind: Kind, request: String) {
        self.kind = kind
        self.request = request
    }

    /// The HTTP status code, when the server answered.
    package var httpStatus: Int? {
        if case .status(let code, _) = kind { return code }
        return nil
    }

    /// The server's Status object, when it sent one.
    package var status: KubeStatus? {
        if case .status(_, let status) = kind { return status }
        return nil
    }

    /// 410 Gone, or a Status saying the resource version expired.
    package var isExpired: Bool {
        httpStatus == 410 || status?.isExpired == true
    }

    package var description: String {
        switch kind {
        case .transport(let detail):
            return "\(request): no response from the API server: \(detail)"
        case .credentials(let detail):
            return "\(request): no credentials: \(detail)"
        case .malformedResponse(let detail):
            return "\(request): unexpected response body: \(detail)"
        case .status(let code, let status):
            var text = "\(request): HTTP \(code)"
            if let reason = status?.reason { text += " \(reason)" }
            if let message = status?.message, !message.isEmpty { text += ": \(message)" }
            switch code {
            case 401:
                text += " (the token or client certificate was rejected; check that the service account token is current or refresh the kubeconfig credentials)"
            case 403:
                text += " (RBAC denies this; grant the service account the verb on this resource, e.g. nodes get/list/watch through a ClusterRole)"
            case 410:
                text += " (the resource version is too old; list again)"
            default:
                break
            }
            return text
        }
    }
}
