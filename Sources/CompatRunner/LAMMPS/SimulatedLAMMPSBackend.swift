import CompatCore
import CompatSimulation
import Foundation

/// Runs admitted LAMMPS jobs on the embedded simulated cluster: one node type for the whole cluster
/// (as the experiment's 5 × c2d-standard-8 or t2a-standard-8), outcomes decided from first principles.
public final class SimulatedLAMMPSBackend: LAMMPSBackend {
    public let node: NodeType
    public let requiredMPIABI: MPIABIFamily?
    private let cluster: SimulatedCluster
    private let seed: UInt64
    /// Fixed start of the simulated timeline, so logs are reproducible byte for byte.
    private let epoch: Date
    /// Every log, by job name and mode, for writing beside the results.
    public private(set) var logs: [(mode: SelectionMode, name: String, log: String)] = []

    public init(node: NodeType, requiredMPIABI: MPIABIFamily? = nil, seed: UInt64, epoch: Date = Date(timeIntervalSince1970: 1_707_183_413)) {
        self.node = node
        self.requiredMPIABI = requiredMPIABI
        self.cluster = SimulatedCluster()
        self.seed = seed
        self.epoch = epoch
    }

    public func run(_ job: AdmittedLAMMPSJob) throws -> RunRecord {
        let name = job.object["metadata"]?["name"]?.stringValue ?? "lammps-\(job.iteration)"
        let simulated = SimulatedJob(
            name: name, image: job.image, view: job.view, node: node, executable: job.executable,
            environmentScriptSourced: job.environmentScriptSourced, requiredMPIABI: requiredMPIABI,
            startedAt: epoch.addingTimeInterval(Double(job.iteration) * 45)
        )
        var random = SeededRandom(seed: seed, stream: "\(job.mode.rawValue)/\(job.iteration)/run")
        let run = try cluster.run(simulated, random: &random)
        logs.append((job.mode, name, run.log))
        return RunRecord.lammps(
            mode: job.mode.rawValue, iteration: job.iteration, job: simulated, run: run,
            selectionLatencyMilliseconds: job.selectionLatencyMilliseconds
        )
    }
}
