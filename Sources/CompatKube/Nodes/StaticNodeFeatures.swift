import CompatCore
import Foundation
import Logging
import Synchronization

/// Static node features: instance types the cluster can scale to but that have no node yet.
///
/// The format is a ConfigMap key holding a JSON array of node label maps, as exported from running
/// nodes (`kubectl get nodes -o json | jq '[.items[].metadata.labels]'`). Each entry becomes a
/// ``KubeNode`` with source ``KubeNode/Source/staticFeatures(file:)`` named `static/<file>/<index>`.
package enum StaticNodeFeatures {
    /// Decodes one file. Every entry must be an object of string labels with an instance-type label,
    /// since an entry stands for an instance type.
    ///
    /// Label keys and values are interned with `interner` (a fresh one when `nil`, shared within this
    /// file), so entries repeating the same labels share their strings. The file is decoded one entry at
    /// a time: only one entry's document exists at once, not the whole file's, and what the entries keep
    /// is not scattered among the freed remains of a document many times their size. A file that is not
    /// a well-formed array of valid entries is decoded as a whole instead, so errors are exactly those of
    /// the whole-document decoder.
    package static func parse<Bytes: Collection>(_ bytes: Bytes, fileName: String, interner: LabelInterner? = nil)
        throws(ArtifactDecodingError) -> [KubeNode]
    where Bytes.Element == UInt8 {
        let interner = interner ?? LabelInterner()
        let parsed = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(ArtifactDecodingError) in try parse(buffer: buffer, fileName: fileName, interner: interner) }
        }
        if let parsed { return try parsed.get() }
        return try Array(bytes).withUnsafeBufferPointer { buffer throws(ArtifactDecodingError) in
            try parse(buffer: buffer, fileName: fileName, interner: interner)
        }
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>, fileName: String, interner: LabelInterner)
        throws(ArtifactDecodingError) -> [KubeNode]
    {
        guard let elements = TopLevelArray.elementRanges(in: buffer) else {
            return try parseWholeDocument(buffer, fileName: fileName, interner: interner)
        }
        // An element of the top-level array is one level deeper than a document of its own.
        let parser = JSONParser(maximumDepth: JSONParser().maximumDepth - 1)
        var nodes: [KubeNode] = []
        nodes.reserveCapacity(elements.count)
        for range in elements {
            do {
                let element = try parser.parse(bytes: UnsafeBufferPointer(rebasing: buffer[range]))
                nodes.append(try entry(element, at: FieldPath().appending(nodes.count), fileName: fileName, index: nodes.count, interner: interner))
            } catch {
                // Invalid somewhere: the whole-document decoder finds the first problem in document order.
                return try parseWholeDocument(buffer, fileName: fileName, interner: interner)
            }
        }
        return nodes
    }

    private static func parseWholeDocument(_ buffer: UnsafeBufferPointer<UInt8>, fileName: String, interner: LabelInterner)
        throws(ArtifactDecodingError) -> [KubeNode]
    {
        let document = try DocumentDecoder.decode(buffer, format: .json)
        var nodes: [KubeNode] = []
        for (element, path) in try StrictObject.array(document, at: FieldPath()) {
            nodes.append(try entry(element, at: path, fileName: fileName, index: nodes.count, interner: interner))
        }
        return nodes
    }

    /// One entry: an object of string labels with an instance type.
    private static func entry(_ element: JSONValue, at path: FieldPath, fileName: String, index: Int, interner: LabelInterner)
        throws(ArtifactDecodingError) -> KubeNode
    {
        guard let node = staticNode(labels: try NodeLabels.labelValues(element, at: path), fileName: fileName, index: index, interner: interner) else {
            throw ArtifactDecodingError(path: path, problem: "entry has no \(KubeNode.instanceTypeLabels[0]) label; \(instanceTypeRule)")
        }
        return node
    }

    /// A static entry as the cache keeps it: named by its source and position, labels interned; `nil` when it
    /// names no instance type. Static entries from files and from memory (the embedded webhook) alike.
    package static func staticNode(labels: [String: String], fileName: String, index: Int, interner: LabelInterner) -> KubeNode? {
        let node = KubeNode(name: "static/\(fileName)/\(index)", labels: interner.internLabels(labels), source: .staticFeatures(file: fileName))
        return node.instanceType == nil ? nil : node
    }

    package static let instanceTypeRule = "each static entry must name the instance type it stands for"
}

/// Finds the elements of a top-level JSON array without parsing them, so they can be parsed one by one.
enum TopLevelArray {
    /// Byte ranges of the elements (each may have whitespace around it), or `nil` when the text is not
    /// shaped like one array (leading or trailing garbage, unbalanced brackets, an unterminated string).
    /// Elements are not validated here: a range holding something other than one JSON value fails when
    /// it is parsed.
    static func elementRanges(in bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>]? {
        var position = 0
        func skipWhitespace() {
            while position < bytes.count, isWhitespace(bytes[position]) { position += 1 }
        }
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "[") else { return nil }
        position += 1
        var ranges: [Range<Int>] = []
        var elementStart = position
        var depth = 0
        var strings = JSONStringTracker()
        var sawContent = false
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if strings.consume(byte) { continue }
            switch byte {
            case UInt8(ascii: "\""):
                sawContent = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                sawContent = true
            case UInt8(ascii: "}"):
                guard depth > 0 else { return nil }
                depth -= 1
            case UInt8(ascii: "]"):
                if depth > 0 {
                    depth -= 1
                    continue
                }
                // The end of the top-level array: only whitespace may follow.
                if sawContent || !ranges.isEmpty { ranges.append(elementStart..<(position - 1)) }
                skipWhitespace()
                return position == bytes.count ? ranges : nil
            case UInt8(ascii: ",") where depth == 0:
                ranges.append(elementStart..<(position - 1))
                elementStart = position
                sawContent = false
            default:
                if !isWhitespace(byte) { sawContent = true }
            }
        }
        return nil
    }

    @inline(__always)
    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}

/// A directory of static feature files (`*.json`), typically a mounted ConfigMap, re-read when a file
/// is added, removed or changed.
///
/// A file that stops parsing keeps its last good entries (and the error is reported), so a bad edit
/// does not make instance types vanish from admission decisions. Reloads are serialised.
package final class StaticFeatureDirectory: Sendable {
    package let path: String

    private struct State {
        var loadedOnce = false
        var signatures: [String: FileSignature] = [:]
        var entries: [String: [KubeNode]] = [:]
        var errors: [String: String] = [:]
    }

    private let state = Mutex(State())

    package init(path: String) {
        self.path = path
    }

    /// The result of a reload: entries by file and the files that failed to parse (file → message).
    package struct Contents: Sendable, Equatable {
        package var entriesByFile: [String: [KubeNode]]
        package var errorsByFile: [String: String]
    }

    /// Reads files whose size, modification time or inode changed since the last call (all of them
    /// the first time). Returns `nil` when nothing changed. A missing directory means no static entries.
    package func reload() -> Contents? {
        reload(interner: LabelInterner())
    }

    /// ``reload()`` with labels interned by `interner`, typically the ``NodeFeatureCache/labelInterner``
    /// of the cache the entries go to, so they share their strings with the cache's other nodes.
    package func reload(interner: LabelInterner) -> Contents? {
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
                    let entries = try StaticNodeFeatures.parse(bytes, fileName: name, interner: interner)
                    // A rewrite with the same entries (a touched file, a ConfigMap resync) keeps the entries
                    // already held, which the cache shares, instead of holding a second copy of every label map.
                    if state.entries[name] != entries { state.entries[name] = entries }
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
package final class StaticFeaturePoller: Sendable {
    private let directory: StaticFeatureDirectory
    private let cache: NodeFeatureCache
    private let interval: Duration
    private let logger: Logger
    private let thread = WorkerThread(name: "compat-static-features")

    package init(directory: StaticFeatureDirectory, cache: NodeFeatureCache, interval: Duration = .seconds(10), logger: Logger) {
        self.directory = directory
        self.cache = cache
        self.interval = interval
        self.logger = logger
    }

    /// Loads the directory now (so the first snapshot already has static entries), then polls.
    package func start() {
        reloadNow()
        thread.start { [self] thread in
            while thread.pause(for: interval) {
                reloadNow()
            }
        }
    }

    /// Reloads once, on the caller's thread; returns whether anything changed.
    @discardableResult
    package func reloadNow() -> Bool {
        guard let contents = directory.reload(interner: cache.labelInterner) else { return false }
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

    package func stop() {
        thread.requestStop()
        thread.waitUntilFinished(timeout: .seconds(5))
    }
}
