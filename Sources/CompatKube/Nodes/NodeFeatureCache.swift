import Foundation
import Synchronization

/// Why a node watch was started again.
package enum WatchRestartReason: String, Sendable, CaseIterable {
    /// The stream ended cleanly (the server's `timeoutSeconds`, or it closed the connection between events).
    case timeout
    /// 410 Gone: the resource version left the server's history; the nodes were listed again.
    case gone
    /// A transport failure, an HTTP error, a malformed stream or an in-stream ERROR other than 410.
    case error
}

/// One change to the live nodes, from a watch event.
package enum LiveNodeChange: Sendable, Equatable {
    case upsert(KubeNode)
    case delete(name: String)
}

/// Counters and times for metrics and readiness.
package struct NodeCacheStatistics: Sendable, Equatable {
    package var synced = false
    package var liveNodes = 0
    package var staticNodes = 0
    /// Last watch event of any type (heartbeats and bookmarks included): proof the watch is alive.
    package var lastEventAt: Date?
    package var snapshotBuiltAt: Date
    /// Snapshots built since start: one per change that mattered, none for heartbeats.
    package var snapshotsBuilt = 0
    /// Watch events whose node was unchanged in everything the cache keeps (status heartbeats).
    package var eventsWithoutChange = 0
    package var watchRestarts: [WatchRestartReason: Int] = [:]

    /// For `compat_node_watch_restarts_total{reason}`: every reason present, zero included.
    package var watchRestartsByReason: [String: Int] {
        Dictionary(uniqueKeysWithValues: WatchRestartReason.allCases.map { ($0.rawValue, watchRestarts[$0] ?? 0) })
    }

    package func snapshotAge(now: Date = Date()) -> TimeInterval {
        max(0, now.timeIntervalSince(snapshotBuiltAt))
    }
}

/// The cluster's node features for admission: live nodes from list/watch merged with static feature
/// files, published as immutable ``NodeFeatureSnapshot`` values.
///
/// Readers call ``snapshot`` from any thread: it takes a lock only to copy one reference, so an admission
/// request never waits for a list, a watch event or a file reload. Writers (the node watcher, the static
/// feature poller) are serialised by a second lock and publish a new snapshot only when something the
/// snapshot holds has changed.
///
/// Nodes are stored with their label texts interned by ``labelInterner`` (decoders given that interner
/// deliver them so already; others are interned on the way in), so the cache holds each distinct label
/// name and value once rather than once per node. After every write the interner is pruned to the
/// texts of the nodes still held once it has doubled since the last prune, so node churn cannot grow it
/// without bound.
package final class NodeFeatureCache: Sendable {
    package let skipInstanceTypes: Set<String>
    /// The shared label texts of the cached nodes; decode nodes with it (``KubeNode/init(apiObject:at:interner:)``,
    /// ``StaticFeatureDirectory/reload(interner:)``) so they arrive interned.
    package let labelInterner: LabelInterner

    private struct WriterState {
        var live: [String: KubeNode] = [:]
        var staticFiles: [String: [KubeNode]] = [:]
        var synced = false
        var generation: UInt64 = 0
        var statistics: NodeCacheStatistics
    }

    private let published: Mutex<NodeFeatureSnapshot>
    private let writer: Mutex<WriterState>
    private let clock: @Sendable () -> Date

    /// - Parameters:
    ///   - skipInstanceTypes: instance types never offered as candidates (and static entries of these
    ///     types are dropped).
    ///   - labelInterner: where node label texts are shared; pruned by the cache.
    ///   - clock: wall clock for statistics; injectable for tests.
    package init(skipInstanceTypes: Set<String> = [], labelInterner: LabelInterner = LabelInterner(),
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.skipInstanceTypes = skipInstanceTypes
        self.labelInterner = labelInterner
        self.clock = clock
        let initial = NodeFeatureSnapshot.empty(builtAt: clock())
        published = Mutex(initial)
        writer = Mutex(WriterState(statistics: NodeCacheStatistics(snapshotBuiltAt: initial.builtAt)))
    }

    /// The current snapshot. Never blocks on writers.
    package var snapshot: NodeFeatureSnapshot {
        published.withLock { $0 }
    }

    package var statistics: NodeCacheStatistics {
        writer.withLock { $0.statistics }
    }

    // MARK: Live nodes (node watcher)

    /// Replaces every live node with the result of a full list and marks the cache synced.
    ///
    /// A bulk replacement follows the decoding of every node, and builds a snapshot of all of them: both
    /// leave free memory scattered among the blocks kept, which is handed back to the operating system
    /// afterwards (see `HeapTrim`).
    package func replaceLiveNodes(_ nodes: [KubeNode]) {
        defer { HeapTrim.releaseFreeMemory() }
        writer.withLock { state in
            var incoming: [String: KubeNode] = Dictionary(minimumCapacity: nodes.count)
            for node in nodes { incoming[node.name] = node }
            let changed = incoming != state.live || !state.synced
            if changed {
                var stored: [String: KubeNode] = Dictionary(minimumCapacity: incoming.count)
                for (name, node) in incoming {
                    // A node that did not change keeps the stored value (and the storage it shares).
                    if let kept = state.live[name], kept == node {
                        stored[name] = kept
                    } else {
                        stored[name] = labelInterner.intern(node)
                    }
                }
                state.live = stored
            }
            state.synced = true
            if changed { publish(&state) }
            pruneInternerIfNeeded(state)
        }
    }

    /// Applies one watch change. Returns whether a new snapshot was published: `false` for a MODIFIED
    /// event that changed nothing the cache keeps (a status heartbeat) or a delete of an unknown node.
    @discardableResult
    package func apply(_ change: LiveNodeChange) -> Bool {
        writer.withLock { state in
            state.statistics.lastEventAt = clock()
            switch change {
            case .upsert(let node):
                if state.live[node.name] == node {
                    state.statistics.eventsWithoutChange += 1
                    pruneInternerIfNeeded(state)
                    return false
                }
                state.live[node.name] = labelInterner.intern(node)
            case .delete(let name):
                guard state.live.removeValue(forKey: name) != nil else {
                    state.statistics.eventsWithoutChange += 1
                    pruneInternerIfNeeded(state)
                    return false
                }
            }
            publish(&state)
            pruneInternerIfNeeded(state)
            return true
        }
    }

    /// Notes a watch event that carries no node change (BOOKMARK), for liveness of the watch.
    package func recordEvent() {
        writer.withLock { state in
            state.statistics.lastEventAt = clock()
            // The event may have been a node that failed to decode after some of its labels were interned.
            pruneInternerIfNeeded(state)
        }
    }

    package func recordWatchRestart(_ reason: WatchRestartReason) {
        writer.withLock { $0.statistics.watchRestarts[reason, default: 0] += 1 }
    }

    // MARK: Static features (directory poller)

    /// Replaces the static entries, keyed by file name. Like ``replaceLiveNodes(_:)``, hands the memory
    /// freed by decoding the files and building the snapshot back to the operating system afterwards.
    package func replaceStaticFeatures(_ files: [String: [KubeNode]]) {
        defer { HeapTrim.releaseFreeMemory() }
        writer.withLock { state in
            defer { pruneInternerIfNeeded(state) }
            guard files != state.staticFiles else { return }
            state.staticFiles = files.reduce(into: [:]) { stored, file in
                // Files that did not change keep the stored entries (and the storage they share).
                if let kept = state.staticFiles[file.key], kept == file.value {
                    stored[file.key] = kept
                } else {
                    stored[file.key] = labelInterner.intern(nodes: file.value)
                }
            }
            publish(&state)
        }
    }

    // MARK: Interned label texts

    /// Drops interned texts no stored node uses any more, once the interner has doubled since it was
    /// last pruned (amortised: a prune visits every node, and happens after as many new texts as it keeps).
    private func pruneInternerIfNeeded(_ state: WriterState) {
        guard labelInterner.needsPruning else { return }
        labelInterner.prune(keeping: ([Array(state.live.values)] + Array(state.staticFiles.values)).joined())
    }

    // MARK: Publishing

    private func publish(_ state: inout WriterState) {
        state.generation += 1
        let snapshot = NodeFeatureSnapshot(
            live: Array(state.live.values),
            staticEntries: state.staticFiles.keys.sorted().flatMap { state.staticFiles[$0] ?? [] },
            skipInstanceTypes: skipInstanceTypes,
            synced: state.synced,
            generation: state.generation,
            builtAt: clock()
        )
        state.statistics.synced = snapshot.synced
        state.statistics.liveNodes = snapshot.liveNodeCount
        state.statistics.staticNodes = snapshot.staticNodeCount
        state.statistics.snapshotBuiltAt = snapshot.builtAt
        state.statistics.snapshotsBuilt += 1
        published.withLock { $0 = snapshot }
    }
}
