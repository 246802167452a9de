import CompatCore
import CompatRegistry
import CompatSelection
import Foundation
import Logging
import Synchronization

/// Pulls artifacts through CompatRegistry's ``ArtifactCache`` (fresh by tag TTL, content by digest,
/// stale copies served when the registry fails) within each admission's time budget, and counts
/// lookups and fetch latencies.
///
/// The registry client's own deadline is fixed per client. When the admission has less time left than
/// that, the pull runs on a thread of its own and the admission waits only for what is left: it is
/// denied in time, and the pull, bounded by the client's deadline, still fills the cache for the next
/// request.
public final class RegistryArtifactSource: RegistryArtifactFetching {
    public let cache: ArtifactCache
    /// The registry client's deadline for one pull.
    public let fetchTimeout: Duration
    let observer: (any ArtifactFetchObserver)?
    let logger: Logger

    /// Layer media types pulls accept: every compatibility type CompatRegistry knows, and catalog lists.
    public static let acceptedLayerTypes = CompatibilityMediaType.layerPreference + [CatalogMediaType.manifestList]

    public init(cache: ArtifactCache, fetchTimeout: Duration, observer: (any ArtifactFetchObserver)? = nil, logger: Logger) {
        self.cache = cache
        self.fetchTimeout = fetchTimeout
        self.observer = observer
        self.logger = logger
    }

    public func fetchArtifact(_ text: String, deadline: ContinuousClock.Instant) throws(SelectionRefusal) -> RegistryArtifactBytes {
        let reference: ImageReference
        do {
            reference = try ImageReference.parse(text)
        } catch {
            throw SelectionRefusal(.invalidRequest, "artifact reference '\(text)' is not an OCI reference: \(error.problem)")
        }
        let remaining = deadline - .now
        guard remaining > .zero else {
            throw SelectionRefusal(.artifactUnavailable, "no time was left to fetch \(reference) within the API server's timeout")
        }
        let started = ContinuousClock.now
        let outcome: Result<ArtifactCache.Result, RegistryError>
        if remaining >= fetchTimeout {
            outcome = Result { () throws(RegistryError) in try cache.artifact(for: reference) }
        } else if let finished = Self.run(within: remaining, { [cache] () -> Result<ArtifactCache.Result, RegistryError> in
            Result { () throws(RegistryError) in try cache.artifact(for: reference) }
        }) {
            outcome = finished
        } else {
            observer?.artifactLookup(.error)
            throw SelectionRefusal(
                .artifactUnavailable,
                "the registry did not deliver \(reference) within the admission's time budget; the fetch continues in the "
                    + "background, so retrying shortly should find it cached"
            )
        }
        let seconds = (ContinuousClock.now - started).inSeconds
        switch outcome {
        case .success(let result):
            let pulled = result.artifact
            var origin = "\(reference) (\(pulled.manifestDigest))"
            switch result.source {
            case .cache:
                observer?.artifactLookup(.hit)
            case .registry:
                observer?.artifactLookup(.miss)
                observer?.registryFetch(seconds: seconds, succeeded: true)
            case .staleCache(let error):
                observer?.artifactLookup(.stale)
                observer?.registryFetch(seconds: seconds, succeeded: false)
                origin += " (stale: \(error))"
            }
            return RegistryArtifactBytes(bytes: pulled.bytes, mediaType: pulled.layer.mediaType, digest: pulled.layer.digest, origin: origin)
        case .failure(let error):
            observer?.artifactLookup(.error)
            if error.kind != .notAllowed && error.kind != .invalidReference {
                observer?.registryFetch(seconds: seconds, succeeded: false)
            }
            logger.warning("artifact fetch failed", metadata: ["reference": "\(reference)", "error": "\(error)"])
            throw SelectionRefusal(Self.category(of: error.kind), "artifact \(error)")
        }
    }

    /// What the user can do about a registry error: fix the reference or the artifact, or wait.
    static func category(of kind: RegistryError.Kind) -> SelectionRefusal.Category {
        switch kind {
        case .invalidReference, .notAllowed, .notFound: .invalidRequest
        case .malformedDocument, .noMatchingLayer, .tooLarge, .digestMismatch, .invalidArtifact: .artifactInvalid
        case .unauthorized, .unexpectedStatus, .transport, .localArtifact, .credentials: .artifactUnavailable
        }
    }

    /// Runs `work` on its own thread and waits at most `limit`; `nil` when it did not finish in time.
    static func run<T: Sendable>(within limit: Duration, _ work: @escaping @Sendable () -> T) -> T? {
        let box = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let value = work()
            box.withLock { $0 = value }
            done.signal()
        }
        guard done.wait(timeout: .now() + max(0, limit.inSeconds)) == .success else { return nil }
        return box.withLock { $0 }
    }
}

/// How an artifact lookup was answered, as the webhook's `compat_artifact_lookups_total{result}` counts it.
public enum ArtifactLookupResult: String, Sendable {
    case hit, miss, stale, error
}

/// Told about every registry lookup and fetch (the webhook's metrics).
public protocol ArtifactFetchObserver: Sendable {
    func artifactLookup(_ result: ArtifactLookupResult)
    func registryFetch(seconds: Double, succeeded: Bool)
}
