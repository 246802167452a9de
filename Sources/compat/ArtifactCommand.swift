import ArgumentParser
import CompatArtifacts
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
        abstract: "Push compatibility artifacts, model specs with their models, or a compspec catalog to an OCI registry.",
        discussion: """
            Files: one artifact, one layer per file titled with its file name. Each file's kind is detected \
            (compspec, image-compatibility, model-compatibility, performance-model) and gives its layer media type; \
            the artifact type is the first file's. A model-compatibility spec takes along the model files its entries \
            name (filename, relative to the spec), titled with that path.
            Catalog: a compspec manifests.yaml (or its folder). Each listed compspec spec (found beside the list, or \
            under cache/ by compspec-go's cache name) is pushed as its own artifact in compspec-go's layout \
            (<repository>:<image tag>-compspec, layer application/org.supercontainers.compspec), then the list, its \
            artifact references rewritten to those artifacts and pinned by digest, at the reference given \
            (layer application/vnd.compat.image-manifests.v1+yaml). With --list-only the list is pushed as it is, \
            for artifacts already published.
            Everything is validated first: nothing invalid is published. Examples:
              compat artifact push --plain-http 127.0.0.1:5000 127.0.0.1:5000/hpc/models:v1 models/model-compatibility.json
              compat artifact push --plain-http 127.0.0.1:5000 127.0.0.1:5000/hpc/lammps-matrix:catalog-v1 artifacts/lammps-matrix
            """
    )

    @Argument(help: "Where to push: registry/repository:tag.")
    var reference: String

    @Argument(help: "Files to push, or one catalog list (manifests.yaml) or catalog folder.")
    var files: [String]

    @Option(help: "Attach the artifact to this image (its subject), in the same repository.")
    var subject: String?

    @Flag(help: "For a catalog: push only the list, its artifact references unchanged (the artifacts are already published).")
    var listOnly = false

    @OptionGroup var registry: RegistryOptions

    func run() throws {
        try reportingFailures {
            let target = try parseReference(reference)
            if files.count == 1, let list = try ArtifactPublishing.catalogList(at: files[0]) {
                try pushCatalog(list, to: target)
                return
            }
            if listOnly { throw CLIFailure.evaluationFailed("--list-only is for a catalog list (manifests.yaml) or folder; \(files.joined(separator: ", ")) is not one") }
            var pushed: [ArtifactFile] = []
            var models: [ArtifactFile] = []
            var notes: [String] = []
            for path in files {
                let bytes = try readInput(path, as: "artifact")
                let kind: ArtifactKind
                let document: JSONValue
                do {
                    document = try DocumentDecoder.decode(bytes)
                    kind = try ArtifactKind.detect(document)
                    _ = try ArtifactValidation.check(document, as: kind)
                } catch {
                    throw CLIFailure.evaluationFailed("\(path) is not a valid artifact, nothing was pushed: \(error)")
                }
                if kind == .manifestList {
                    throw CLIFailure.evaluationFailed("\(path) is a catalog list; push it on its own (compat artifact push REFERENCE \(path))")
                }
                guard let mediaType = ArtifactPublishing.layerMediaType(of: kind) else {
                    throw CLIFailure.evaluationFailed("\(path) is a \(kind), which is not published as an OCI layer")
                }
                if kind == .modelCompatibility {
                    let named = try ModelFiles.named(by: path, document: document)
                    models += named.files
                    notes += named.skipped.map { "  not pushed: \($0)" }
                }
                pushed.append(ArtifactFile(bytes: bytes, mediaType: mediaType, title: (path as NSString).lastPathComponent))
            }
            // Files given explicitly win over the same file named by a spec.
            pushed += models.filter { model in !pushed.contains { $0.bytes == model.bytes && $0.mediaType == model.mediaType } }
            let titles = pushed.map(\.title)
            guard Set(titles).count == titles.count else {
                throw CLIFailure.evaluationFailed("two files share a file name (\(titles.joined(separator: ", "))); layers are named by file name")
            }
            let result = try push(ArtifactPush(artifactType: pushed[0].mediaType, files: pushed, subject: try subject.map(parseReference)), to: target)
            printPushed(result, pushed)
            notes.forEach(printLine)
        }
    }

    /// The catalog's artifacts, then the list naming them.
    private func pushCatalog(_ listFile: String, to target: ImageReference) throws {
        if subject != nil { throw CLIFailure.evaluationFailed("--subject is for single artifacts; a catalog list describes many images") }
        let client = try registry.client()
        let list: [UInt8]
        if listOnly {
            let bytes = try readInput(listFile, as: "catalog list")
            do {
                _ = try ImageManifestList(decoding: bytes)
            } catch {
                throw CLIFailure.unreadableInput("catalog list '\(listFile)': \(error)")
            }
            list = bytes
        } else {
            let catalog = try CatalogPublication(listFile: listFile, target: target)
            var published: [String: String] = [:]
            for member in catalog.members {
                let file = ArtifactFile(
                    bytes: member.bytes, mediaType: CatalogPublication.compspecMediaType, title: (member.file as NSString).lastPathComponent
                )
                let result = try push(
                    ArtifactPush(artifactType: CatalogPublication.compspecMediaType, files: [file]), to: target.tagged(member.tag), with: client
                )
                published[member.listed] = result.reference.description
                printLine("pushed \(result.reference)  (\(member.image))")
            }
            let entries = catalog.manifests.images.map { ImageManifestList.Entry(name: $0.name, artifact: published[$0.artifact] ?? $0.artifact) }
            list = CatalogPublication.listDocument(entries, source: listFile)
        }
        let file = ArtifactFile(bytes: list, mediaType: CatalogMediaType.manifestList, title: "manifests.yaml")
        let result = try push(ArtifactPush(artifactType: CatalogMediaType.manifestList, files: [file]), to: target, with: client)
        printPushed(result, [file])
    }

    private func push(_ artifact: ArtifactPush, to target: ImageReference, with client: RegistryClient? = nil) throws -> PushedArtifact {
        do {
            return try (client ?? registry.client()).push(artifact, to: target)
        } catch let error as RegistryError {
            throw CLIFailure.evaluationFailed("push to \(target) failed: \(error)")
        }
    }

    private func printPushed(_ result: PushedArtifact, _ files: [ArtifactFile]) {
        printLine("pushed \(result.reference)")
        for (file, layer) in zip(files, result.manifest.layers) {
            printLine("  \(PulledFileName.destination(of: file))  \(layer.mediaType)  \(layer.digest)  \(layer.size) bytes")
        }
    }
}

struct ArtifactPullCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Pull every file of an OCI artifact into a directory, each verified against its digest.",
        discussion: """
            Files are written under their layer titles; model files pushed with a model-compatibility spec go to the \
            path the spec names them by (trained/fom.json), so the folder can serve as the webhook's --models-dir. An \
            existing file is replaced only with --force.
            """
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
            let destinations = pulled.files.map(PulledFileName.destination)
            guard Set(destinations).count == destinations.count else {
                throw CLIFailure.evaluationFailed("two layers of \(pulled.reference) go to the same file (\(destinations.joined(separator: ", "))); nothing was written")
            }
            for destination in destinations where !force && FileManager.default.fileExists(atPath: folder.appendingPathComponent(destination).path) {
                throw CLIFailure.evaluationFailed("\(folder.appendingPathComponent(destination).path) exists; pass --force to replace it")
            }
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                for (file, path) in zip(pulled.files, destinations) {
                    let destination = folder.appendingPathComponent(path)
                    try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try Data(file.bytes).write(to: destination, options: .atomic)
                }
            } catch {
                throw CLIFailure.unreadableInput("cannot write into \(directory): \(error)")
            }
            printLine("pulled \(pulled.reference)")
            for (path, layer) in zip(destinations, pulled.layers) {
                printLine("  \(path)  \(layer.mediaType)  \(layer.digest)  \(layer.size) bytes")
            }
        }
    }
}
