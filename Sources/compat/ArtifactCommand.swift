import ArgumentParser
import CompatCore
import CompatRegistry
import Foundation
import Logging

/// `compat artifact push|pull`: publish model files and compatibility specs to an OCI registry, and fetch
/// them back, with the same libcurl registry client the webhook uses (ORAS-compatible layout).
struct ArtifactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "artifact",
        abstract: "Push compatibility artifacts and performance models to an OCI registry, or pull them.",
        subcommands: [ArtifactPushCommand.self, ArtifactPullCommand.self]
    )
}

/// Registry options shared by push and pull.
struct RegistryOptions: ParsableArguments {
    @Option(name: .customLong("plain-http"), help: "Registries (host:port) reached over plain HTTP, e.g. a local docker-registry. Repeatable.")
    var plainHTTP: [String] = []

    @Option(help: "Docker config.json with registry credentials (default: none, anonymous).")
    var credentials: String?

    @Option(help: "Seconds one push or pull may take.")
    var timeout: Double = 60

    func client() throws -> RegistryClient {
        var credentialSet = RegistryCredentials.none
        if let credentials {
            do {
                credentialSet = try RegistryCredentials.dockerConfig(try readInput(credentials, as: "registry credentials"), source: credentials)
            } catch let failure as CLIFailure {
                throw failure
            } catch {
                throw CLIFailure.unreadableInput("registry credentials '\(credentials)': \(error)")
            }
        }
        let limit = Duration.milliseconds(Int64((max(timeout, 1) * 1000).rounded()))
        return RegistryClient(
            configuration: .init(insecureRegistries: Set(plainHTTP), credentials: credentialSet, fetchTimeout: limit, pushTimeout: limit),
            logger: Logger(label: "compat", factory: { _ in SwiftLogNoOpLogHandler() })
        )
    }
}

func parseReference(_ text: String) throws -> ImageReference {
    do {
        return try ImageReference.parse(text)
    } catch {
        throw CLIFailure.unreadableInput("'\(text)' is not an OCI reference (registry/repository:tag or @sha256:…): \(error)")
    }
}

struct ArtifactPushCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Push files as one OCI artifact (one layer per file, titled with its file name).",
        discussion: """
            Each file's kind is detected (compspec, image-compatibility, model-compatibility, performance-model) and \
            gives its layer media type; the artifact type is the first file's. Files are validated first: nothing \
            invalid is published. Example:
              compat artifact push --plain-http 127.0.0.1:5000 127.0.0.1:5000/hpc/models:v1 \\
                models/model-compatibility.json models/trained/fom.json
            """
    )

    @Argument(help: "Where to push: registry/repository:tag.")
    var reference: String

    @Argument(help: "Files to push.")
    var files: [String]

    @Option(help: "Attach the artifact to this image (its subject), in the same repository.")
    var subject: String?

    @OptionGroup var registry: RegistryOptions

    func run() throws {
        try reportingFailures {
            let target = try parseReference(reference)
            var pushed: [ArtifactFile] = []
            for path in files {
                let bytes = try readInput(path, as: "artifact")
                let kind: ArtifactKind
                do {
                    let document = try DocumentDecoder.decode(bytes)
                    kind = try ArtifactKind.detect(document)
                    _ = try ArtifactValidation.check(document, as: kind)
                } catch {
                    throw CLIFailure.evaluationFailed("\(path) is not a valid artifact, nothing was pushed: \(error)")
                }
                guard let mediaType = ArtifactKind.mediaTypes.first(where: { $0.kind == kind })?.mediaType else {
                    throw CLIFailure.evaluationFailed("\(path) is a \(kind), which is not published as an OCI layer; push the artifacts it lists")
                }
                pushed.append(ArtifactFile(bytes: bytes, mediaType: mediaType, title: (path as NSString).lastPathComponent))
            }
            let titles = pushed.map(\.title)
            guard Set(titles).count == titles.count else {
                throw CLIFailure.evaluationFailed("two files share a file name (\(titles.joined(separator: ", "))); layers are named by file name")
            }
            do {
                let result = try registry.client().push(
                    ArtifactPush(artifactType: pushed[0].mediaType, files: pushed, subject: try subject.map(parseReference)), to: target
                )
                printLine("pushed \(result.reference)")
                for (file, layer) in zip(pushed, result.manifest.layers) {
                    printLine("  \(file.title)  \(layer.mediaType)  \(layer.digest)  \(layer.size) bytes")
                }
            } catch let error as RegistryError {
                throw CLIFailure.evaluationFailed("push to \(target) failed: \(error)")
            }
        }
    }
}

struct ArtifactPullCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Pull every file of an OCI artifact into a directory, each verified against its digest.",
        discussion: "Files are written under their layer titles; an existing file is replaced only with --force."
    )

    @Argument(help: "What to pull: registry/repository:tag or @sha256:….")
    var reference: String

    @Option(name: .customLong("out"), help: "Directory to write the files into (created if needed).")
    var directory = "."

    @Flag(help: "Replace files that already exist.")
    var force = false

    @OptionGroup var registry: RegistryOptions

    func run() throws {
        try reportingFailures {
            let source = try parseReference(reference)
            let pulled: PulledFiles
            do {
                pulled = try registry.client().pullFiles(source)
            } catch let error as RegistryError {
                throw CLIFailure.evaluationFailed("pull of \(source) failed: \(error)")
            }
            let folder = URL(fileURLWithPath: directory, isDirectory: true)
            for file in pulled.files where !force && FileManager.default.fileExists(atPath: folder.appendingPathComponent(file.title).path) {
                throw CLIFailure.evaluationFailed("\(folder.appendingPathComponent(file.title).path) exists; pass --force to replace it")
            }
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                for file in pulled.files {
                    try Data(file.bytes).write(to: folder.appendingPathComponent(file.title), options: .atomic)
                }
            } catch {
                throw CLIFailure.unreadableInput("cannot write into \(directory): \(error)")
            }
            printLine("pulled \(pulled.reference)")
            for (file, layer) in zip(pulled.files, pulled.layers) {
                printLine("  \(file.title)  \(layer.mediaType)  \(layer.digest)  \(layer.size) bytes")
            }
        }
    }
}
