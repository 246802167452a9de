import CompatModels
import CompatSelection
import Foundation
import Synchronization

/// Performance models by name, from a directory of `<name>.json` files in the portable format
/// (`models/published/FORMAT.md`): `<directory>/<name>.json` first, then `<directory>/<sub>/<name>.json`
/// with subfolders in name order (the repository's `models/` keeps the published models in
/// `published/` and trained ones beside them). A spec entry's `filename` (relative to the directory)
/// ending in `.json` overrides the search, so `trained/fom.json` is used even though `published/fom.json`
/// exists; other filenames (ocifit-k8s artifacts name scikit-learn `.joblib` files) fall back to the search.
/// Decoded models are kept until their file changes; files are checked again at most once per
/// ``revalidationInterval``, so a busy webhook does not stat the model on every admission.
public final class ModelLibrary: PerformanceModelProviding {
    public let directory: String
    public let revalidationInterval: Duration
    private let cache = Mutex<[String: LoadedModel]>([:])
    private let recent: RecentLookups<String, LoadedModel>

    public init(directory: String, revalidationInterval: Duration = .seconds(1)) {
        self.directory = directory
        self.revalidationInterval = revalidationInterval
        recent = RecentLookups(lifetime: revalidationInterval, capacity: 256)
    }

    /// The model called `name`, from `filename` (relative to the directory) when the spec gives one;
    /// refusals name the directory searched and what to do.
    public func model(named name: String, filename specFilename: String? = nil) throws(SelectionRefusal) -> PerformanceModel {
        try load(named: name, filename: specFilename).model
    }

    /// ``model(named:filename:)`` with the identity of the file (path, inode, size, modification time):
    /// equal identities mean the same model, so results derived from it can be reused.
    public func load(named name: String, filename specFilename: String? = nil) throws(SelectionRefusal) -> LoadedModel {
        let lookup = String(name.utf8.count) + ":" + name + (specFilename ?? "")
        if let known = recent.value(for: lookup) { return known }
        let loaded = try loadFromDisk(named: name, filename: specFilename)
        recent.store(loaded, for: lookup)
        return loaded
    }

    private func loadFromDisk(named name: String, filename specFilename: String?) throws(SelectionRefusal) -> LoadedModel {
        let filename = specFilename.flatMap { $0.hasSuffix(".json") ? $0 : nil }
        guard Self.isSafeComponent(name) else {
            throw SelectionRefusal(
                .invalidRequest, "model name '\(name)' may only contain letters, digits, '.', '_' and '-' (it names a file in the models directory)"
            )
        }
        if let filename {
            let components = filename.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard !filename.hasPrefix("/"), components.allSatisfy(Self.isSafeComponent) else {
                throw SelectionRefusal(
                    .artifactInvalid,
                    "model '\(name)' names file '\(filename)', which is not a relative path inside the models directory; "
                        + "use a path like trained/\(name).json"
                )
            }
        }
        let located = filename.map { directory + "/" + $0 } ?? locate(name)
        guard let path = located, let stamp = FileStamp(path: path), stamp.isRegularFile else {
            if let filename {
                throw SelectionRefusal(
                    .artifactUnavailable, "performance model file \(filename) for model '\(name)' is not in \(directory); install it there"
                )
            }
            throw SelectionRefusal(
                .invalidRequest,
                "no performance model '\(name)' in \(directory) (looked for \(name).json there and in its subfolders); "
                    + "available: \(available().joined(separator: ", "))"
            )
        }
        let key = ContentIdentity(path + "@" + stamp.identity)
        if let cached = cache.withLock({ $0[path] }), cached.identity == key { return cached }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SelectionRefusal(.artifactUnavailable, "performance model \(path) is not readable by the webhook; check its permissions")
        }
        let model: PerformanceModel
        do {
            model = try PerformanceModel(decoding: Array(data))
        } catch {
            throw SelectionRefusal(.artifactInvalid, "performance model \(path) is not a valid model: \(error); correct or replace the file")
        }
        let loaded = LoadedModel(model, identity: key)
        cache.withLock { $0[path] = loaded }
        return loaded
    }

    private func locate(_ name: String) -> String? {
        let direct = directory + "/" + name + ".json"
        if FileStamp(path: direct)?.isRegularFile == true { return direct }
        for folder in subfolders() {
            let nested = folder + "/" + name + ".json"
            if FileStamp(path: nested)?.isRegularFile == true { return nested }
        }
        return nil
    }

    private func subfolders() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.sorted().map { directory + "/" + $0 }.filter { FileStamp(path: $0)?.isDirectory == true }
    }

    /// Model names found, for messages.
    func available() -> [String] {
        let folders = [directory] + subfolders()
        let names = folders.flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }
        }
        return names.isEmpty ? ["none"] : Array(Set(names)).sorted()
    }

    private static func isSafeComponent(_ text: String) -> Bool {
        !text.isEmpty && !text.hasPrefix(".") && text.utf8.allSatisfy { allowedNameBytes.contains($0) }
    }

    private static let allowedNameBytes = Set(Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-".utf8))
}
