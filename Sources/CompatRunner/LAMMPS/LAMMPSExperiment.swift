import CompatAdmission
import CompatCore
import CompatSimulation
import Foundation

/// One LAMMPS run after admission: the patched MiniCluster and what it resolved to.
public struct AdmittedLAMMPSJob: Sendable {
    public var mode: SelectionMode
    public var iteration: Int
    /// The MiniCluster after the webhook's patch, with the command set for the chosen image.
    public var object: JSONValue
    public var image: CatalogImage
    public var view: FluxView
    public var executable: LAMMPSExecutable
    public var environmentScriptSourced: Bool
    /// Time for the AdmissionReview round trip, in milliseconds.
    public var selectionLatencyMilliseconds: Double
    /// How many flux views were drawn before the webhook admitted one (descriptive modes redraw on a
    /// no-match denial, as lammps-matrix did).
    public var viewDraws: Int
}

/// Where an admitted job runs: the embedded simulated cluster, or a real one.
public protocol LAMMPSBackend {
    func run(_ job: AdmittedLAMMPSJob) throws -> RunRecord
}

/// Why an experiment stopped.
public struct ExperimentError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The lammps-matrix flux-operator experiment: for each mode and iteration, submit the MiniCluster to the
/// webhook, apply its patch and run the result.
///
/// The runner only draws what the user of the experiment drew: the flux view for the descriptive modes (a
/// uniformly random view of the architecture) and the fixed `jammy` view otherwise. Every image choice
/// (and the baseline modes' view choice) is the webhook's, seeded per request through the seed annotation,
/// so the same `--seed` reproduces every choice and every outcome.
public struct LAMMPSExperiment {
    public var template: LAMMPSJobTemplate
    public var catalog: ImageCatalog
    public var views: FluxViewCatalog
    public var admission: AdmissionRoundTrip
    public var backend: any LAMMPSBackend
    /// Upper bound on view draws per iteration in the descriptive modes.
    public var maximumViewDraws = 20

    public init(template: LAMMPSJobTemplate, catalog: ImageCatalog, views: FluxViewCatalog, admission: AdmissionRoundTrip, backend: any LAMMPSBackend) {
        self.template = template
        self.catalog = catalog
        self.views = views
        self.admission = admission
        self.backend = backend
    }

    static let miniClusterKind = GroupVersionKind(group: "flux-framework.org", version: "v1alpha2", kind: "MiniCluster")
    static let miniClusterResource = GroupVersionResource(group: "flux-framework.org", version: "v1alpha2", resource: "miniclusters")

    /// Runs one iteration of one mode.
    public func run(mode: SelectionMode, iteration: Int, architecture: Architecture, seed: UInt64) throws -> RunRecord {
        try backend.run(try admit(mode: mode, iteration: iteration, architecture: architecture, seed: seed))
    }

    /// Submits the iteration's MiniCluster until the webhook admits it (redrawing the view in the
    /// descriptive modes), and resolves what the patch chose.
    public func admit(mode: SelectionMode, iteration: Int, architecture: Architecture, seed: UInt64) throws -> AdmittedLAMMPSJob {
        let submissions = LAMMPSSubmissions(template: template, catalog: catalog, views: views)
        var draws = try submissions.draws(mode: mode, iteration: iteration, architecture: architecture, seed: seed)
        var rejections: [String] = []
        for draw in 1...maximumViewDraws {
            let submission = draws.next(draw: draw)
            let uid = "compat-run-\(seed)-\(mode.rawValue)-\(iteration)-\(draw)"
            let started = ContinuousClock.now
            let result = try admission.review(submission.object, uid: uid, kind: Self.miniClusterKind, resource: Self.miniClusterResource)
            let elapsed = ContinuousClock.now - started
            guard result.allowed else {
                rejections.append("\(submission.view.name): \(result.message ?? "denied")")
                if mode.isDescriptive { continue }
                throw ExperimentError("the webhook denied \(template.name(iteration: iteration)) in mode \(mode.rawValue): \(result.message ?? "no reason given")")
            }
            return try resolve(result.object, mode: mode, iteration: iteration, latency: elapsed, draws: draw)
        }
        throw ExperimentError("no flux view was admitted after \(maximumViewDraws) draws in mode \(mode.rawValue): \(rejections.last ?? "")")
    }

    private func resolve(_ patched: JSONValue, mode: SelectionMode, iteration: Int, latency: Duration, draws: Int) throws -> AdmittedLAMMPSJob {
        let container = patched["spec"]?["containers"]?.arrayValue?.first
        guard let imageName = container?["image"]?.stringValue, imageName != template.placeholder else {
            throw ExperimentError("the webhook admitted \(template.name(iteration: iteration)) without choosing an image")
        }
        guard let image = catalog.images.first(where: { $0.name == imageName }) else {
            throw ExperimentError("the webhook chose \(imageName), which is not in the catalog")
        }
        guard let viewImage = patched["spec"]?["flux"]?["container"]?["image"]?.stringValue,
            let view = views.views.first(where: { $0.image == viewImage })
        else {
            throw ExperimentError("the patched MiniCluster's flux view is not in the view catalog")
        }
        guard let executable = LAMMPSExecutable.carried(by: image.attributes) else {
            throw ExperimentError("cannot tell which LAMMPS executable \(imageName) carries")
        }
        let preCommands = container?["commands"]?["pre"]?.stringValue ?? ""
        let sourced = image.attributes.mpi.map { mpi in
            let setup = mpi.kind.environmentSetupCommands
            return !setup.isEmpty && setup.allSatisfy { preCommands.contains($0) }
        } ?? false
        var object = patched
        if case .object(var spec)? = object["spec"], case .array(var containers)? = spec["containers"], case .object(var first)? = containers.first {
            first["command"] = .string(LAMMPSJobTemplate.command(executable: executable.rawValue))
            containers[0] = .object(first)
            spec["containers"] = .array(containers)
            if case .object(var root) = object {
                root["spec"] = .object(spec)
                object = .object(root)
            }
        }
        return AdmittedLAMMPSJob(
            mode: mode, iteration: iteration, object: object, image: image, view: view, executable: executable,
            environmentScriptSourced: sourced,
            selectionLatencyMilliseconds: latency.inSeconds * 1000, viewDraws: draws
        )
    }
}

/// The MiniClusters an iteration submits, draw by draw: what the experiment's user chose before the
/// webhook (the flux view, and the request's seed annotation). A dry run prints the first draw of each
/// iteration; the experiment submits them until one is admitted.
struct LAMMPSSubmissions {
    var template: LAMMPSJobTemplate
    var catalog: ImageCatalog
    var views: FluxViewCatalog

    /// One submission: the object, the view it names, and the seed in its annotation.
    public struct Submission {
        public var object: JSONValue
        public var view: FluxView
        public var seed: UInt64
    }

    /// The draws of one iteration, in order.
    public struct Draws {
        let submissions: LAMMPSSubmissions
        let mode: SelectionMode
        let iteration: Int
        let seed: UInt64
        let candidates: [FluxView]
        let jammy: FluxView
        var viewRandom: SeededRandom

        /// Draw `draw` (1-based): the descriptive modes draw a view uniformly among the experiment's;
        /// the others submit the fixed `jammy` view, which the webhook may change.
        public mutating func next(draw: Int) -> Submission {
            let view = mode.isDescriptive ? viewRandom.element(of: candidates) ?? jammy : jammy
            var requestSeed = SeededRandom(seed: seed, stream: "\(mode.rawValue)/\(iteration)/\(draw)/request")
            let annotationSeed = requestSeed.next()
            return Submission(
                object: submissions.template.miniCluster(iteration: iteration, mode: mode, fluxView: view.image, seed: annotationSeed),
                view: view, seed: annotationSeed
            )
        }
    }

    /// The experiment's views for `architecture`: those on a release line some image of the architecture
    /// was built on (focal, jammy, rocky 8 and 9), not every view the catalog knows (noble had no images).
    public func candidateViews(_ architecture: Architecture) -> [FluxView] {
        views.views(for: architecture).filter { view in
            catalog.images.contains {
                $0.attributes.architecture == architecture && $0.attributes.operatingSystem?.sharesReleaseLine(with: view.operatingSystem) == true
            }
        }
    }

    public func draws(mode: SelectionMode, iteration: Int, architecture: Architecture, seed: UInt64) throws -> Draws {
        let candidates = candidateViews(architecture)
        guard !candidates.isEmpty, let jammy = views.views(for: architecture).first(where: { $0.operatingSystem.version == Version("22.04") && $0.operatingSystem.vendor == .ubuntu })
        else {
            throw ExperimentError("no flux views for \(architecture) in the view catalog")
        }
        return Draws(
            submissions: self, mode: mode, iteration: iteration, seed: seed, candidates: candidates, jammy: jammy,
            viewRandom: SeededRandom(seed: seed, stream: "\(mode.rawValue)/\(iteration)/views")
        )
    }
}
