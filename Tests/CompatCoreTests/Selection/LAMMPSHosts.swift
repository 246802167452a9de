@testable import CompatCore

/// The LAMMPS experiment's hosts: a CPU-only node of one architecture with one of the four Flux views,
/// whose OS is what the platform modes pair with and what the injected Flux needs from the image.
enum LAMMPSHosts {
    static let focal = OperatingSystem(vendor: .ubuntu, version: v("20.04"))
    static let jammy = OperatingSystem(vendor: .ubuntu, version: v("22.04"))
    static let rocky8 = OperatingSystem(vendor: .rocky, version: v("8.9"))
    static let rocky9 = OperatingSystem(vendor: .rocky, version: v("9.3"))
    static let views = [focal, jammy, rocky8, rocky9]

    static func host(_ view: OperatingSystem, _ architecture: Architecture = .amd64, mpi: MPIRequirement = .any) -> HostEnvironment {
        HostEnvironment(architecture: architecture, operatingSystem: view, mpi: mpi)
    }

    static func selector() throws -> ImageSelector {
        ImageSelector(catalog: try LAMMPSMatrixData.catalog())
    }

    static func candidateTags(_ mode: SelectionMode, _ host: HostEnvironment) throws -> [String] {
        LAMMPSMatrixData.tags(try selector().candidates(for: host, mode: mode).images)
    }
}
