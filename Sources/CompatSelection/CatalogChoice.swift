import CompatAdmission
import CompatCore

/// What an image catalog choice asks about the workload.
public struct CatalogRequest: Sendable {
    public enum Workload: Sendable, Hashable {
        /// A Pod: the host is the node itself, and nothing is injected into the image.
        case pod
        /// A Flux Operator MiniCluster: Flux from the view image (`spec.flux.container.image`, `nil` when
        /// unset) runs inside the application image.
        case miniCluster(fluxViewImage: String?)
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
/// - Pods: the host is the node (architecture, GPU, NFD's OS release); nothing is injected, so the
///   descriptive mode does not constrain the image's C library.
/// - MiniClusters, baseline modes (the experiment's choices, which may change the view):
///   `basic` draws an image for the architecture and keeps the view; `platform` draws an image, then a
///   view of that image's OS vendor; `platform-version` draws an image, then the view of its release line.
/// - MiniClusters, descriptive modes: the view is given, and the image must work with it
///   (``FluxView/hostEnvironment(gpu:mpi:)``: the view's OS and what its Flux needs from the image).
///
/// Views a baseline mode may draw are those of the architecture whose release line some catalog image
/// of that architecture shares, which is the experiment's set (focal, jammy, rocky 8 and 9): a view no
/// image was built for (noble) could only fail.
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
        case .pod:
            guard let architecture = request.node.architecture else { throw Self.missingArchitecture }
            let host = HostEnvironment(
                architecture: architecture, operatingSystem: request.node.operatingSystem, gpu: request.node.gpu, mpi: request.mpi,
                runtimeABI: .unconstrained
            )
            let selection = try select(host, request.mode, &random, hostName: "the nodes")
            return CatalogChoice(
                image: selection.image, fluxView: nil, preCommands: selection.preCommands, candidateCount: selection.candidates.count,
                explanation: "\(request.mode) chose \(selection.image.name) among \(selection.candidates.count) images for \(host.architecture) nodes"
            )
        case .miniCluster(let viewImage):
            let viewImage = viewImage ?? Self.defaultFluxViewImage
            let current = views.view(named: viewImage)
            if request.mode.isDescriptive {
                return try chooseForView(current, viewImage: viewImage, request, &random)
            }
            guard let architecture = request.node.architecture ?? current?.architecture else { throw Self.missingArchitecture }
            let selection = try select(HostEnvironment(architecture: architecture), .basic, &random, hostName: "the nodes")
            let view = try pairedView(for: selection.image, mode: request.mode, architecture: architecture, seed: request.seed)
            let pairing = view.map { " with flux view \($0.image)" } ?? ", keeping flux view \(viewImage)"
            return CatalogChoice(
                image: selection.image, fluxView: view, preCommands: [], candidateCount: selection.candidates.count,
                explanation: "\(request.mode) drew \(selection.image.name) among \(selection.candidates.count) \(architecture) images\(pairing)"
            )
        }
    }

    /// The descriptive modes: an image that runs with the given view's Flux on these nodes.
    private func chooseForView(
        _ view: FluxView?, viewImage: String, _ request: CatalogRequest, _ random: inout SeededRandom
    ) throws(SelectionRefusal) -> CatalogChoice {
        guard let view else {
            let known = views.views.map(\.image).joined(separator: ", ")
            throw SelectionRefusal(
                .invalidRequest,
                "flux view \(viewImage) (spec.flux.container.image) is not in the view catalog, so what its Flux needs from the "
                    + "application image is unknown; use one of \(known), or mode basic, platform or platform-version"
            )
        }
        if let architecture = request.node.architecture, architecture != view.architecture {
            let matching = views.views(for: architecture).map(\.image).joined(separator: ", ")
            throw SelectionRefusal(
                .invalidRequest,
                "flux view \(view.image) is built for \(view.architecture) but the nodes are \(architecture); set "
                    + "spec.flux.container.image to a \(architecture) view (\(matching.isEmpty ? "none is known" : matching))"
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
