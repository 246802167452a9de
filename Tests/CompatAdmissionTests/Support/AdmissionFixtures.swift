import CompatAdmission
import CompatCore
import Foundation
import Testing

/// AdmissionReview v1 requests in `Fixtures/`, shared with the webhook's tests.
///
/// They are assembled to match what a v1.30 API server sends rather than captured from a live cluster:
/// defaulted Pod fields (`imagePullPolicy: Always` from a `:latest` placeholder, tolerations, the projected
/// service-account volume), `managedFields`, `generateName` with an empty request `name`, `"status": {}`,
/// `"creationTimestamp": null`, `"oldObject": null`, and for MiniClusters the CRD's structural defaults and
/// kubectl's last-applied annotation.
enum AdmissionFixtures {
    static var directory: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // Support
            .deletingLastPathComponent()  // CompatAdmissionTests
            .appendingPathComponent("Fixtures")
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func review(_ name: String) throws -> JSONValue {
        try JSONParser().parse(try bytes(name))
    }

    static func request(_ name: String) throws -> AdmissionRequest {
        try AdmissionRequest(reviewBytes: try bytes(name))
    }

    /// Every fixture file name, sorted.
    static func names() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
    }
}

/// The 25 labelled EKS nodes in `shared/data/node-features.json`, named by their hostname label.
enum EKSNodes {
    static func all() throws -> [ClusterNode] {
        try loaded.get()
    }

    /// Parsed once per test process: the file is read-only shared data.
    private static let loaded = Result { try load() }

    private static func load() throws -> [ClusterNode] {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // Support
            .deletingLastPathComponent()  // CompatAdmissionTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
            .deletingLastPathComponent()
            .appendingPathComponent("shared/data/node-features.json")
        let document = try JSONParser().parse(Array(try Data(contentsOf: url)))
        return try #require(document.arrayValue).map { entry in
            var labels: [String: String] = [:]
            for (key, value) in try #require(entry.objectValue).members {
                let text = try #require(value.stringValue)
                labels[key] = text
            }
            return ClusterNode(name: try #require(labels["kubernetes.io/hostname"]), labels: labels)
        }
    }

    static func named(_ instanceType: String) throws -> [ClusterNode] {
        try all().filter { $0.labels["node.kubernetes.io/instance-type"] == instanceType }
    }
}

/// One admitted fixture: the decoded request, the outcome, and the object after applying the patch that
/// went over the wire (serialized, decoded back, base64 and all).
struct AdmittedFixture {
    var request: AdmissionRequest
    var outcome: AdmissionOutcome
    var patched: JSONValue?

    var response: AdmissionResponse { outcome.response }

    static func admit(
        _ name: String, nodes: [ClusterNode], selector: some AdmissionSelector,
        controller: AdmissionController = AdmissionController()
    ) throws -> AdmittedFixture {
        let request = try AdmissionFixtures.request(name)
        let outcome = controller.admit(request, nodes: nodes, selector: selector)
        return try AdmittedFixture(request: request, outcome: outcome)
    }

    init(request: AdmissionRequest, outcome: AdmissionOutcome) throws {
        self.request = request
        self.outcome = outcome
        let wire = try AdmissionResponse(reviewBytes: outcome.response.serializedReview())
        #expect(wire == outcome.response)
        #expect(wire.uid == request.uid)
        if let object = request.object {
            patched = try wire.patch.apply(to: object)
            if let reported = outcome.patchedObject { #expect(patched == reported) }
        }
    }

    /// The patch as JSON, for comparison with an expected literal.
    var patchJSON: JSONValue { outcome.response.patch.jsonValue }

    func patchedValue(_ pointer: String) throws -> JSONValue? {
        try JSONPointer(pointer).value(in: try #require(patched))
    }
}

func json(_ text: String) throws -> JSONValue {
    try JSONParser().parse(text)
}

extension AdmissionRequest {
    /// A copy whose object has `patch` (JSON Patch text) applied: fixture variants without new files.
    func withObject(patchedBy patch: String) throws -> AdmissionRequest {
        var copy = self
        copy.object = try JSONPatch(decoding: try json(patch)).apply(to: try #require(object))
        return copy
    }
}
