import CompatCore
import CompatRegistry
import CompatTransport
import Foundation
import Testing

/// Push and pull against the real docker-registry 2.8 on loopback.
@Suite struct RegistryPushPullTests {
    @Test func pushedArtifactPullsBackByTagByteIdentical() throws {
        let registry = try RegistryProcess()
        defer { registry.stop() }
        let spec = try shippedCompspec()
        let pushed = try pushCompspec(spec, to: registry, tag: "mpich-ubuntu-22.04-amd64-compspec")

        let pulled = try client(for: registry).pullArtifact(try ImageReference.parse("\(registry.host)/rse-ops/lammps-matrix:mpich-ubuntu-22.04-amd64-compspec"))
        #expect(pulled.bytes == spec)
        #expect(pulled.layer.digest == Digest.sha256(spec))
        #expect(pulled.layer.mediaType == CompatibilityMediaType.supercontainersCompspec)
        #expect(pulled.manifestDigest == pushed.reference.digest)
        #expect(pulled.manifest.artifactType == CompatibilityMediaType.supercontainersCompspec)
        #expect(pulled.layer.annotations[OCIAnnotation.title] == "compatibility-spec.json")
    }

    @Test func pullByDigestVerifiesTheManifest() throws {
        let registry = try RegistryProcess()
        defer { registry.stop() }
        let spec = try shippedCompspec("openmpi-rocky-gpu-9-arm64")
        let pushed = try pushCompspec(spec, to: registry, tag: "v1")
        let byDigest = try ImageReference.parse("\(registry.host)/rse-ops/lammps-matrix@\(try #require(pushed.reference.digest))")

        let pulled = try client(for: registry).pullArtifact(byDigest)
        #expect(pulled.bytes == spec)
        let manifest = try client(for: registry).fetchManifest(byDigest)
        #expect(Digest.sha256(manifest.bytes) == pushed.reference.digest)
        #expect(manifest.bytes == pushed.manifest.encoded())
    }

    @Test func storedManifestHasTheORASLayout() throws {
        let registry = try RegistryProcess()
        defer { registry.stop() }
        let created = Date(timeIntervalSince1970: 1_700_000_000)
        try pushCompspec(Array("{}".utf8) + [0x0a], to: registry, tag: "layout", created: created)

        let fetched = try client(for: registry).fetchManifest(try ImageReference.parse("\(registry.host)/rse-ops/lammps-matrix:layout"))
        guard case .manifest(let manifest) = fetched.document else {
            Issue.record("expected a manifest")
            return
        }
        #expect(manifest.mediaType == OCIMediaType.imageManifest)
        #expect(manifest.config == OCIDescriptor(
            mediaType: "application/vnd.oci.empty.v1+json",
            digest: "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", size: 2, data: "e30="
        ))
        #expect(manifest.annotations[OCIAnnotation.created] == "2023-11-14T22:13:20Z")
        #expect(manifest.layers.count == 1)
        #expect(manifest.layers.first?.annotations == [OCIAnnotation.title: "compatibility-spec.json", OCIAnnotation.created: "2023-11-14T22:13:20Z"])
    }

    @Test func layerIsChosenByMediaTypeNotPosition() throws {
        let registry = try RegistryProcess()
        defer { registry.stop() }
        let readme = Array("# notes\n".utf8)
        let spec = try shippedCompspec()
        let reference = try ImageReference.parse("\(registry.host)/team/app:compat")
        _ = try client(for: registry).push(ArtifactPush(
            artifactType: CompatibilityMediaType.compspec,
            files: [
                ArtifactFile(bytes: readme, mediaType: "text/markdown", title: "README.md"),
                ArtifactFile(bytes: spec, mediaType: CompatibilityMediaType.compspec, title: "spec.json"),
            ]
        ), to: reference)

        let pulled = try client(for: registry).pullArtifact(reference)
        #expect(pulled.bytes == spec)
        #expect(pulled.layer.annotations[OCIAnnotation.title] == "spec.json")
    }

    @Test func manifestWithoutAcceptedLayerIsRefusedWithTheTypesFound() throws {
        let registry = try RegistryProcess()
        defer { registry.stop() }
        let reference = try ImageReference.parse("\(registry.host)/team/app:docs")
        _ = try client(for: registry).push(ArtifactPush(
            artifactType: "application/vnd.example.docs", files: [ArtifactFile(bytes: Array("x".utf8), mediaType: "text/plain", title: "x.txt")]
        ), to: reference)

        #expect {
            try client(for: registry).pullArtifact(reference)
        } throws: { error in
            guard let error = error as? RegistryError else { return false }
            return error.kind == .noMatchingLayer && error.detail.contains("layers: text/plain")
        }
    }

    @Test func missingTagIsNotFound() throws {
        let registry = try RegistryProcess()
        defer { registry.stop() }
        #expect {
            try client(for: registry).pullArtifact(try ImageReference.parse("\(registry.host)/nothing/here:v1"))
        } throws: { error in
            (error as? RegistryError)?.kind == .notFound
        }
    }

    @Test func plainHTTPIsOnlyUsedForConfiguredInsecureRegistries() throws {
        let registry = try RegistryProcess()
        defer { registry.stop() }
        try pushCompspec(try shippedCompspec(), to: registry, tag: "secure-only")
        // Without the insecure entry the client speaks TLS to the plain-HTTP registry and fails.
        let strict = RegistryClient(configuration: .init(fetchTimeout: .seconds(5)), logger: quietLogger)
        #expect {
            try strict.pullArtifact(try ImageReference.parse("\(registry.host)/rse-ops/lammps-matrix:secure-only"))
        } throws: { error in
            (error as? RegistryError)?.kind == .transport(.tlsHandshakeFailed)
        }
    }

    @Test func repeatedPushReusesBlobsAndKeepsTheDigest() throws {
        let registry = try RegistryProcess()
        defer { registry.stop() }
        let spec = try shippedCompspec()
        let created = Date(timeIntervalSince1970: 1_700_000_000)
        let first = try pushCompspec(spec, to: registry, tag: "again", created: created)
        let second = try pushCompspec(spec, to: registry, tag: "again", created: created)
        #expect(first.reference.digest == second.reference.digest)
    }
}
