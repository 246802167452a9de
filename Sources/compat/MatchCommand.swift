import ArgumentParser
import CompatArtifacts
import CompatCore
import CompatRegistry
import CompatSelection
import Foundation
import Logging

/// `compat match`: compspec-go's `match` with its semantics and flags, without its bugs.
///
/// Same: `-i/--in manifests.yaml`, repeatable `-m/--match KEY=VALUE` (exact AND), `-s/--single`,
/// `-r/--randomize`, `-f/--allow-fail`, `-p/--print`, `--cache DIR` in compspec-go's file naming, artifacts
/// pulled from their registries, and exit status 1 for an unknown value or an empty intersection.
/// Fixed: the cache is read before anything is fetched; an argument without `=` is a usage error instead
/// of a panic; output is in manifest order unless randomized, and then reproducible with `--seed`; stdout
/// carries only the images (or JSON). Artifacts are read through the project's one resolver (the
/// webhook's), so `compat match` and the webhook agree on every catalog.
struct MatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "List the images whose compspec artifacts match every KEY=VALUE exactly (compspec-go compatible).",
        discussion: """
            Each artifact the manifest names is read from, in order: the cache directory (compspec-go naming: \
            the reference with '/' and ':' replaced by '-', plus '.json'); a file path relative to the manifest; \
            the manifest folder's cache/; its OCI registry. Exit status: 0 with matches, 1 when a field is \
            unknown or empties the match set, 2 when an input cannot be read or decoded.
            """
    )

    @Option(name: [.customShort("i"), .customLong("in"), .customLong("input")], help: "The manifest list (YAML or JSON): images: [{name, artifact}]; - reads stdin.")
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

    @Flag(name: [.customShort("f"), .customLong("allow-fail")], help: "Leave out images whose artifact cannot be read (each named on stderr) instead of failing.")
    var allowFail = false

    @Flag(name: [.customShort("p"), .customLong("print")], help: "Print each matching image with its compatibility attributes (key=value, indented).")
    var printAttributes = false

    @Flag(help: "Print {\"criteria\", \"matches\", \"seed\"} as JSON instead of one image per line.")
    var json = false

    @OptionGroup var registry: RegistryOptions

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
            printResult(parsedCriteria, matches, seed: usedSeed)
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

    private func printResult(_ criteria: [MatchCriterion], _ images: [CatalogImage], seed: UInt64?) {
        guard json else {
            for image in images {
                printLine(image.name)
                if printAttributes {
                    for (key, value) in image.attributes.flat.sorted(by: { $0.key < $1.key }) { printLine("  \(key)=\(value)") }
                }
            }
            return
        }
        var object = JSONObject()
        object["criteria"] = .array(criteria.map { .object(JSONObject([("key", .string($0.key)), ("value", .string($0.value))])) })
        object["matches"] = .array(images.map { .string($0.name) })
        if printAttributes {
            object["attributes"] = .object(JSONObject(images.map { image in
                (image.name, .object(JSONObject(image.attributes.flat.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })))
            }))
        }
        if let seed { object["seed"] = .number(String(seed)) }
        printLine(JSONValue.object(object).serialized(pretty: true))
    }

    /// The catalog through the project's one resolver: cache directory first, then files beside the
    /// manifest, then registries.
    private func loadCatalog() throws -> ImageCatalog {
        let manifests: ImageManifestList
        do {
            manifests = try ImageManifestList(decoding: try readInput(input, as: "manifest list"))
        } catch let error as ArtifactDecodingError {
            throw CLIFailure.unreadableInput("manifest list '\(input)': \(error)")
        }
        if let cache {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: cache, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CLIFailure.unreadableInput("cache directory '\(cache)' does not exist or is not a directory")
            }
        }
        let folder = input == "-" ? FileManager.default.currentDirectoryPath : (input as NSString).deletingLastPathComponent
        let absolute = { (path: String) in URL(fileURLWithPath: path).standardizedFileURL.path }
        let quiet = Logger(label: "compat", factory: { _ in SwiftLogNoOpLogHandler() })
        let pullTimeout = Duration.seconds(max(registry.timeout, 1))
        let source = RegistryArtifactSource(
            cache: ArtifactCache(client: try registry.client(), logger: quiet), fetchTimeout: pullTimeout, logger: quiet
        )
        // The user reads what the user can read: every local path is allowed.
        let resolver = ArtifactResolver(
            registry: source, fileRoots: FileArtifactRoots(["/"]), compspecCacheDirectory: cache.map(absolute), fileRevalidationInterval: .zero
        )
        let deadline = ContinuousClock.now + pullTimeout * (manifests.images.count + 1)
        do {
            let (catalog, failures) = try resolver.catalog(
                manifests, listedAt: input == "-" ? "stdin" : input, folder: absolute(folder), allowingFailures: allowFail, deadline: deadline
            )
            for failure in failures {
                FileHandle.standardError.write(Data("compat: left out \(failure.reference): \(failure.refusal.message)\n".utf8))
            }
            return catalog
        } catch {
            throw CLIFailure.unreadableInput(error.message)
        }
    }
}
