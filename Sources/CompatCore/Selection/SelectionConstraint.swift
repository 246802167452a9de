/// How an image is chosen for a host: the four modes of the LAMMPS experiment plus `descriptive`,
/// which reasons about ABI instead of exact OS versions.
public enum SelectionMode: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Architecture only (plotted as "platform" in the experiment): uniform among that architecture's images.
    case basic
    /// Architecture and the host OS's vendor (plotted as "os").
    case platform
    /// Architecture, vendor and release line (plotted as "os-version"); never pairs mismatched versions.
    case platformVersion = "platform-version"
    /// compspec-style exact matching (plotted as "descriptive"): OS vendor and version, GPU availability
    /// and CPU target each equal the host's.
    case descriptiveBasic = "descriptive-basic"
    /// Architecture, GPU (with CUDA), CPU compatibility, MPI requirement, and OS by ABI: the image's
    /// glibc and GLIBCXX must cover what the host's injected runtime needs, so newer-OS images qualify
    /// too, and none that would fail to load it.
    case descriptive

    /// The modes that read the artifacts' descriptive attributes (and so set up Intel MPI's environment).
    public var isDescriptive: Bool { self == .descriptiveBasic || self == .descriptive }

    public var description: String { rawValue }
}

/// One filter a selection mode applies. Each names itself in no-match explanations.
public enum SelectionConstraint: Sendable, Hashable, CustomStringConvertible {
    case architecture(Architecture)
    case osVendor(OSVendor)
    /// Same vendor release line (`rocky 8.9` pairs with `rocky 8`, `ubuntu 20.04` not with `22.04`).
    case osReleaseLine(OperatingSystem)
    /// `org.supercontainers.os.version` equal to the host's (compspec exact matching).
    case osVersion(Version)
    case gpuAvailability(Bool)
    /// Availability equal, and CUDA supported when both sides state it.
    case gpu(GPU)
    /// `io.archspec.cpu.target` equal to the host's (compspec exact matching).
    case cpuTargetEquals(CPUTarget)
    /// The host CPU runs the image's target (``CPUTarget/runs(_:)``).
    case cpuRuns(CPUTarget)
    /// The image's glibc and GLIBCXX cover the requirement.
    case runtimeABI(RuntimeABIRequirement)
    case mpi(MPIRequirement)
    /// The mode needs a host attribute that was not given; no image can be paired.
    case hostAttributeMissing(String)

    /// Whether an image with `attributes` passes.
    public func admits(_ attributes: ImageAttributes) -> Bool {
        switch self {
        case .architecture(let architecture):
            return attributes.architecture == architecture
        case .osVendor(let vendor):
            return attributes.operatingSystem?.vendor == vendor
        case .osReleaseLine(let os):
            return attributes.operatingSystem?.sharesReleaseLine(with: os) ?? false
        case .osVersion(let version):
            return attributes.operatingSystem?.version == version
        case .gpuAvailability(let available):
            return attributes.gpu?.available == available
        case .gpu(let host):
            return attributes.gpu?.runs(on: host) ?? false
        case .cpuTargetEquals(let target):
            return attributes.cpu.target == target
        case .cpuRuns(let host):
            if let target = attributes.cpu.target { return host.runs(target) }
            return attributes.architecture != nil && attributes.architecture == host.architecture
        case .runtimeABI(let requirement):
            if requirement.isEmpty { return true }
            return attributes.abi?.satisfies(requirement) ?? false
        case .mpi(let requirement):
            return requirement.isSatisfied(by: attributes.mpi)
        case .hostAttributeMissing:
            return false
        }
    }

    public var description: String {
        switch self {
        case .architecture(let a): "architecture \(a)"
        case .osVendor(let v): "OS vendor \(v)"
        case .osReleaseLine(let os): "OS release line \(os.vendor) \(os.releaseLine)"
        case .osVersion(let v): "OS version \(v)"
        case .gpuAvailability(let available): "GPU available = \(available ? "yes" : "no")"
        case .gpu(let gpu): "GPU matching host (\(gpu))"
        case .cpuTargetEquals(let t): "CPU target \(t)"
        case .cpuRuns(let t): "CPU target runnable on \(t)"
        case .runtimeABI(let r): "runtime ABI (\(r))"
        case .mpi(let r): "MPI (\(r))"
        case .hostAttributeMissing(let what): "host \(what) (not given)"
        }
    }

    /// The constraints `mode` applies for `host`, in the order they are applied and reported.
    public static func constraints(for mode: SelectionMode, host: HostEnvironment) -> [SelectionConstraint] {
        let os = host.operatingSystem
        let architecture = SelectionConstraint.architecture(host.architecture)
        if host.ownUserland {
            // Nothing injected: what the image needs from the host is the CPU, the GPU and (for the
            // descriptive mode) the job's MPI; its C library is its own.
            switch mode {
            case .basic, .platform, .platformVersion: return [architecture]
            case .descriptiveBasic: return [architecture, .gpuAvailability(host.gpu.available), .cpuTargetEquals(host.cpuTarget)]
            case .descriptive: return [architecture, .gpu(host.gpu), .cpuRuns(host.cpuTarget), .mpi(host.mpi)]
            }
        }
        switch mode {
        case .basic:
            return [architecture]
        case .platform:
            return [architecture, os.map { .osVendor($0.vendor) } ?? .hostAttributeMissing("operating system")]
        case .platformVersion:
            guard let os else { return [architecture, .hostAttributeMissing("operating system")] }
            return [architecture, .osVendor(os.vendor), .osReleaseLine(os)]
        case .descriptiveBasic:
            guard let os else { return [architecture, .hostAttributeMissing("operating system")] }
            return [architecture, .osVendor(os.vendor), .osVersion(os.version), .gpuAvailability(host.gpu.available), .cpuTargetEquals(host.cpuTarget)]
        case .descriptive:
            let abi: SelectionConstraint
            if let requirement = host.runtimeABI {
                abi = .runtimeABI(requirement)
            } else if let os {
                abi = .osReleaseLine(os)
            } else {
                abi = .runtimeABI(.unconstrained)
            }
            return [architecture, .gpu(host.gpu), .cpuRuns(host.cpuTarget), abi, .mpi(host.mpi)]
        }
    }
}
