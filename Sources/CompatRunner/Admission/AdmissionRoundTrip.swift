import CompatAdmission
import CompatCore

/// Sends one AdmissionReview to a webhook and returns the bytes it answered.
///
/// The runner is a client of the webhook exactly as the API server is: HTTPS POST of an
/// `admission.k8s.io/v1` AdmissionReview. Implementations: ``HTTPSWebhookTransport`` (a running webhook,
/// or the one the runner starts on 127.0.0.1).
public protocol AdmissionTransport: Sendable {
    func post(review: [UInt8]) throws -> [UInt8]
}

/// What the webhook decided for one object.
public struct AdmissionResult: Sendable {
    public var allowed: Bool
    /// The object after applying the returned JSON Patch (the request's object when there was none).
    public var object: JSONValue
    public var patchOperations: Int
    /// The deny message, when not allowed.
    public var message: String?
    public var warnings: [String]
}

/// Why a webhook answer could not be used.
public struct AdmissionRoundTripError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// Builds the AdmissionReview for an object, sends it, checks the answer like the API server does
/// (same uid, v1 AdmissionReview, JSONPatch type) and applies the patch.
public struct AdmissionRoundTrip: Sendable {
    public var transport: any AdmissionTransport

    public init(transport: any AdmissionTransport) {
        self.transport = transport
    }

    public func review(_ object: JSONValue, uid: String, kind: GroupVersionKind, resource: GroupVersionResource) throws -> AdmissionResult {
        let namespace = object["metadata"]?["namespace"] ?? .string("default")
        let request: JSONValue = [
            "apiVersion": "admission.k8s.io/v1",
            "kind": "AdmissionReview",
            "request": [
                "uid": .string(uid),
                "kind": ["group": .string(kind.group), "version": .string(kind.version), "kind": .string(kind.kind)],
                "resource": ["group": .string(resource.group), "version": .string(resource.version), "resource": .string(resource.resource)],
                "requestKind": ["group": .string(kind.group), "version": .string(kind.version), "kind": .string(kind.kind)],
                "name": object["metadata"]?["name"] ?? .string(""),
                "namespace": namespace,
                "operation": "CREATE",
                "userInfo": ["username": "compat-run", "groups": ["system:authenticated"]],
                "object": object,
                "oldObject": nil,
                "dryRun": false,
                "options": ["kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1"],
            ],
        ]
        let answer = try transport.post(review: request.serializedBytes())
        return try Self.interpret(answer, uid: uid, object: object)
    }

    /// Checks an AdmissionReview answer and applies its patch to `object`.
    public static func interpret(_ answer: [UInt8], uid: String, object: JSONValue) throws -> AdmissionResult {
        let document: JSONValue
        do {
            document = try JSONParser().parse(answer)
        } catch {
            throw AdmissionRoundTripError(description: "the webhook's answer is not JSON: \(error)")
        }
        guard document["apiVersion"] == "admission.k8s.io/v1", document["kind"] == "AdmissionReview",
            let response = document["response"]
        else {
            throw AdmissionRoundTripError(description: "the webhook did not answer with an admission.k8s.io/v1 AdmissionReview")
        }
        guard response["uid"] == .string(uid) else {
            throw AdmissionRoundTripError(description: "expected response.uid=\"\(uid)\", got \(response["uid"]?.serialized() ?? "none")")
        }
        let warnings = response["warnings"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard response["allowed"] == .bool(true) else {
            let message = response["status"]?["message"]?.stringValue ?? "denied without explanation"
            return AdmissionResult(allowed: false, object: object, patchOperations: 0, message: message, warnings: warnings)
        }
        guard let encoded = response["patch"]?.stringValue else {
            return AdmissionResult(allowed: true, object: object, patchOperations: 0, message: nil, warnings: warnings)
        }
        guard response["patchType"] == "JSONPatch" else {
            throw AdmissionRoundTripError(description: "a patch without patchType JSONPatch")
        }
        do {
            let patch = try JSONPatch(decodingBytes: try Base64.decode(encoded))
            let patched = try patch.apply(to: object)
            return AdmissionResult(allowed: true, object: patched, patchOperations: patch.operations.count, message: nil, warnings: warnings)
        } catch {
            throw AdmissionRoundTripError(description: "the webhook's patch cannot be applied: \(error)")
        }
    }
}
