/// What `compat extract` found out about the machine it runs on, all read at run time (never from
/// how the binary was built, which is the mistake that made compspec's arm64 artifacts describe an
/// x86 build host).
public struct HostDescription: Sendable, Hashable {
    public var architecture: Architecture
    public var operatingSystem: OperatingSystem?
    /// The running C library's glibc version (`confstr(_CS_GNU_LIBC_VERSION)`, as `getconf GNU_LIBC_VERSION`).
    public var glibc: Version?
    public var mpi: MPIImplementation?
    public var gpu: GPU
    public var cpu: CPU

    public init(
        architecture: Architecture, operatingSystem: OperatingSystem? = nil, glibc: Version? = nil,
        mpi: MPIImplementation? = nil, gpu: GPU = .unavailable, cpu: CPU = CPU()
    ) {
        self.architecture = architecture
        self.operatingSystem = operatingSystem
        self.glibc = glibc
        self.mpi = mpi
        self.gpu = gpu
        self.cpu = cpu
    }
}

extension CompatibilitySpec {
    /// The schema URLs compspec-go artifacts (including the LAMMPS ones) reference.
    public static let compspecSchemas: [Schema] = [
        Schema(namespace: ImageAttributes.archspec, url: "https://raw.githubusercontent.com/supercontainers/compspec/main/archspec/compspec.json"),
        Schema(namespace: ImageAttributes.supercontainers, url: "https://raw.githubusercontent.com/supercontainers/compspec/main/supercontainers/compspec.json"),
    ]

    /// A host as a compspec artifact, with the keys the LAMMPS artifacts use (sorted, as compspec-go
    /// writes them) plus `os.glibc.version`, `cpu.family` and, with a GPU, the driver's vendor and
    /// version. `io.archspec.cpu.target` is the archspec microarchitecture when the CPU was identified
    /// (`x86_64_v3`, `neoverse_n1`), else the architecture (`amd64`). Unknown facts are left out rather
    /// than written as empty strings.
    public init(describing host: HostDescription, name: String) {
        var supercontainers: [String: String] = [
            "hardware.gpu.available": host.gpu.available ? "yes" : "no"
        ]
        if host.gpu.available {
            if let vendor = host.gpu.vendor { supercontainers["hardware.gpu.driver"] = vendor.description }
            if let driver = host.gpu.driverVersion { supercontainers["hardware.gpu.driver.version"] = driver.text }
            if let cuda = host.gpu.cudaVersion { supercontainers["hardware.gpu.cuda.version"] = cuda.text }
        }
        if let mpi = host.mpi {
            supercontainers["mpi.implementation"] = mpi.kind.compspecName
            if let version = mpi.version { supercontainers["mpi.version"] = version.text }
        }
        if let os = host.operatingSystem {
            supercontainers["os.vendor"] = os.vendor.id
            supercontainers["os.version"] = os.version.text
            if let release = os.release { supercontainers["os.release"] = release }
            if let name = os.name { supercontainers["os.name"] = name }
        }
        if let glibc = host.glibc { supercontainers["os.glibc.version"] = glibc.text }

        var archspec: [String: String] = [
            "cpu.family": host.architecture.archspecFamily,
            "cpu.target": (host.cpu.target ?? .architecture(host.architecture)).name,
        ]
        if let vendor = host.cpu.vendor, !vendor.isEmpty { archspec["cpu.vendor"] = vendor }
        if let model = host.cpu.model, !model.isEmpty { archspec["cpu.model"] = model }

        func sorted(_ map: [String: String]) -> [Attribute] {
            map.keys.sorted().compactMap { key in map[key].map { Attribute(key, $0) } }
        }
        self.init(
            version: "0.0.0",
            metadata: Metadata(name: name, schemas: Self.compspecSchemas),
            compatibilities: [
                Compatibility(name: ImageAttributes.supercontainers, version: "0.0.0", attributes: sorted(supercontainers)),
                Compatibility(name: ImageAttributes.archspec, version: "0.0.0", attributes: sorted(archspec)),
            ]
        )
    }
}
