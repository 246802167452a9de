import CompatCore
import Foundation

/// An exact probability, `numerator / denominator` in lowest terms.
public struct Probability: Sendable, Hashable, CustomStringConvertible {
    public let numerator: Int
    public let denominator: Int

    public init(_ numerator: Int, _ denominator: Int) {
        precondition(denominator > 0 && numerator >= 0, "a probability is a non-negative fraction")
        let divisor = Self.gcd(numerator, denominator)
        self.numerator = numerator / divisor
        self.denominator = denominator / divisor
    }

    public static let zero = Probability(0, 1)

    public var value: Double { Double(numerator) / Double(denominator) }

    public static func + (a: Probability, b: Probability) -> Probability {
        let common = a.denominator / gcd(a.denominator, b.denominator) * b.denominator
        return Probability(a.numerator * (common / a.denominator) + b.numerator * (common / b.denominator), common)
    }

    public static func * (a: Probability, b: Probability) -> Probability {
        Probability(a.numerator * b.numerator, a.denominator * b.denominator)
    }

    public var description: String { "\(numerator)/\(denominator)" }

    private static func gcd(_ a: Int, _ b: Int) -> Int {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return max(1, x)
    }
}

/// The selection procedure of lammps-matrix's `experiment/flux-operator/run_experiments.py`, worked out
/// exactly rather than sampled: for each mode, the probability of every outcome when the procedure
/// draws an image (and a Flux view) and the ``SimulatedCluster`` runs the pair.
///
/// The procedure, per iteration, on a cluster of one architecture:
/// - `basic`: an image uniformly among the architecture's, with the `jammy` view;
/// - `platform`: an image uniformly, then a view uniformly among the two of the image's OS vendor
///   (focal or jammy for Ubuntu, 8 or 9 for Rocky);
/// - `platform-version`: an image uniformly, with the view of its release line;
/// - `descriptive-basic`: a view uniformly among the four, then an image uniformly among those whose
///   artifact matches the view's OS vendor and version, the cluster's GPU availability and the
///   architecture exactly (compspec `match --single --randomize`); Intel MPI images source `vars.sh`;
/// - `descriptive` (this project's mode, not the script's): a view uniformly, then an image uniformly
///   among those ``ImageSelector`` admits for the view's host environment.
///
/// GPU builds run `lmp_gpu`, the others `lmp`, as the script chose from the image name. Where the
/// runner departs from the script it is on purpose and stated here: the script stopped (an interactive
/// shell) when compspec found no image for a view; the runner draws another view instead, so the
/// descriptive modes are computed over the views that have a match. With the shipped catalog every
/// view has one, so the two agree.
public struct LAMMPSMatrixProcedure: Sendable {
    public var catalog: ImageCatalog
    /// The experiment's views (the script's `req`): focal, jammy, rocky 8 and 9 of every architecture.
    public var views: [FluxView]
    public var cluster: SimulatedCluster

    public init(catalog: ImageCatalog, views: [FluxView], cluster: SimulatedCluster = SimulatedCluster()) {
        self.catalog = catalog
        self.views = views
        self.cluster = cluster
    }

    /// One pairing the procedure can draw, with its probability.
    struct Pairing {
        var image: CatalogImage
        var view: FluxView
        var environmentScriptSourced: Bool
        var probability: Probability
    }

    /// The probability of each outcome of `mode` on a cluster of `node`s; reasons that cannot occur
    /// are absent. The probabilities add up to 1.
    public func expectedOutcomes(mode: SelectionMode, node: NodeType) throws -> [RunReason: Probability] {
        var outcomes: [RunReason: Probability] = [:]
        for pairing in try pairings(mode: mode, node: node) {
            guard let executable = LAMMPSExecutable.carried(by: pairing.image.attributes) else {
                throw SimulationInputError.imageGPUSupportUnknown(image: pairing.image.name)
            }
            let job = SimulatedJob(
                name: "expected", image: pairing.image, view: pairing.view, node: node, executable: executable,
                environmentScriptSourced: pairing.environmentScriptSourced, startedAt: Date(timeIntervalSince1970: 0)
            )
            let reason = try cluster.outcome(of: job).reason
            outcomes[reason] = (outcomes[reason] ?? .zero) + pairing.probability
        }
        return outcomes
    }

    func pairings(mode: SelectionMode, node: NodeType) throws -> [Pairing] {
        let architecture = node.architecture
        let images = catalog.images.filter { $0.attributes.architecture == architecture }
        let views = self.views.filter { $0.architecture == architecture }
        guard !images.isEmpty, let jammy = views.first(where: { $0.operatingSystem.vendor == .ubuntu && $0.operatingSystem.version == Version("22.04") }) else {
            throw ProcedureError("the catalog has no \(architecture) images, or the views no \(architecture) jammy view")
        }
        let uniformImage = Probability(1, images.count)
        switch mode {
        case .basic:
            return images.map { Pairing(image: $0, view: jammy, environmentScriptSourced: false, probability: uniformImage) }
        case .platform:
            return try images.flatMap { image in
                let vendor = image.attributes.operatingSystem?.vendor
                let same = views.filter { $0.operatingSystem.vendor == vendor }
                guard !same.isEmpty else { throw ProcedureError("no view of \(image.name)'s OS vendor") }
                return same.map { Pairing(image: image, view: $0, environmentScriptSourced: false, probability: uniformImage * Probability(1, same.count)) }
            }
        case .platformVersion:
            return try images.map { image in
                guard let os = image.attributes.operatingSystem, let view = views.first(where: { $0.operatingSystem.sharesReleaseLine(with: os) }) else {
                    throw ProcedureError("no view of \(image.name)'s release line")
                }
                return Pairing(image: image, view: view, environmentScriptSourced: false, probability: uniformImage)
            }
        case .descriptiveBasic, .descriptive:
            let selector = ImageSelector(catalog: catalog)
            let matchesPerView: [(FluxView, [CatalogImage])] = views.map { view in
                if mode == .descriptive {
                    return (view, selector.candidates(for: view.hostEnvironment(gpu: node.gpu), mode: .descriptive).images)
                }
                // compspec match: os.vendor, os.version, hardware.gpu.available and cpu.target, exactly.
                return (view, images.filter { image in
                    image.attributes.operatingSystem?.vendor == view.operatingSystem.vendor
                        && image.attributes.operatingSystem?.version == view.operatingSystem.version
                        && image.attributes.gpu?.available == node.gpu.available
                })
            }.filter { !$0.1.isEmpty }
            guard !matchesPerView.isEmpty else { throw ProcedureError("no view has a matching image in mode \(mode)") }
            let uniformView = Probability(1, matchesPerView.count)
            return matchesPerView.flatMap { view, matches in
                matches.map { image in
                    let sourced = !(image.attributes.mpi?.kind.environmentSetupCommands ?? []).isEmpty
                    return Pairing(image: image, view: view, environmentScriptSourced: sourced, probability: uniformView * Probability(1, matches.count))
                }
            }
        }
    }
}

/// Why the procedure cannot be worked out for these inputs.
public struct ProcedureError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
