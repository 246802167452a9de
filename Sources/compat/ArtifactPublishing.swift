import CompatArtifacts
import CompatCore
import CompatModels
import CompatRegistry
import Foundation

/// What `compat artifact push` publishes for each kind of input, read and validated before anything is
/// sent: nothing invalid is published, and a failure names the file and what to change.
///
/// - A compspec catalog (a `manifests.yaml`, or the folder holding one) becomes one artifact per listed
///   compspec spec, in compspec-go's per-image layout (one layer of type
///   `application/org.supercontainers.compspec`, tag `<image tag>-compspec`), in the target repository,
///   and then the list itself (layer type ``CatalogMediaType/manifestList``) at the target tag, its
///   artifact references rewritten to the pushed artifacts, pinned by digest.
/// - A model-compatibility spec takes along the model files its entries name (`filename`, relative to the
///   spec), each annotated with that path so a pull restores the layout the spec expects.
enum ArtifactPublishing {
    static func layerMediaType(of kind: ArtifactKind) -> String? {
        if kind == .manifestList { return CatalogMediaType.manifestList }
        return ArtifactKind.mediaTypes.first { $0.kind == kind }?.mediaType
    }

    /// The catalog list at `path` (a list file, or a folder holding one); `nil` when `path` is neither a
    /// folder nor a file whose document is a manifest list.
    static func catalogList(at path: String) throws -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue {
            for name in ArtifactResolver.catalogListNames {
                let candidate = (path as NSString).appendingPathComponent(name)
                if FileManager.default.fileExists(atPath: candidate) { return candidate }
            }
            throw CLIFailure.unreadableInput(
                "'\(path)' is a folder without \(ArtifactResolver.catalogListNames.joined(separator: ", ")); pass a catalog folder or artifact files"
            )
        }
        guard let document = try? DocumentDecoder.decode(try readInput(path, as: "artifact")),
              (try? ArtifactKind.detect(document)) == .manifestList else { return nil }
        return path
    }
}

// MARK: - Catalogs

/// A compspec catalog on disk, ready to publish: its list and every artifact the list names, found the
/// way the webhook finds them for a `file://` catalog (a path relative to the list's folder, then
/// compspec-go's cache name under `cache/`).
struct CatalogPublication {
    struct Member {
        /// The reference as the list writes it.
        var listed: String
        /// The first image the list pairs it with.
        var image: String
        var file: String
        var bytes: [UInt8]
        /// The tag it is pushed under in the target repository.
        var tag: String
    }

    var listFile: String
    var manifests: ImageManifestList
    /// Distinct artifacts in list order.
    var members: [Member]

    static let compspecMediaType = CompatibilityMediaType.supercontainersCompspec
    /// compspec-go's sibling-tag suffix: the artifact of `<repo>:<tag>` is `<repo>:<tag>-compspec`.
    static let compspecTagSuffix = "-compspec"

    /// Reads the list at `listFile` and every artifact it names; `target` is where the list goes (its
    /// tag must not collide with a member's).
    init(listFile: String, target: ImageReference) throws {
        self.listFile = listFile
        do {
            manifests = try ImageManifestList(decoding: try readInput(listFile, as: "catalog list"))
        } catch let error as ArtifactDecodingError {
            throw CLIFailure.unreadableInput("catalog list '\(listFile)': \(error)")
        }
        guard !manifests.images.isEmpty else {
            throw CLIFailure.evaluationFailed("catalog list '\(listFile)' lists no images; nothing was pushed")
        }
        let folder = (listFile as NSString).deletingLastPathComponent
        var members: [Member] = []
        var tagOwners: [String: String] = [:]
        for entry in manifests.images where !members.contains(where: { $0.listed == entry.artifact }) {
            let file = try Self.locate(entry.artifact, image: entry.name, folder: folder)
            let bytes = try readInput(file, as: "compspec artifact")
            do {
                let document = try DocumentDecoder.decode(bytes)
                let kind = try ArtifactKind.detect(document)
                guard kind == .compspec else {
                    throw CLIFailure.evaluationFailed(
                        "\(file) (artifact '\(entry.artifact)' of image '\(entry.name)' in \(listFile)) is a \(kind), not a compspec "
                            + "CompatibilitySpec; list compspec artifacts only. Nothing was pushed"
                    )
                }
                _ = try ArtifactValidation.check(document, as: kind)
            } catch let failure as CLIFailure {
                throw failure
            } catch {
                throw CLIFailure.evaluationFailed("\(file) (artifact of image '\(entry.name)') is not a valid compspec artifact, nothing was pushed: \(error)")
            }
            let tag = try Self.memberTag(listed: entry.artifact, image: entry.name, listFile: listFile)
            if let owner = tagOwners[tag] {
                throw CLIFailure.evaluationFailed(
                    "artifacts '\(owner)' and '\(entry.artifact)' in \(listFile) would both be pushed as tag \(tag); give them distinct tags"
                )
            }
            if tag == target.tag {
                throw CLIFailure.evaluationFailed(
                    "the list's tag \(tag) is also the tag of artifact '\(entry.artifact)' in \(listFile); push the list under another tag"
                )
            }
            tagOwners[tag] = entry.artifact
            members.append(Member(listed: entry.artifact, image: entry.name, file: file, bytes: bytes, tag: tag))
        }
        self.members = members
    }

    /// The file holding the artifact the list names: a path relative to the list's folder, then
    /// compspec-go's cache name in `cache/`.
    static func locate(_ reference: String, image: String, folder: String) throws -> String {
        let absolute = URL(fileURLWithPath: folder).standardizedFileURL.path
        let candidates = CompspecCacheLayout.memberFiles(for: reference, listFolder: absolute, cacheDirectory: nil)
        for candidate in candidates {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue { return candidate }
        }
        throw CLIFailure.unreadableInput(
            "artifact '\(reference)' of image '\(image)' is not beside the list (checked \(candidates.joined(separator: ", "))); "
                + "put the compspec file there, or push only the list with --list-only when its artifacts are already published"
        )
    }

    /// The tag a member keeps in the target repository: its own tag when the list names an OCI reference
    /// with one, else `<image tag>-compspec` (compspec-go's sibling tag).
    static func memberTag(listed: String, image: String, listFile: String) throws -> String {
        if let reference = try? ImageReference.parse(listed), let tag = reference.tag, !listed.contains("@"),
           listed.hasSuffix(":" + tag) {
            return tag
        }
        guard let imageReference = try? ImageReference.parse(image), let tag = imageReference.tag,
              let derived = try? ImageReference.parse("x/y:" + tag + compspecTagSuffix), let derivedTag = derived.tag else {
            throw CLIFailure.evaluationFailed(
                "artifact '\(listed)' of image '\(image)' in \(listFile) has no tag to publish it under, and the image has none to "
                    + "derive <tag>\(compspecTagSuffix) from; name the artifact as registry/repository:tag in the list"
            )
        }
        return derivedTag
    }

    /// The list with each artifact reference replaced, in compspec's `images: [{name, artifact}]` form
    /// (strings JSON-quoted, which YAML reads as they are).
    static func listDocument(_ entries: [ImageManifestList.Entry], source: String) -> [UInt8] {
        var text = "# compspec catalog published by `compat artifact push` from \(source)\nimages:\n"
        for entry in entries {
            text += "  - name: \(JSONValue.string(entry.name).serialized())\n"
            text += "    artifact: \(JSONValue.string(entry.artifact).serialized())\n"
        }
        return Array(text.utf8)
    }
}

// MARK: - Model-compatibility specs

/// The model files a model-compatibility spec names, found beside it.
enum ModelFiles {
    /// Layer annotation holding the path the spec names a model file by (`trained/fom.json`). Layer titles
    /// are plain file names (what `oras pull` writes), so the path travels beside the title and
    /// `compat artifact pull` puts the file there, where the spec and the webhook's `--models-dir` expect it.
    static let pathAnnotation = "vnd.compat.model.path"

    /// Each model file the spec names by a relative `.json` filename that exists beside it, as a layer
    /// titled with its file name and annotated with that filename; `skipped` says which named files were
    /// not taken and why.
    static func named(by specFile: String, document: JSONValue) throws -> (files: [ArtifactFile], skipped: [String]) {
        let spec = try ModelCompatibilitySpec(from: document)
        let folder = (specFile as NSString).deletingLastPathComponent
        guard let mediaType = ArtifactPublishing.layerMediaType(of: .performanceModel) else { return ([], []) }
        var files: [ArtifactFile] = []
        var skipped: [String] = []
        var seen: Set<String> = []
        for model in spec.compatibilities.flatMap(\.models) {
            guard let filename = model.filename, seen.insert(filename).inserted else { continue }
            guard PulledFileName.isSafe(filename), filename.hasSuffix(".json") else {
                skipped.append("\(filename) (not a relative .json path; the webhook finds model '\(model.name)' in its --models-dir)")
                continue
            }
            let path = (folder as NSString).appendingPathComponent(filename)
            guard FileManager.default.fileExists(atPath: path) else {
                skipped.append("\(filename) (not found beside \(specFile))")
                continue
            }
            let bytes = try readInput(path, as: "performance model")
            do {
                _ = try PerformanceModel(decoding: bytes)
            } catch {
                throw CLIFailure.evaluationFailed(
                    "\(path), named by \(specFile) for model '\(model.name)', is not a valid performance model, nothing was pushed: \(error)"
                )
            }
            files.append(ArtifactFile(
                bytes: bytes, mediaType: mediaType, title: (filename as NSString).lastPathComponent, annotations: [pathAnnotation: filename]
            ))
        }
        return (files, skipped)
    }
}

/// Where `compat artifact pull` writes a layer: the model path a spec names it by when the layer carries
/// one, else its title; only relative paths inside the output folder.
enum PulledFileName {
    static func destination(of file: ArtifactFile) -> String {
        file.annotations[ModelFiles.pathAnnotation].flatMap { isSafe($0) ? $0 : nil } ?? file.title
    }

    static func isSafe(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/") else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }
}
