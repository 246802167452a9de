import CompatAdmission
import CompatCore
import CompatModels
import Foundation

/// Chooses images (and flux views) for admission requests: resolves the artifact an object names and
/// dispatches on its declared kind.
///
/// - NFD / ocifit-k8s image-compatibility spec: evaluated against the labels of the nodes the object can
///   run on; the winning set's `tag` is the image (``RuleChoice``).
/// - compspec catalog: ``CatalogChooser`` with the object's mode (default ``defaultMode``), the nodes'
///   architecture, GPU and OS, and a MiniCluster's flux view.
/// - model-compatibility spec (with annotation `…/model`): the named performance model scores the nodes
///   the object can run on (``ModelChoice``); the image is the spec's image for the chosen node's
///   architecture, and the nodeSelector pins the instance type. A MiniCluster whose flux view is built for
///   another architecture gets the matching view.
///
/// Shared by all requests; ``selector(for:deadline:)`` makes the per-request ``AdmissionSelector``.
public final class SelectionEngine: Sendable {
    public let resolver: ArtifactResolver
    public let views: FluxViewCatalog
    public let models: ModelLibrary
    public let defaultMode: SelectionMode

    public init(resolver: ArtifactResolver, views: FluxViewCatalog, models: ModelLibrary, defaultMode: SelectionMode = .descriptiveBasic) {
        self.resolver = resolver
        self.views = views
        self.models = models
        self.defaultMode = defaultMode
    }

    /// The selector for one request; artifact fetches must finish by `deadline`.
    public func selector(for request: AdmissionRequest, deadline: ContinuousClock.Instant) -> RequestSelector {
        RequestSelector(engine: self, object: request.object, deadline: deadline)
    }

    /// Where a MiniCluster names its flux view.
    public static let fluxViewImagePointer = JSONPointer(tokens: ["spec", "flux", "container", "image"])
}

/// The selection of one admission request. It remembers what the decision needs beyond
/// ``SelectionDecision`` (Intel MPI set-up commands for the chosen image), which the webhook writes into
/// the MiniCluster after the admission controller's patch (``PreCommandPatch``).
public final class RequestSelector: AdmissionSelector {
    let engine: SelectionEngine
    let object: JSONValue?
    let deadline: ContinuousClock.Instant
    /// Commands the chosen image needs before the application, and the containers that received it.
    public private(set) var preCommands: [String] = []
    public private(set) var placeholderContainers: [ContainerImageSlot] = []

    init(engine: SelectionEngine, object: JSONValue?, deadline: ContinuousClock.Instant) {
        self.engine = engine
        self.object = object
        self.deadline = deadline
    }

    public func decide(_ request: SelectionRequest) throws -> SelectionDecision {
        do {
            return try choose(request)
        } catch {
            throw AdmissionDenial(error.reason, error.message)
        }
    }

    private func choose(_ request: SelectionRequest) throws(SelectionRefusal) -> SelectionDecision {
        guard let reference = request.contract.imageReference else {
            throw SelectionRefusal(
                .invalidRequest,
                "annotation \(SelectionAnnotations.imageReference) is missing; set it to the model-compatibility spec that maps "
                    + "architectures to images for model \(request.contract.model ?? "")"
            )
        }
        let (artifact, identity) = try engine.resolver.resolveIdentified(reference, deadline: deadline)
        if case .models(let spec) = artifact {
            guard let model = request.contract.model else {
                throw SelectionRefusal(
                    .invalidRequest,
                    "\(reference) is a model-compatibility spec; add annotation \(SelectionAnnotations.model) naming the model that "
                        + "should choose the instance"
                )
            }
            return try chooseByModel(spec, model: model, reference: reference, request)
        }
        if let model = request.contract.model {
            throw SelectionRefusal(
                .invalidRequest,
                "annotation \(SelectionAnnotations.model)=\(model) asks for a model-based choice, but \(reference) is "
                    + "\(artifact.kindDescription), which chooses no instance; remove the annotation or reference a model-compatibility spec"
            )
        }
        guard let features = request.nodeFeatures.features else {
            throw SelectionRefusal(.invalidRequest, request.nodeFeatures.problem?.description ?? "the nodes could not be resolved")
        }
        switch artifact {
        case .rules(let spec):
            let choice = try RuleChoice.choose(spec: spec, labels: features.labels, artifact: reference)
            let warnings = request.contract.mode.map { ["mode \($0) was ignored: the artifact's rules choose the image"] } ?? []
            return SelectionDecision(image: choice.image, warnings: warnings, explanation: choice.explanation)
        case .catalog(let catalog):
            let workload: CatalogRequest.Workload
            switch request.kind {
            case .pod: workload = .pod
            case .miniCluster:
                workload = .miniCluster(fluxViewImage: object.flatMap { SelectionEngine.fluxViewImagePointer.value(in: $0)?.stringValue })
            }
            let mode = request.contract.mode ?? engine.defaultMode
            let chooser = CatalogChooser(
                catalog: catalog, views: engine.views, candidateMemo: .init(request.snapshotMemo, catalogIdentity: identity)
            )
            let choice = try chooser.choose(CatalogRequest(
                workload: workload, mode: mode, node: NodeHostFacts(labels: features.labels), seed: request.seed, mpi: request.contract.mpi
            ))
            preCommands = choice.preCommands
            placeholderContainers = request.placeholderContainers
            var warnings: [String] = []
            if request.contract.mpi != .any, mode != .descriptive {
                warnings.append("annotation \(SelectionAnnotations.mpi) was ignored: only mode descriptive checks the image's MPI")
            }
            if request.kind == .pod, let command = choice.preCommands.first {
                warnings.append("run '\(command)' before the application: the chosen image needs it")
            }
            return SelectionDecision(
                image: choice.image.name, architecture: choice.image.attributes.architecture?.rawValue,
                fluxViewImage: choice.fluxView?.image, warnings: warnings, explanation: choice.explanation
            )
        case .models:
            throw SelectionRefusal(.invalidRequest, "\(reference) is a model-compatibility spec")
        }
    }

    private func chooseByModel(
        _ spec: ModelCompatibilitySpec, model: String, reference: String, _ request: SelectionRequest
    ) throws(SelectionRefusal) -> SelectionDecision {
        let candidates = request.nodeFeatures.candidates
        if candidates.isEmpty, let problem = request.nodeFeatures.problem {
            throw SelectionRefusal(.invalidRequest, problem.description)
        }
        let choice = try ModelChoice.choose(
            spec: spec, modelName: model, artifact: reference, nodes: candidates.map(\.labels), seed: request.seed, library: engine.models,
            memo: request.snapshotMemo, candidatesKey: request.candidatesKey
        )
        var warnings: [String] = []
        if choice.choice.choseOutOfDistribution {
            warnings.append("model \(model) extrapolates: no candidate node is like its training data")
        }
        var fluxView: String?
        if request.kind == .miniCluster {
            let current = object.flatMap { SelectionEngine.fluxViewImagePointer.value(in: $0)?.stringValue } ?? CatalogChooser.defaultFluxViewImage
            switch engine.views.replacement(for: current, architecture: choice.architecture) {
            case .keep: break
            case .replace(let view): fluxView = view.image
            case .unknown:
                warnings.append("flux view \(current) is not in the view catalog; check it is built for \(choice.architecture)")
            case .noneForArchitecture:
                throw SelectionRefusal(
                    .noCompatibleChoice,
                    "model \(model) chose \(choice.choice.chosen.identity) (\(choice.architecture)), but the view catalog has no "
                        + "\(choice.architecture) flux view to replace \(current); add one to the catalog"
                )
            }
        }
        return SelectionDecision(
            image: choice.image, architecture: choice.architecture, fluxViewImage: fluxView, nodeSelector: choice.nodeSelector,
            warnings: warnings, explanation: choice.choice.reason
        )
    }
}

extension FluxViewCatalog {
    enum Replacement {
        case keep
        case replace(FluxView)
        case unknown
        case noneForArchitecture
    }

    /// What to do with a MiniCluster's view when the workload moves to `architecture`: keep a view built
    /// for it; otherwise the view of the same release line, else the newest of the same vendor, else the
    /// first view of that architecture.
    func replacement(for image: String, architecture text: String) -> Replacement {
        guard let current = view(named: image) else { return .unknown }
        guard let architecture = Architecture(normalising: text), architecture != current.architecture else { return .keep }
        let candidates = views(for: architecture)
        if let sameLine = view(matching: current.operatingSystem, architecture: architecture) { return .replace(sameLine) }
        let sameVendor = candidates.filter { $0.operatingSystem.vendor == current.operatingSystem.vendor }
        if let newest = sameVendor.max(by: { $0.operatingSystem.version < $1.operatingSystem.version }) { return .replace(newest) }
        return candidates.first.map(Replacement.replace) ?? .noneForArchitecture
    }
}

extension SelectionArtifact {
    var kindDescription: String {
        switch self {
        case .rules: "an image-compatibility spec"
        case .catalog: "an image catalog"
        case .models: "a model-compatibility spec"
        }
    }
}

extension SelectionRefusal {
    /// How the API server reports the refusal: no compatible choice is Forbidden, a request or artifact
    /// the user must correct is Invalid, an unreachable artifact is an InternalError.
    var reason: DenialReason {
        switch category {
        case .noCompatibleChoice: .forbidden
        case .invalidRequest, .artifactInvalid: .invalid
        case .artifactUnavailable: .internalError
        }
    }
}
