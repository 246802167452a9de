import CompatCore

/// A `metav1.Status`: the body of every API error response and of watch `ERROR` events.
///
/// `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource
/// version: 1 (2)","reason":"Expired","code":410}`
package struct KubeStatus: Sendable, Equatable {
    /// `Success` or `Failure`.
    package var status: String?
    package var message: String?
    /// Machine-readable cause: `Expired`, `Gone`, `NotFound`, `Unauthorized`, `Forbidden`, …
    package var reason: String?
    package var code: Int?

    package init(status: String? = nil, message: String? = nil, reason: String? = nil, code: Int? = nil) {
        self.status = status
        self.message = message
        self.reason = reason
        self.code = code
    }

    /// Reads a Status object; `nil` when the value is not one (`kind` other than `Status`).
    package init?(_ value: JSONValue) {
        guard value["kind"]?.stringValue == "Status" else { return nil }
        status = value["status"]?.stringValue
        message = value["message"]?.stringValue
        reason = value["reason"]?.stringValue
        if case .number(let text)? = value["code"] { code = Int(text) } else { code = nil }
    }

    /// The resource version (or continue token) is older than the server's history window: the
    /// client must list again from scratch.
    package var isExpired: Bool {
        code == 410 || reason == "Expired" || reason == "Gone"
    }
}
