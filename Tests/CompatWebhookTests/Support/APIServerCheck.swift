import CompatAdmission
import CompatCore
import Foundation
import Testing
@testable import CompatWebhook

/// Real objects nobody on this project wrote (`shared/data/real-world/objects`, sources in its
/// `SOURCES.md`), sent to the webhook the way kube-apiserver sends them, and every answer checked the
/// way kube-apiserver checks it, by `Tests/Support/apiserver_check.py` with Debian's python3-jsonpatch
/// and python3-jsonschema (not by this project's JSON Patch code).
enum RealWorld {
    static let objects = TestPaths.shared + "/data/real-world/objects"
    static let crds = objects + "/crd"
    static let script = TestPaths.packageRoot + "/Tests/Support/apiserver_check.py"
    static let python = "/usr/bin/python3"

    /// One object file's document, as the API server receives it.
    struct Object {
        let name: String
        let file: String
        let kind: String
        let group: String
        let version: String
        let resource: String
        let object: JSONValue
    }

    /// The answered review of one object, checked.
    struct Answer {
        let object: Object
        let uid: String
        let response: AdmissionResponse
        /// The object after the API server applied the patch; `nil` when denied.
        let patched: JSONValue?
        /// What the API server's checks found wrong (empty when the answer is acceptable).
        let problems: [String]

        var image: String? { patched?["metadata"]?["annotations"]?[SelectionAnnotations.selectedImage]?.stringValue }
        func value(_ pointer: String) throws -> JSONValue? { try JSONPointer(pointer).value(in: try #require(patched)) }
    }

    static func load() throws -> [Object] {
        let output = try run([script, "load", objects, TestPaths.packageRoot], input: [])
        return try #require(try JSONParser().parse(output).arrayValue).map { entry in
            func text(_ key: String) throws -> String { try #require(entry[key]?.stringValue) }
            return Object(
                name: try text("name"), file: try text("file"), kind: try text("kind"), group: try text("group"), version: try text("version"),
                resource: try text("resource"), object: try #require(entry["object"])
            )
        }
    }

    /// The AdmissionReview kube-apiserver sends for a CREATE of `object` in namespace `hpc`.
    static func review(_ object: Object, uid: String, user: String = "kubernetes-admin") -> [UInt8] {
        let kind: JSONValue = ["group": .string(object.group), "version": .string(object.version), "kind": .string(object.kind)]
        let resource: JSONValue = ["group": .string(object.group), "version": .string(object.version), "resource": .string(object.resource)]
        let review: JSONValue = [
            "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "request": [
                "uid": .string(uid), "kind": kind, "resource": resource, "requestKind": kind, "requestResource": resource,
                "name": .string(object.object["metadata"]?["name"]?.stringValue ?? ""), "namespace": "hpc", "operation": "CREATE",
                "userInfo": ["username": .string(user), "groups": ["system:authenticated"]], "object": object.object, "oldObject": nil,
                "dryRun": false, "options": ["kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1"],
            ],
        ]
        return review.serializedBytes()
    }

    /// Sends each object (with its request uid) to `service` and checks every answer in one run of the script.
    static func answer(_ requests: [(Object, uid: String)], service: AdmissionService) throws -> [Answer] {
        var responses: [AdmissionResponse] = []
        var cases: [JSONValue] = []
        for (object, uid) in requests {
            guard case .review(let bytes, _) = service.answer(body: review(object, uid: uid), timeout: nil) else {
                throw TestFailure("\(object.name): the review was rejected as malformed")
            }
            let document = try JSONParser().parse(bytes)
            responses.append(try AdmissionResponse(reviewBytes: bytes))
            cases.append(["name": .string(object.name), "uid": .string(uid), "object": object.object, "response": try #require(document["response"])])
        }
        let output = try run([script, "check", crds], input: JSONValue.array(cases).serializedBytes())
        let results = try #require(try JSONParser().parse(output).arrayValue)
        return zip(zip(requests, responses), results).map { pair, result in
            let problems = result["problems"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let patched = result["patched"].flatMap { $0 == .null ? nil : $0 }
            return Answer(object: pair.0.0, uid: pair.0.uid, response: pair.1, patched: pair.1.allowed ? patched : nil, problems: problems)
        }
    }

    private static func run(_ arguments: [String], input: [UInt8]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestFailure("apiserver_check.py \(arguments[1]) failed: \(String(decoding: errors, as: UTF8.self))")
        }
        return Array(output)
    }
}
