import CompatCore
import Foundation

/// The 18 real LAMMPS-matrix images with their compspec artifacts (`shared/data/lammps-matrix`).
enum LAMMPSImages {
    static let prefix = "ghcr.io/rse-ops/lammps-matrix:"

    /// Loaded once per test process; many tests build jobs from it.
    private static let cached: Result<ImageCatalog, LookupFailure> = Result { () throws(LookupFailure) -> ImageCatalog in
        do { return try load() } catch { throw LookupFailure(what: "the LAMMPS catalog: \(error)") }
    }

    static func catalog() throws -> ImageCatalog {
        try cached.get()
    }

    private static func load() throws -> ImageCatalog {
        let folder = "data/lammps-matrix/"
        let manifests = try ImageManifestList(decoding: Array(try SharedData.text(folder + "manifests.yaml").utf8))
        var specs: [String: CompatibilitySpec] = [:]
        for entry in manifests.images {
            let tag = entry.artifact.replacingOccurrences(of: prefix, with: "").replacingOccurrences(of: "-compspec", with: "")
            specs[entry.artifact] = try CompatibilitySpec(decoding: Array(try SharedData.text(folder + "specs/compspec-\(tag).json").utf8))
        }
        return try ImageCatalog(manifests: manifests, specs: specs)
    }

    static func image(_ tag: String) throws -> CatalogImage {
        guard let image = try catalog().images.first(where: { $0.name == prefix + tag }) else {
            throw LookupFailure(what: "image \(tag)")
        }
        return image
    }

    struct LookupFailure: Error, Sendable {
        var what: String
    }
}
