import ArgumentParser
import CompatCore
import Foundation

/// `compat match`: compspec-go's `match` with its semantics and flags, without its bugs.
///
/// Same: `-i manifests.yaml`, repeatable `-m/--match KEY=VALUE` (exact AND), `-s/--single`,
/// `-r/--randomize`, `--cache DIR` in compspec-go's file naming, and exit status 1 for an unknown value
/// or an empty intersection. Fixed: the cache is read before anything is fetched; an argument without
/// `=` is a usage error instead of a panic; output is in manifest order unless randomized, and then
/// reproducible with `--seed`; stdout carries only the images (or JSON).
struct MatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "List the images whose compspec artifacts match every KEY=VALUE exactly (compspec-go compatible).",
        discussion: """
            Artifacts are read from the cache directory (compspec-go naming: the artifact reference with '/' \
            and ':' replaced by '-', plus '.json') or from a file path the manifest names (relative to the \
            manifest). Exit status: 0 with matches, 1 when a field is unknown or empties the match set, \
            2 when an input cannot be read or decoded.
            """
    )

    @Option(name: .shortAndLong, help: "The manifest list (YAML or JSON): images: [{name, artifact}].")
    var input: String

    @Option(name: [.customShort("m"), .customLong("match")], help: "An exact criterion KEY=VALUE, e.g. org.supercontainers.os.version=22.04. Repeatable; all must hold.")
    var criteria: [String] = []

    @Flag(name: .shortAndLong, help: "Print only one image (the first, or a random one with --randomize).")
    var single = false

    @Flag(name: .shortAndLong, help: "Shuffle the matches.")
    var randomize = false

    @Option(help: "Seed for --randomize, so that the same seed gives the same order (default: a fresh seed, reported with --json).")
    var seed: UInt64?

    @Option(help: "Directory of cached artifacts (must exist), read before any other source.")
    var cache: String?

    @Flag(help: "Print {\"criteria\", \"matches\", \"seed\"} as JSON instead of one image per line.")
    var json = false

    func run() throws {
        try reportingFailures {
            let parsedCriteria = try criteria.map { argument in
                do throws(MatchCriterionError) {
                    return try MatchCriterion(parsing: argument)
                } catch {
                    throw CLIFailure.unreadableInput(error.description)
                }
            }
            if seed != nil && !randomize {
                throw CLIFailure.unreadableInput("--seed only orders a shuffle; add --randomize or drop --seed")
            }
            let catalog = try loadCatalog()
            var matches: [CatalogImage]
            switch ExactMatcher.match(parsedCriteria, in: catalog) {
            case .success(let images): matches = images
            case .failure(let failure): throw CLIFailure.evaluationFailed(failure.description)
            }
            if parsedCriteria.isEmpty {
                FileHandle.standardError.write(Data("compat: no field criteria provided, all images are matches\n".utf8))
            }
            var usedSeed: UInt64?
            if randomize {
                let chosenSeed = seed ?? UInt64.random(in: .min ... .max)
                var random = SeededRandom(seed: chosenSeed, stream: "compat-match")
                matches = shuffled(matches, using: &random)
                usedSeed = chosenSeed
            }
            if single { matches = Array(matches.prefix(1)) }
            printResult(parsedCriteria, matches.map(\.name), seed: usedSeed)
        }
    }

    /// Fisher–Yates with the project's seeded source (the standard library's shuffle is not specified
    /// to stay the same across toolchains).
    private func shuffled(_ images: [CatalogImage], using random: inout SeededRandom) -> [CatalogImage] {
        var out = images
        var i = out.count - 1
        while i > 0 {
            out.swapAt(i, random.index(below: i + 1))
            i -= 1
        }
        return out
    }

    private func printResult(_ criteria: [MatchCriterion], _ names: [String], seed: UInt64?) {
        guard json else {
            for name in names { printLine(name) }
            return
        }
        var object = JSONObject()
        object["criteria"] = .array(criteria.map { .object(JSONObject([("key", .string($0.key)), ("value", .string($0.value))])) })
        object["matches"] = .array(names.map { .string($0) })
        if let seed { object["seed"] = .number(String(seed)) }
        printLine(JSONValue.object(object).serialized(pretty: true))
    }

    private func loadCatalog() throws -> ImageCatalog {
        let manifests: ImageManifestList
        do {
            manifests = try ImageManifestList(decoding: try readInput(input, as: "manifest list"))
        } catch let error as ArtifactDecodingError {
            throw CLIFailure.unreadableInput("manifest list '\(input)': \(error)")
        }
        var sources: [any ArtifactSource] = []
        if let cache {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: cache, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CLIFailure.unreadableInput("cache directory '\(cache)' does not exist or is not a directory")
            }
            sources.append(CacheDirectoryArtifactSource(directory: cache))
        }
        let manifestDirectory = input == "-" ? FileManager.default.currentDirectoryPath : (input as NSString).deletingLastPathComponent
        sources.append(LocalFileArtifactSource(baseDirectory: manifestDirectory))
        let resolver = ArtifactResolver(sources: sources)

        var specs: [String: CompatibilitySpec] = [:]
        for entry in manifests.images where specs[entry.artifact] == nil {
            let found = try resolver.resolve(entry.artifact, image: entry.name)
            do {
                specs[entry.artifact] = try CompatibilitySpec(decoding: found.bytes)
            } catch {
                throw CLIFailure.unreadableInput("artifact '\(entry.artifact)' of image '\(entry.name)' (read from \(found.origin)): \(error)")
            }
        }
        do {
            return try ImageCatalog(manifests: manifests, specs: specs)
        } catch {
            throw CLIFailure.unreadableInput(error.description)
        }
    }
}

// MARK: - Where artifacts come from

/// What a source found for an artifact reference.
enum ArtifactLookup {
    /// The artifact's bytes and where they were read (for messages).
    case found(bytes: [UInt8], origin: String)
    /// Not here; `checked` says where this source looked.
    case notFound(checked: String)
}

/// One place `compat match` can get a compatibility artifact from. The cache directory and local files
/// are built in; an OCI registry client plugs in as another source appended to the resolver's list.
protocol ArtifactSource {
    func lookup(_ reference: String) throws -> ArtifactLookup
}

/// compspec-go's `--cache` layout: `<reference with '/' and ':' replaced by '-'>.json` in one directory,
/// e.g. `ghcr.io-rse-ops-lammps-matrix-mpich-ubuntu-22.04-amd64-compspec.json`.
struct CacheDirectoryArtifactSource: ArtifactSource {
    var directory: String

    static func fileName(for reference: String) -> String {
        String(reference.map { $0 == "/" || $0 == ":" ? "-" : $0 }) + ".json"
    }

    func path(for reference: String) -> String {
        (directory as NSString).appendingPathComponent(Self.fileName(for: reference))
    }

    func lookup(_ reference: String) throws -> ArtifactLookup {
        let file = path(for: reference)
        guard FileManager.default.fileExists(atPath: file) else { return .notFound(checked: "cache file '\(file)'") }
        return .found(bytes: try readInput(file, as: "cached artifact"), origin: "cache file '\(file)'")
    }
}

/// An artifact reference that is a path to a file, absolute or relative to the manifest's directory.
struct LocalFileArtifactSource: ArtifactSource {
    var baseDirectory: String

    func lookup(_ reference: String) throws -> ArtifactLookup {
        let file = reference.hasPrefix("/") ? reference : (baseDirectory as NSString).appendingPathComponent(reference)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return .notFound(checked: "local file '\(file)'")
        }
        return .found(bytes: try readInput(file, as: "artifact file"), origin: "local file '\(file)'")
    }
}

/// Asks each source in order and fails, naming every place checked, when none has the artifact.
struct ArtifactResolver {
    var sources: [any ArtifactSource]

    func resolve(_ reference: String, image: String) throws -> (bytes: [UInt8], origin: String) {
        var checked: [String] = []
        for source in sources {
            switch try source.lookup(reference) {
            case .found(let bytes, let origin): return (bytes, origin)
            case .notFound(let place): checked.append(place)
            }
        }
        let cacheHint = sources.contains { $0 is CacheDirectoryArtifactSource }
            ? "" : " (no --cache directory was given)"
        throw CLIFailure.unreadableInput(
            "artifact '\(reference)' of image '\(image)' was not found: checked \(checked.joined(separator: ", "))\(cacheHint); "
                + "no registry client is configured in this build, so pull the artifact and save it in the cache directory as "
                + "'\(CacheDirectoryArtifactSource.fileName(for: reference))'"
        )
    }
}
