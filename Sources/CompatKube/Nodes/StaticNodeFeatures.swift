import CompatCore
import Foundation
import Logging
import Synchronization

/// Static node features: instance types the cluster can scale to but that have no node yet.
///
/// The format is a ConfigMap key holding a JSON array of node label maps, as exported from running
/// nodes (`kubectl get nodes -o json | jq '[.items[].metadata.labels]'`). Each entry becomes a
/// ``KubeNode`` with source ``KubeNode/Source/staticFeatures(file:)`` named `static/<file>/<index>`.
public enum StaticNodeFeatures {
    /// Decodes one file. Every entry must be an object of string labels with an instance-type label,
    /// since an entry stands for an instance type.
    public static func parse<Bytes: Collection>(_ bytes: Bytes, fileName: String) throws(ArtifactDecodingError) -> [KubeNode]
    where Bytes.Element == UInt8 {
        let document = try DocumentDecoder.decode(bytes, format: .json)
        var nodes: [KubeNode] = []
        for (element, path) in try StrictObject.array(document, at: FieldPath()) {
            guard case .object(let object) = element else {
                throw ArtifactDecodingError(path: path, problem: "expected an object of node labels, found \(element.typeName)")
            }
            var labels: [String: String] = [:]
            for (key, value) in object.members {
                labels[key] = try StrictObject.string(value, at: path.appending(key))
            }
            let node = KubeNode(name: "static/\(fileName)/\(nodes.count)", labels: labels, source: .staticFeatures(file: fileName))
            guard node.instanceType != nil else {
                throw ArtifactDecodingError(
                    path: path,
                    problem: "entry has no \(KubeNode.instanceTypeLabels[0]) label; each static entry must name the instance type it stands for")
            }
            nodes.append(node)
        }
        return nodes
    }
}

/// A directory of static feature files (`*.json`), typically a mounted ConfigMap, re-read when a file
/// is added, removed or changed.
///
/// A file that stops parsing keeps its last good entries (and the error is reported), so a bad edit
/// does not make instance types vanish from admission decisions. Reloads are serialised.
public final class StaticFeatureDirectory: Sendable {
    public let path: String

    private struct State {
        var loadedOnce = false
        var signatures: [String: FileSignature] = [:]
        var entries: [String: [KubeNode]] = [:]
        var errors: [String: String] = [:]
    }

    private let state = Mutex(State())

    public init(path: String) {
        self.path = path
    }

    /// The result of a reload: entries by file and the files that failed to parse (file → message).
    public struct Contents: Sendable, Equatable {
        public var entriesByFile: [String: [KubeNode]]
        public var errorsByFile: [String: String]
    }

    /// Reads files whose size, modification time or inode changed since the last call (all of them
    /// the first time). Returns `nil` when nothing changed. A missing directory means no static entries.
    public func reload() -> Contents? {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
        var current: [String: FileSignature] = [:]
        for name in names {
            if let signature = FileSignature(path: path + "/" + name) { current[name] = signature }
        }
        return state.withLock { state -> Contents? in
            if state.loadedOnce && current == state.signatures { return nil }
            for name in Set(state.entries.keys).union(state.errors.keys) where current[name] == nil {
                state.entries[name] = nil
                state.errors[name] = nil
            }
            for (name, signature) in current where state.signatures[name] != signature {
                guard let bytes = FileManager.default.contents(atPath: path + "/" + name) else {
                    state.errors[name] = "not readable"
                    continue
                }
                do {
                    state.entries[name] = try StaticNodeFeatures.parse(bytes, fileName: name)
                    state.errors[name] = nil
                } catch {
                    state.errors[name] = "\(error)"
                }
            }
            state.signatures = current
            state.loadedOnce = true
            return Contents(entriesByFile: state.entries, errorsByFile: state.errors)
        }
    }

    /// What identifies a file version without reading it. ConfigMap updates swap a symlink, which
    /// changes the inode seen through the link even when size and time match.
    private struct FileSignature: Equatable, Sendable {
        var size: UInt64
        var modified: Date
        var inode: UInt64

        init?(path: String) {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
            // attributesOfItem does not follow a final symlink; resolve it so the target's identity counts.
            let resolved = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)).map { target in
                target.hasPrefix("/") ? target : (path as NSString).deletingLastPathComponent + "/" + target
            }
            let target = resolved.flatMap { try? FileManager.default.attributesOfItem(atPath: $0) } ?? attributes
            size = (target[.size] as? NSNumber)?.uint64Value ?? 0
            modified = target[.modificationDate] as? Date ?? .distantPast
            inode = (target[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
        }
    }
}

/// Polls a ``StaticFeatureDirectory`` on its own thread and feeds changes into a ``NodeFeatureCache``.
public final class StaticFeaturePoller: Sendable {
    private let directory: StaticFeatureDirectory
    private let cache: NodeFeatureCache
    private let interval: Duration
    private let logger: Logger
    private let thread = WorkerThread(name: "compat-static-features")

    public init(directory: StaticFeatureDirectory, cache: NodeFeatureCache, interval: Duration = .seconds(10), logger: Logger) {
        self.directory = directory
        self.cache = cache
        self.interval = interval
        self.logger = logger
    }

    /// Loads the directory now (so the first snapshot already has static entries), then polls.
    public func start() {
        reloadNow()
        thread.start { [self] thread in
            while thread.pause(for: interval) {
                reloadNow()
            }
        }
    }

    /// Reloads once, on the caller's thread; returns whether anything changed.
    @discardableResult
    public func reloadNow() -> Bool {
        guard let contents = directory.reload() else { return false }
        for (file, problem) in contents.errorsByFile.sorted(by: { $0.key < $1.key }) {
            logger.error("static node features file is invalid; keeping its previous entries", metadata: [
                "directory": "\(directory.path)", "file": "\(file)", "error": "\(problem)",
            ])
        }
        cache.replaceStaticFeatures(contents.entriesByFile)
        logger.info("static node features loaded", metadata: [
            "directory": "\(directory.path)",
            "files": "\(contents.entriesByFile.count)",
            "entries": "\(contents.entriesByFile.values.reduce(0) { $0 + $1.count })",
        ])
        return true
    }

    public func stop() {
        thread.requestStop()
        thread.waitUntilFinished(timeout: .seconds(5))
    }
}
