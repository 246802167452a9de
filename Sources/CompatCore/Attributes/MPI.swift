/// The two binary-incompatible MPI worlds: an application linked against one cannot run with a library
/// from the other, whatever the versions.
public enum MPIABIFamily: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Open MPI (`libmpi.so.40` from 3.0 through 5.x).
    case openMPI = "openmpi"
    /// The MPICH ABI Compatibility Initiative (`libmpi.so.12`): MPICH ≥ 3.1, Intel MPI ≥ 5.0,
    /// MVAPICH2 ≥ 2.0, Cray MPT ≥ 7.0 (mpich.org/abi).
    case mpich

    public var description: String { rawValue }
}

/// An MPI implementation, by the names compspec writes in `org.supercontainers.mpi.implementation`.
public enum MPIKind: Sendable, Hashable, CustomStringConvertible {
    case openMPI
    case mpich
    case intelMPI
    case mvapich
    case crayMPICH
    case other(String)

    /// Parses compspec's spellings (`OpenMPI`, `mpich`, `intel-mpi`) and common variants
    /// (`open-mpi`, `ompi`, `impi`, `intelmpi`, `mvapich2`, `cray-mpich`), case-insensitively.
    public init(name: String) {
        switch name.trimmingSpaces.lowercased() {
        case "openmpi", "open-mpi", "open mpi", "ompi": self = .openMPI
        case "mpich", "mpich2": self = .mpich
        case "intel-mpi", "intelmpi", "intel mpi", "impi", "intel": self = .intelMPI
        case "mvapich", "mvapich2", "mvapich-plus", "mvapich3": self = .mvapich
        case "cray-mpich", "craympich", "cray-mpt", "mpt": self = .crayMPICH
        case let other: self = .other(other)
        }
    }

    /// The name compspec writes (`OpenMPI`, `mpich`, `intel-mpi`).
    public var compspecName: String {
        switch self {
        case .openMPI: "OpenMPI"
        case .mpich: "mpich"
        case .intelMPI: "intel-mpi"
        case .mvapich: "mvapich"
        case .crayMPICH: "cray-mpich"
        case .other(let name): name
        }
    }

    /// The ABI family the implementation belongs to; `nil` for implementations this model does not know.
    public var abiFamily: MPIABIFamily? {
        switch self {
        case .openMPI: .openMPI
        case .mpich, .intelMPI, .mvapich, .crayMPICH: .mpich
        case .other: nil
        }
    }

    /// The first release of this implementation with its family's stable ABI (see ``MPIABIFamily``):
    /// Open MPI 3.0 (`libmpi.so.40`, kept by 4.x and, for the C bindings, 5.0), MPICH 3.1, Intel MPI
    /// 5.0, MVAPICH2 2.0, Cray MPT 7.0.
    var firstStableABIRelease: Version? {
        switch self {
        case .openMPI: Version([3, 0])
        case .mpich: Version([3, 1])
        case .intelMPI: Version([5, 0])
        case .mvapich: Version([2, 0])
        case .crayMPICH: Version([7, 0])
        case .other: nil
        }
    }

    /// Commands an image with this MPI needs before its application starts. Intel oneAPI MPI puts its
    /// `mpirun`, libraries and `I_MPI_*` settings in the environment only through `vars.sh`, which the
    /// LAMMPS images register in `/etc/profile.d` — read by login shells, not by the Flux Operator's
    /// job shell. Without it the experiment's runs died in `PMPI_Init: Other MPI error`.
    public var environmentSetupCommands: [String] {
        switch self {
        case .intelMPI: [". /opt/intel/mpi/latest/env/vars.sh"]
        default: []
        }
    }

    public var description: String { compspecName }
}

/// An MPI implementation and version as an image or host has it.
public struct MPIImplementation: Sendable, Hashable, CustomStringConvertible {
    public var kind: MPIKind
    public var version: Version?

    public init(kind: MPIKind, version: Version? = nil) {
        self.kind = kind
        self.version = version
    }

    /// From compspec's attribute pair (`mpi.implementation`, `mpi.version`).
    public init(compspecImplementation name: String, version: String?) {
        self.init(kind: MPIKind(name: name), version: version.flatMap(Version.init))
    }

    public var abiFamily: MPIABIFamily? { kind.abiFamily }

    /// Whether this version carries its family's stable ABI (unknown versions are not assumed to).
    public var hasStableABI: Bool {
        guard let version, let first = kind.firstStableABIRelease else { return false }
        if kind == .openMPI, version.major >= 6 { return false }  // beyond the ABI promised so far
        return version >= first
    }

    /// Whether an application built against this MPI (the image's) runs when `hostLibrary` is swapped
    /// in at run time, as when a host MPI is bind-mounted into the container.
    ///
    /// Same implementation: the host library must be at least as new (new releases keep old symbols)
    /// and both must be in the stable-ABI era, or else the same major.minor release. Different
    /// implementations: both must belong to the same family and both be in its stable-ABI era (the
    /// MPICH initiative's whole point is that Intel MPI replaces MPICH and vice versa).
    public func isABICompatible(withHostLibrary hostLibrary: MPIImplementation) -> Bool {
        guard let family = abiFamily, family == hostLibrary.abiFamily else { return false }
        guard let version, let hostVersion = hostLibrary.version else { return false }
        if kind == hostLibrary.kind {
            if hasStableABI && hostLibrary.hasStableABI { return hostVersion >= version }
            return hostVersion.major == version.major && hostVersion.minor == version.minor
        }
        return hasStableABI && hostLibrary.hasStableABI
    }

    /// Parses `mpirun --version` output as compspec's `library[mpi]` extractor does, without its
    /// fragility: a line with `Open MPI` gives Open MPI and the version at its end; a line naming
    /// `Intel(R) MPI` gives Intel MPI and the token after `Version`; a `Version:` line (MPICH's Hydra) gives MPICH.
    /// `nil` when the text names no known MPI.
    public init?(mpirunVersionOutput text: String) {
        let lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map(String.init)
        func words(_ line: String) -> [String] {
            line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map(String.init)
        }
        if let line = lines.first(where: { $0.contains("Open MPI") }) {
            self.init(kind: .openMPI, version: words(line).last.flatMap(Version.init))
            return
        }
        if let line = lines.first(where: { $0.contains("Intel(R) MPI") || $0.contains("Intel MPI") }) {
            let tokens = words(line)
            let version = tokens.firstIndex(of: "Version").flatMap { $0 + 1 < tokens.count ? tokens[$0 + 1] : nil }
            self.init(kind: .intelMPI, version: version.flatMap(Version.init))
            return
        }
        if let line = lines.first(where: { $0.contains("Version:") }) {
            let value = line.split(separator: ":", maxSplits: 1).last.map { String($0).trimmingSpaces } ?? ""
            self.init(kind: .mpich, version: Version(value))
            return
        }
        return nil
    }

    public var description: String {
        version.map { "\(kind) \($0)" } ?? kind.description
    }
}

/// What the job or the host needs from an image's MPI.
public enum MPIRequirement: Sendable, Hashable, CustomStringConvertible {
    /// Nothing: the launcher (Flux's PMI) starts ranks of whatever MPI the image carries.
    case any
    /// The image's MPI must belong to this ABI family (for example the job's tooling speaks Open MPI).
    case family(MPIABIFamily)
    /// The image must carry exactly this implementation (the LAMMPS experiment's `openmpi`, `mpich`
    /// and `intel-mpi` modes).
    case implementation(MPIKind)
    /// The host injects its own MPI library at run time; the image's MPI must be ABI-compatible with it.
    case hostLibrary(MPIImplementation)

    /// Whether an image with `mpi` (or none, when `nil`) meets the requirement. Only ``any`` accepts an
    /// image that declares no MPI, since nothing is known about what it links.
    public func isSatisfied(by mpi: MPIImplementation?) -> Bool {
        switch self {
        case .any: return true
        case .family(let family): return mpi?.abiFamily == family
        case .implementation(let kind): return mpi?.kind == kind
        case .hostLibrary(let host): return mpi?.isABICompatible(withHostLibrary: host) ?? false
        }
    }

    public var description: String {
        switch self {
        case .any: "any MPI"
        case .family(let family): "MPI of the \(family) ABI family"
        case .implementation(let kind): "MPI implementation \(kind)"
        case .hostLibrary(let host): "MPI ABI-compatible with the host's \(host)"
        }
    }
}
