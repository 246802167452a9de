/// The attributes of one compspec artifact with types: architecture, OS (and so its C/C++ ABI), MPI,
/// GPU and CPU, plus the flat `<namespace>.<key>` map that compspec's exact matching works on.
///
/// Keys read (compspec.md §1.2): `org.supercontainers.os.{vendor,version,release,name}`,
/// `org.supercontainers.mpi.{implementation,version}`,
/// `org.supercontainers.hardware.gpu.{available,enabled,driver,cuda.version,driver.version}`,
/// `io.archspec.cpu.{target,family,vendor,model}`, and this project's
/// `org.supercontainers.os.{glibc,glibcxx}.version` (written by `compat extract`), which override the
/// OS ABI table. Every other key is kept in ``flat`` only.
public struct ImageAttributes: Sendable, Hashable {
    public static let supercontainers = "org.supercontainers"
    public static let archspec = "io.archspec"

    /// Full key names this type reads.
    public enum Key {
        public static let osVendor = "org.supercontainers.os.vendor"
        public static let osVersion = "org.supercontainers.os.version"
        public static let osRelease = "org.supercontainers.os.release"
        public static let osName = "org.supercontainers.os.name"
        public static let glibcVersion = "org.supercontainers.os.glibc.version"
        public static let glibcxxVersion = "org.supercontainers.os.glibcxx.version"
        public static let mpiImplementation = "org.supercontainers.mpi.implementation"
        public static let mpiVersion = "org.supercontainers.mpi.version"
        public static let gpuAvailable = "org.supercontainers.hardware.gpu.available"
        /// The schema's name for ``gpuAvailable``; the LAMMPS artifacts use `available`, the schema
        /// defines only `enabled`, so both are accepted.
        public static let gpuEnabled = "org.supercontainers.hardware.gpu.enabled"
        public static let gpuDriver = "org.supercontainers.hardware.gpu.driver"
        public static let gpuDriverVersion = "org.supercontainers.hardware.gpu.driver.version"
        public static let gpuCUDAVersion = "org.supercontainers.hardware.gpu.cuda.version"
        public static let cpuTarget = "io.archspec.cpu.target"
        public static let cpuFamily = "io.archspec.cpu.family"
        public static let cpuVendor = "io.archspec.cpu.vendor"
        public static let cpuModel = "io.archspec.cpu.model"
    }

    public var architecture: Architecture?
    public var operatingSystem: OperatingSystem?
    /// The image's C/C++ runtime ABI: from explicit glibc/GLIBCXX attributes, else from the OS release
    /// via ``OSABITable``; `nil` when neither is known.
    public var abi: OSABI?
    public var mpi: MPIImplementation?
    /// `nil` when the artifact does not say (then no GPU-aware mode can place the image).
    public var gpu: GPU?
    public var cpu: CPU
    /// Every attribute by full name, plus `hardware.gpu.available` when only the `enabled` alias was given.
    public var flat: [String: String]

    /// Attributes given directly (tests, simulations); `abi` defaults to the OS release's from ``OSABITable``.
    public init(
        architecture: Architecture? = nil, operatingSystem: OperatingSystem? = nil, abi: OSABI? = nil,
        mpi: MPIImplementation? = nil, gpu: GPU? = nil, cpu: CPU = CPU(), flat: [String: String] = [:]
    ) {
        self.architecture = architecture
        self.operatingSystem = operatingSystem
        self.abi = abi ?? operatingSystem.flatMap(OSABITable.abi(of:))
        self.mpi = mpi
        self.gpu = gpu
        self.cpu = cpu
        self.flat = flat
    }

    /// Types the known attributes of `spec`. A known attribute whose value cannot be read (an OS version
    /// that is not a version, a GPU flag that is not yes/no, conflicting aliases) is an error naming
    /// its place in the artifact.
    public init(spec: CompatibilitySpec) throws(ArtifactDecodingError) {
        let reader = AttributeReader(spec: spec)

        var os: OperatingSystem?
        if let vendor = reader.text(Key.osVendor), let version = try reader.version(Key.osVersion) {
            os = OperatingSystem(vendor: OSVendor(id: vendor), version: version, release: reader.text(Key.osRelease), name: reader.text(Key.osName))
        }

        var abi = os.flatMap(OSABITable.abi(of:))
        let glibc = try reader.version(Key.glibcVersion)
        let glibcxx = try reader.version(Key.glibcxxVersion)
        if glibc != nil || glibcxx != nil {
            if let glibc, let glibcxx {
                abi = OSABI(glibc: glibc, glibcxx: glibcxx)
            } else if let known = abi {
                abi = OSABI(glibc: glibc ?? known.glibc, glibcxx: glibcxx ?? known.glibcxx)
            } else {
                abi = nil  // half an ABI cannot prove a binary's needs are met
            }
        }

        var mpi: MPIImplementation?
        if let name = reader.text(Key.mpiImplementation), !name.isEmpty {
            mpi = MPIImplementation(kind: MPIKind(name: name), version: try reader.version(Key.mpiVersion))
        }

        let available = try reader.flag(Key.gpuAvailable)
        let enabled = try reader.flag(Key.gpuEnabled)
        if let available, let enabled, available != enabled {
            throw reader.error(
                Key.gpuEnabled,
                "says \(enabled ? "yes" : "no") but '\(Key.gpuAvailable)' says \(available ? "yes" : "no"); they are the same attribute"
            )
        }
        var gpu: GPU?
        if let isAvailable = available ?? enabled {
            gpu = GPU(
                available: isAvailable, vendor: reader.text(Key.gpuDriver).map(GPUVendor.init(name:)),
                cudaVersion: try reader.version(Key.gpuCUDAVersion), driverVersion: try reader.version(Key.gpuDriverVersion)
            )
        }

        let target = reader.text(Key.cpuTarget).map(CPUTarget.init(name:))
        var architecture = target?.architecture
        if let familyText = reader.text(Key.cpuFamily) {
            guard let family = Architecture(normalising: familyText) else {
                throw reader.error(Key.cpuFamily, "'\(familyText)' is not a known architecture family (x86_64, aarch64, ppc64le, s390x…)")
            }
            if let fromTarget = architecture, fromTarget != family {
                throw reader.error(Key.cpuFamily, "'\(familyText)' contradicts '\(Key.cpuTarget)' (\(fromTarget))")
            }
            architecture = family
        }

        var flat = spec.flatAttributes
        if flat[Key.gpuAvailable] == nil, let alias = flat[Key.gpuEnabled] { flat[Key.gpuAvailable] = alias }

        self.init(
            architecture: architecture, operatingSystem: os, abi: abi, mpi: mpi, gpu: gpu,
            cpu: CPU(vendor: reader.text(Key.cpuVendor), model: reader.text(Key.cpuModel), target: target), flat: flat
        )
    }
}

/// Reads attributes by full name and reports bad values at their path in the artifact.
private struct AttributeReader {
    private var located: [String: (value: String, path: FieldPath)] = [:]

    init(spec: CompatibilitySpec) {
        for (index, group) in spec.compatibilities.enumerated() {
            for attribute in group.attributes {
                located[group.name + "." + attribute.key] = (attribute.value, CompatibilitySpec.attributePath(group: index, key: attribute.key))
            }
        }
    }

    func text(_ key: String) -> String? { located[key]?.value }

    func error(_ key: String, _ problem: String) -> ArtifactDecodingError {
        ArtifactDecodingError(path: located[key]?.path ?? FieldPath([.key(key)]), problem: problem)
    }

    /// A version, or `nil` when absent or empty; an error when present but not a dotted version.
    func version(_ key: String) throws(ArtifactDecodingError) -> Version? {
        guard let text = text(key), !text.trimmingSpaces.isEmpty else { return nil }
        guard let version = Version(text) else {
            throw error(key, "'\(text)' is not a version (expected digits and dots, e.g. 22.04)")
        }
        return version
    }

    func flag(_ key: String) throws(ArtifactDecodingError) -> Bool? {
        guard let text = text(key) else { return nil }
        guard let value = GPU.availability(fromFlag: text) else {
            throw error(key, "'\(text)' is not a yes/no flag (compspec writes 'yes' or 'no')")
        }
        return value
    }
}
