import CompatAdmission
import CompatCore

/// The Flux Operator MiniCluster of the lammps-matrix experiment (`minicluster-lammps.yaml`: size 2,
/// 4 tasks, 2 CPUs per pod, ReaxFF HNS with a 2×2×2 replication), labelled and annotated for selection.
///
/// The application image is the placeholder; the webhook replaces it (and, in the baseline modes, the flux
/// view). The LAMMPS command is fixed by the chosen image afterwards: GPU builds carry only `lmp_gpu`, as
/// the experiment's images did.
public struct LAMMPSJobTemplate: Sendable {
    public var namespace: String
    public var size: Int
    public var tasks: Int
    public var cpuPerPod: Int
    /// Where the webhook finds the image ↔ artifact catalog, e.g. `file:///…/artifacts/lammps-matrix`.
    public var catalogReference: String
    public var placeholder: String
    /// The job's MPI need, as the ``SelectionAnnotations/mpi`` annotation value (`abi:openmpi`, …).
    public var mpi: String?

    public init(
        catalogReference: String, namespace: String = "default", size: Int = 2, tasks: Int = 4, cpuPerPod: Int = 2,
        placeholder: String = SelectionAnnotations.defaultTargetImage, mpi: String? = nil
    ) {
        self.mpi = mpi
        self.catalogReference = catalogReference
        self.namespace = namespace
        self.size = size
        self.tasks = tasks
        self.cpuPerPod = cpuPerPod
        self.placeholder = placeholder
    }

    /// The job name the pilot used: `lammps-<iteration>-size-<size>`.
    public func name(iteration: Int) -> String { "lammps-\(iteration)-size-\(size)" }

    /// The MiniCluster object for one iteration, as a user would submit it.
    public func miniCluster(iteration: Int, mode: SelectionMode, fluxView: String, seed: UInt64) -> JSONValue {
        let name = name(iteration: iteration)
        let cpu = JSONValue.string(String(cpuPerPod))
        var annotations = JSONObject([
            (SelectionAnnotations.imageReference, .string(catalogReference)),
            (SelectionAnnotations.targetImage, .string(placeholder)),
            (SelectionAnnotations.mode, .string(mode.rawValue)),
            (SelectionAnnotations.seed, .string(String(seed))),
        ])
        if let mpi { annotations[SelectionAnnotations.mpi] = .string(mpi) }
        return [
            "apiVersion": "flux-framework.org/v1alpha2",
            "kind": "MiniCluster",
            "metadata": [
                "name": .string(name),
                "namespace": .string(namespace),
                "labels": [SelectionAnnotations.enabledLabel: .string(SelectionAnnotations.enabledValue)],
                "annotations": .object(annotations),
            ],
            "spec": [
                "size": .number(String(size)),
                "tasks": .number(String(tasks)),
                "pod": ["labels": ["app": .string(name)]],
                "flux": ["container": ["image": .string(fluxView)]],
                "containers": [[
                    "image": .string(placeholder),
                    "command": .string(Self.command(executable: "lmp")),
                    "resources": ["limits": ["cpu": cpu], "requests": ["cpu": cpu]],
                ]],
            ],
        ]
    }

    /// `lmp -v x 2 -v y 2 -v z 2 -in in.reaxc.hns -nocite` (or `lmp_gpu …`).
    public static func command(executable: String) -> String {
        "\(executable) -v x 2 -v y 2 -v z 2 -in in.reaxc.hns -nocite"
    }
}
