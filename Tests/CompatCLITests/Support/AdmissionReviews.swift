import Foundation

/// What the API server does with a mutating webhook, for tests that run `compat-webhook serve`: it wraps the
/// object in an `admission.k8s.io/v1` AdmissionReview, POSTs it over TLS to the Service's DNS name (resolved to
/// 127.0.0.1 here) trusting only the configuration's caBundle, checks the answer as `VerifyAdmissionResponse`
/// does and applies the JSON Patch.
struct WebhookEndpoint {
    /// The name the certificate must carry: `<service>.<namespace>.svc`.
    var serverName: String
    var port: UInt16
    var path: String
    /// PEM file of the CA the caBundle holds.
    var caFile: String
    /// The configuration's `timeoutSeconds`, sent as `?timeout=` and used as the client deadline.
    var timeoutSeconds: Int

    var url: String { "https://\(serverName):\(port)\(path)?timeout=\(timeoutSeconds)s" }
}

/// The group, version and kind (or resource) the API server names in a review.
struct GroupVersionName: Equatable {
    var group: String
    var version: String
    var name: String
}

/// One answer, checked.
struct AdmissionAnswer {
    var response: [String: Any]
    var allowed: Bool { response["allowed"] as? Bool == true }
    /// The decoded JSON Patch (empty when the answer has none).
    var patch: [[String: Any]]
    var auditAnnotations: [String: String] { response["auditAnnotations"] as? [String: String] ?? [:] }
    var statusMessage: String { (response["status"] as? [String: Any])?["message"] as? String ?? "" }
}

enum AdmissionReviews {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func review(
        uid: String, object: [String: Any], kind: GroupVersionName, resource: GroupVersionName, namespace: String, username: String
    ) -> [String: Any] {
        let kindObject = ["group": kind.group, "version": kind.version, "kind": kind.name]
        let resourceObject = ["group": resource.group, "version": resource.version, "resource": resource.name]
        var request: [String: Any] = [
            "uid": uid, "kind": kindObject, "resource": resourceObject, "requestKind": kindObject, "requestResource": resourceObject,
            "namespace": namespace, "operation": "CREATE", "userInfo": ["username": username, "groups": ["system:authenticated"]],
            "object": object, "oldObject": NSNull(), "dryRun": false,
            "options": ["kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1"],
        ]
        if let name = (object["metadata"] as? [String: Any])?["name"] as? String { request["name"] = name }
        return ["kind": "AdmissionReview", "apiVersion": "admission.k8s.io/v1", "request": request]
    }

    /// POSTs `review` with curl and checks the answer the way the API server does.
    static func send(_ review: [String: Any], to endpoint: WebhookEndpoint, scratch: String) throws -> AdmissionAnswer {
        let body = scratch + "/review-\(UUID().uuidString).json"
        try JSONSerialization.data(withJSONObject: review).write(to: URL(fileURLWithPath: body))
        defer { try? FileManager.default.removeItem(atPath: body) }
        let result = try ChildProcess.run("/usr/bin/curl", [
            "-sS", "--max-time", String(endpoint.timeoutSeconds), "--cacert", endpoint.caFile,
            "--resolve", "\(endpoint.serverName):\(endpoint.port):127.0.0.1", "-H", "Content-Type: application/json",
            "-H", "Accept: application/json", "--data-binary", "@" + body, "-w", "\n%{http_code}", endpoint.url,
        ])
        guard result.status == 0 else { throw Failure(description: "curl to \(endpoint.url) failed: \(result.stderr)") }
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.last == "200" else { throw Failure(description: "HTTP \(lines.last ?? "?"): \(result.stdout)") }
        let text = lines.dropLast().joined(separator: "\n")
        guard let document = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              document["apiVersion"] as? String == "admission.k8s.io/v1", document["kind"] as? String == "AdmissionReview",
              let response = document["response"] as? [String: Any] else {
            throw Failure(description: "not an admission.k8s.io/v1 AdmissionReview answer: \(text)")
        }
        let uid = (review["request"] as? [String: Any])?["uid"] as? String
        guard response["uid"] as? String == uid else { throw Failure(description: "answer uid \(response["uid"] ?? "none") is not \(uid ?? "")") }
        let encoded = response["patch"] as? String
        guard (encoded == nil) == (response["patchType"] == nil) else { throw Failure(description: "patch and patchType must come together") }
        guard let encoded else { return AdmissionAnswer(response: response, patch: []) }
        guard response["patchType"] as? String == "JSONPatch", let data = Data(base64Encoded: encoded),
              let patch = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw Failure(description: "the patch is not a base64 JSON Patch: \(encoded)")
        }
        return AdmissionAnswer(response: response, patch: patch)
    }

    /// `object` with an RFC 6902 patch of `add`, `replace` and `remove` operations applied, as the API server
    /// applies a webhook's patch (any other operation, or a path that does not resolve, is an error).
    static func apply(_ patch: [[String: Any]], to object: [String: Any]) throws -> [String: Any] {
        var document: Any = object
        for operation in patch {
            guard let op = operation["op"] as? String, let path = operation["path"] as? String, path.hasPrefix("/") else {
                throw Failure(description: "malformed operation \(operation)")
            }
            let tokens = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
                .map { $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~") }
            document = try applying(op, value: operation["value"], at: tokens[...], in: document, path: path)
        }
        guard let result = document as? [String: Any] else { throw Failure(description: "the patched document is not an object") }
        return result
    }

    private static func applying(_ op: String, value: Any?, at tokens: ArraySlice<String>, in node: Any, path: String) throws -> Any {
        guard let token = tokens.first else { throw Failure(description: "empty path \(path)") }
        let last = tokens.count == 1
        if var object = node as? [String: Any] {
            if last {
                switch op {
                case "add": object[token] = value
                case "replace":
                    guard object[token] != nil else { throw Failure(description: "replace of missing \(path)") }
                    object[token] = value
                case "remove":
                    guard object.removeValue(forKey: token) != nil else { throw Failure(description: "remove of missing \(path)") }
                default: throw Failure(description: "unexpected operation \(op) at \(path)")
                }
                return object
            }
            guard let child = object[token] else { throw Failure(description: "\(path): no member \(token)") }
            object[token] = try applying(op, value: value, at: tokens.dropFirst(), in: child, path: path)
            return object
        }
        if var array = node as? [Any] {
            let index = token == "-" ? array.count : Int(token) ?? -1
            if last {
                switch op {
                case "add" where (0...array.count).contains(index): array.insert(value ?? NSNull(), at: index)
                case "replace" where array.indices.contains(index): array[index] = value ?? NSNull()
                case "remove" where array.indices.contains(index): array.remove(at: index)
                default: throw Failure(description: "\(op) at \(path): index \(token) out of range")
                }
                return array
            }
            guard array.indices.contains(index) else { throw Failure(description: "\(path): index \(token) out of range") }
            array[index] = try applying(op, value: value, at: tokens.dropFirst(), in: array[index], path: path)
            return array
        }
        throw Failure(description: "\(path): \(token) is inside a value that is neither an object nor an array")
    }
}

/// Reading nested members of decoded JSON in assertions.
extension Dictionary where Key == String, Value == Any {
    /// The value at `path` (member names and array indexes), or `nil`.
    func at(_ path: Any...) -> Any? {
        var node: Any? = self
        for step in path {
            if let name = step as? String { node = (node as? [String: Any])?[name] }
            else if let index = step as? Int, let array = node as? [Any], array.indices.contains(index) { node = array[index] }
            else { return nil }
        }
        return node
    }
}
