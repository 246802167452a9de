import CompatCore
import CompatModels

/// A training CSV of the AWS HPCG study that cannot be used: what is wrong and where.
public struct HPCGDataError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// Why no figure of merit can be given for an instance type and build.
public enum HPCGLookupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The instance type has no row in the data.
    case unknownInstance(String, known: [String])
    /// The build's `-march` target is not one this package knows the architecture of.
    case unknownMicroArchitecture(String)
    /// The build cannot run on the instance at all (for example an AArch64 build on an x86 instance):
    /// the run would fail with `exec format error`, so there is nothing to estimate.
    case architectureMismatch(build: String, instance: String, instanceArchitecture: Architecture)

    public var description: String {
        switch self {
        case .unknownInstance(let name, let known):
            "instance type '\(name)' was never measured (the data has: \(known.joined(separator: ", ")))"
        case .unknownMicroArchitecture(let target):
            "build target '\(target)' is not a known x86-64 or AArch64 -march name; cannot tell where it runs"
        case .architectureMismatch(let build, let instance, let architecture):
            "build '\(build)' cannot run on \(instance) (\(architecture)): its target is for another architecture"
        }
    }
}

/// One measured HPCG run: `instance.build.iteration` → figure of merit.
public struct HPCGObservation: Sendable, Hashable {
    public var instance: String
    public var build: HPCGBuild
    public var iteration: Int
    /// HPCG's figure of merit (GFLOP/s rating), the CSV's `y_actual`.
    public var figureOfMerit: Double
}

/// The figure of merit the model experiment records for a run, and where it came from.
public struct HPCGMeasurement: Sendable, Hashable {
    /// How the value was obtained.
    public enum Basis: Sendable, Hashable {
        /// A measured iteration of exactly this instance × build.
        case measured
        /// The build was never measured on this instance; the same micro-architecture at the nearest
        /// optimisation level was (ties go to the lower level).
        case sameMicroArchitectureNearestLevel
        /// This micro-architecture was never measured on this instance; the median build (by median
        /// FOM) among those measured there at the same level, or at the nearest level that has any.
        case typicalBuildAtNearestLevel
    }

    public var instance: String
    public var requestedBuild: HPCGBuild
    /// The build whose measurement is reported (equal to ``requestedBuild`` when measured).
    public var measuredBuild: HPCGBuild
    /// The iteration drawn from ``measuredBuild``'s runs on ``instance``.
    public var iteration: Int
    public var figureOfMerit: Double
    public var basis: Basis

    /// Whether the value stands in for a pair that was never measured.
    public var estimated: Bool { basis != .measured }
}

/// HPCG figures of merit measured on EKS instance types for the builds of the HPCG matrix
/// (`features_hpcg_fom.csv` of the AWS performance study, which trained the `fom` model).
///
/// Each instance × build was run a few times (3 in the shipped data); a lookup draws one of those runs
/// with the caller's seeded generator, so repeated experiments see the real run-to-run spread.
///
/// About a third of the pairs are missing, and not at random: `bdver4` (AMD Bulldozer's FMA4/XOP) is
/// measured only at `-O0`, `-O1` and `-Og` on CPUs without those instructions, and AVX-512 targets only
/// at `-O0` on Zen 3 instances. Those runs most likely crashed with an illegal instruction, which no
/// estimate can reproduce. Estimates are therefore flagged (``HPCGMeasurement/estimated``), and callers
/// should report them apart.
public struct HPCGMeasurements: Sendable {
    public let observations: [HPCGObservation]
    /// Architecture of each instance type, from its `cpu-model.vendor_id` label (`ARM` → arm64,
    /// `Intel`/`AMD` → amd64).
    public let instanceArchitectures: [String: Architecture]
    private let runs: [Pair: [HPCGObservation]]

    private struct Pair: Hashable {
        var instance: String
        var build: HPCGBuild
    }

    /// Parses the CSV text (decompressed by the caller). The header must have `y_actual` and a column
    /// ending in `cpu-model.vendor_id`; the first column is the row name `instance.build.iteration`
    /// (`hpc7g.16xlarge.cortex-a72-Og.0.0`: the last two dot-separated parts are the iteration, the one
    /// before them the build, the rest the instance type).
    public init(csv text: String) throws(HPCGDataError) {
        let table: CSVTable
        do {
            table = try CSVTable(parsing: Array(text.utf8))
        } catch {
            throw HPCGDataError("HPCG CSV: \(error)")
        }
        let header = table.header
        guard let fomColumn = header.firstIndex(of: "y_actual") else {
            throw HPCGDataError("HPCG CSV header has no 'y_actual' column (the figure of merit)")
        }
        guard let vendorColumn = header.firstIndex(where: { $0.hasSuffix("cpu-model.vendor_id") }) else {
            throw HPCGDataError("HPCG CSV header has no '…cpu-model.vendor_id' column (needed to know each instance's architecture)")
        }
        var observations: [HPCGObservation] = []
        var architectures: [String: Architecture] = [:]
        for (offset, row) in table.rows.enumerated() {
            let rowNumber = offset + 1
            let name = row[0]
            let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 4, let build = HPCGBuild(name: parts[parts.count - 3]),
                  let iterationValue = Double(parts.suffix(2).joined(separator: ".")),
                  iterationValue >= 0, iterationValue < 1e9, iterationValue == iterationValue.rounded()
            else {
                throw HPCGDataError("HPCG CSV data row \(rowNumber): row name '\(name)' is not 'instance.build.iteration' (e.g. 'hpc7g.16xlarge.cortex-a72-Og.0.0')")
            }
            let instance = parts.dropLast(3).joined(separator: ".")
            guard let fom = Double(row[fomColumn]), fom.isFinite else {
                throw HPCGDataError("HPCG CSV data row \(rowNumber) ('\(name)'): y_actual '\(row[fomColumn])' is not a finite number")
            }
            let architecture: Architecture
            switch row[vendorColumn] {
            case "ARM": architecture = .arm64
            case "Intel", "AMD", "GenuineIntel", "AuthenticAMD": architecture = .amd64
            case let other:
                throw HPCGDataError("HPCG CSV data row \(rowNumber) ('\(name)'): unknown CPU vendor '\(other)' (expected ARM, Intel or AMD)")
            }
            if let known = architectures[instance], known != architecture {
                throw HPCGDataError("HPCG CSV data row \(rowNumber): instance '\(instance)' is \(architecture) here but \(known) in an earlier row")
            }
            architectures[instance] = architecture
            observations.append(HPCGObservation(instance: instance, build: build, iteration: Int(iterationValue), figureOfMerit: fom))
        }
        self.observations = observations
        self.instanceArchitectures = architectures
        var runs: [Pair: [HPCGObservation]] = [:]
        for o in observations { runs[Pair(instance: o.instance, build: o.build), default: []].append(o) }
        // Iteration order makes a seeded draw independent of row order in the file.
        self.runs = runs.mapValues { $0.sorted { ($0.iteration, $0.figureOfMerit) < ($1.iteration, $1.figureOfMerit) } }
    }

    /// Instance types in the data, sorted.
    public var instances: [String] { instanceArchitectures.keys.sorted() }

    /// Builds measured on an instance type, sorted by target then level.
    public func builds(on instance: String) -> [HPCGBuild] {
        runs.keys.filter { $0.instance == instance }.map(\.build).sorted()
    }

    /// The measured runs of one instance × build, by iteration (empty when never measured).
    public func observations(instance: String, build: HPCGBuild) -> [HPCGObservation] {
        runs[Pair(instance: instance, build: build)] ?? []
    }

    /// The figure of merit of `build` on `instance`: one of its measured runs, drawn with `random`; or,
    /// when that pair was never measured, an estimate from the same instance's closest build:
    /// 1. the same micro-architecture at the nearest optimisation level (``OptimizationLevel/distance(to:)``;
    ///    on a tie the lower level, the conservative choice);
    /// 2. otherwise the median build (by median FOM; of an even count, the lower middle one) among
    ///    those measured on the instance at the same level, or at the nearest level that has any.
    ///
    /// A successful call takes exactly one draw from `random`, whichever rule applies; a failed one none.
    public func lookup(instance: String, build: HPCGBuild, random: inout SeededRandom) throws(HPCGLookupError) -> HPCGMeasurement {
        guard let architecture = instanceArchitectures[instance] else {
            throw .unknownInstance(instance, known: instances)
        }
        guard let runnable = build.architectures else { throw .unknownMicroArchitecture(build.microArchitecture) }
        guard runnable.contains(architecture) else {
            throw .architectureMismatch(build: build.name, instance: instance, instanceArchitecture: architecture)
        }
        let measured = builds(on: instance)
        let chosen: HPCGBuild
        let basis: HPCGMeasurement.Basis
        if runs[Pair(instance: instance, build: build)] != nil {
            chosen = build
            basis = .measured
        } else if let sibling = Self.nearestLevel(of: build, among: measured.filter { $0.microArchitecture == build.microArchitecture }) {
            chosen = sibling
            basis = .sameMicroArchitectureNearestLevel
        } else if let typical = typicalBuild(on: instance, near: build.optimization, among: measured) {
            chosen = typical
            basis = .typicalBuildAtNearestLevel
        } else {
            // Every instance in the data has at least one run, so this cannot happen with parsed data.
            throw .unknownInstance(instance, known: instances)
        }
        let candidates = observations(instance: instance, build: chosen)
        let drawn = candidates[random.index(below: candidates.count)]
        return HPCGMeasurement(
            instance: instance, requestedBuild: build, measuredBuild: chosen, iteration: drawn.iteration,
            figureOfMerit: drawn.figureOfMerit, basis: basis
        )
    }

    /// The build among `candidates` whose level is nearest `build`'s, the lower one on a tie.
    static func nearestLevel(of build: HPCGBuild, among candidates: [HPCGBuild]) -> HPCGBuild? {
        candidates.min { a, b in
            let da = a.optimization.distance(to: build.optimization), db = b.optimization.distance(to: build.optimization)
            return da != db ? da < db : a.optimization < b.optimization
        }
    }

    /// The median build by median FOM among `measured` builds at the level nearest `level`.
    private func typicalBuild(on instance: String, near level: OptimizationLevel, among measured: [HPCGBuild]) -> HPCGBuild? {
        guard let nearest = measured.map(\.optimization).min(by: { a, b in
            let da = a.distance(to: level), db = b.distance(to: level)
            return da != db ? da < db : a < b
        }) else { return nil }
        var atLevel: [(build: HPCGBuild, median: Double)] = []
        for build in measured where build.optimization == nearest {
            let median = Distribution(observations(instance: instance, build: build).map(\.figureOfMerit))?.median ?? 0
            atLevel.append((build, median))
        }
        atLevel.sort { a, b in a.median != b.median ? a.median < b.median : a.build < b.build }
        guard !atLevel.isEmpty else { return nil }
        return atLevel[(atLevel.count - 1) / 2].build
    }
}
