import CompatAdmission
import CompatCore

/// What an image catalog choice asks about the workload.
public struct CatalogRequest: Sendable {
    public enum Workload: Sendable, Hashable {
        /// Containers (a Pod, an MPIJob's pods): the image brings its own userland, so the node's OS does
        /// not constrain it. `injectedFluxView` is the view a Flux Operator pod's `flux-view` init container
        /// copies in: the descriptive modes then choose for it, as for its MiniCluster.
        case containers(injectedFluxView: String?)
        /// A Flux Operator MiniCluster: Flux from its view runs inside the application image.
        case miniCluster(FluxViewSetting)
    }

    public var workload: Workload
    public var mode: SelectionMode
    /// What the nodes the workload will run on have in common.
    public var node: NodeHostFacts
    /// Seeds every random draw of this request.
    public var seed: UInt64
    /// What the job needs from the image's MPI; only mode `descriptive` checks it.
    public var mpi: MPIRequirement

    public init(workload: Workload, mode: SelectionMode, node: NodeHostFacts, seed: UInt64, mpi: MPIRequirement = .any) {
        self.workload = workload
        self.mode = mode
        self.node = node
        self.seed = seed
        self.mpi = mpi
    }
}

/// An image chosen from a catalog, and the flux view to pair it with when the mode chose one.
public struct CatalogChoice: Sendable, Hashable {
    public var image: CatalogImage
    /// Set when the mode picks the view (`platform`, `platform-version`); `nil` leaves the view as it is.
    public var fluxView: FluxView?
    /// Commands to run before the application (Intel MPI's `vars.sh`), from the descriptive modes.
    public var preCommands: [String]
    /// How many images the mode admitted; the image was drawn uniformly among them.
    public var candidateCount: Int
    /// One sentence for the audit log.
    public var explanation: String
}

/// Chooses an image from a compspec catalog the way the LAMMPS experiment's modes did, with the Flux
/// view as the host of a MiniCluster.
///
/// What constrains the image, per kind and mode (`own userland`: ``HostEnvironment/ownUserland``):
///
/// | workload | basic, platform, platform-version | descriptive-basic | descriptive |
/// | --- | --- | --- | --- |
/// | Pod, MPIJob (own userland) | architecture | architecture, GPU, CPU target | architecture, GPU, CPU, MPI |
/// | Flux Operator pod with a known view | architecture | the view, as a MiniCluster | the view, as a MiniCluster |
/// | MiniCluster, view disabled (own userland) | architecture | architecture, GPU, CPU target | architecture, GPU, CPU, MPI |
/// | MiniCluster with a view | architecture; `platform` then draws a view of the image's vendor, `platform-version` the view of its release line | the view's OS vendor and version, GPU, CPU target | GPU, CPU, what the view's Flux needs from the image's C library, MPI |
///
/// The node's own OS never constrains an image: a container brings its userland, and in a MiniCluster the
/// view's OS is the environment. Views a baseline mode may draw are those of the architecture whose
/// release line some catalog image of that architecture shares, which is the experiment's set (focal,
/// jammy, rocky 8 and 9): a view no image was built for (noble) could only fail.
public struct CatalogChooser: Sendable {
    public let selector: ImageSelector
    public let views: FluxViewCatalog

    /// The Flux Operator's default `spec.flux.container.image` (v1alpha2 CRD).
    public static let defaultFluxViewImage = "ghcr.io/converged-computing/flux-view-ubuntu:tag-noble"
    /// ``SeededRandom`` streams, one per draw, so adding a draw never shifts another.
    static let imageStream = "image-choice"
    static let viewStream = "flux-view-choice"

    /// Where candidate sets are kept, and the identity of the catalog's content (its list and every
    /// member's) that keys them: they depend only on the catalog, the host and the mode, while the draw
    /// among them depends on each request's seed. One value, so a memo is never used without an identity.
    public let candidateMemo: (memo: SnapshotMemo, catalog: ContentIdentity)?

    public init(catalog: ImageCatalog, views: FluxViewCatalog, candidateMemo: (memo: SnapshotMemo, catalog: ContentIdentity)? = nil) {
        selector = ImageSelector(catalog: catalog)
        self.views = views
        self.candidateMemo = candidateMemo
    }

    /// The images a mode admits for a host, from one catalog's content.
    struct CandidatesKey: SnapshotMemoKey {
        typealias Value = CandidateSet
        let catalog: ContentIdentity
        let host: HostEnvironment
        let mode: SelectionMode
    }

    public func choose(_ request: CatalogRequest) throws(SelectionRefusal) -> CatalogChoice {
        var random = SeededRandom(seed: request.seed, stream: Self.imageStream)
        switch request.workload {
        case .containers(let injected):
            if request.mode.isDescriptive, let injected, let view = views.view(named: injected) {
                return try chooseForView(view, field: "the flux-view init container's image", request, &random)
            }
            return try chooseOwnUserland(request, &random, hostName: "the nodes")
        case .miniCluster(.disabled):
            return try chooseOwnUserland(request, &random, hostName: "the nodes (flux view disabled: the image brings its own Flux)")
        case .miniCluster(let setting):
            let viewImage: String? = switch setting {
            case .image(let image): image
            case .operatorDefault, .none: Self.defaultFluxViewImage
            case .placeholder, .disabled: nil
            }
            let current = viewImage.flatMap(views.view(named:))
            if request.mode.isDescriptive {
                guard let viewImage else { throw Self.placeholderView(request.mode) }
                guard let current else { throw unknownView(viewImage, setting: setting) }
                do {
                    return try chooseForView(current, field: Self.fluxViewField, request, &random)
                } catch where setting == .operatorDefault && error.category == .noCompatibleChoice {
                    throw assumedDefault(error, request)
                }
            }
            guard let architecture = request.node.architecture ?? current?.architecture else { throw Self.missingArchitecture }
            let selection = try select(HostEnvironment(architecture: architecture), .basic, &random, hostName: "the nodes")
            let view = try pairedView(for: selection.image, mode: request.mode, architecture: architecture, seed: request.seed)
            guard view != nil || viewImage != nil else { throw Self.placeholderView(request.mode) }
            let pairing = view.map { " with flux view \($0.image)" } ?? ", keeping flux view \(viewImage ?? "")"
            return CatalogChoice(
                image: selection.image, fluxView: view, preCommands: [], candidateCount: selection.candidates.count,
                explanation: "\(request.mode) drew \(selection.image.name) among \(selection.candidates.count) \(architecture) images\(pairing)"
            )
        }
    }

    /// Where a MiniCluster names its view, as users write it.
    static let fluxViewField = "spec.flux.container.image"

    /// An image for containers that bring their own userland: the nodes' architecture, GPU and CPU.
    private func chooseOwnUserland(
        _ request: CatalogRequest, _ random: inout SeededRandom, hostName: String
    ) throws(SelectionRefusal) -> CatalogChoice {
        guard let architecture = request.node.architecture else { throw Self.missingArchitecture }
        let host = HostEnvironment(
            architecture: architecture, gpu: request.node.gpu, mpi: request.mpi, runtimeABI: .unconstrained, ownUserland: true
        )
        let selection = try select(host, request.mode, &random, hostName: hostName)
        return CatalogChoice(
            image: selection.image, fluxView: nil, preCommands: selection.preCommands, candidateCount: selection.candidates.count,
            explanation: "\(request.mode) chose \(selection.image.name) among \(selection.candidates.count) images for \(host.architecture) nodes"
        )
    }

    private func unknownView(_ image: String, setting: FluxViewSetting) -> SelectionRefusal {
        let known = views.views.map(\.image).joined(separator: ", ")
        return SelectionRefusal(
            .invalidRequest,
            "flux view \(image) (\(Self.fluxViewField)) is not in the view catalog, so what its Flux needs from the "
                + "application image is unknown; set \(Self.fluxViewField) to one of \(known), set spec.flux.container.disable: "
                + "true if the image brings its own Flux, or use mode basic, platform or platform-version"
        )
    }

    static func placeholderView(_ mode: SelectionMode) -> SelectionRefusal {
        SelectionRefusal(
            .invalidRequest,
            "\(fluxViewField) names the placeholder, and mode \(mode) keeps the flux view instead of choosing one; set "
                + "\(fluxViewField) to a flux view image, or use mode platform or platform-version, which choose the view"
        )
    }

    /// A descriptive refusal for a MiniCluster without a view, saying which view was assumed and which
    /// views this catalog has images for on these nodes.
    private func assumedDefault(_ refusal: SelectionRefusal, _ request: CatalogRequest) -> SelectionRefusal {
        let workable = views.views.filter { view in
            guard request.node.architecture.map({ $0 == view.architecture }) ?? true else { return false }
            return !selector.candidates(for: view.hostEnvironment(gpu: request.node.gpu, mpi: request.mpi), mode: request.mode).images.isEmpty
        }.map(\.image)
        let choice = workable.isEmpty ? "" : "set \(Self.fluxViewField) to one of \(workable.joined(separator: ", ")), or "
        return SelectionRefusal(
            .noCompatibleChoice,
            "\(Self.fluxViewField) is not set, so the Flux Operator's default view \(Self.defaultFluxViewImage) was assumed, and "
                + refusal.message + "; " + choice + "use mode basic, platform or platform-version"
        )
    }

    /// The descriptive modes: an image that runs with the given view's Flux on these nodes.
    private func chooseForView(
        _ view: FluxView, field: String, _ request: CatalogRequest, _ random: inout SeededRandom
    ) throws(SelectionRefusal) -> CatalogChoice {
        if let architecture = request.node.architecture, architecture != view.architecture {
            let matching = views.views(for: architecture).map(\.image).joined(separator: ", ")
            throw SelectionRefusal(
                .invalidRequest,
                "flux view \(view.image) is built for \(view.architecture) but the nodes are \(architecture); set "
                    + "\(field) to a \(architecture) view (\(matching.isEmpty ? "none is known" : matching))"
            )
        }
        let host = view.hostEnvironment(gpu: request.node.gpu, mpi: request.mpi)
        let selection = try select(host, request.mode, &random, hostName: "flux view \(view.image)")
        return CatalogChoice(
            image: selection.image, fluxView: nil, preCommands: selection.preCommands, candidateCount: selection.candidates.count,
            explanation: "\(request.mode) chose \(selection.image.name) among \(selection.candidates.count) images that run with flux view \(view.image)"
        )
    }

    /// The view a baseline mode pairs with its image: none for `basic`, a random one of the image's
    /// vendor for `platform`, the one of its release line for `platform-version`.
    private func pairedView(
        for image: CatalogImage, mode: SelectionMode, architecture: Architecture, seed: UInt64
    ) throws(SelectionRefusal) -> FluxView? {
        guard mode != .basic else { return nil }
        guard let os = image.attributes.operatingSystem else {
            throw SelectionRefusal(
                .noCompatibleChoice,
                "mode \(mode) drew \(image.name), whose artifact \(image.artifact) states no OS, so no flux view can be paired; "
                    + "add org.supercontainers.os.vendor and os.version to the artifact"
            )
        }
        let view: FluxView?
        if mode == .platform {
            var random = SeededRandom(seed: seed, stream: Self.viewStream)
            view = random.element(of: drawableViews(architecture).filter { $0.operatingSystem.vendor == os.vendor })
        } else {
            view = views.view(matching: os, architecture: architecture)
        }
        guard let view else {
            throw SelectionRefusal(
                .noCompatibleChoice,
                "mode \(mode) drew \(image.name) (\(os)), but the view catalog has no \(architecture) flux view for "
                    + (mode == .platform ? "vendor \(os.vendor)" : "release line \(os.vendor) \(os.releaseLine)")
                    + "; use a descriptive mode, or add such a view to the catalog"
            )
        }
        return view
    }

    /// The views of `architecture` whose release line an image of that architecture shares.
    private func drawableViews(_ architecture: Architecture) -> [FluxView] {
        let systems = selector.catalog.images
            .filter { $0.attributes.architecture == architecture }
            .compactMap(\.attributes.operatingSystem)
        return views.views(for: architecture).filter { view in systems.contains { $0.sharesReleaseLine(with: view.operatingSystem) } }
    }

    private func select(
        _ host: HostEnvironment, _ mode: SelectionMode, _ random: inout SeededRandom, hostName: String
    ) throws(SelectionRefusal) -> ImageSelection {
        let candidates = candidateMemo.map { kept in
            kept.memo.value(for: CandidatesKey(catalog: kept.catalog, host: host, mode: mode)) { selector.candidates(for: host, mode: mode) }
        } ?? selector.candidates(for: host, mode: mode)
        switch selector.select(from: candidates, random: &random) {
        case .selected(let selection):
            return selection
        case .noMatch(let explanation):
            throw SelectionRefusal(.noCompatibleChoice, "no image in the catalog fits \(hostName): \(explanation)")
        }
    }

    static let missingArchitecture = SelectionRefusal(
        .invalidRequest,
        "the nodes this workload can run on carry no kubernetes.io/arch label, so no image architecture can be chosen; "
            + "set a nodeSelector that names nodes with that label"
    )
}
