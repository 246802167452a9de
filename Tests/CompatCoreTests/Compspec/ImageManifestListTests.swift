import Testing
@testable import CompatCore

@Suite struct ImageManifestListTests {
    @Test func decodesTheRealManifestInOrder() throws {
        let list = try ImageManifestList(decoding: try LAMMPSMatrixData.bytes("manifests.yaml"))
        #expect(list.images.count == 18)
        #expect(list.images.first == .init(
            name: "ghcr.io/rse-ops/lammps-matrix:openmpi-ubuntu-22.04-arm64",
            artifact: "ghcr.io/rse-ops/lammps-matrix:openmpi-ubuntu-22.04-arm64-compspec"
        ))
        #expect(list.images.last?.name == "ghcr.io/rse-ops/lammps-matrix:openmpi-rocky-gpu-8-amd64")
        #expect(list.images.allSatisfy { $0.artifact == $0.name + "-compspec" })
    }

    @Test func rejectsAnUnknownEntryFieldAtItsPath() {
        let yaml = "images:\n  - name: a\n    artifact: b\n    platform: linux/amd64\n"
        do {
            _ = try ImageManifestList(decoding: Array(yaml.utf8))
            Issue.record("accepted 'platform'")
        } catch {
            #expect(error.path == FieldPath([.key("images"), .index(0), .key("platform")]))
            #expect(error.problem.hasPrefix("unknown field 'platform'"))
        }
    }

    @Test func reportsAMisspeltRequiredFieldAtItsEntry() {
        let yaml = "images:\n  - name: a\n    artifact: b\n  - name: c\n    artefact: d\n"
        do {
            _ = try ImageManifestList(decoding: Array(yaml.utf8))
            Issue.record("accepted 'artefact'")
        } catch {
            #expect(error.description == "images[1]: missing required field 'artifact'")
        }
    }

    @Test func rejectsAnImageListedTwice() {
        let yaml = "images:\n  - name: a\n    artifact: b\n  - name: a\n    artifact: c\n"
        do {
            _ = try ImageManifestList(decoding: Array(yaml.utf8))
            Issue.record("accepted a duplicate image")
        } catch {
            #expect(error.path == FieldPath([.key("images"), .index(1), .key("name")]))
            #expect(error.problem == "image 'a' is listed more than once")
        }
    }

    @Test func rejectsAnExtraTopLevelField() {
        let yaml = "images: []\nimage: x\n"
        do {
            _ = try ImageManifestList(decoding: Array(yaml.utf8))
            Issue.record("accepted 'image'")
        } catch {
            #expect(error.path == FieldPath([.key("image")]))
        }
    }
}
