import CompatAdmission
import CompatArtifacts
import CompatCore
import CompatSelection
import Foundation
import Logging
import Testing
@testable import CompatWebhook

/// Paths to the repository's artifacts, the shared real data, and the admission fixtures.
enum TestPaths {
    /// The package root: three levels above this file's folder (Support → CompatWebhookTests → Tests → root).
    static let packageRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let shared = URL(fileURLWithPath: packageRoot).deletingLastPathComponent().appendingPathComponent("shared").path
    static let artifacts = packageRoot + "/artifacts"
    static let lammpsCatalog = artifacts + "/lammps-matrix"
    static let fluxViews = artifacts + "/flux-views/views.yaml"
    static let nodeFeatures = shared + "/data/node-features.json"
    static let modelSpec = shared + "/data/model-compatibility-artifact.json"
    static let models = packageRoot + "/models"
    static let admissionFixtures = packageRoot + "/Tests/CompatAdmissionTests/Fixtures"

    static func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

/// The shipped flux views, the LAMMPS catalog and the 25 EKS nodes.
enum TestData {
    static func views() throws -> FluxViewCatalog {
        try FluxViewCatalog(decoding: try TestPaths.bytes(TestPaths.fluxViews))
    }

    /// The catalog as the resolver reads it from the repository's folder.
    static func catalog() throws -> ImageCatalog {
        let resolver = ArtifactResolver(registry: nil, fileRoots: FileArtifactRoots([TestPaths.artifacts]))
        guard case .catalog(let catalog) = try resolver.resolve("file://" + TestPaths.lammpsCatalog, deadline: .now + .seconds(5)).artifact else {
            throw TestFailure("the LAMMPS folder did not resolve to a catalog")
        }
        return catalog
    }

    /// The EKS nodes of `shared/data/node-features.json`, named by hostname.
    static func eksNodes() throws -> [ClusterNode] {
        try labelSets().map { labels in
            ClusterNode(name: labels["kubernetes.io/hostname"] ?? "", labels: labels)
        }
    }

    static func labelSets() throws -> [[String: String]] {
        let document = try JSONParser().parse(try TestPaths.bytes(TestPaths.nodeFeatures))
        return try #require(document.arrayValue).map { entry in
            var labels: [String: String] = [:]
            for (key, value) in try #require(entry.objectValue).members { labels[key] = value.stringValue }
            return labels
        }
    }

    static func labels(ofInstanceType type: String) throws -> [String: String] {
        try #require(try labelSets().first { $0["node.kubernetes.io/instance-type"] == type })
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// An AdmissionReview fixture from CompatAdmission's tests, edited for one test.
struct ReviewFixture {
    var document: JSONValue

    init(_ name: String) throws {
        document = try JSONParser().parse(try TestPaths.bytes(TestPaths.admissionFixtures + "/" + name))
    }

    var bytes: [UInt8] { document.serializedBytes() }
    var object: JSONValue? { document["request"]?["object"] }

    /// Sets (or with `nil` removes) an annotation of the request's object.
    mutating func annotate(_ key: String, _ value: String?) throws {
        try edit(["request", "object", "metadata", "annotations", key], value.map(JSONValue.string))
    }

    /// Sets (or with `nil` removes) any member below the review, creating missing parents.
    mutating func edit(_ tokens: [String], _ value: JSONValue?) throws {
        var builder = JSONPatchBuilder(document: document)
        let pointer = JSONPointer(tokens: tokens)
        if let value {
            try builder.set(value, at: pointer)
            document = builder.document
        } else if pointer.value(in: document) != nil {
            document = try JSONPatch([.remove(path: pointer)]).apply(to: document)
        }
    }

    /// A review of `object` as the API server would send on reinvocation: a new uid, same object.
    static func reinvocation(of object: JSONValue, kind: JSONValue, uid: String) -> ReviewFixture {
        let review: JSONValue = [
            "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "request": [
                "uid": .string(uid), "kind": kind, "resource": ["group": "", "version": "v1", "resource": "pods"],
                "name": "", "namespace": "default", "operation": "CREATE", "object": object, "oldObject": nil, "dryRun": false,
            ],
        ]
        return ReviewFixture(document: review)
    }

    private init(document: JSONValue) { self.document = document }
}

/// A service over the EKS nodes with file:// artifacts from the repository and the shipped views.
func makeService(
    nodes: [ClusterNode]? = nil, registry: (any RegistryArtifactFetching)? = nil, metrics: WebhookMetrics = WebhookMetrics(),
    logger: Logger = quietLogger
) throws -> AdmissionService {
    let resolver = ArtifactResolver(registry: registry, fileRoots: FileArtifactRoots([TestPaths.packageRoot, TestPaths.shared, NSTemporaryDirectory()]))
    let engine = SelectionEngine(artifacts: resolver, models: ModelLibrary(directory: TestPaths.models), views: try TestData.views())
    let snapshot = ClusterNodeSet(try nodes ?? TestData.eksNodes())
    return AdmissionService(engine: engine, nodes: { snapshot }, metrics: metrics, logger: logger)
}

/// The response of a review answered by `service`, checked the way the API server checks it, and the
/// object after applying the returned patch.
struct AnsweredReview {
    let response: AdmissionResponse
    let patched: JSONValue?

    init(_ fixture: ReviewFixture, service: AdmissionService, timeout: Duration? = nil) throws {
        guard case .review(let bytes, _) = service.answer(body: fixture.bytes, timeout: timeout) else {
            throw TestFailure("the review was rejected as malformed")
        }
        try self.init(responseBytes: bytes, request: fixture)
    }

    init(responseBytes: [UInt8], request fixture: ReviewFixture) throws {
        let response = try AdmissionResponse(reviewBytes: responseBytes)
        #expect(response.uid == fixture.document["request"]?["uid"]?.stringValue)
        self.response = response
        patched = try fixture.object.map { try response.patch.apply(to: $0) }
    }

    func value(_ pointer: String) throws -> JSONValue? {
        try JSONPointer(pointer).value(in: try #require(patched))
    }

    func string(_ pointer: String) throws -> String? { try value(pointer)?.stringValue }
}

let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

/// An NFD v1alpha1 spec for the EKS instance families: SVE Arm, AVX-512 Intel, any AMD.
/// NFD rules choosing one image per EKS node family (`Tests/Fixtures/eks-rules.yaml`).
let eksRulesSpec = try! String(contentsOfFile: TestPaths.packageRoot + "/Tests/Fixtures/eks-rules.yaml", encoding: .utf8)

/// A fresh temporary directory (under the system temporary folder, an allowed artifact root in tests).
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "compat-webhook-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let target = path + "/" + name
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: target))
        return target
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: path) }
}
