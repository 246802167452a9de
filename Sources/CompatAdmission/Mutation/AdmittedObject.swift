import CompatCore

/// Where, in each admitted kind, the things selection reads and writes live.
///
/// Supported levels (a deliberate choice): a Pod is mutated when the Pod carries the label; a MiniCluster
/// or an MPIJob is mutated when its own `metadata.labels` carries it, once, so that its images (and a
/// MiniCluster's flux view) and nodeSelectors are chosen together and every pod its operator creates
/// agrees. Labels placed only in a pod template (`spec.pod.labels`, as ocifit-k8s's examples do) reach
/// the operator's pods instead, which are then mutated one by one through the Pod path, one choice per
/// workload (``workloadSeed(namespace:)``).
///
/// Image fields, per kind (from the v1 Pod API, the v1alpha2 MiniCluster CRD and the v2beta1 MPIJob CRD):
///
/// | kind | field | placeholder there |
/// | --- | --- | --- |
/// | Pod | `spec.containers[].image`, `spec.initContainers[].image`, `spec.ephemeralContainers[].image` | replaced by the chosen image |
/// | MiniCluster | `spec.containers[].image` | replaced by the chosen image |
/// | MiniCluster | `spec.services[].image` | denied: a service runs its own image |
/// | MiniCluster | `spec.flux.container.image` | replaced by the flux view the mode chooses; denied when the mode keeps the view |
/// | MPIJob | `spec.mpiReplicaSpecs.{Launcher,Worker}.template.spec.{containers,initContainers}[].image` | replaced by the chosen image (one build for the whole job) |
struct AdmittedObject {
    let kind: AdmittedKind
    let object: JSONValue

    static let fluxViewImagePointer = JSONPointer(tokens: ["spec", "flux", "container", "image"])
    static let fluxViewDisablePointer = JSONPointer(tokens: ["spec", "flux", "container", "disable"])
    static let selectedImageAnnotationPointer = JSONPointer(tokens: ["metadata", "annotations", SelectionAnnotations.selectedImage])
    /// The MPI Operator's replica types, launcher first.
    static let mpiReplicaTypes = ["Launcher", "Worker"]

    var isEnabled: Bool {
        object["metadata"]?["labels"]?[SelectionAnnotations.enabledLabel]?.stringValue == SelectionAnnotations.enabledValue
    }

    /// String-valued `metadata.annotations` (the API server guarantees strings; anything else is skipped).
    var annotations: [String: String] {
        var result: [String: String] = [:]
        for (key, value) in object["metadata"]?["annotations"]?.objectValue?.members ?? [] {
            if let text = value.stringValue { result[key] = text }
        }
        return result
    }

    /// Every image field of the object, in document order. Entries without a string `image` are skipped:
    /// they cannot hold the placeholder.
    var containers: [ContainerImageSlot] {
        switch kind {
        case .pod:
            return Self.podSpecSlots(in: object, at: JSONPointer(tokens: ["spec"]), roles: ContainerImageSlot.Role.podRoles)
        case .miniCluster:
            var slots = Self.slots(in: object, list: JSONPointer(tokens: ["spec", "containers"]), role: .container)
            slots += Self.slots(in: object, list: JSONPointer(tokens: ["spec", "services"]), role: .service)
            if let view = Self.fluxViewImagePointer.value(in: object)?.stringValue {
                slots.append(ContainerImageSlot(role: .fluxView, index: 0, name: "flux-view", image: view, pointer: Self.fluxViewImagePointer))
            }
            return slots
        case .mpiJob:
            return mpiTemplates.flatMap { template in Self.podSpecSlots(in: object, at: template.spec, roles: [.container, .initContainer]) }
        }
    }

    /// A pod template's (or Pod's) containers of the given roles.
    private static func podSpecSlots(in object: JSONValue, at spec: JSONPointer, roles: [ContainerImageSlot.Role]) -> [ContainerImageSlot] {
        roles.flatMap { role in slots(in: object, list: spec.appending(role.rawValue), role: role) }
    }

    private static func slots(in object: JSONValue, list: JSONPointer, role: ContainerImageSlot.Role) -> [ContainerImageSlot] {
        (list.value(in: object)?.arrayValue ?? []).enumerated().compactMap { index, container in
            guard let image = container["image"]?.stringValue else { return nil }
            return ContainerImageSlot(
                role: role, index: index, name: container["name"]?.stringValue ?? "", image: image, pointer: list.appending(index).appending("image")
            )
        }
    }

    /// An MPIJob's pod templates that exist, launcher first.
    var mpiTemplates: [PodTemplate] {
        Self.mpiReplicaTypes.compactMap { type in
            let template = JSONPointer(tokens: ["spec", "mpiReplicaSpecs", type, "template"])
            guard template.value(in: object)?.objectValue != nil else { return nil }
            return PodTemplate(replicaType: type, pointer: template)
        }
    }

    /// One pod template of a workload.
    struct PodTemplate {
        let replicaType: String
        let pointer: JSONPointer
        var spec: JSONPointer { pointer.appending("spec") }
        var field: String { "spec.mpiReplicaSpecs.\(replicaType).template" }
    }

    /// Where the nodeSelector that decides the nodes lives: the Pod's, the MiniCluster's pods', the
    /// MPIJob's workers' (they run the ranks; the launcher's template is checked and written alongside).
    var nodeSelectorLocation: (pointer: JSONPointer, field: String) {
        switch kind {
        case .pod: return (JSONPointer(tokens: ["spec", "nodeSelector"]), "spec.nodeSelector")
        case .miniCluster: return (JSONPointer(tokens: ["spec", "pod", "nodeSelector"]), "spec.pod.nodeSelector")
        case .mpiJob:
            let worker = mpiTemplates.last ?? PodTemplate(replicaType: "Worker", pointer: JSONPointer(tokens: ["spec", "mpiReplicaSpecs", "Worker", "template"]))
            return (worker.spec.appending("nodeSelector"), worker.field + ".spec.nodeSelector")
        }
    }

    /// Every nodeSelector a choice of instance must be written to: for an MPIJob, each template's, so the
    /// launcher and the workers land on the same instance type.
    var nodeSelectorLocations: [(pointer: JSONPointer, field: String)] {
        guard kind == .mpiJob else { return [nodeSelectorLocation] }
        return mpiTemplates.map { ($0.spec.appending("nodeSelector"), $0.field + ".spec.nodeSelector") }
    }

    /// The nodeSelector map at `location`; absent and `null` are empty. Anything but an object of strings is denied.
    func nodeSelector(at location: (pointer: JSONPointer, field: String)) throws(AdmissionDenial) -> [String: String] {
        guard let value = location.pointer.value(in: object), value != .null else { return [:] }
        guard case .object(let map) = value else {
            throw AdmissionDenial(.invalid, "\(location.field) must be a map of label keys to values, found \(value.typeName)")
        }
        var selector: [String: String] = [:]
        for (key, member) in map.members {
            guard let text = member.stringValue else {
                throw AdmissionDenial(.invalid, "\(location.field)[\"\(key)\"] must be a string, found \(member.typeName)")
            }
            selector[key] = text
        }
        return selector
    }

    /// The deciding nodeSelector (``nodeSelectorLocation``).
    func nodeSelector() throws(AdmissionDenial) -> [String: String] {
        try nodeSelector(at: nodeSelectorLocation)
    }

    /// What the object says about its flux view. A MiniCluster's `spec.flux.container`; for a Pod, the
    /// view the Flux Operator injects through its `flux-view` init container (the Pods of a MiniCluster
    /// whose labels sit only in `spec.pod.labels`).
    func fluxView(placeholder: PlaceholderImage) -> FluxViewSetting {
        switch kind {
        case .miniCluster:
            if Self.fluxViewDisablePointer.value(in: object) == .bool(true) { return .disabled }
            guard let image = Self.fluxViewImagePointer.value(in: object)?.stringValue, !image.isEmpty else { return .operatorDefault }
            return placeholder.matches(image) ? .placeholder : .image(image)
        case .pod:
            let initContainers = JSONPointer(tokens: ["spec", "initContainers"]).value(in: object)?.arrayValue ?? []
            let injected = initContainers.first { $0["name"]?.stringValue == Self.fluxOperatorViewContainer }?["image"]?.stringValue
            return injected.map(FluxViewSetting.image) ?? .none
        case .mpiJob:
            return .none
        }
    }

    /// The name the Flux Operator gives the init container that copies the flux view into a pod.
    static let fluxOperatorViewContainer = "flux-view"

    /// The MPI an MPIJob's launcher runs (`spec.mpiImplementation`, default `OpenMPI` in the v2beta1
    /// CRD), which the image must provide; `.any` for other kinds.
    var declaredMPI: MPIRequirement {
        guard kind == .mpiJob else { return .any }
        switch JSONPointer(tokens: ["spec", "mpiImplementation"]).value(in: object)?.stringValue ?? "OpenMPI" {
        case "Intel": return .implementation(.intelMPI)
        case "MPICH": return .implementation(.mpich)
        default: return .implementation(.openMPI)
        }
    }

    // MARK: One choice per workload

    /// Labels that name a workload whose pods must agree, in the order they are read: the Job controller's
    /// (current and legacy), the Kubeflow training operators' (the MPI Operator's launcher and workers),
    /// LeaderWorkerSet's, and the one the Flux Operator puts on a MiniCluster's pods.
    static let workloadLabels = [
        "batch.kubernetes.io/job-name", "job-name", "training.kubeflow.org/job-name", "leaderworkerset.sigs.k8s.io/name", "hpa-selector",
    ]

    /// The seed of every random choice for this object when no seed annotation gives one, and where it
    /// came from. Controllers create a workload's Pods one by one, each in its own request, so a seed from
    /// the request would give the ranks of one MPI job different builds: the seed comes from the workload.
    /// First the controller ownerReference's uid (Job, ReplicaSet, StatefulSet, JobSet, LeaderWorkerSet,
    /// MPIJob, …); else a workload label (with the namespace); else the object's uid; else the request's.
    func workloadSeed(namespace: String?, requestUID: String) -> (seed: UInt64, source: SeedSource) {
        let metadata = object["metadata"]
        let owners = metadata?["ownerReferences"]?.arrayValue ?? []
        if let owner = owners.first(where: { $0["controller"] == .bool(true) }), let uid = owner["uid"]?.stringValue, !uid.isEmpty {
            return (Self.seed(from: "owner/" + uid), .ownerReference)
        }
        let labels = metadata?["labels"]
        for key in Self.workloadLabels {
            if let value = labels?[key]?.stringValue, !value.isEmpty {
                return (Self.seed(from: "label/" + (namespace ?? "") + "/" + key + "=" + value), .workloadLabel)
            }
        }
        if let uid = metadata?["uid"]?.stringValue, !uid.isEmpty {
            return (Self.seed(from: uid), .objectUID)
        }
        return (Self.seed(from: requestUID), .requestUID)
    }

    /// The first draw of the text's stream: a seed that the logged key reproduces.
    static func seed(from key: String) -> UInt64 {
        var random = SeededRandom(seed: 0, stream: key)
        return random.next()
    }
}

/// The placeholder image, compared the way a container runtime resolves references
/// (``ImageReference/isPlaceholder(_:)``): `placeholder`, `placeholder:latest`,
/// `docker.io/library/placeholder:latest` and a digest pin of it are the same image. Text that is not a
/// valid reference is compared exactly.
public struct PlaceholderImage: Sendable, Hashable {
    public let text: String
    private let reference: ImageReference?
    /// The repository's last component (`placeholder`): a reference without it cannot name the
    /// placeholder, so most images are told apart without being parsed.
    private let name: [UInt8]

    public init(_ text: String) {
        self.text = text
        reference = try? ImageReference.parse(text)
        name = Array((reference.flatMap { $0.repository.split(separator: "/").last.map(String.init) } ?? text).utf8)
    }

    /// The default, `placeholder:latest`, parsed once.
    public static let standard = PlaceholderImage(SelectionAnnotations.defaultTargetImage)

    /// The placeholder `text` names (the annotation's value, or the default).
    public static func named(_ text: String) -> PlaceholderImage {
        text == standard.text ? standard : PlaceholderImage(text)
    }

    public func matches(_ image: String) -> Bool {
        if image == text { return true }
        guard let reference, Self.contains(image, name), let candidate = try? ImageReference.parse(image) else { return false }
        return candidate.isPlaceholder(reference)
    }

    /// Whether `needle`'s bytes occur in `text`: a plain scan, which for names this short beats the standard
    /// library's generic searchers by far on the admission path.
    private static func contains(_ text: String, _ needle: [UInt8]) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard let first = needle.first, bytes.count >= needle.count else { return needle.isEmpty }
            var start = 0
            while start + needle.count <= bytes.count {
                if bytes[start] == first, (1..<needle.count).allSatisfy({ bytes[start + $0] == needle[$0] }) { return true }
                start += 1
            }
            return false
        }
    }
}

/// Where a request's seed came from, as logs and the `compat_admission_seed_source_total` metric name it.
public enum SeedSource: String, Sendable, Hashable, CaseIterable {
    /// The `…/seed` annotation.
    case annotation
    /// The uid of the controller that owns the object (a Job, StatefulSet, MPIJob, …).
    case ownerReference = "owner"
    /// A workload label (`batch.kubernetes.io/job-name`, `training.kubeflow.org/job-name`, …).
    case workloadLabel = "label"
    /// The object's own `metadata.uid`.
    case objectUID = "uid"
    /// The AdmissionReview's uid: the object names no workload and has no uid yet.
    case requestUID = "request"
}

/// What a MiniCluster (or a Flux Operator pod) says about the flux view that runs Flux inside the
/// application container.
public enum FluxViewSetting: Sendable, Hashable {
    /// Not a MiniCluster and no view injected: the image runs on its own.
    case none
    /// `spec.flux.container.image` is unset: the Flux Operator uses its CRD default.
    case operatorDefault
    /// `spec.flux.container.disable: true`: no view, the application image brings its own Flux.
    case disabled
    /// The view image is the placeholder: only a mode that chooses the view can fill it.
    case placeholder
    /// This view image.
    case image(String)
}
