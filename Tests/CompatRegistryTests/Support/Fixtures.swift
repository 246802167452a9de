import CompatRegistry
import Foundation

/// The package root (three levels above this file's folder) and the shared data beside it.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path
let sharedData = packageRoot + "/../shared/data"

/// A real compspec artifact shipped with the project.
func shippedCompspec(_ tag: String = "mpich-ubuntu-22.04-amd64") throws -> [UInt8] {
    let path = packageRoot + "/artifacts/lammps-matrix/cache/ghcr.io-rse-ops-lammps-matrix-\(tag)-compspec.json"
    guard let data = FileManager.default.contents(atPath: path) else { throw RegistrySetupError(message: "missing fixture \(path)") }
    return Array(data)
}

/// A registry client for `registry`, which it reaches over plain HTTP.
func client(for registry: RegistryProcess, timeout: Duration = .seconds(10), allowed: [String]? = nil) -> RegistryClient {
    RegistryClient(configuration: .init(allowedRegistries: allowed, insecureRegistries: [registry.host], fetchTimeout: timeout), logger: quietLogger)
}

/// Pushes an artifact with one compspec layer to `repository:tag` on `registry`.
@discardableResult
func pushCompspec(_ bytes: [UInt8], to registry: RegistryProcess, repository: String = "rse-ops/lammps-matrix", tag: String,
                  subject: ImageReference? = nil, created: Date = Date()) throws -> PushedArtifact {
    let reference = try ImageReference.parse("\(registry.host)/\(repository):\(tag)")
    let artifact = ArtifactPush(
        artifactType: CompatibilityMediaType.supercontainersCompspec,
        files: [ArtifactFile(bytes: bytes, mediaType: CompatibilityMediaType.supercontainersCompspec, title: "compatibility-spec.json")],
        subject: subject, created: created
    )
    return try client(for: registry).push(artifact, to: reference)
}
