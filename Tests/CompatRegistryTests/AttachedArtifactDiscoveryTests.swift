import CompatCore
import CompatRegistry
import Foundation
import Testing

/// An `…/image-ref` that names the image itself: the cache finds the compatibility artifact attached to
/// it (referrers tag fallback on docker-registry 2.8, which has no referrers API).
@Suite struct AttachedArtifactDiscoveryTests {
    func pushImage(_ registry: RegistryProcess) throws -> ImageReference {
        let reference = try ImageReference.parse("\(registry.host)/hpc/lammps:2024")
        _ = try client(for: registry).push(ArtifactPush(
            artifactType: "application/vnd.example.image",
            files: [ArtifactFile(bytes: Array("rootfs".utf8), mediaType: "application/vnd.oci.image.layer.v1.tar", title: "rootfs.tar")]
        ), to: reference)
        return reference
    }

    @Test func imageReferenceResolvesToTheNewestAttachedCompatibilityArtifact() throws {
        let registry = try RegistryProcess()
        defer { registry.stop() }
        let image = try pushImage(registry)
        _ = try pushCompspec(Array(#"{"old":true}"#.utf8), to: registry, repository: "hpc/lammps", tag: "compat-old", subject: image,
                             created: Date(timeIntervalSince1970: 1_700_000_000))
        let newer = try pushCompspec(Array(#"{"new":true}"#.utf8), to: registry, repository: "hpc/lammps", tag: "compat-new", subject: image,
                                     created: Date(timeIntervalSince1970: 1_710_000_000))
        let cache = ArtifactCache(client: client(for: registry), logger: quietLogger)
        let found = try cache.artifact(for: image)
        #expect(found.artifact.bytes == Array(#"{"new":true}"#.utf8))
        #expect(found.artifact.manifestDigest == newer.reference.digest)
        #expect(found.source == .registry)
        #expect(try cache.artifact(for: image).source == .cache)
    }

    @Test func imageWithoutAttachedArtifactIsAnErrorSayingHowToAttachOne() throws {
        let registry = try RegistryProcess()
        defer { registry.stop() }
        let image = try pushImage(registry)
        #expect {
            try client(for: registry).pullCompatibilityArtifact(image)
        } throws: { error in
            guard let error = error as? RegistryError else { return false }
            return error.kind == .noMatchingLayer && error.detail.contains("no compatibility artifact is attached to it either (referrers)")
        }
    }
}
