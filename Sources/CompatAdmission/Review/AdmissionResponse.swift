import CompatCore

/// The webhook's answer: the `response` stanza of an `admission.k8s.io/v1` AdmissionReview.
///
/// Built only through ``allow(uid:patch:warnings:auditAnnotations:)`` and
/// ``deny(uid:_:warnings:)``, which keep the rules the API server enforces: `uid` echoes the request,
/// `allowed` is always written, `patch` and `patchType: "JSONPatch"` appear together and only when
/// there is a change, and `status` is present only on a denial.
public struct AdmissionResponse: Sendable, Equatable {
    public var uid: String
    public var allowed: Bool
    /// Empty when the object is admitted unchanged (then neither `patch` nor `patchType` is written).
    public var patch: JSONPatch
    /// Why the request was denied; `nil` when allowed.
    public var denial: AdmissionDenial?
    /// Sent to the client as `Warning: 299` headers. Each is one line of at most 120 characters.
    public var warnings: [String]
    /// Added to the API server's audit event, each key prefixed there with the webhook's name. Keys must
    /// be valid qualified names (`selected-image`), or the API server drops them.
    public var auditAnnotations: [String: String]

    /// Longest warning kept whole; the Kubernetes docs ask for warnings under 120 characters.
    public static let maximumWarningLength = 120

    public static func allow(
        uid: String, patch: JSONPatch = JSONPatch(), warnings: [String] = [], auditAnnotations: [String: String] = [:]
    ) -> AdmissionResponse {
        AdmissionResponse(
            uid: uid, allowed: true, patch: patch, denial: nil, warnings: sanitized(warnings),
            auditAnnotations: auditAnnotations
        )
    }

    public static func deny(uid: String, _ denial: AdmissionDenial, warnings: [String] = []) -> AdmissionResponse {
        AdmissionResponse(
            uid: uid, allowed: false, patch: JSONPatch(), denial: denial, warnings: sanitized(warnings),
            auditAnnotations: [:]
        )
    }

    /// The complete AdmissionReview document to send back.
    public var reviewJSON: JSONValue {
        var response = JSONObject()
        response["uid"] = .string(uid)
        response["allowed"] = .bool(allowed)
        if allowed && !patch.isEmpty {
            response["patchType"] = "JSONPatch"
            response["patch"] = .string(patch.base64Encoded)
        }
        if let denial {
            response["status"] = .object(JSONObject([
                ("status", "Failure"),
                ("message", .string(denial.message)),
                ("reason", .string(denial.reason.rawValue)),
                ("code", .number(String(denial.reason.code))),
            ]))
        }
        if !warnings.isEmpty {
            response["warnings"] = .array(warnings.map { .string($0) })
        }
        if !auditAnnotations.isEmpty {
            response["auditAnnotations"] = .object(JSONObject(auditAnnotations.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
        }
        return .object(JSONObject([
            ("apiVersion", .string(AdmissionReviewType.apiVersion)),
            ("kind", .string(AdmissionReviewType.kind)),
            ("response", .object(response)),
        ]))
    }

    /// The response body bytes.
    public func serializedReview() -> [UInt8] {
        reviewJSON.serializedBytes()
    }

    /// One line, no control characters, no redundant "Warning:" prefix, at most
    /// ``maximumWarningLength`` characters (longer text is cut and ends in `…`); empty warnings dropped.
    static func sanitized(_ warnings: [String]) -> [String] {
        warnings.compactMap { warning in
            var scalars = String.UnicodeScalarView()
            for scalar in warning.unicodeScalars {
                scalars.append(scalar.properties.generalCategory == .control ? " " : scalar)
            }
            var text = Substring(String(scalars))
            if text.hasPrefix("Warning:") { text = text.dropFirst("Warning:".count) }
            text = text.drop(while: \.isWhitespace)
            while text.last?.isWhitespace == true { text = text.dropLast() }
            guard !text.isEmpty else { return nil }
            guard text.count > maximumWarningLength else { return String(text) }
            return String(text.prefix(maximumWarningLength - 1)) + "…"
        }
    }
}

/// A denial shown to the user as `admission webhook "<name>" denied the request: <message>`.
public struct AdmissionDenial: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: DenialReason
    /// A sentence the user can act on: what is wrong, and what to change.
    public var message: String

    public init(_ reason: DenialReason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(reason): \(message)" }
}

/// The `metav1.Status` reason and HTTP code of a denial. The three constants are what this webhook
/// sends; decoding another webhook's response keeps whatever reason and code it sent.
public struct DenialReason: Sendable, Hashable, CustomStringConvertible {
    /// The `metav1.StatusReason` (`Forbidden`, `Invalid`, …).
    public var rawValue: String
    /// The HTTP status code; the API server raises anything below 400 to 400.
    public var code: Int

    public init(rawValue: String, code: Int) {
        self.rawValue = rawValue
        self.code = code
    }

    /// The object is well-formed but asks for something this webhook will not do (no compatible image).
    public static let forbidden = DenialReason(rawValue: "Forbidden", code: 403)
    /// The object's selection labels, annotations or nodeSelector are wrong or incomplete.
    public static let invalid = DenialReason(rawValue: "Invalid", code: 422)
    /// Selection could not run (artifact unreachable, a selector defect). The object is still denied, so
    /// no one silently gets a placeholder image.
    public static let internalError = DenialReason(rawValue: "InternalError", code: 500)

    public var description: String { "\(rawValue) (\(code))" }
}

extension AdmissionResponse {
    /// Reads a response review and checks it the way the API server does
    /// (`kubernetes/apiserver request/admissionreview.go`): v1 envelope, non-empty `uid`, `allowed`
    /// present, `patch` and `patchType: "JSONPatch"` together, and a patch that is base64 of a valid JSON
    /// Patch. Used by the experiment runner and by tests that apply what the webhook returned.
    public init(review: JSONValue) throws(AdmissionReviewDecodingError) {
        do throws(ArtifactDecodingError) {
            var reviewObject = try StrictObject(review, at: FieldPath())
            try AdmissionReviewType.check(&reviewObject)
            var response = try reviewObject.object("response")
            uid = try response.string("uid")
            guard !uid.isEmpty else {
                throw ArtifactDecodingError(path: response.path.appending("uid"), problem: "must not be empty")
            }
            guard let allowed = try response.optionalBool("allowed") else {
                throw ArtifactDecodingError(path: response.path, problem: "missing required field 'allowed'")
            }
            self.allowed = allowed
            let patchType = try response.optionalString("patchType")
            let patchText = try response.optionalString("patch")
            switch (patchType, patchText) {
            case (nil, nil):
                patch = JSONPatch()
            case ("JSONPatch", let text?):
                let bytes: [UInt8]
                do {
                    bytes = try Base64.decode(text)
                } catch {
                    throw ArtifactDecodingError(path: response.path.appending("patch"), problem: error.description)
                }
                do {
                    patch = try JSONPatch(decodingBytes: bytes)
                } catch {
                    throw ArtifactDecodingError(path: response.path.appending("patch"), problem: "undecodable patch: \(error)")
                }
            case (let type?, _?):
                throw ArtifactDecodingError(path: response.path.appending("patchType"), problem: "must be 'JSONPatch', found '\(type)'")
            case (nil, _?):
                throw ArtifactDecodingError(path: response.path, problem: "'patch' without 'patchType'")
            case (_?, nil):
                throw ArtifactDecodingError(path: response.path, problem: "'patchType' without 'patch'")
            }
            if !allowed {
                var status = try response.optionalObject("status")
                let code = try status?.optionalInt("code") ?? 0
                denial = AdmissionDenial(
                    DenialReason(rawValue: try status?.optionalString("reason") ?? "", code: max(code, 400)),
                    try status?.optionalString("message") ?? ""
                )
            } else {
                denial = nil
            }
            warnings = try (response.optionalArray("warnings") ?? []).map { element throws(ArtifactDecodingError) in
                try StrictObject.string(element.value, at: element.path)
            }
            var annotations: [String: String] = [:]
            for (key, value) in try response.optionalStringMap("auditAnnotations") ?? [] {
                annotations[key] = value
            }
            auditAnnotations = annotations
        } catch {
            throw AdmissionReviewDecodingError(path: error.path, problem: error.problem)
        }
    }

    /// Parses and reads a response review body.
    public init<Bytes: Collection>(reviewBytes bytes: Bytes) throws(AdmissionReviewDecodingError) where Bytes.Element == UInt8 {
        try self.init(review: try AdmissionReviewDecodingError.parse(bytes))
    }
}
