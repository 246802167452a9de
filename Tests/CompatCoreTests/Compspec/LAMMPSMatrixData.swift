import Foundation
@testable import CompatCore

/// The real LAMMPS-matrix artifacts (rse-ops/lammps-matrix) in `../shared/data/lammps-matrix`.
enum LAMMPSMatrixData {
    static var directory: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // Compspec
            .deletingLastPathComponent()  // CompatCoreTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
            .deletingLastPathComponent()
            .appendingPathComponent("shared/data/lammps-matrix")
    }

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(relativePath)))
    }

    /// Spec file names, e.g. `compspec-mpich-ubuntu-22.04-amd64.json`, sorted.
    static func specFileNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("specs").path)
            .filter { $0.hasSuffix(".json") }.sorted()
    }

    static func spec(_ tag: String) throws -> CompatibilitySpec {
        try CompatibilitySpec(decoding: try bytes("specs/compspec-\(tag).json"))
    }

    /// The 18-image catalog, pairing each manifest entry with its spec file by tag.
    static func catalog() throws -> ImageCatalog {
        let manifests = try ImageManifestList(decoding: try bytes("manifests.yaml"))
        var specs: [String: CompatibilitySpec] = [:]
        for entry in manifests.images {
            let tag = String(entry.artifact.split(separator: ":").last ?? "").replacingOccurrences(of: "-compspec", with: "")
            specs[entry.artifact] = try spec(tag)
        }
        return try ImageCatalog(manifests: manifests, specs: specs)
    }

    static let imagePrefix = "ghcr.io/rse-ops/lammps-matrix:"

    /// Image tags without the repository, for readable assertions.
    static func tags(_ images: [CatalogImage]) -> [String] {
        images.map { $0.name.replacingOccurrences(of: imagePrefix, with: "") }
    }
}

/// A version from literal test text (a malformed literal is a bug in the test itself).
func v(_ text: String) -> Version {
    guard let version = Version(text) else { preconditionFailure("test literal '\(text)' is not a version") }
    return version
}
