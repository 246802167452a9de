import CompatAdmission
import CompatCore
import CompatModels

/// Chooses images (and flux views and instance types) for admission requests: resolves the artifact an
/// object names through ``ArtifactProviding`` and dispatches on its declared kind.
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
/// Pure policy: artifacts and models come through the providers, and what is derived from a node snapshot
/// is kept in that snapshot's memo. Shared by all requests; ``selector(deadline:)`` binds one request's
/// deadline.
public struct SelectionEngine: Sendable {
    public let artifacts: any ArtifactProviding
    public let models: any PerformanceModelProviding
    public let views: FluxViewCatalog
    public let defaultMode: SelectionMode

    public init(
        artifacts: any ArtifactProviding, models: any PerformanceModelProviding, views: FluxViewCatalog,
        defaultMode: SelectionMode = .descriptiveBasic
    ) {
        self.artifacts = artifacts
        self.models = models
        self.views = views
        self.defaultMode = defaultMode
    }

    /// The selector for one request; artifact fetches must finish by `deadline`.
    public func selector(deadline: ContinuousClock.Instant) -> Selector {
        Selector(engine: self, deadline: deadline)
    }

    /// ``SelectionEngine`` bound to one request's deadline, as the admission controller asks it.
    public struct Selector: AdmissionSelector {
        public let engine: SelectionEngine
        public let deadline: ContinuousClock.Instant

        /// The engine reads only some labels (a catalog: architecture and GPU), so nodes that differ in others
        /// still give one answer.
        public var judgesDisagreeingNodes: Bool { true }

        public func decide(_ request: SelectionRequest) throws -> SelectionDecision {
            do {
                return try engine.decide(request, deadline: deadline)
            } catch {
                throw AdmissionDenial(error.reason, error.message)
            }
        }
    }

    /// The decision for one request, or the refusal that explains why there is none.
    public func decide(_ request: SelectionRequest, deadline: ContinuousClock.Instant) throws(SelectionRefusal) -> SelectionDecision {
        guard let reference = request.contract.imageReference else {
            throw SelectionRefusal(
                .invalidRequest,
                "annotation \(SelectionAnnotations.imageReference) is missing; set it to the model-compatibility spec that maps "
                    + "architectures to images for model \(request.contract.model ?? "")"
            )
        }
        let resolved = try artifacts.resolve(reference, deadline: deadline)
        if case .models(let spec) = resolved.artifact {
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
                    + "\(resolved.artifact.kindDescription), which chooses no instance; remove the annotation or reference a model-compatibility spec"
            )
        }
        switch resolved.artifact {
        case .rules(let spec):
            let choice = try agreed(request) { labels throws(SelectionRefusal) in
                try RuleChoice.choose(spec: spec, labels: labels, artifact: reference)
            } same: { $0.image == $1.image }
            let warnings = request.contract.mode.map { ["mode \($0) was ignored: the artifact's rules choose the image"] } ?? []
            return SelectionDecision(image: choice.image, warnings: warnings, explanation: choice.explanation)
        case .catalog(let catalog):
            let workload: CatalogRequest.Workload = switch (request.kind, request.fluxView) {
            case (.miniCluster, let setting): .miniCluster(setting)
            case (_, .image(let injected)): .containers(injectedFluxView: injected)
            default: .containers(injectedFluxView: nil)
            }
            let mode = request.contract.mode ?? defaultMode
            let chooser = CatalogChooser(catalog: catalog, views: views, candidateMemo: (request.snapshot.memo, catalog: resolved.identity))
            let facts = try agreed(request) { labels in NodeHostFacts(labels: labels) } same: { $0 == $1 }
            let choice = try chooser.choose(CatalogRequest(workload: workload, mode: mode, node: facts, seed: request.seed, mpi: request.mpi))
            var warnings: [String] = []
            if request.contract.mpi != .any, mode != .descriptive {
                warnings.append("annotation \(SelectionAnnotations.mpi) was ignored: only mode descriptive checks the image's MPI")
            }
            return SelectionDecision(
                image: choice.image.name, architecture: choice.image.attributes.architecture?.rawValue,
                fluxViewImage: choice.fluxView?.image, preCommands: choice.preCommands, warnings: warnings, explanation: choice.explanation
            )
        case .models:
            throw SelectionRefusal(.invalidRequest, "\(reference) is a model-compatibility spec")
        }
    }

    /// What `read` finds on the nodes the object can run on. Several kinds of node are fine when they agree
    /// on everything this choice reads (a Pod's image does not care that one node runs Amazon Linux and
    /// another Bottlerocket); otherwise the refusal names the differing labels and a nodeSelector that picks
    /// one kind.
    private func agreed<Value>(
        _ request: SelectionRequest, _ read: ([String: String]) throws(SelectionRefusal) -> Value, same: (Value, Value) -> Bool
    ) throws(SelectionRefusal) -> Value {
        if let features = request.nodeFeatures.features { return try read(features.labels) }
        let problem = request.nodeFeatures.problem
        let kinds = request.nodeFeatures.classes
        guard let first = kinds.first else {
            throw SelectionRefusal(.invalidRequest, problem?.description ?? "the nodes could not be resolved")
        }
        let value = try read(first.labels)
        for kind in kinds.dropFirst() where !same(value, try read(kind.labels)) {
            throw SelectionRefusal(.invalidRequest, problem?.description ?? "the nodes this workload can run on differ")
        }
        return value
    }

    private func chooseByModel(
        _ spec: ModelCompatibilitySpec, model: String, reference: String, _ request: SelectionRequest
    ) throws(SelectionRefusal) -> SelectionDecision {
        let candidates = request.nodeFeatures.candidates
        if candidates.isEmpty, let problem = request.nodeFeatures.problem {
            throw SelectionRefusal(.invalidRequest, problem.description)
        }
        let choice = try ModelChoice.choose(
            spec: spec, modelName: model, artifact: reference, nodes: candidates.map(\.labels), seed: request.seed, models: models,
            memo: (request.snapshot.memo, candidates: request.nodeFeatures.candidateSet)
        )
        var warnings: [String] = []
        if choice.choice.choseOutOfDistribution {
            warnings.append("model \(model) extrapolates: no candidate node is like its training data")
        }
        var fluxView: String?
        if request.kind == .miniCluster {
            let current: String
            switch request.fluxView {
            case .image(let image): current = image
            case .disabled: current = ""
            case .operatorDefault, .none, .placeholder: current = CatalogChooser.defaultFluxViewImage
            }
            switch current.isEmpty ? .keep : views.replacement(for: current, architecture: choice.architecture) {
            case .keep: if request.fluxView == .placeholder { fluxView = current }
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
