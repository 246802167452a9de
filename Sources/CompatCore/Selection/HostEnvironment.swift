/// Where an image will run, as far as selection cares: the node's architecture, GPU and CPU, the OS
/// the platform modes pair an image with, the MPI the job needs, and what software injected at run
/// time needs from the image's C/C++ libraries.
///
/// In the Flux Operator setting of the LAMMPS experiment, `operatingSystem` is the Flux view's OS: the
/// operator copies Flux (built on that OS) into the application container, where it runs with the
/// image's libc. That is why ``runtimeABI`` defaults to what a binary built on `operatingSystem` needs.
public struct HostEnvironment: Sendable, Hashable {
    public var architecture: Architecture
    public var operatingSystem: OperatingSystem?
    public var gpu: GPU
    /// The CPU as compspec names it; by default the architecture (`amd64`), which is what the LAMMPS
    /// artifacts' `io.archspec.cpu.target` says.
    public var cpuTarget: CPUTarget
    public var mpi: MPIRequirement
    /// What injected software needs from the image's libraries. `nil` means unknown: the descriptive
    /// mode then accepts only images on the host OS's own release line, the one pairing known to work.
    /// ``RuntimeABIRequirement/unconstrained`` means nothing is injected.
    public var runtimeABI: RuntimeABIRequirement?
    /// Whether the image runs on its own userland: a container with nothing injected into it (a Pod, an
    /// MPIJob's pods, a MiniCluster without a flux view). The host's OS then constrains nothing in any
    /// mode; architecture, GPU, CPU and MPI still do.
    public var ownUserland: Bool

    /// - Parameter runtimeABI: defaults to what a binary built on `operatingSystem` needs
    ///   (``OSABITable``), or unknown when that release is not in the table.
    public init(
        architecture: Architecture,
        operatingSystem: OperatingSystem? = nil,
        gpu: GPU = .unavailable,
        cpuTarget: CPUTarget? = nil,
        mpi: MPIRequirement = .any,
        runtimeABI: RuntimeABIRequirement? = nil,
        ownUserland: Bool = false
    ) {
        self.architecture = architecture
        self.operatingSystem = operatingSystem
        self.gpu = gpu
        self.cpuTarget = cpuTarget ?? .architecture(architecture)
        self.mpi = mpi
        self.runtimeABI = runtimeABI ?? operatingSystem.flatMap(RuntimeABIRequirement.init(builtOn:))
        self.ownUserland = ownUserland
    }
}
