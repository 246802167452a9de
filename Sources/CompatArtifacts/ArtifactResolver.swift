import CompatCore
import CompatModels
import CompatSelection
import Foundation
import Synchronization

/// An artifact's bytes as a registry returned them.
public struct RegistryArtifactBytes: Sendable {
    public var bytes: [UInt8]
    /// The layer media type the manifest declared: what the artifact is.
    public var mediaType: String
    /// The layer digest, which keys the decoded-artifact cache.
    public var digest: String
    /// For logs: the reference pinned to its digest, and whether a cached or stale copy was used.
    public var origin: String

    public init(bytes: [UInt8], mediaType: String, digest: String, origin: String) {
        self.bytes = bytes
        self.mediaType = mediaType
        self.digest = digest
        self.origin = origin
    }
}

/// Pulls compatibility artifacts from OCI registries (the webhook uses CompatRegistry's cache).
/// Failures are refusals whose message names the reference and what to do.
public protocol RegistryArtifactFetching: Sendable {
    func fetchArtifact(_ reference: String, deadline: ContinuousClock.Instant) throws(SelectionRefusal) -> RegistryArtifactBytes
}

/// Media types for what this project publishes beyond the ones ``ArtifactKind`` maps.
public enum CatalogMediaType {
    /// A layer holding a compspec `manifests.yaml` (image ↔ artifact list); the artifacts it names are
    /// fetched by their own references.
    public static let manifestList = "application/vnd.compat.image-manifests.v1+yaml"

    /// The kind a registry layer's media type declares, this project's catalog type included.
    public static func kind(of mediaType: String) -> ArtifactKind? {
        let essence = mediaType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if essence == manifestList { return .manifestList }
        return ArtifactKind(mediaType: essence)
    }
}

/// Finds, reads and decodes the artifact an `…/image-ref` names, dispatching on the registry's layer
/// media type (for files, on ``ArtifactKind/detect(_:)``'s distinguishing member), never by trying
/// decoders in turn.
///
/// Decoded artifacts are cached by content identity: a registry layer by its digest, a file by its
/// inode, size and modification time (re-checked on every use, so an edited file is read again). A
/// catalog is cached under the identities of its list and of every artifact it names.
///
/// A catalog resolves each artifact its list names, in order: the ``compspecCacheDirectory`` in
/// compspec-go's cache layout (``CompspecCacheLayout``); for a `file://` list, a path relative to the
/// list's folder, then the same layout in the folder's `cache/`; the registry.
///
/// The one resolver of the project: the webhook, `compat match`, `compat artifact` and `compat-run` all
/// read artifacts through it.
public final class ArtifactResolver: ArtifactProviding {
    public let registry: (any RegistryArtifactFetching)?
    public let fileRoots: FileArtifactRoots
    /// compspec-go's `--cache` directory, looked in first for every catalog member (`compat match --cache`).
    public let compspecCacheDirectory: String?
    private let cache: DecodedArtifactCache
    /// Names a catalog folder's list may have, in the order they are looked for.
    public static let catalogListNames = ["manifests.yaml", "manifests.yml", "manifests.json"]

    /// How long a `file://` lookup (path admission, stat, a catalog's member list) is reused before the
    /// files are checked again: a changed file is noticed within this interval, and a busy webhook does
    /// not stat every catalog member on every admission.
    public let fileRevalidationInterval: Duration
    private let recentFiles: RecentLookups<String, Located>
    private let recentCatalogs: RecentLookups<ContentIdentity, ContentIdentity>

    public init(
        registry: (any RegistryArtifactFetching)?, fileRoots: FileArtifactRoots, compspecCacheDirectory: String? = nil,
        cacheCapacity: Int = 256, fileRevalidationInterval: Duration = .seconds(1)
    ) {
        self.registry = registry
        self.fileRoots = fileRoots
        self.compspecCacheDirectory = compspecCacheDirectory
        self.fileRevalidationInterval = fileRevalidationInterval
        cache = DecodedArtifactCache(capacity: cacheCapacity)
        recentFiles = RecentLookups(lifetime: fileRevalidationInterval)
        recentCatalogs = RecentLookups(lifetime: fileRevalidationInterval)
    }

    /// The decoded artifact at `reference` (an annotation value) and its content identity (a layer
    /// digest, a file's inode/size/mtime, a catalog's list and member identities): equal identities mean
    /// equal artifacts, so results derived from one may be reused for the other.
    public func resolve(_ reference: String, deadline: ContinuousClock.Instant) throws(SelectionRefusal) -> ResolvedArtifact {
        let located = try locate(try ArtifactAddress(reference), deadline: deadline, referencedBy: nil)
        switch cache.value(for: located.key) {
        case .artifact(let artifact)?: return ResolvedArtifact(artifact, identity: located.key)
        case .manifestList(let manifests)?: return try catalog(listedIn: located, manifests: manifests, deadline: deadline)
        case nil: break
        }
        let document = try decodeDocument(located)
        let kind = try kind(of: located, document: document)
        switch kind {
        case .imageCompatibility:
            do {
                let artifact = SelectionArtifact.rules(try ImageCompatibilitySpec.decode(from: document))
                cache.store(.artifact(artifact), for: located.key)
                return ResolvedArtifact(artifact, identity: located.key)
            } catch {
                throw Self.undecodable(located, "image-compatibility spec", error)
            }
        case .manifestList:
            let manifests: ImageManifestList
            do {
                manifests = try ImageManifestList(from: document)
            } catch {
                throw Self.undecodable(located, "catalog list", error)
            }
            cache.store(.manifestList(manifests), for: located.key)
            return try catalog(listedIn: located, manifests: manifests, deadline: deadline)
        case .compspec:
            throw SelectionRefusal(
                .invalidRequest,
                "\(located.origin) is a single compspec artifact, which describes one image without naming it; point the annotation "
                    + "at a catalog (a manifests.yaml listing images and their artifacts)"
            )
        case .performanceModel:
            throw SelectionRefusal(
                .invalidRequest,
                "\(located.origin) is a performance model; point the annotation at a model-compatibility spec and name the model in "
                    + "annotation oci.image.compatibilities.selection/model"
            )
        case .modelCompatibility:
            do {
                let artifact = SelectionArtifact.models(try ModelCompatibilitySpec(from: document))
                cache.store(.artifact(artifact), for: located.key)
                return ResolvedArtifact(artifact, identity: located.key)
            } catch {
                throw Self.undecodable(located, "model-compatibility spec", error)
            }
        }
    }

    // MARK: Catalogs

    /// An artifact a catalog list names that could not be read or decoded.
    public struct MemberFailure: Sendable {
        public var reference: String
        public var refusal: SelectionRefusal
    }

    /// The catalog a list read by the caller names (`compat match`): members are found as for a list in
    /// `folder` (`nil`: the compspec cache directory and the registry only). With `allowingFailures`
    /// (compspec-go's `--allow-fail`), images whose artifact cannot be read or decoded are left out and
    /// reported; otherwise the first such artifact fails the whole catalog.
    public func catalog(
        _ manifests: ImageManifestList, listedAt origin: String, folder: String?, allowingFailures: Bool = false,
        deadline: ContinuousClock.Instant
    ) throws(SelectionRefusal) -> (catalog: ImageCatalog, failures: [MemberFailure]) {
        // Members are located relative to this list; the list itself is never cached, so its key is its origin.
        let list = Located(key: ContentIdentity(origin), origin: origin, mediaType: nil, folder: folder, kindHint: .manifestList) { [] }
        var specs: [String: CompatibilitySpec] = [:]
        var failures: [MemberFailure] = []
        for entry in manifests.images where specs[entry.artifact] == nil && !failures.contains(where: { $0.reference == entry.artifact }) {
            do throws(SelectionRefusal) {
                specs[entry.artifact] = try compspec(try locateMember(entry.artifact, of: list, deadline: deadline), listedIn: list, for: entry.artifact)
            } catch {
                guard allowingFailures else { throw error }
                failures.append(MemberFailure(reference: entry.artifact, refusal: error))
            }
        }
        let available = ImageManifestList(images: manifests.images.filter { specs[$0.artifact] != nil })
        return (try Self.catalog(available, specs: specs, origin: origin), failures)
    }

    /// The catalog of a list and its decoded members, or the refusal naming the list.
    private static func catalog(
        _ manifests: ImageManifestList, specs: [String: CompatibilitySpec], origin: String
    ) throws(SelectionRefusal) -> ImageCatalog {
        do {
            return try ImageCatalog(manifests: manifests, specs: specs)
        } catch {
            throw SelectionRefusal(.artifactInvalid, "catalog \(origin): \(error); correct that artifact")
        }
    }

    private func catalog(
        listedIn list: Located, manifests: ImageManifestList, deadline: ContinuousClock.Instant
    ) throws(SelectionRefusal) -> ResolvedArtifact {
        if let catalogKey = recentCatalogs.value(for: list.key), case .artifact(let artifact)? = cache.value(for: catalogKey) {
            return ResolvedArtifact(artifact, identity: catalogKey)
        }
        var members: [String: Located] = [:]
        for entry in manifests.images where members[entry.artifact] == nil {
            members[entry.artifact] = try locateMember(entry.artifact, of: list, deadline: deadline)
        }
        let memberKeys = members.keys.sorted().compactMap { members[$0]?.key.rawValue }
        let catalogKey = ContentIdentity("catalog(" + list.key.rawValue + ";" + memberKeys.joined(separator: ";") + ")")
        if case .artifact(let artifact)? = cache.value(for: catalogKey) {
            recentCatalogs.store(catalogKey, for: list.key)
            return ResolvedArtifact(artifact, identity: catalogKey)
        }

        var specs: [String: CompatibilitySpec] = [:]
        for (reference, member) in members {
            specs[reference] = try compspec(member, listedIn: list, for: reference)
        }
        let artifact = SelectionArtifact.catalog(try Self.catalog(manifests, specs: specs, origin: list.origin))
        cache.store(.artifact(artifact), for: catalogKey)
        recentCatalogs.store(catalogKey, for: list.key)
        return ResolvedArtifact(artifact, identity: catalogKey)
    }

    /// A catalog member decoded: it must be a compspec artifact.
    private func compspec(_ member: Located, listedIn list: Located, for reference: String) throws(SelectionRefusal) -> CompatibilitySpec {
        let document = try decodeDocument(member)
        let kind = try kind(of: member, document: document)
        guard kind == .compspec else {
            throw SelectionRefusal(
                .artifactInvalid,
                "\(member.origin), listed in \(list.origin) for \(reference), is a \(kind) artifact, not a compspec CompatibilitySpec; "
                    + "list compspec artifacts only"
            )
        }
        do {
            return try CompatibilitySpec(from: document)
        } catch {
            throw Self.undecodable(member, "compspec artifact", error)
        }
    }

    /// Where an artifact named in a catalog list is: in the compspec cache directory, next to a file list
    /// (relative path, then the cache layout in its `cache/`), else in the registry.
    private func locateMember(_ reference: String, of list: Located, deadline: ContinuousClock.Instant) throws(SelectionRefusal) -> Located {
        if reference.hasPrefix(ArtifactAddress.fileScheme) {
            return try locate(try ArtifactAddress(reference), deadline: deadline, referencedBy: list.origin)
        }
        var checked: [String] = []
        let cacheName = CompspecCacheLayout.fileName(for: reference)
        let candidates = CompspecCacheLayout.memberFiles(for: reference, listFolder: list.folder, cacheDirectory: compspecCacheDirectory)
        if candidates.isEmpty {
            return try locate(.registry(reference), deadline: deadline, referencedBy: list.origin)
        }
        for path in candidates {
            checked.append(path)
            if FileStamp(path: path)?.isRegularFile == true {
                // Whatever the file looks like, a catalog lists compspec artifacts: decode it as one.
                var member = try locate(.file(path), deadline: deadline, referencedBy: list.origin)
                member.kindHint = .compspec
                return member
            }
        }
        guard registry != nil else {
            throw SelectionRefusal(
                .artifactUnavailable,
                "artifact \(reference) listed in \(list.origin) was not found (checked \(checked.joined(separator: ", "))) and no "
                    + "registry access is configured; add the file to the catalog folder as \(cacheName)"
            )
        }
        do {
            return try locate(.registry(reference), deadline: deadline, referencedBy: list.origin)
        } catch {
            throw SelectionRefusal(error.category, error.message + " (not found locally either: checked \(checked.joined(separator: ", ")))")
        }
    }

    // MARK: Locating and decoding

    /// An artifact found but not yet decoded: a cache key for its content, and how to read it.
    private struct Located {
        var key: ContentIdentity
        var origin: String
        /// The registry's layer media type; `nil` for files.
        var mediaType: String?
        /// A file catalog list's folder, against which the artifacts it names are resolved.
        var folder: String?
        var kindHint: ArtifactKind?
        var read: @Sendable () throws(SelectionRefusal) -> [UInt8]
    }

    private func locate(_ location: ArtifactAddress, deadline: ContinuousClock.Instant, referencedBy: String?) throws(SelectionRefusal) -> Located {
        let context = referencedBy.map { " (listed in \($0))" } ?? ""
        switch location {
        case .registry(let reference):
            guard let registry else {
                throw SelectionRefusal(
                    .artifactUnavailable,
                    "artifact \(reference)\(context) is an OCI reference, but no registry access is configured; "
                        + "reference a file:// artifact under an allowed root"
                )
            }
            let fetched = try registry.fetchArtifact(reference, deadline: deadline)
            let bytes = fetched.bytes
            return Located(key: ContentIdentity(fetched.digest), origin: fetched.origin, mediaType: fetched.mediaType, read: { bytes })
        case .file(let requested):
            if let recent = recentFiles.value(for: requested) { return recent }
            let located = try locateFile(requested, context: context)
            recentFiles.store(located, for: requested)
            return located
        }
    }

    private func locateFile(_ requested: String, context: String) throws(SelectionRefusal) -> Located {
        guard !fileRoots.directories.isEmpty else {
            throw SelectionRefusal(
                .invalidRequest,
                "file:// artifacts are disabled in this webhook (it was started without --file-artifact-root); use an OCI reference"
            )
        }
        guard let path = fileRoots.admit(requested) else {
            throw SelectionRefusal(
                .invalidRequest,
                "\(ArtifactAddress.file(requested))\(context) is outside the webhook's artifact roots "
                    + "(\(fileRoots.directories.joined(separator: ", "))); move the artifact there"
            )
        }
        guard let stamp = FileStamp(path: path) else {
            throw SelectionRefusal(.artifactUnavailable, "\(ArtifactAddress.file(requested))\(context) does not exist; check the path")
        }
        if stamp.isDirectory {
            for name in Self.catalogListNames {
                let list = path + "/" + name
                if let listStamp = FileStamp(path: list), listStamp.isRegularFile {
                    return fileLocated(list, stamp: listStamp, folder: path, kindHint: .manifestList)
                }
            }
            throw SelectionRefusal(
                .artifactUnavailable,
                "catalog folder \(ArtifactAddress.file(path))\(context) has no \(Self.catalogListNames.joined(separator: " or ")); "
                    + "add the image list there"
            )
        }
        return fileLocated(path, stamp: stamp, folder: (path as NSString).deletingLastPathComponent, kindHint: nil)
    }

    private func fileLocated(_ path: String, stamp: FileStamp, folder: String, kindHint: ArtifactKind?) -> Located {
        let origin = ArtifactAddress.file(path).description
        return Located(key: ContentIdentity("file:" + path + "@" + stamp.identity), origin: origin, mediaType: nil, folder: folder, kindHint: kindHint) {
            () throws(SelectionRefusal) -> [UInt8] in
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SelectionRefusal(.artifactUnavailable, "\(origin) is not readable by the webhook; check its permissions")
            }
            return Array(data)
        }
    }

    private func decodeDocument(_ located: Located) throws(SelectionRefusal) -> JSONValue {
        let bytes = try located.read()
        do {
            return try DocumentDecoder.decode(bytes)
        } catch {
            throw Self.undecodable(located, "document", error)
        }
    }

    /// The declared kind: the registry's media type, a catalog folder's list, or for a single file the
    /// member only that kind has.
    private func kind(of located: Located, document: JSONValue) throws(SelectionRefusal) -> ArtifactKind {
        if let mediaType = located.mediaType {
            guard let kind = CatalogMediaType.kind(of: mediaType) else {
                let known = (ArtifactKind.mediaTypes.map(\.mediaType) + [CatalogMediaType.manifestList]).joined(separator: ", ")
                throw SelectionRefusal(
                    .artifactInvalid,
                    "\(located.origin) has layer media type \(mediaType), which this webhook does not read; push the artifact with one of \(known)"
                )
            }
            return kind
        }
        if let hint = located.kindHint { return hint }
        do {
            return try ArtifactKind.detect(document)
        } catch {
            throw Self.undecodable(located, "artifact", error)
        }
    }

    private static func undecodable(_ located: Located, _ what: String, _ error: any Error) -> SelectionRefusal {
        SelectionRefusal(.artifactInvalid, "\(located.origin) is not a valid \(what): \(error); correct the artifact")
    }
}

/// A file's identity for cache validation: inode, size and modification time.
struct FileStamp {
    let isDirectory: Bool
    let isRegularFile: Bool
    let identity: String

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let type = info.st_mode & mode_t(S_IFMT)
        isDirectory = type == mode_t(S_IFDIR)
        isRegularFile = type == mode_t(S_IFREG)
        identity = "\(info.st_dev):\(info.st_ino):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }
}

/// Decoded artifacts by content identity, bounded; the oldest entry goes when full.
final class DecodedArtifactCache: Sendable {
    enum Value: Sendable {
        case artifact(SelectionArtifact)
        case manifestList(ImageManifestList)
    }

    private struct State {
        var entries: [ContentIdentity: (value: Value, stored: UInt64)] = [:]
        var counter: UInt64 = 0
    }

    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func value(for key: ContentIdentity) -> Value? {
        state.withLock { $0.entries[key]?.value }
    }

    func store(_ value: Value, for key: ContentIdentity) {
        state.withLock { state in
            state.counter += 1
            if state.entries[key] == nil, state.entries.count >= capacity,
               let oldest = state.entries.min(by: { $0.value.stored < $1.value.stored })?.key {
                state.entries.removeValue(forKey: oldest)
            }
            state.entries[key] = (value, state.counter)
        }
    }
}

/// Values looked up recently, reused for `lifetime` (then looked up again). Bounded: cleared when it
/// holds more than `capacity` keys, which only a flood of distinct references can cause.
final class RecentLookups<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let entries = Mutex<[Key: (value: Value, until: ContinuousClock.Instant)]>([:])
    let lifetime: Duration
    let capacity: Int

    init(lifetime: Duration, capacity: Int = 4096) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    func value(for key: Key) -> Value? {
        guard lifetime > .zero else { return nil }
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let entry = entries[key], now < entry.until else { return nil }
            return entry.value
        }
    }

    func store(_ value: Value, for key: Key) {
        guard lifetime > .zero else { return }
        let until = ContinuousClock.now + lifetime
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = (value, until)
        }
    }
}
