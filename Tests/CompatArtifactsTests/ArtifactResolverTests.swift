import CompatCore
import Foundation
import Synchronization
import Testing
@testable import CompatArtifacts
import CompatSelection

/// A registry stand-in that serves fixed layers by reference and counts fetches.
final class StubRegistry: RegistryArtifactFetching {
    let layers: [String: (mediaType: String, bytes: [UInt8])]
    private let counter = Mutex(0)

    init(_ layers: [String: (mediaType: String, text: String)]) {
        self.layers = layers.mapValues { ($0.mediaType, Array($0.text.utf8)) }
    }

    var fetches: Int { counter.withLock { $0 } }

    func fetchArtifact(_ reference: String, deadline: ContinuousClock.Instant) throws(SelectionRefusal) -> RegistryArtifactBytes {
        counter.withLock { $0 += 1 }
        guard let layer = layers[reference] else {
            throw SelectionRefusal(.artifactUnavailable, "\(reference): not found in the stub registry")
        }
        return RegistryArtifactBytes(bytes: layer.bytes, mediaType: layer.mediaType, digest: "sha256:\(reference.hashValue)", origin: reference)
    }
}

@Suite struct ArtifactResolverTests {
    static let deadline = ContinuousClock.now + .seconds(30)

    static func resolver(
        roots: [String] = [TestPaths.packageRoot, NSTemporaryDirectory()], registry: StubRegistry? = nil, revalidation: Duration = .seconds(1)
    ) -> ArtifactResolver {
        ArtifactResolver(registry: registry, fileRoots: FileArtifactRoots(roots), fileRevalidationInterval: revalidation)
    }

    static func refusal(_ resolver: ArtifactResolver, _ reference: String) -> SelectionRefusal? {
        CompatArtifactsTests.refusal { () throws(SelectionRefusal) in try resolver.resolve(reference, deadline: deadline) }
    }

    @Test func catalogFolderResolvesEveryListedArtifactFromItsCache() throws {
        let catalog = try TestData.catalog()
        #expect(catalog.count == 18)
        let intel = try #require(catalog.images.first { $0.name.hasSuffix(":intel-mpi-rocky-8-amd64") })
        #expect(intel.attributes.mpi?.kind == .intelMPI)
        #expect(intel.attributes.operatingSystem?.version == Version("8.9"))
    }

    @Test func listFileResolvesLikeItsFolder() throws {
        let artifact = try Self.resolver().resolve("file://" + TestPaths.lammpsCatalog + "/manifests.yaml", deadline: Self.deadline).artifact
        guard case .catalog(let catalog) = artifact else { Issue.record("expected a catalog"); return }
        #expect(catalog.images.map(\.name) == (try TestData.catalog()).images.map(\.name))
    }

    @Test func listedArtifactsResolveRelativeToTheList() throws {
        let folder = try TemporaryDirectory()
        defer { folder.cleanUp() }
        try folder.write("specs/a.json", try String(contentsOfFile: TestPaths.lammpsCatalog + "/specs/compspec-mpich-ubuntu-22.04-arm64.json", encoding: .utf8))
        try folder.write("manifests.yaml", "images:\n  - name: example.org/lammps:a\n    artifact: specs/a.json\n")
        guard case .catalog(let catalog) = try Self.resolver().resolve("file://" + folder.path, deadline: Self.deadline).artifact else {
            Issue.record("expected a catalog"); return
        }
        #expect(catalog.images.map(\.name) == ["example.org/lammps:a"])
        #expect(catalog.images.first?.attributes.architecture == .arm64)
    }

    @Test func missingListedArtifactNamesThePlacesChecked() throws {
        let folder = try TemporaryDirectory()
        defer { folder.cleanUp() }
        try folder.write("manifests.yaml", "images:\n  - name: example.org/lammps:a\n    artifact: example.org/lammps:a-compspec\n")
        let refused = try #require(Self.refusal(Self.resolver(), "file://" + folder.path))
        #expect(refused.category == .artifactUnavailable)
        #expect(refused.message.contains(folder.path + "/cache/example.org-lammps-a-compspec.json"))
        #expect(refused.message.contains("no registry access"))
    }

    @Test func filesOutsideTheRootsAreRefused() throws {
        let refused = try #require(Self.refusal(Self.resolver(roots: [TestPaths.artifacts]), "file:///etc/hostname"))
        #expect(refused.category == .invalidRequest)
        #expect(refused.message.contains("outside the webhook's artifact roots"))
    }

    @Test func symlinkOutOfARootIsRefused() throws {
        let folder = try TemporaryDirectory()
        defer { folder.cleanUp() }
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/escape", withDestinationPath: "/etc")
        let refused = try #require(Self.refusal(Self.resolver(roots: [folder.path]), "file://" + folder.path + "/escape/hostname"))
        #expect(refused.message.contains("outside the webhook's artifact roots"))
    }

    @Test func fileArtifactsAreDisabledWithoutRoots() throws {
        let refused = try #require(Self.refusal(Self.resolver(roots: []), "file://" + TestPaths.lammpsCatalog))
        #expect(refused.category == .invalidRequest)
        #expect(refused.message.hasPrefix("file:// artifacts are disabled"))
    }

    @Test func relativeFileURLIsInvalid() throws {
        let refused = try #require(Self.refusal(Self.resolver(), "file://artifacts/lammps-matrix"))
        #expect(refused.message.contains("file:///absolute/path"))
    }

    @Test func singleCompspecArtifactAndPerformanceModelAreRefusedByKind() throws {
        let compspec = try #require(Self.refusal(Self.resolver(), "file://" + TestPaths.lammpsCatalog + "/specs/compspec-intel-mpi-rocky-8-amd64.json"))
        #expect(compspec.message.contains("single compspec artifact"))
        let model = try #require(Self.refusal(Self.resolver(), "file://" + TestPaths.packageRoot + "/models/published/fom.json"))
        #expect(model.message.contains("is a performance model"))
    }

    @Test func editedSpecIsReadAgain() throws {
        let folder = try TemporaryDirectory()
        defer { folder.cleanUp() }
        let path = try folder.write("spec.yaml", eksRulesSpec)
        let resolver = Self.resolver(revalidation: .zero)
        guard case .rules(let first) = try resolver.resolve("file://" + path, deadline: Self.deadline).artifact else { Issue.record("expected rules"); return }
        #expect(first.compatibilities.first?.tag == "ghcr.io/example/lammps:sve")
        try folder.write("spec.yaml", eksRulesSpec.replacingOccurrences(of: "lammps:sve", with: "lammps:sve2"))
        guard case .rules(let second) = try resolver.resolve("file://" + path, deadline: Self.deadline).artifact else { Issue.record("expected rules"); return }
        #expect(second.compatibilities.first?.tag == "ghcr.io/example/lammps:sve2")
    }

    /// Within the revalidation interval the file is not looked at again; after it, the edit is seen.
    @Test func editIsSeenOnceTheRevalidationIntervalHasPassed() throws {
        let folder = try TemporaryDirectory()
        defer { folder.cleanUp() }
        let path = try folder.write("spec.yaml", eksRulesSpec)
        let resolver = Self.resolver(revalidation: .milliseconds(1500))
        func firstTag() throws -> String? {
            guard case .rules(let spec) = try resolver.resolve("file://" + path, deadline: Self.deadline).artifact else { return nil }
            return spec.compatibilities.first?.tag
        }
        #expect(try firstTag() == "ghcr.io/example/lammps:sve")
        try folder.write("spec.yaml", eksRulesSpec.replacingOccurrences(of: "lammps:sve", with: "lammps:sve2"))
        #expect(try firstTag() == "ghcr.io/example/lammps:sve")
        Thread.sleep(forTimeInterval: 1.6)
        #expect(try firstTag() == "ghcr.io/example/lammps:sve2")
    }

    @Test func registryLayersDispatchOnMediaTypeNotContent() throws {
        let registry = StubRegistry([
            "example.org/spec:rules": ("application/vnd.nfd.image-compatibility.spec.v1alpha1+yaml", eksRulesSpec),
            "example.org/spec:mislabelled": ("application/vnd.oci.image.model-compatibilities.v1+json", eksRulesSpec),
            "example.org/spec:unknown": ("application/x-unknown", eksRulesSpec),
        ])
        let resolver = Self.resolver(registry: registry)
        guard case .rules = try resolver.resolve("example.org/spec:rules", deadline: Self.deadline).artifact else { Issue.record("expected rules"); return }
        let mislabelled = try #require(Self.refusal(resolver, "example.org/spec:mislabelled"))
        #expect(mislabelled.category == .artifactInvalid)
        #expect(mislabelled.message.contains("is not a valid model-compatibility spec"))
        let unknown = try #require(Self.refusal(resolver, "example.org/spec:unknown"))
        #expect(unknown.category == .artifactInvalid)
        #expect(unknown.message.contains("layer media type application/x-unknown, which this webhook does not read"))
    }

    @Test func registryCatalogFetchesEachListedArtifactAndCachesTheCatalog() throws {
        let spec = try String(contentsOfFile: TestPaths.lammpsCatalog + "/specs/compspec-openmpi-ubuntu-22.04-amd64.json", encoding: .utf8)
        let registry = StubRegistry([
            "example.org/catalog:v1": (CatalogMediaType.manifestList, "images:\n  - name: example.org/lammps:b\n    artifact: example.org/lammps:b-compspec\n"),
            "example.org/lammps:b-compspec": ("application/org.supercontainers.compspec", spec),
        ])
        let resolver = Self.resolver(registry: registry, revalidation: .zero)
        for _ in 0..<2 {
            guard case .catalog(let catalog) = try resolver.resolve("example.org/catalog:v1", deadline: Self.deadline).artifact else {
                Issue.record("expected a catalog"); return
            }
            #expect(catalog.images.first?.attributes.operatingSystem?.version == Version("22.04"))
        }
        #expect(registry.fetches == 4)
        // With a revalidation interval, a catalog resolved moments ago is served without fetching its members.
        let remembering = Self.resolver(registry: registry)
        _ = try remembering.resolve("example.org/catalog:v1", deadline: Self.deadline)
        _ = try remembering.resolve("example.org/catalog:v1", deadline: Self.deadline)
        #expect(registry.fetches == 4 + 3)
    }

    @Test func ociReferenceWithoutRegistryAccessIsUnavailable() throws {
        let refused = try #require(Self.refusal(Self.resolver(), "ghcr.io/rse-ops/lammps-matrix:compatibility"))
        #expect(refused.category == .artifactUnavailable)
        #expect(refused.message.contains("is an OCI reference, but no registry access is configured"))
    }
}
