import CompatCore
import Foundation

/// The LAMMPS binary a job runs: `lmp` in CPU images, `lmp_gpu` (built with the GPU package and CUDA)
/// in GPU images.
public enum LAMMPSExecutable: String, Sendable, Hashable, CaseIterable {
    case lmp
    case lmpGPU = "lmp_gpu"

    /// The executable an image carries: `lmp_gpu` when it was built for a GPU. `nil` when the image
    /// does not say (then which binary exists is unknown).
    public static func carried(by attributes: ImageAttributes) -> LAMMPSExecutable? {
        attributes.gpu.map { $0.available ? .lmpGPU : .lmp }
    }
}

/// A kind of Kubernetes node in the simulated cluster.
public struct NodeType: Sendable, Hashable, CustomStringConvertible {
    /// The machine type, e.g. `c2d-standard-8`.
    public var name: String
    public var architecture: Architecture
    public var gpu: GPU

    public init(name: String, architecture: Architecture, gpu: GPU = .unavailable) {
        self.name = name
        self.architecture = architecture
        self.gpu = gpu
    }

    /// The CPU-only amd64 node of lammps-matrix's GKE clusters (AMD EPYC Milan, 8 vCPU).
    public static let amd64CPU = NodeType(name: "c2d-standard-8", architecture: .amd64)
    /// The CPU-only arm64 node of lammps-matrix's GKE clusters (Ampere Altra, 8 vCPU).
    public static let arm64CPU = NodeType(name: "t2a-standard-8", architecture: .arm64)
    /// A GPU node (8 vCPU, one NVIDIA L4; its driver supports CUDA 12.4, enough for the images' 12.2).
    public static let amd64GPU = NodeType(
        name: "g2-standard-8", architecture: .amd64, gpu: GPU(available: true, vendor: .nvidia, cudaVersion: Version([12, 4]))
    )

    /// The node type for an architecture, with or without a GPU; `nil` where none exists (no arm64 GPU node).
    public static func standard(for architecture: Architecture, gpu: Bool) -> NodeType? {
        switch (architecture, gpu) {
        case (.amd64, false): amd64CPU
        case (.arm64, false): arm64CPU
        case (.amd64, true): amd64GPU
        default: nil
        }
    }

    public var description: String { name }
}

/// One MiniCluster run to simulate: which image, with which Flux view, on which nodes.
public struct SimulatedJob: Sendable, Hashable {
    /// The MiniCluster name, e.g. `lammps-3-size-2`; pods are `<name>-0`, `<name>-1`, ….
    public var name: String
    public var image: CatalogImage
    public var view: FluxView
    public var node: NodeType
    public var executable: LAMMPSExecutable
    /// Whether the job sources the image's MPI environment script first (Intel MPI's `vars.sh`, the
    /// pre-command ``MPIKind/environmentSetupCommands`` lists).
    public var environmentScriptSourced: Bool
    /// The MPI ABI family the job's environment provides (for example a host MPI injected into the
    /// container); `nil` when the job uses whatever MPI the image carries.
    public var requiredMPIABI: MPIABIFamily?
    /// MiniCluster size (pods) and MPI tasks, as in lammps-matrix (`-N 2 -n4`).
    public var size: Int
    public var tasks: Int
    /// When the pods start (the log's timestamps).
    public var startedAt: Date

    public init(
        name: String, image: CatalogImage, view: FluxView, node: NodeType, executable: LAMMPSExecutable,
        environmentScriptSourced: Bool, requiredMPIABI: MPIABIFamily? = nil, size: Int = 2, tasks: Int = 4, startedAt: Date
    ) {
        self.name = name
        self.image = image
        self.view = view
        self.node = node
        self.executable = executable
        self.environmentScriptSourced = environmentScriptSourced
        self.requiredMPIABI = requiredMPIABI
        self.size = size
        self.tasks = tasks
        self.startedAt = startedAt
    }
}

/// Why a job cannot be simulated: the inputs leave the outcome undecidable. Nothing is guessed.
public enum SimulationInputError: Error, Sendable, Equatable, CustomStringConvertible {
    case imageArchitectureUnknown(image: String)
    case imageABIUnknown(image: String)
    case imageGPUSupportUnknown(image: String)
    case executableNotInImage(executable: LAMMPSExecutable, image: String, carries: LAMMPSExecutable)
    case invalidShape(size: Int, tasks: Int)

    public var description: String {
        switch self {
        case .imageArchitectureUnknown(let image):
            "image '\(image)' does not state its architecture (io.archspec.cpu.target); cannot tell whether it runs on the node"
        case .imageABIUnknown(let image):
            "image '\(image)' has no known glibc/GLIBCXX (its OS release is missing or not in the OS ABI table); cannot tell whether Flux runs in it"
        case .imageGPUSupportUnknown(let image):
            "image '\(image)' does not say whether it was built for a GPU (hardware.gpu.available); cannot tell which LAMMPS binary it has"
        case .executableNotInImage(let executable, let image, let carries):
            "image '\(image)' carries '\(carries.rawValue)', not '\(executable.rawValue)'"
        case .invalidShape(let size, let tasks):
            "a MiniCluster needs at least 1 pod and at least as many tasks as pods (size \(size), tasks \(tasks)), at most 1000 of each"
        }
    }
}

/// What decided a simulated run, from first principles.
public enum SimulatedOutcome: Sendable, Hashable, CustomStringConvertible {
    case success
    /// The image or the view is built for another architecture than the node's.
    case architectureMismatch(node: Architecture, image: Architecture, view: Architecture)
    /// Flux needs a newer glibc than the image has.
    case glibcTooOld(required: Version, provided: Version)
    /// Flux's broker (libzmq) needs a newer libstdc++ than the image has.
    case glibcxxTooOld(required: Version, provided: Version)
    /// `lmp_gpu` on a node without a GPU: the CUDA driver library is absent.
    case noGPU
    /// Intel MPI started without its environment script.
    case intelMPIEnvironmentMissing
    /// The job provides an MPI of another ABI family than the image's (`nil`: the image's is unknown).
    case mpiABIMismatch(required: MPIABIFamily, image: MPIABIFamily?)

    /// The classification a log of this outcome gets.
    public var reason: RunReason {
        switch self {
        case .success: .success
        case .architectureMismatch: .archMismatch
        case .glibcTooOld, .glibcxxTooOld: .osABI
        case .noGPU: .missingGPU
        case .intelMPIEnvironmentMissing, .mpiABIMismatch: .mpiError
        }
    }

    public var description: String {
        switch self {
        case .success: "success"
        case .architectureMismatch(let node, let image, let view):
            "exec format error: \(node) node, \(image) image, \(view) view"
        case .glibcTooOld(let required, let provided): "Flux needs GLIBC_\(required), the image has \(provided)"
        case .glibcxxTooOld(let required, let provided): "Flux needs GLIBCXX_\(required), the image has \(provided)"
        case .noGPU: "lmp_gpu on a node without a GPU"
        case .intelMPIEnvironmentMissing: "Intel MPI without its environment script"
        case .mpiABIMismatch(let required, let image): "job provides \(required) MPI ABI, image has \(image.map(\.rawValue) ?? "no known MPI")"
        }
    }
}

/// One simulated run: what happened, the log a MiniCluster would have printed, and its timings.
public struct SimulatedRun: Sendable, Hashable {
    public var outcome: SimulatedOutcome
    public var log: String
    /// The loop time LAMMPS reports for a successful run.
    public var loopTimeSeconds: Double?
    /// `Total wall time` in whole seconds, as LAMMPS prints it.
    public var wallTimeSeconds: Int?

    public var reason: RunReason { outcome.reason }
}

/// LAMMPS loop times (the ReaxFF HNS benchmark, 2×2×2 replicas, 4 ranks on 2 pods) drawn uniformly
/// within the ranges measured in lammps-matrix.
public struct WallTimeModel: Sendable, Hashable {
    public var amd64: ClosedRange<Double>
    public var arm64: ClosedRange<Double>
    /// Intel MPI on Rocky 8 ran markedly slower (7 pilot runs, loop 11.04–11.21 s, wall 11 s).
    public var intelMPIOnEL8: ClosedRange<Double>
    /// Seconds LAMMPS spends outside the loop (reading, replicating, neighbour lists); the pilot's wall
    /// times are `floor(loop + overhead)` for an overhead between 0.20 and 0.236 s.
    public var overhead: Double

    /// The pilot's amd64 loop times outside Intel MPI on Rocky 8 were 7.33–7.86 s (wall 7–8 s); arm64
    /// runs of experiment 1 averaged 8–9 s.
    public static let measured = WallTimeModel(amd64: 7.33...7.86, arm64: 8.0...9.0, intelMPIOnEL8: 11.04...11.21, overhead: 0.22)

    func loopTimeRange(architecture: Architecture, image: ImageAttributes) -> ClosedRange<Double> {
        if image.mpi?.kind == .intelMPI, let os = image.operatingSystem, os.vendor.isEnterpriseLinux, os.releaseLine == Version([8]) {
            return intelMPIOnEL8
        }
        return architecture == .arm64 ? arm64 : amd64
    }
}

/// A simulated Kubernetes cluster running LAMMPS MiniClusters the way the Flux Operator does, deciding
/// each run's outcome from the image's, view's and node's attributes alone.
///
/// The checks run in the order a real pod meets them:
/// 1. the kernel executes the container's entrypoint: an image (or view) for another architecture
///    stops with `exec format error`;
/// 2. the view's `flux` starts with the image's libc, then `flux-broker` loads libzmq with the image's
///    libstdc++: a view needing newer `GLIBC_`/`GLIBCXX_` symbol versions stops there (an older view on a
///    newer image works);
/// 3. each rank's loader resolves `lmp_gpu`'s `libcuda.so.1`, which only a GPU node's driver provides;
/// 4. `MPI_Init`: Intel MPI without `vars.sh` aborts (`PMPI_Init: Other MPI error`);
/// 5. an MPI of another ABI family than the job provides cannot be loaded;
/// 6. otherwise LAMMPS runs and prints `Total wall time`.
public struct SimulatedCluster: Sendable {
    public var wallTimes: WallTimeModel

    public init(wallTimes: WallTimeModel = .measured) {
        self.wallTimes = wallTimes
    }

    /// The outcome of `job`, without randomness.
    public func outcome(of job: SimulatedJob) throws(SimulationInputError) -> SimulatedOutcome {
        let attributes = job.image.attributes
        guard (1...1000).contains(job.size), (job.size...1000).contains(job.tasks) else {
            throw .invalidShape(size: job.size, tasks: job.tasks)
        }
        guard let imageArchitecture = attributes.architecture else { throw .imageArchitectureUnknown(image: job.image.name) }
        guard let carried = LAMMPSExecutable.carried(by: attributes) else { throw .imageGPUSupportUnknown(image: job.image.name) }
        guard carried == job.executable else {
            throw .executableNotInImage(executable: job.executable, image: job.image.name, carries: carried)
        }
        guard let abi = attributes.abi else { throw .imageABIUnknown(image: job.image.name) }

        if imageArchitecture != job.node.architecture || job.view.architecture != job.node.architecture {
            return .architectureMismatch(node: job.node.architecture, image: imageArchitecture, view: job.view.architecture)
        }
        if let needed = job.view.fluxRequirement.glibc, abi.glibc < needed {
            return .glibcTooOld(required: needed, provided: abi.glibc)
        }
        if let needed = job.view.fluxRequirement.glibcxx, abi.glibcxx < needed {
            return .glibcxxTooOld(required: needed, provided: abi.glibcxx)
        }
        if job.executable == .lmpGPU, !job.node.gpu.available {
            return .noGPU
        }
        if attributes.mpi?.kind == .intelMPI, !job.environmentScriptSourced {
            return .intelMPIEnvironmentMissing
        }
        if let required = job.requiredMPIABI, attributes.mpi?.abiFamily != required {
            return .mpiABIMismatch(required: required, image: attributes.mpi?.abiFamily)
        }
        return .success
    }

    /// Runs `job`: its outcome, the log, and for a success a loop time drawn from ``wallTimes``.
    /// `random` supplies the loop time and the CURVE keys in the log, so a seed fixes the whole log.
    public func run(_ job: SimulatedJob, random: inout SeededRandom) throws(SimulationInputError) -> SimulatedRun {
        let outcome = try outcome(of: job)
        var loopTime: Double?
        var wallTime: Int?
        if outcome == .success, let architecture = job.image.attributes.architecture {
            let range = wallTimes.loopTimeRange(architecture: architecture, image: job.image.attributes)
            let loop = range.lowerBound + random.unitInterval() * (range.upperBound - range.lowerBound)
            loopTime = loop
            wallTime = Int((loop + wallTimes.overhead).rounded(.down))
        }
        let log = SimulatedLog.render(job: job, outcome: outcome, loopTime: loopTime, wallTime: wallTime, random: &random)
        return SimulatedRun(outcome: outcome, log: log, loopTimeSeconds: loopTime, wallTimeSeconds: wallTime)
    }
}
