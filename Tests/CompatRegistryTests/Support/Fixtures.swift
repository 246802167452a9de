import CompatCore
import CompatRegistry
import Foundation
#if canImport(Glibc)
import Glibc
#endif

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

/// A socket listening on 127.0.0.1:`port` that never accepts or answers: a registry that hangs.
final class SilentLoopbackListener {
    private let descriptor: Int32

    init(port: UInt16) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 4) == 0 else {
            Glibc.close(descriptor)
            throw POSIXError(.EADDRINUSE)
        }
    }

    func close() { Glibc.close(descriptor) }
}
