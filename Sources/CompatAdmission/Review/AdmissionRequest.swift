import CompatCore

/// The API server's call: the `request` stanza of an `admission.k8s.io/v1` AdmissionReview.
///
/// Objects stay raw ``JSONValue``s: the patch must be computed against exactly the JSON that arrived,
/// and a typed model would lose unknown fields and the difference between an absent map, `null` and `{}`.
/// Members this type does not model are tolerated, because the API server adds fields over releases and
/// a webhook that rejected them would break on upgrade; members it does model are type-checked, and a
/// wrong type is an error naming its path.
public struct AdmissionRequest: Sendable, Equatable {
    /// Identifies this call (not the object); must be echoed in the response. Reinvocation gets a new one.
    public var uid: String
    /// The object's kind as sent (possibly converted by `matchPolicy: Equivalent`).
    public var kind: GroupVersionKind
    public var resource: GroupVersionResource
    /// `status`, `scale`, `ephemeralcontainers`, …; `nil` for the main resource.
    public var subResource: String?
    public var requestKind: GroupVersionKind?
    public var requestResource: GroupVersionResource?
    public var requestSubResource: String?
    /// Empty on CREATE when the client used `generateName` (every controller-created pod does).
    public var name: String
    public var namespace: String?
    public var operation: AdmissionOperation
    public var userInfo: AdmissionUserInfo?
    /// The new object; `nil` for DELETE (and CONNECT).
    public var object: JSONValue?
    /// The previous object; `nil` for CREATE and CONNECT.
    public var oldObject: JSONValue?
    /// True when nothing will be persisted.
    public var dryRun: Bool
    /// `CreateOptions`/`UpdateOptions`/`DeleteOptions` as sent.
    public var options: JSONValue?

    public init(
        uid: String, kind: GroupVersionKind, resource: GroupVersionResource, subResource: String? = nil,
        requestKind: GroupVersionKind? = nil, requestResource: GroupVersionResource? = nil,
        requestSubResource: String? = nil, name: String = "", namespace: String? = nil,
        operation: AdmissionOperation, userInfo: AdmissionUserInfo? = nil, object: JSONValue? = nil,
        oldObject: JSONValue? = nil, dryRun: Bool = false, options: JSONValue? = nil
    ) {
        self.uid = uid
        self.kind = kind
        self.resource = resource
        self.subResource = subResource
        self.requestKind = requestKind
        self.requestResource = requestResource
        self.requestSubResource = requestSubResource
        self.name = name
        self.namespace = namespace
        self.operation = operation
        self.userInfo = userInfo
        self.object = object
        self.oldObject = oldObject
        self.dryRun = dryRun
        self.options = options
    }

    /// `object.metadata.generateName` (or the old object's), for logs when ``name`` is empty.
    public var generateName: String? {
        (object ?? oldObject)?["metadata"]?["generateName"]?.stringValue
    }

    /// The name to show in logs and messages: the name, else `generateName` followed by `*`.
    public var displayName: String {
        if !name.isEmpty { return name }
        if let generateName, !generateName.isEmpty { return generateName + "*" }
        return "(unnamed)"
    }

    /// Parses and decodes an AdmissionReview body.
    public init<Bytes: Collection>(reviewBytes bytes: Bytes) throws(AdmissionReviewDecodingError) where Bytes.Element == UInt8 {
        try self.init(review: try AdmissionReviewDecodingError.parse(bytes))
    }

    /// Decodes the `request` of an AdmissionReview document, checking its `apiVersion` and `kind`.
    public init(review: JSONValue) throws(AdmissionReviewDecodingError) {
        do throws(ArtifactDecodingError) {
            var reviewObject = try StrictObject(review, at: FieldPath())
            try AdmissionReviewType.check(&reviewObject)
            var request = try reviewObject.object("request")
            uid = try request.string("uid")
            guard !uid.isEmpty else {
                throw ArtifactDecodingError(path: request.path.appending("uid"), problem: "must not be empty")
            }
            kind = try GroupVersionKind(try request.object("kind"))
            resource = try GroupVersionResource(try request.object("resource"))
            subResource = try request.optionalString("subResource").flatMap { $0.isEmpty ? nil : $0 }
            requestKind = try request.optionalObject("requestKind").map { object throws(ArtifactDecodingError) in
                try GroupVersionKind(object)
            }
            requestResource = try request.optionalObject("requestResource").map { object throws(ArtifactDecodingError) in
                try GroupVersionResource(object)
            }
            requestSubResource = try request.optionalString("requestSubResource").flatMap { $0.isEmpty ? nil : $0 }
            name = try request.optionalString("name") ?? ""
            namespace = try request.optionalString("namespace").flatMap { $0.isEmpty ? nil : $0 }
            let operationText = try request.string("operation")
            guard let operation = AdmissionOperation(rawValue: operationText) else {
                throw ArtifactDecodingError(
                    path: request.path.appending("operation"),
                    problem: "unknown operation '\(operationText)' (expected CREATE, UPDATE, DELETE or CONNECT)"
                )
            }
            self.operation = operation
            userInfo = try request.optionalObject("userInfo").map { object throws(ArtifactDecodingError) in
                try AdmissionUserInfo(object)
            }
            object = try Self.optionalObjectValue(&request, "object")
            oldObject = try Self.optionalObjectValue(&request, "oldObject")
            dryRun = try request.optionalBool("dryRun") ?? false
            options = try Self.optionalObjectValue(&request, "options")
            if (operation == .create || operation == .update) && object == nil {
                throw ArtifactDecodingError(
                    path: request.path.appending("object"),
                    problem: "missing: a \(operation.rawValue) request must carry the object"
                )
            }
        } catch {
            throw AdmissionReviewDecodingError(path: error.path, problem: error.problem)
        }
    }

    /// An object-valued member kept raw; `nil` when absent or `null`.
    private static func optionalObjectValue(_ object: inout StrictObject, _ key: String) throws(ArtifactDecodingError) -> JSONValue? {
        guard let value = object.value(key), value != .null else { return nil }
        guard case .object = value else {
            throw ArtifactDecodingError(path: object.path.appending(key), problem: "expected an object, found \(value.typeName)")
        }
        return value
    }
}

/// `apiVersion`/`kind` of the review envelope. Only v1 is accepted, and replies use the same version.
enum AdmissionReviewType {
    static let apiVersion = "admission.k8s.io/v1"
    static let kind = "AdmissionReview"

    static func check(_ review: inout StrictObject) throws(ArtifactDecodingError) {
        let apiVersion = try review.optionalString("apiVersion")
        let kind = try review.optionalString("kind")
        guard apiVersion == Self.apiVersion, kind == Self.kind else {
            throw ArtifactDecodingError(
                path: FieldPath(),
                problem: "expected apiVersion '\(Self.apiVersion)' and kind '\(Self.kind)', found apiVersion "
                    + "'\(apiVersion ?? "(absent)")' and kind '\(kind ?? "(absent)")'; register the webhook with "
                    + "admissionReviewVersions: [\"v1\"]"
            )
        }
    }
}

public enum AdmissionOperation: String, Sendable, Hashable, CaseIterable {
    case create = "CREATE"
    case update = "UPDATE"
    case delete = "DELETE"
    case connect = "CONNECT"
}

public struct GroupVersionKind: Sendable, Hashable, CustomStringConvertible {
    /// Empty for the core group (`Pod`).
    public var group: String
    public var version: String
    public var kind: String

    public init(group: String, version: String, kind: String) {
        self.group = group
        self.version = version
        self.kind = kind
    }

    init(_ object: StrictObject) throws(ArtifactDecodingError) {
        var object = object
        group = try object.optionalString("group") ?? ""
        version = try object.string("version")
        kind = try object.string("kind")
    }

    /// `v1, Kind=Pod` or `flux-framework.org/v1alpha2, Kind=MiniCluster`, as Kubernetes prints them.
    public var description: String {
        (group.isEmpty ? version : "\(group)/\(version)") + ", Kind=\(kind)"
    }
}

public struct GroupVersionResource: Sendable, Hashable, CustomStringConvertible {
    public var group: String
    public var version: String
    public var resource: String

    public init(group: String, version: String, resource: String) {
        self.group = group
        self.version = version
        self.resource = resource
    }

    init(_ object: StrictObject) throws(ArtifactDecodingError) {
        var object = object
        group = try object.optionalString("group") ?? ""
        version = try object.string("version")
        resource = try object.string("resource")
    }

    public var description: String {
        (group.isEmpty ? version : "\(group)/\(version)") + ", Resource=\(resource)"
    }
}

/// The requesting identity: for controller-created pods a service account such as
/// `system:serviceaccount:kube-system:replicaset-controller`, not the human who created the owner.
public struct AdmissionUserInfo: Sendable, Hashable {
    public var username: String
    public var uid: String?
    public var groups: [String]
    public var extra: [String: [String]]

    public init(username: String, uid: String? = nil, groups: [String] = [], extra: [String: [String]] = [:]) {
        self.username = username
        self.uid = uid
        self.groups = groups
        self.extra = extra
    }

    init(_ object: StrictObject) throws(ArtifactDecodingError) {
        var object = object
        username = try object.optionalString("username") ?? ""
        uid = try object.optionalString("uid")
        groups = try (object.optionalArray("groups") ?? []).map { element throws(ArtifactDecodingError) in
            try StrictObject.string(element.value, at: element.path)
        }
        var extra: [String: [String]] = [:]
        if var extraObject = try object.optionalObject("extra") {
            for (key, _) in extraObject.object.members {
                extra[key] = try (extraObject.optionalArray(key) ?? []).map { element throws(ArtifactDecodingError) in
                    try StrictObject.string(element.value, at: element.path)
                }
            }
        }
        self.extra = extra
    }
}

/// An AdmissionReview body that cannot be read. The webhook answers these with HTTP 400, not a denial:
/// there is no trustworthy `uid` to deny with, and the API server treats the failure as a call error
/// subject to the configured `failurePolicy`.
public struct AdmissionReviewDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: FieldPath
    public var problem: String

    public init(path: FieldPath, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String {
        path.components.isEmpty ? "invalid AdmissionReview: \(problem)" : "invalid AdmissionReview at \(path): \(problem)"
    }

    /// The JSON of a review body (request or response), or the error that says it is not JSON.
    static func parse<Bytes: Collection>(_ bytes: Bytes) throws(AdmissionReviewDecodingError) -> JSONValue where Bytes.Element == UInt8 {
        do {
            return try JSONParser().parse(bytes)
        } catch {
            throw AdmissionReviewDecodingError(path: FieldPath(), problem: "the body is not JSON: \(error)")
        }
    }
}
