import CompatCore

/// The seam between admission and selection: given what the object asks for and where it can run,
/// choose an image (and possibly a flux view and an instance type).
///
/// Implementations may do I/O (fetch the artifact, ask a model); ``AdmissionController`` itself does
/// none. To deny with a message the user should see, throw an ``AdmissionDenial`` (for example
/// `.forbidden` "no image in <catalog> runs on arm64 nodes with glibc 2.31"). Any other error is an
/// internal failure: the object is still denied, with the error's description, so that nobody silently
/// keeps a placeholder image.
public protocol AdmissionSelector {
    func decide(_ request: SelectionRequest) throws -> SelectionDecision

    /// Whether the selector is asked when the candidate nodes disagree (``NodeResolutionProblem/Reason/isDisagreement``)
    /// and judges for itself whether they differ in anything its choice reads. By default it is not: such
    /// objects are denied with the differing labels before it is asked.
    var judgesDisagreeingNodes: Bool { get }
}

extension AdmissionSelector {
    public var judgesDisagreeingNodes: Bool { false }
}

/// The kinds the webhook mutates.
public enum AdmittedKind: String, Sendable, Hashable, CaseIterable {
    /// `v1` Pod.
    case pod = "Pod"
    /// `flux-framework.org/v1alpha2` MiniCluster.
    case miniCluster = "MiniCluster"
    /// `kubeflow.org/v2beta1` MPIJob (the MPI Operator).
    case mpiJob = "MPIJob"

    /// The one API version whose schema the webhook knows (`nil`: the kind's group has one, `v1`).
    public var supportedVersion: String? {
        switch self {
        case .pod: nil
        case .miniCluster: "v1alpha2"
        case .mpiJob: "v2beta1"
        }
    }
}

/// One container's image and where it sits in the object. Built by the admission controller; selectors read them.
public struct ContainerImageSlot: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable, CaseIterable {
        case container = "containers"
        case initContainer = "initContainers"
        case ephemeralContainer = "ephemeralContainers"
        /// A MiniCluster's `spec.services[]`: service containers that run their own image.
        case service = "services"
        /// A MiniCluster's `spec.flux.container.image`.
        case fluxView = "flux.container"

        /// The container lists of a pod spec.
        public static let podRoles: [Role] = [.container, .initContainer, .ephemeralContainer]

        /// Whether a placeholder here receives the chosen application image.
        public var receivesChosenImage: Bool {
            switch self {
            case .container, .initContainer, .ephemeralContainer: true
            case .service, .fluxView: false
            }
        }
    }

    public var role: Role
    public var index: Int
    public var name: String
    public var image: String
    /// The pointer to the `image` member, e.g. `/spec/initContainers/0/image`.
    public var pointer: JSONPointer

    /// The field as users write it, e.g. `spec.services[0].image`, for messages (built only for them).
    public var field: String {
        pointer.tokens.reduce(into: "") { text, token in
            if JSONPointer.arrayIndex(token) != nil { text += "[" + token + "]" } else { text += (text.isEmpty ? "" : ".") + token }
        }
    }
}

/// Everything a selector needs, read from the admitted object and the node list.
public struct SelectionRequest: Sendable {
    /// The AdmissionReview uid, for log correlation.
    public var requestUID: String
    public var kind: AdmittedKind
    public var operation: AdmissionOperation
    public var namespace: String?
    /// The object's name, or its `generateName` followed by `*`.
    public var objectName: String
    public var contract: SelectionContract
    /// All of the object's `metadata.annotations`.
    public var annotations: [String: String]
    /// The object's own nodeSelector (`spec.nodeSelector`, or `spec.pod.nodeSelector` for a MiniCluster).
    public var nodeSelector: [String: String]
    /// Where the object can run and, when that is one kind of node, its labels. Always resolved for
    /// artifact-based choice; for model-based choice (``SelectionContract/model`` set) it may be
    /// unresolved, and the selector chooses among ``NodeFeatureResolution/candidates``.
    public var nodeFeatures: NodeFeatureResolution
    /// Every image field in the object, placeholder or not.
    public var containers: [ContainerImageSlot]
    /// The image fields that name the placeholder and receive the chosen image.
    public var placeholderContainers: [ContainerImageSlot]
    /// The seed for every random choice of this request: the seed annotation when present, otherwise
    /// derived from the workload the object belongs to (``seedSource`` says which rule gave it), so every
    /// Pod of one Job, StatefulSet or MiniCluster gets the same choice.
    public var seed: UInt64
    public var seedSource: SeedSource
    /// What the job needs from the image's MPI: the annotation's, else what the object declares (an
    /// MPIJob's `spec.mpiImplementation`).
    public var mpi: MPIRequirement
    /// The flux view a MiniCluster (or a Flux Operator pod) runs Flux from.
    public var fluxView: FluxViewSetting
    /// The node snapshot the request is decided against. A selector keeps what it derives from the
    /// candidates in its ``ClusterNodeSet/memo``, keyed by ``NodeFeatureResolution/candidateSet``.
    public var snapshot: ClusterNodeSet

    public init(
        requestUID: String, kind: AdmittedKind, operation: AdmissionOperation, namespace: String?, objectName: String,
        contract: SelectionContract, annotations: [String: String], nodeSelector: [String: String],
        nodeFeatures: NodeFeatureResolution, containers: [ContainerImageSlot], placeholderContainers: [ContainerImageSlot], seed: UInt64,
        seedSource: SeedSource, mpi: MPIRequirement, fluxView: FluxViewSetting = .none, snapshot: ClusterNodeSet
    ) {
        self.requestUID = requestUID
        self.kind = kind
        self.operation = operation
        self.namespace = namespace
        self.objectName = objectName
        self.contract = contract
        self.annotations = annotations
        self.nodeSelector = nodeSelector
        self.nodeFeatures = nodeFeatures
        self.containers = containers
        self.placeholderContainers = placeholderContainers
        self.seed = seed
        self.seedSource = seedSource
        self.mpi = mpi
        self.fluxView = fluxView
        self.snapshot = snapshot
    }
}

/// A selector's choice.
public struct SelectionDecision: Sendable, Hashable {
    /// The image every placeholder container receives.
    public var image: String
    /// The architecture ``image`` is built for (`amd64`, `arm64`), when known. The controller denies a
    /// decision that would place the image on nodes of another architecture.
    public var architecture: String?
    /// MiniCluster only: the flux view image for `spec.flux.container.image`.
    public var fluxViewImage: String?
    /// Entries to set in the object's nodeSelector (for example the chosen instance type). Entries the
    /// object already has with a different value are a conflict, and the object is denied.
    public var nodeSelector: [String: String]
    /// Shown to the user as admission warnings.
    public var warnings: [String]
    /// Shell commands the image needs before the application (Intel MPI's `vars.sh`). The controller
    /// writes them into a MiniCluster's `commands.pre` of every container that received the image, and
    /// warns on a Pod, which has no such field.
    public var preCommands: [String]
    /// Why this choice, for the audit log.
    public var explanation: String?

    public init(
        image: String, architecture: String? = nil, fluxViewImage: String? = nil, nodeSelector: [String: String] = [:],
        preCommands: [String] = [], warnings: [String] = [], explanation: String? = nil
    ) {
        self.image = image
        self.architecture = architecture
        self.fluxViewImage = fluxViewImage
        self.nodeSelector = nodeSelector
        self.preCommands = preCommands
        self.warnings = warnings
        self.explanation = explanation
    }
}
