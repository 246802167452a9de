import CompatCore
import CompatTransport
import Foundation
import Logging
import Synchronization

/// A bounded in-memory cache of pulled compatibility artifacts for the admission path.
///
/// Artifacts are kept by manifest digest (content-addressed, so never stale); a tag's resolution to a
/// digest is trusted for ``Configuration/tagTTL``. When a refresh fails (registry down, slow, or
/// refusing), the last verified artifact for the tag is served and the result says it is stale and
/// why, so one registry outage does not turn into failed admissions. References to registries off
/// the allowlist are refused before the cache or the network is consulted.
public final class ArtifactCache: Sendable {
    public struct Configuration: Sendable {
        public var maxEntries: Int
        public var maxBytes: Int
        public var tagTTL: Duration
        public var acceptedLayerTypes: [String]

        public init(
            maxEntries: Int = 256, maxBytes: Int = 64 << 20, tagTTL: Duration = .seconds(300),
            acceptedLayerTypes: [String] = CompatibilityMediaType.layerPreference
        ) {
            self.maxEntries = maxEntries
            self.maxBytes = maxBytes
            self.tagTTL = tagTTL
            self.acceptedLayerTypes = acceptedLayerTypes
        }
    }

    /// Where a result came from.
    public enum Source: Sendable, Equatable {
        /// Pulled from the registry just now.
        case registry
        /// From the cache, within its freshness rules.
        case cache
        /// From the cache after the registry failed with this error.
        case staleCache(RegistryError)
    }

    public struct Result: Sendable, Equatable {
        public let artifact: PulledArtifact
        public let source: Source

        public var isStale: Bool {
            if case .staleCache = source { return true }
            return false
        }
    }

    public let configuration: Configuration
    private let client: RegistryClient
    private let logger: Logger
    private let state = Mutex<State>(State())

    private struct Entry {
        let artifact: PulledArtifact
        var lastUsed: UInt64
    }

    private struct TagEntry {
        let digest: String
        let resolvedAt: ContinuousClock.Instant
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var tags: [String: TagEntry] = [:]
        var bytes = 0
        var clock: UInt64 = 0

        mutating func tick() -> UInt64 {
            clock += 1
            return clock
        }
    }

    public init(client: RegistryClient, configuration: Configuration = Configuration(), logger: Logger) {
        self.client = client
        self.configuration = configuration
        self.logger = logger
    }

    /// How many artifacts and bytes are cached.
    public var usage: (entries: Int, bytes: Int) { state.withLock { ($0.entries.count, $0.bytes) } }

    /// The artifact for `reference`, from the cache when fresh, else from the registry, else stale.
    public func artifact(for reference: ImageReference) throws(RegistryError) -> Result {
        try client.checkAllowed(reference)
        let tagKey = reference.digest == nil ? reference.description : nil
        let now = ContinuousClock.now
        let ttl = configuration.tagTTL
        let cached: PulledArtifact? = state.withLock { state in
            let digest: String?
            if let tagKey {
                guard let tag = state.tags[tagKey], now - tag.resolvedAt < ttl else { return nil }
                digest = tag.digest
            } else {
                digest = reference.digest
            }
            guard let digest, var entry = state.entries[digest] else { return nil }
            entry.lastUsed = state.tick()
            state.entries[digest] = entry
            return entry.artifact
        }
        if let cached { return Result(artifact: cached, source: .cache) }

        do {
            let pulled = try client.pullCompatibilityArtifact(reference, acceptedLayerTypes: configuration.acceptedLayerTypes)
            store(pulled, digestKey: reference.digest ?? pulled.manifestDigest, tagKey: tagKey)
            return Result(artifact: pulled, source: .registry)
        } catch {
            guard let tagKey, let stale = staleEntry(tagKey) else { throw error }
            logger.warning("registry refresh failed; serving the cached artifact", metadata: [
                "reference": "\(reference)", "digest": "\(stale.manifestDigest)", "error": "\(error)",
            ])
            return Result(artifact: stale, source: .staleCache(error))
        }
    }

    private func staleEntry(_ tagKey: String) -> PulledArtifact? {
        state.withLock { state in
            guard let tag = state.tags[tagKey], var entry = state.entries[tag.digest] else { return nil }
            entry.lastUsed = state.tick()
            state.entries[tag.digest] = entry
            return entry.artifact
        }
    }

    private func store(_ artifact: PulledArtifact, digestKey: String, tagKey: String?) {
        let size = artifact.bytes.count
        guard size <= configuration.maxBytes, configuration.maxEntries > 0 else { return }
        let limits = (entries: configuration.maxEntries, bytes: configuration.maxBytes)
        let evicted: [String] = state.withLock { state in
            if let previous = state.entries[digestKey] { state.bytes -= previous.artifact.bytes.count }
            state.entries[digestKey] = Entry(artifact: artifact, lastUsed: state.tick())
            state.bytes += size
            if let tagKey { state.tags[tagKey] = TagEntry(digest: digestKey, resolvedAt: ContinuousClock.now) }
            var evicted: [String] = []
            while state.entries.count > limits.entries || state.bytes > limits.bytes {
                guard let oldest = state.entries.min(by: { $0.value.lastUsed < $1.value.lastUsed }) else { break }
                state.entries[oldest.key] = nil
                state.bytes -= oldest.value.artifact.bytes.count
                state.tags = state.tags.filter { $0.value.digest != oldest.key }
                evicted.append(oldest.key)
            }
            return evicted
        }
        if !evicted.isEmpty { logger.debug("artifact cache evicted entries", metadata: ["digests": "\(evicted)"]) }
    }
}
