import CompatCore
import CompatRegistry
import Foundation
import Testing

/// `file://` artifact locations: single files and compspec-go catalog directories.
@Suite struct LocalArtifactTests {
    static let catalog = packageRoot + "/artifacts/lammps-matrix/cache"

    @Test func fileURLsParseToLocalPaths() throws {
        #expect(try ArtifactLocation.parse("file:///srv/specs/a.json") == .local(path: "/srv/specs/a.json"))
        #expect(try ArtifactLocation.parse("file://localhost/srv/a.json") == .local(path: "/srv/a.json"))
        #expect(try ArtifactLocation.parse("file://artifacts/cache") == .local(path: "artifacts/cache"))
        #expect(try ArtifactLocation.parse("file:///with%20space.json") == .local(path: "/with space.json"))
        #expect(try ArtifactLocation.parse("ghcr.io/a/b:c") == .registry(try ImageReference.parse("ghcr.io/a/b:c")))
        #expect(throws: ImageReferenceError.self) { try ArtifactLocation.parse("file://") }
    }

    @Test func catalogDirectoryIsLookedUpByArtifactReference() throws {
        let reference = "ghcr.io/rse-ops/lammps-matrix:mpich-ubuntu-22.04-amd64-compspec"
        let artifact = try LocalArtifacts.read(path: Self.catalog, reference: reference)
        let original = try #require(FileManager.default.contents(atPath: sharedData + "/lammps-matrix/specs/compspec-mpich-ubuntu-22.04-amd64.json"))
        #expect(artifact.bytes == Array(original))
        #expect(artifact.path.hasSuffix("ghcr.io-rse-ops-lammps-matrix-mpich-ubuntu-22.04-amd64-compspec.json"))
    }

    @Test func singleFileIsReadAsIs() throws {
        let path = Self.catalog + "/" + LocalArtifacts.catalogFileName(for: "ghcr.io/rse-ops/lammps-matrix:intel-mpi-rocky-9-amd64-compspec")
        #expect(try LocalArtifacts.read(path: path).bytes == Array(try #require(FileManager.default.contents(atPath: path))))
    }

    @Test func missingCatalogEntryNamesTheExpectedFile() {
        #expect {
            try LocalArtifacts.read(path: Self.catalog, reference: "ghcr.io/rse-ops/lammps-matrix:nope")
        } throws: { error in
            guard let error = error as? RegistryError else { return false }
            return error.kind == .localArtifact && error.detail.contains("ghcr.io-rse-ops-lammps-matrix-nope.json")
        }
        #expect(throws: RegistryError.self) { try LocalArtifacts.read(path: Self.catalog) }
        #expect(throws: RegistryError.self) { try LocalArtifacts.read(path: "/nonexistent/spec.json") }
    }
}
