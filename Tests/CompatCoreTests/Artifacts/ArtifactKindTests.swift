import Foundation
import Testing
@testable import CompatCore

@Suite struct ArtifactKindTests {
    static let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared")

    static func document(_ relativePath: String) throws -> JSONValue {
        try DocumentDecoder.decode(Array(try Data(contentsOf: shared.appendingPathComponent(relativePath))))
    }

    @Test(arguments: [
        ("data/lammps-matrix/specs/compspec-mpich-ubuntu-22.04-amd64.json", ArtifactKind.compspec),
        ("data/lammps-matrix/manifests.yaml", .manifestList),
        ("data/model-compatibility-artifact.json", .modelCompatibility),
        ("models/fom.json", .performanceModel),
    ])
    func detectsRealArtifacts(path: String, kind: ArtifactKind) throws {
        #expect(try ArtifactKind.detect(Self.document(path)) == kind)
    }

    @Test func detectsFeatureSpecsAsImageCompatibility() throws {
        let nfd = try DocumentDecoder.decode(#"{"version":"v1alpha1","compatibilities":[{"rules":[{"matchFeatures":[{"feature":"cpu.model"}]}]}]}"#)
        #expect(try ArtifactKind.detect(nfd) == .imageCompatibility)
    }

    @Test func mapsMediaTypesWithoutGuessing() {
        #expect(ArtifactKind(mediaType: "application/org.supercontainers.compspec") == .compspec)
        #expect(ArtifactKind(mediaType: "application/vnd.oci.image.model-compatibilities.v1+json") == .modelCompatibility)
        #expect(ArtifactKind(mediaType: "application/vnd.oci.image.compatibilities.v1+json") == .imageCompatibility)
        #expect(ArtifactKind(mediaType: "application/octet-stream") == nil)
    }

    @Test func rejectsUnknownDocumentsWithTheExpectedShapes() throws {
        #expect(throws: ArtifactDecodingError.self) { try ArtifactKind.detect(try DocumentDecoder.decode(#"{"hello": 1}"#)) }
        #expect(throws: ArtifactDecodingError.self) { try ArtifactKind.detect(.array([])) }
    }
}
