import CompatAdmission
import CompatCore

/// The LAMMPS-matrix images and flux views per architecture (rse-ops/lammps-matrix).
enum LAMMPSImages {
    static let app = [
        "amd64": "ghcr.io/rse-ops/lammps-matrix:openmpi-ubuntu-22.04-amd64",
        "arm64": "ghcr.io/rse-ops/lammps-matrix:openmpi-ubuntu-22.04-arm64",
    ]
    static let fluxView = [
        "amd64": "ghcr.io/converged-computing/flux-view-ubuntu:tag-jammy",
        "arm64": "ghcr.io/converged-computing/flux-view-ubuntu:arm-jammy",
    ]
}

/// Artifact-based stand-in: one image (and optionally a flux view) per architecture of the resolved nodes.
struct ArchitectureSelector: AdmissionSelector {
    var includeFluxView = true

    func decide(_ request: SelectionRequest) throws -> SelectionDecision {
        guard let architecture = request.nodeFeatures.features?.labels["kubernetes.io/arch"],
            let image = LAMMPSImages.app[architecture]
        else {
            throw AdmissionDenial(.forbidden, "no LAMMPS image for these nodes")
        }
        return SelectionDecision(
            image: image, architecture: architecture,
            fluxViewImage: includeFluxView ? LAMMPSImages.fluxView[architecture] : nil,
            explanation: "openmpi ubuntu 22.04 matches \(architecture)"
        )
    }
}

/// Model-based stand-in: picks the candidate node of one instance type and pins it with a nodeSelector.
struct InstanceTypeSelector: AdmissionSelector {
    var instanceType: String

    func decide(_ request: SelectionRequest) throws -> SelectionDecision {
        guard let node = request.nodeFeatures.candidates.first(where: { $0.labels["node.kubernetes.io/instance-type"] == instanceType }),
            let architecture = node.labels["kubernetes.io/arch"], let image = LAMMPSImages.app[architecture]
        else {
            throw AdmissionDenial(.forbidden, "no candidate node of instance type \(instanceType)")
        }
        return SelectionDecision(
            image: image, architecture: architecture, fluxViewImage: LAMMPSImages.fluxView[architecture],
            nodeSelector: ["node.kubernetes.io/instance-type": instanceType],
            explanation: "model \(request.contract.model ?? "-") predicts \(instanceType) is fastest"
        )
    }
}

/// Returns a fixed decision.
struct FixedSelector: AdmissionSelector {
    var decision: SelectionDecision

    func decide(_ request: SelectionRequest) throws -> SelectionDecision { decision }
}

/// Fails the way a selector doing I/O can.
struct FailingSelector: AdmissionSelector {
    var error: any Error

    func decide(_ request: SelectionRequest) throws -> SelectionDecision { throw error }
}

struct RegistryUnreachable: Error, CustomStringConvertible {
    var description: String { "GET https://ghcr.io/v2/rse-ops/lammps-matrix/manifests/compatibility: connection timed out" }
}

/// Remembers the requests it was asked, answering with another selector.
final class RecordingSelector<Inner: AdmissionSelector>: AdmissionSelector {
    let inner: Inner
    private(set) var requests: [SelectionRequest] = []

    init(_ inner: Inner) {
        self.inner = inner
    }

    func decide(_ request: SelectionRequest) throws -> SelectionDecision {
        requests.append(request)
        return try inner.decide(request)
    }
}
