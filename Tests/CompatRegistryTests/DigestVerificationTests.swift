import CompatCore
import CompatRegistry
import CompatTransport
import Foundation
import Testing

/// Content is used only after it hashes to the digest it was fetched by.
@Suite struct DigestVerificationTests {
    @Test func tamperedBlobInRegistryStorageIsRefused() throws {
        let registry = try RegistryProcess()
        defer { registry.stop() }
        let spec = try shippedCompspec()
        try pushCompspec(spec, to: registry, tag: "tampered")
        // Same length, one byte changed, so only the digest check can notice.
        var corrupted = spec
        corrupted[10] ^= 0x01
        try Data(corrupted).write(to: URL(fileURLWithPath: registry.blobDataPath(Digest.sha256(spec))))

        #expect {
            try client(for: registry).pullArtifact(try ImageReference.parse("\(registry.host)/rse-ops/lammps-matrix:tampered"))
        } throws: { error in
            guard let error = error as? RegistryError else { return false }
            return error.kind == .digestMismatch && error.detail.contains(Digest.sha256(corrupted)) && error.detail.contains("it was not used")
        }
    }

    /// A registry that serves a valid manifest under a digest it does not hash to.
    @Test func manifestServedUnderTheWrongDigestIsRefused() throws {
        let manifest = OCIManifest(
            artifactType: CompatibilityMediaType.compspec,
            config: OCIDescriptor.of(Array("{}".utf8), mediaType: OCIMediaType.emptyJSON),
            layers: [OCIDescriptor.of(Array("x".utf8), mediaType: CompatibilityMediaType.compspec)]
        ).encoded()
        let claimed = "sha256:" + String(repeating: "0", count: 64)
        let server = try HTTPSServer(configuration: .init(security: .plainHTTP), logger: quietLogger) { request in
            request.path.hasSuffix("/manifests/\(claimed)") ? .bytes(200, manifest, contentType: OCIMediaType.imageManifest) : .text(404, "")
        }
        defer { server.stop() }
        let host = "127.0.0.1:\(server.port)"
        let registryClient = RegistryClient(configuration: .init(insecureRegistries: [host]), logger: quietLogger)

        #expect {
            try registryClient.pullArtifact(try ImageReference.parse("\(host)/liar/app@\(claimed)"))
        } throws: { error in
            guard let error = error as? RegistryError else { return false }
            return error.kind == .digestMismatch && error.detail.contains(Digest.sha256(manifest))
        }
    }

    /// A registry whose Docker-Content-Digest header disagrees with the manifest it sends for a tag.
    @Test func tagWhoseAnnouncedDigestDisagreesIsRefused() throws {
        let manifest = OCIManifest(
            config: OCIDescriptor.of(Array("{}".utf8), mediaType: OCIMediaType.emptyJSON),
            layers: [OCIDescriptor.of(Array("x".utf8), mediaType: CompatibilityMediaType.compspec)]
        ).encoded()
        let server = try HTTPSServer(configuration: .init(security: .plainHTTP), logger: quietLogger) { _ in
            HTTPServerResponse(status: 200, headers: [
                "Content-Type": OCIMediaType.imageManifest, "Docker-Content-Digest": "sha256:" + String(repeating: "1", count: 64),
            ], body: .bytes(manifest))
        }
        defer { server.stop() }
        let host = "127.0.0.1:\(server.port)"
        #expect {
            try RegistryClient(configuration: .init(insecureRegistries: [host]), logger: quietLogger).fetchManifest(try ImageReference.parse("\(host)/liar/app:v1"))
        } throws: { error in
            (error as? RegistryError)?.kind == .digestMismatch
        }
    }
}
