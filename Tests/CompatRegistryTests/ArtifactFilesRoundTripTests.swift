import CompatCore
import CompatRegistry
import CompatTransport
import Foundation
import Testing

/// Model files and compatibility specs pushed to a real docker-registry and pulled back: byte-identical,
/// digests verified, through the library and through `compat artifact push|pull`.
@Suite struct ArtifactFilesRoundTripTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let shipped = ["models/model-compatibility.json", "models/trained/fom.json", "models/published/fom.json"]

    static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(relative)))
    }

    @Test func libraryRoundTripReturnsByteIdenticalFilesWithTheirDigests() throws {
        let registry = try RegistryProcess()
        defer { registry.stop() }
        let reference = try ImageReference.parse("\(registry.host)/hpc/models:v1")
        let files = try [
            ArtifactFile(bytes: Self.bytes("models/model-compatibility.json"), mediaType: CompatibilityMediaType.modelCompatibilities, title: "model-compatibility.json"),
            ArtifactFile(bytes: Self.bytes("models/trained/fom.json"), mediaType: "application/vnd.compat.performance-model.v1+json", title: "fom.json"),
        ]
        let pushed = try client(for: registry).push(ArtifactPush(artifactType: CompatibilityMediaType.modelCompatibilities, files: files), to: reference)
        let pulled = try client(for: registry).pullFiles(reference)
        #expect(pulled.reference.digest == pushed.reference.digest)
        #expect(pulled.artifactType == CompatibilityMediaType.modelCompatibilities)
        #expect(pulled.files.map(\.title) == ["model-compatibility.json", "fom.json"])
        #expect(pulled.files.map(\.bytes) == files.map(\.bytes))
        #expect(pulled.layers.map(\.digest) == files.map { Digest.sha256($0.bytes) })
    }

    @Test func corruptedBlobIsRefusedOnPull() throws {
        let registry = try RegistryProcess()
        defer { registry.stop() }
        let reference = try ImageReference.parse("\(registry.host)/hpc/models:bad")
        let bytes = try Self.bytes("models/trained/fom.json")
        _ = try client(for: registry).push(ArtifactPush(
            artifactType: CompatibilityMediaType.modelCompatibilities,
            files: [ArtifactFile(bytes: bytes, mediaType: "application/vnd.compat.performance-model.v1+json", title: "fom.json")]
        ), to: reference)
        var corrupted = bytes
        corrupted[20] ^= 0x01
        try Data(corrupted).write(to: URL(fileURLWithPath: registry.blobDataPath(Digest.sha256(bytes))))
        #expect {
            try client(for: registry).pullFiles(reference)
        } throws: { error in
            (error as? RegistryError)?.kind == .digestMismatch
        }
    }

    @Test func compatArtifactPushThenPullWritesTheSameFiles() throws {
        let registry = try RegistryProcess()
        defer { registry.stop() }
        let reference = "\(registry.host)/hpc/models:cli"
        let push = try runCompat(["artifact", "push", "--plain-http", registry.host, reference] + Self.shipped.prefix(2))
        #expect(push.status == 0, "\(push.stderr)")
        #expect(push.stdout.hasPrefix("pushed \(reference)@sha256:"))
        #expect(push.stdout.contains("fom.json  application/vnd.compat.performance-model.v1+json  \(Digest.sha256(try Self.bytes("models/trained/fom.json")))"))

        let out = NSTemporaryDirectory() + "compat-artifact-pull-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let pull = try runCompat(["artifact", "pull", "--plain-http", registry.host, reference, "--out", out])
        #expect(pull.status == 0, "\(pull.stderr)")
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: out + "/fom.json"))) == (try Self.bytes("models/trained/fom.json")))
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: out + "/model-compatibility.json"))) == (try Self.bytes("models/model-compatibility.json")))

        let again = try runCompat(["artifact", "pull", "--plain-http", registry.host, reference, "--out", out])
        #expect(again.status == 1)
        #expect(again.stderr.contains("/model-compatibility.json exists; pass --force to replace it"))
    }

    @Test func compatArtifactPushRefusesInvalidFilesBeforeContactingTheRegistry() throws {
        let file = NSTemporaryDirectory() + "compat-artifact-bad-\(UUID().uuidString).json"
        try Data(#"{"version":"v1alpha1","compatibilities":[{"rules":[{"matchModel":{"model":{"name":1}}}]}]}"#.utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        // Port 9 on loopback: nothing is contacted, because validation fails first.
        let result = try runCompat(["artifact", "push", "--plain-http", "127.0.0.1:9", "127.0.0.1:9/x/y:z", file])
        #expect(result.status == 1)
        #expect(result.stderr.contains("is not a valid artifact, nothing was pushed"))
    }
}

/// Runs the built `compat` (beside the test runner) from the package root.
func runCompat(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let bin = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        .deletingLastPathComponent()
    let process = Process()
    process.executableURL = bin.appendingPathComponent("compat")
    process.arguments = arguments
    process.currentDirectoryURL = ArtifactFilesRoundTripTests.root
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}
