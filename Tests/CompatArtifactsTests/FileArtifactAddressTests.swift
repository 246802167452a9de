@testable import CompatArtifacts
import CompatSelection
import Testing

/// `file://` annotation values become one standard absolute path, so the same artifact is cached and
/// admitted under one name however it is spelled.
@Suite struct FileArtifactAddressTests {
    @Test func dotSegmentsAndRepeatedSlashesAreRemoved() throws {
        #expect(try ArtifactAddress("file:///srv//catalog/./lammps/../lammps-matrix/") == .file("/srv/catalog/lammps-matrix"))
    }

    @Test func parentOfTheRootIsTheRoot() throws {
        #expect(try ArtifactAddress("file:///../../etc/../srv/x.yaml") == .file("/srv/x.yaml"))
        #expect(try ArtifactAddress("file:///") == .file("/"))
    }

    @Test func registryReferencesAreKeptAsWritten() throws {
        #expect(try ArtifactAddress("ghcr.io/org/catalog:v1") == .registry("ghcr.io/org/catalog:v1"))
    }

    @Test func relativeFileURLsAreRefusedWithTheFix() {
        #expect(throws: SelectionRefusal.self) { try ArtifactAddress("file://srv/catalog") }
        do {
            _ = try ArtifactAddress("file://srv/catalog")
        } catch {
            #expect(error.message.contains("write file:///absolute/path"))
        }
    }
}
