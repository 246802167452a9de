import CompatCore
import CompatTransport
import Foundation
import Logging
import Synchronization

/// Tuning of the node list/watch loop. The defaults are client-go's reflector choices.
package struct NodeWatchOptions: Sendable {
    /// `limit` of each list page.
    package var pageSize: Int
    /// `timeoutSeconds` of each watch is drawn from this range, so replicas do not restart in step.
    package var watchTimeoutSeconds: ClosedRange<Int>
    package var backoff: RetryBackoff
    /// A watch that ends cleanly sooner than this without delivering an event counts as a failure
    /// (a server or proxy that closes at once would otherwise make the loop spin).
    package var minimumHealthyStream: Duration

    package init(pageSize: Int = 500, watchTimeoutSeconds: ClosedRange<Int> = 300...600, backoff: RetryBackoff = RetryBackoff(),
                minimumHealthyStream: Duration = .seconds(1)) {
        self.pageSize = pageSize
        self.watchTimeoutSeconds = watchTimeoutSeconds
        self.backoff = backoff
        self.minimumHealthyStream = minimumHealthyStream
    }
}

/// Keeps a ``NodeFeatureCache`` in step with the cluster's nodes: list, then watch from the list's
/// resource version, on a thread of its own.
///
/// - The first list asks for `resourceVersion=0` (served from the API server's cache); every list
///   follows `metadata.continue` pages of `pageSize`.
/// - Watches send `allowWatchBookmarks=true` and a random `timeoutSeconds`; events update the cache,
///   bookmarks only move the resume point. Resource versions are opaque strings.
/// - 410 Gone (HTTP status, or an in-stream ERROR with code 410) lists again with an empty resource
///   version (a consistent read); the new list replaces the live nodes in one step, so readers never
///   see an empty cluster in between.
/// - Any other end (server timeout, EOF, reset, HTTP error) watches again from the last resource
///   version seen, without listing, after a backoff when the end was a failure.
package final class NodeWatcher: Sendable {
    package let client: KubeClient
    package let cache: NodeFeatureCache
    package let options: NodeWatchOptions
    private let logger: Logger
    private let thread = WorkerThread(name: "compat-node-watch")
    private let cancellation = CancellationFlag()
    private let progress = Mutex(Progress())

    /// What the loop has done, for diagnostics and tests.
    package struct Progress: Sendable, Equatable {
        /// The resume point: the last resource version from a list, an event or a bookmark.
        package var resourceVersion: String?
        package var lists = 0
        package var watches = 0
    }

    package init(client: KubeClient, cache: NodeFeatureCache, options: NodeWatchOptions = NodeWatchOptions(), logger: Logger) {
        self.client = client
        self.cache = cache
        self.options = options
        self.logger = logger
    }

    package var currentProgress: Progress { progress.withLock { $0 } }

    /// Starts the loop on its own thread. Returns at once; ``NodeFeatureSnapshot/synced`` turns true
    /// after the first complete list.
    package func start() {
        thread.start { [self] thread in run(thread) }
    }

    /// Ends the loop: wakes a backoff wait, aborts an open watch, and waits up to `timeout` for the
    /// thread to finish. Returns whether it finished.
    @discardableResult
    package func stop(timeout: Duration = .seconds(5)) -> Bool {
        thread.requestStop()
        cancellation.cancel()
        return thread.waitUntilFinished(timeout: timeout)
    }

    // MARK: Loop

    private enum WatchEnd {
        case closed
        case gone
        case failed(String)
        case stopped
    }

    private func run(_ thread: WorkerThread) {
        var random = SystemRandomNumberGenerator()
        var backoff = options.backoff
        var listFrom: String? = "0"
        var resourceVersion = ""
        while !thread.isStopRequested {
            if let from = listFrom {
                do {
                    let (nodes, listed) = try listNodes(from: from)
                    resourceVersion = listed
                    listFrom = nil
                    // Counted before the cache publishes it: whoever sees the cache synced sees the list
                    // counted (publishing also trims the heap, which takes a moment).
                    progress.withLock {
                        $0.resourceVersion = listed
                        $0.lists += 1
                    }
                    cache.replaceLiveNodes(nodes)
                    logger.info("node list complete", metadata: ["nodes": "\(nodes.count)", "resourceVersion": "\(listed)"])
                } catch {
                    // An expired continue token or resource version: list again as a consistent read.
                    if error.isExpired { listFrom = "" }
                    let delay = backoff.nextDelay(healthyFor: .zero, using: &random)
                    logger.warning("node list failed; retrying", metadata: ["error": "\(error)", "retryIn": "\(delay)"])
                    if !thread.pause(for: delay) { return }
                    continue
                }
            }
            let started = ContinuousClock.now
            let (end, events, lastVersion) = watchNodes(from: resourceVersion, thread: thread)
            let lasted = ContinuousClock.now - started
            resourceVersion = lastVersion
            switch end {
            case .stopped:
                return
            case .closed:
                cache.recordWatchRestart(.timeout)
                if events == 0 && lasted < options.minimumHealthyStream {
                    let delay = backoff.nextDelay(healthyFor: lasted, using: &random)
                    logger.warning("node watch closed at once; backing off", metadata: ["retryIn": "\(delay)"])
                    if !thread.pause(for: delay) { return }
                } else {
                    if lasted >= backoff.resetAfter { backoff.reset() }
                    logger.debug("node watch ended; watching again", metadata: ["resourceVersion": "\(resourceVersion)"])
                }
            case .gone:
                cache.recordWatchRestart(.gone)
                listFrom = ""
                resourceVersion = ""
                // The first 410 after a healthy period relists at once (client-go does); repeated ones back off.
                let firstFailure = backoff.consecutiveFailures == 0 || lasted >= backoff.resetAfter
                let delay = backoff.nextDelay(healthyFor: lasted, using: &random)
                logger.info("node watch resource version expired (410); listing again", metadata: ["events": "\(events)"])
                if !firstFailure, !thread.pause(for: delay) { return }
            case .failed(let reason):
                cache.recordWatchRestart(.error)
                let delay = backoff.nextDelay(healthyFor: lasted, using: &random)
                logger.warning("node watch failed; watching again from the last resource version", metadata: [
                    "error": "\(reason)", "resourceVersion": "\(resourceVersion)", "retryIn": "\(delay)",
                ])
                if !thread.pause(for: delay) { return }
            }
        }
    }

    /// Lists every node, page by page. `from` is the list's `resourceVersion` ("0": any cached state;
    /// "": a consistent read). Each page is decoded as it arrives, with the cache's label interner, so
    /// only one page of full node objects (status, images, conditions) is held at a time.
    private func listNodes(from: String) throws(KubeAPIError) -> (nodes: [KubeNode], resourceVersion: String) {
        let path = KubePath.nodes()
        var nodes: [KubeNode] = []
        let listVersion = try client.list(path, pageSize: options.pageSize, resourceVersion: from) { (items: [JSONValue]) throws(KubeAPIError) in
            for item in items {
                do throws(ArtifactDecodingError) {
                    nodes.append(try KubeNode(apiObject: item, at: FieldPath([.key("items"), .index(nodes.count)]), interner: cache.labelInterner))
                } catch {
                    throw KubeAPIError(kind: .malformedResponse(detail: error.description), request: "GET \(path)")
                }
            }
        }
        return (nodes, listVersion)
    }

    /// One watch request, applying events to the cache until the stream ends.
    private func watchNodes(from resourceVersion: String, thread: WorkerThread) -> (WatchEnd, events: Int, resourceVersion: String) {
        let timeout = Int.random(in: options.watchTimeoutSeconds)
        let path = KubePath.nodes([
            ("watch", "1"), ("resourceVersion", resourceVersion), ("allowWatchBookmarks", "true"), ("timeoutSeconds", String(timeout)),
        ])
        progress.withLock { $0.watches += 1 }
        var lastVersion = resourceVersion
        var events = 0
        var inStreamEnd: WatchEnd?
        do {
            // The server ends the stream after `timeout`; silence well past that means a dead connection.
            try client.watch(path, idleTimeout: .seconds(timeout + 30), cancellation: cancellation) { event in
                if thread.isStopRequested { return false }
                events += 1
                switch event.type {
                case .added, .modified:
                    do {
                        cache.apply(.upsert(try KubeNode(apiObject: event.object, at: FieldPath([.key("object")]), interner: cache.labelInterner)))
                    } catch {
                        cache.recordEvent()
                        logger.error("node watch event skipped: undecodable node", metadata: ["type": "\(event.type.rawValue)", "error": "\(error)"])
                    }
                case .deleted:
                    if let name = event.object["metadata"]?["name"]?.stringValue {
                        cache.apply(.delete(name: name))
                    } else {
                        cache.recordEvent()
                    }
                case .bookmark:
                    cache.recordEvent()
                case .error:
                    let status = KubeStatus(event.object)
                    inStreamEnd = status?.isExpired == true
                        ? .gone
                        : .failed("ERROR event: \(status?.message ?? event.object.serialized()) (code \(status?.code.map(String.init) ?? "none"))")
                    return false
                }
                if let version = event.resourceVersion, !version.isEmpty {
                    lastVersion = version
                    progress.withLock { $0.resourceVersion = version }
                }
                return true
            }
        } catch {
            if thread.isStopRequested { return (.stopped, events, lastVersion) }
            return (error.isExpired ? .gone : .failed(error.description), events, lastVersion)
        }
        if thread.isStopRequested { return (.stopped, events, lastVersion) }
        return (inStreamEnd ?? .closed, events, lastVersion)
    }
}
