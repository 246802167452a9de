import CompatCore
import CompatRegistry
import CompatTransport
import Foundation
import Synchronization
import Testing

/// Finding the compatibility artifacts attached to an image.
@Suite struct ReferrersTests {
    /// Pushes a stand-in "image" (a manifest with one plain layer) and returns its reference.
    func pushImage(_ registry: RegistryProcess, tag: String = "1.0") throws -> ImageReference {
        let reference = try ImageReference.parse("\(registry.host)/hpc/lammps:\(tag)")
        _ = try client(for: registry).push(ArtifactPush(
            artifactType: "application/vnd.example.image",
            files: [ArtifactFile(bytes: Array("layer of \(tag)".utf8), mediaType: "application/vnd.oci.image.layer.v1.tar", title: "rootfs.tar")]
        ), to: reference)
        return reference
    }

    func attach(_ bytes: [UInt8], to image: ImageReference, _ registry: RegistryProcess, created: Date, type: String = CompatibilityMediaType.nfdArtifact) throws -> PushedArtifact {
        try client(for: registry).push(ArtifactPush(
            artifactType: type,
            files: [ArtifactFile(bytes: bytes, mediaType: CompatibilityMediaType.nfdSpec, title: "spec.yaml")],
            subject: image, created: created
        ), to: image.tagged("compat-\(Int(created.timeIntervalSince1970))"))
    }

    @Test func referrersTagFallbackFindsTheNewestArtifact() throws {
        let registry = try RegistryProcess()
        defer { registry.stop() }
        let image = try pushImage(registry)
        let older = try attach(Array("version: v1alpha1\n# old\n".utf8), to: image, registry, created: Date(timeIntervalSince1970: 1_700_000_000))
        let newer = try attach(Array("version: v1alpha1\n# new\n".utf8), to: image, registry, created: Date(timeIntervalSince1970: 1_710_000_000))
        _ = try attach(Array("other".utf8), to: image, registry, created: Date(timeIntervalSince1970: 1_720_000_000), type: "application/vnd.example.sbom")
        #expect(older.updatedReferrersTag && newer.updatedReferrersTag)

        let registryClient = client(for: registry)
        let found = try registryClient.referrers(of: image, artifactType: CompatibilityMediaType.nfdArtifact)
        #expect(Set(found.map(\.digest)) == Set([older.reference.digest, newer.reference.digest].compactMap { $0 }))
        #expect(try registryClient.referrers(of: image).count == 3)

        let newest = try #require(try registryClient.newestReferrer(of: image, artifactType: CompatibilityMediaType.nfdArtifact))
        #expect(newest.digest == newer.reference.digest)
        let pulled = try registryClient.pullArtifact(image.pinned(to: newest.digest))
        #expect(pulled.bytes == Array("version: v1alpha1\n# new\n".utf8))
        #expect(pulled.manifest.subject?.digest == (try registryClient.resolve(image)).digest)
    }

    @Test func imageWithoutReferrersHasNone() throws {
        let registry = try RegistryProcess()
        defer { registry.stop() }
        let image = try pushImage(registry, tag: "bare")
        #expect(try client(for: registry).referrers(of: image, artifactType: CompatibilityMediaType.nfdArtifact).isEmpty)
        #expect(try client(for: registry).newestReferrer(of: image, artifactType: CompatibilityMediaType.nfdArtifact) == nil)
    }

    @Test func newestIgnoresMissingDatesAndBreaksTiesByDigest() {
        func descriptor(_ digestByte: String, _ created: String?) -> OCIDescriptor {
            OCIDescriptor(
                mediaType: OCIMediaType.imageManifest, digest: "sha256:" + String(repeating: digestByte, count: 64), size: 1,
                annotations: created.map { [OCIAnnotation.created: $0] } ?? [:]
            )
        }
        let undated = descriptor("f", nil)
        let garbage = descriptor("e", "yesterday")
        let early = descriptor("1", "2024-01-01T00:00:00Z")
        let lateA = descriptor("2", "2024-06-01T00:00:00.5Z")
        let lateB = descriptor("3", "2024-06-01T00:00:00.5Z")
        #expect(RegistryClient.newest([undated, lateA, garbage, early, lateB]) == lateB)
        #expect(RegistryClient.newest([undated, garbage]) == undated)
        #expect(RegistryClient.newest([]) == nil)
    }

    /// A registry that implements the referrers API is asked through it, and its filter is trusted.
    @Test func referrersAPIIsUsedWhenTheRegistryHasIt() throws {
        let subject = "sha256:" + String(repeating: "a", count: 64)
        let artifact = OCIDescriptor(
            mediaType: OCIMediaType.imageManifest, digest: "sha256:" + String(repeating: "b", count: 64), size: 10,
            artifactType: CompatibilityMediaType.nfdArtifact, annotations: [OCIAnnotation.created: "2025-01-01T00:00:00Z"]
        )
        let index = OCIIndex(manifests: [artifact]).encoded()
        let requests = Mutex<[String]>([])
        let server = try HTTPSServer(configuration: .init(security: .plainHTTP), logger: quietLogger) { request in
            requests.withLock { $0.append("\(request.path)?\(request.query.map { "\($0.name)=\($0.value)" }.joined(separator: "&"))") }
            guard request.path == "/v2/hpc/app/referrers/\(subject)" else { return .text(404, "") }
            return HTTPServerResponse(status: 200, headers: ["Content-Type": OCIMediaType.imageIndex, "OCI-Filters-Applied": "artifactType"], body: .bytes(index))
        }
        defer { server.stop() }
        let host = "127.0.0.1:\(server.port)"
        let found = try RegistryClient(configuration: .init(insecureRegistries: [host]), logger: quietLogger)
            .referrers(of: try ImageReference.parse("\(host)/hpc/app@\(subject)"), artifactType: CompatibilityMediaType.nfdArtifact)

        #expect(found == [artifact])
        #expect(requests.withLock { $0 } == ["/v2/hpc/app/referrers/\(subject)?artifactType=\(CompatibilityMediaType.nfdArtifact)"])
    }
}
