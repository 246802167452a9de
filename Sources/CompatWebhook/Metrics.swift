import CompatArtifacts
import Synchronization

/// The webhook's Prometheus metrics, rendered in the text exposition format at `GET /metrics`.
///
/// Label values are bounded by construction (kinds, outcomes, result classes); never pod names or UIDs,
/// which would make the series count grow with the cluster's history.
public final class WebhookMetrics: Sendable {
    /// Admission latency buckets in seconds: from well under a millisecond (cached decisions) up to the
    /// API server's default 10 s webhook timeout.
    public static let latencyBuckets: [Double] = [
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]

    private struct State {
        var admissions: [Labels: Double] = [:]
        var seedSources: [Labels: Double] = [:]
        var admissionLatency: [Labels: Histogram] = [:]
        var artifactCache: [Labels: Double] = [:]
        var registryFetchLatency: [Labels: Histogram] = [:]
        var nodeCacheNodes: Double = 0
        var nodeCacheLastUpdate: Double = 0
        var watchRestarts: [Labels: Double] = [:]
        var certificateNotAfter: Double = 0
        var httpRejections: [Labels: Double] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// One admission answered: `kind` (Pod, MiniCluster, MPIJob, other), `outcome` (mutated, allowed_unchanged,
    /// denied, error), and for a decision where its seed came from (annotation, owner, label, uid, request): how
    /// often one choice per workload held.
    package func recordAdmission(kind: String, outcome: String, seconds: Double, seedSource: String? = nil) {
        let labels = Labels([("kind", kind), ("outcome", outcome)])
        let seedLabels = seedSource.map { Labels([("source", $0)]) }
        state.withLock {
            $0.admissions[labels, default: 0] += 1
            $0.admissionLatency[labels, default: Histogram(buckets: Self.latencyBuckets)].observe(seconds)
            if let seedLabels { $0.seedSources[seedLabels, default: 0] += 1 }
        }
    }

    /// An artifact lookup: `result` is hit, miss, stale (served stale after a registry error) or error.
    package func recordArtifactLookup(result: String) {
        state.withLock { $0.artifactCache[Labels([("result", result)]), default: 0] += 1 }
    }

    /// A registry round trip (manifest plus blob) and whether it succeeded.
    package func recordRegistryFetch(seconds: Double, succeeded: Bool) {
        let labels = Labels([("result", succeeded ? "ok" : "error")])
        state.withLock { $0.registryFetchLatency[labels, default: Histogram(buckets: Self.latencyBuckets)].observe(seconds) }
    }

    /// The node cache's size and the time (Unix seconds) of its last change.
    package func setNodeCache(nodes: Int, lastUpdate: Double) {
        state.withLock {
            $0.nodeCacheNodes = Double(nodes)
            $0.nodeCacheLastUpdate = lastUpdate
        }
    }

    /// A watch that had to be restarted: `reason` is timeout, gone (410) or error.
    package func setWatchRestarts(_ counts: [String: Int]) {
        state.withLock {
            $0.watchRestarts = Dictionary(uniqueKeysWithValues: counts.map { (Labels([("reason", $0.key)]), Double($0.value)) })
        }
    }

    /// A `/mutate` call answered with an HTTP error instead of an AdmissionReview (400, 405, 415), which
    /// the API server treats as a failed call under the webhook's failurePolicy.
    package func recordHTTPRejection(status: Int) {
        state.withLock { $0.httpRejections[Labels([("code", String(status))]), default: 0] += 1 }
    }

    /// The serving certificate's expiry (Unix seconds), for an alert well before it.
    package func setCertificateNotAfter(_ seconds: Double) {
        state.withLock { $0.certificateNotAfter = seconds }
    }

    /// The metrics in Prometheus text format 0.0.4, series sorted for stable output.
    public func render(now: Double) -> String {
        let s = state.withLock { $0 }
        var out = ""
        counter(&out, "compat_admission_requests_total", "Admission reviews answered, by object kind and outcome.", s.admissions)
        histogram(&out, "compat_admission_duration_seconds", "Time to answer an admission review.", s.admissionLatency)
        counter(&out, "compat_admission_seed_source_total", "Decisions by where their seed came from (annotation, owner, label, uid, request).", s.seedSources)
        counter(&out, "compat_artifact_cache_lookups_total", "Artifact lookups by result (hit, miss, stale, error).", s.artifactCache)
        histogram(&out, "compat_registry_fetch_duration_seconds", "Registry fetches (manifest and blob) by result.", s.registryFetchLatency)
        gauge(&out, "compat_node_cache_nodes", "Nodes in the node-feature cache (live and static).", s.nodeCacheNodes)
        gauge(&out, "compat_node_cache_age_seconds", "Seconds since the node-feature cache last changed.",
              s.nodeCacheLastUpdate > 0 ? max(0, now - s.nodeCacheLastUpdate) : 0)
        counter(&out, "compat_node_watch_restarts_total", "Node watch restarts by reason (timeout, gone, error).", s.watchRestarts)
        gauge(&out, "compat_tls_certificate_not_after_timestamp_seconds", "Expiry of the serving certificate.", s.certificateNotAfter)
        counter(&out, "compat_http_rejections_total", "Calls to /mutate answered with an HTTP error status, by code.", s.httpRejections)
        return out
    }

    private func counter(_ out: inout String, _ name: String, _ help: String, _ series: [Labels: Double]) {
        out += "# HELP \(name) \(help)\n# TYPE \(name) counter\n"
        for (labels, value) in series.sorted(by: { $0.key < $1.key }) {
            out += "\(name)\(labels.rendered()) \(format(value))\n"
        }
    }

    private func gauge(_ out: inout String, _ name: String, _ help: String, _ value: Double) {
        out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n\(name) \(format(value))\n"
    }

    private func histogram(_ out: inout String, _ name: String, _ help: String, _ series: [Labels: Histogram]) {
        out += "# HELP \(name) \(help)\n# TYPE \(name) histogram\n"
        for (labels, h) in series.sorted(by: { $0.key < $1.key }) {
            var cumulative = 0.0
            for (bound, count) in zip(h.buckets, h.counts) {
                cumulative += count
                out += "\(name)_bucket\(labels.rendered(extra: ("le", format(bound)))) \(format(cumulative))\n"
            }
            out += "\(name)_bucket\(labels.rendered(extra: ("le", "+Inf"))) \(format(h.count))\n"
            out += "\(name)_sum\(labels.rendered()) \(format(h.sum))\n"
            out += "\(name)_count\(labels.rendered()) \(format(h.count))\n"
        }
    }

    private func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)"
    }
}

/// A metric's label set, ordered as declared.
struct Labels: Hashable, Comparable, Sendable {
    let pairs: [Pair]

    struct Pair: Hashable, Sendable {
        let name: String
        let value: String
    }

    init(_ pairs: [(String, String)]) {
        self.pairs = pairs.map { Pair(name: $0.0, value: $0.1) }
    }

    static func < (lhs: Labels, rhs: Labels) -> Bool {
        lhs.rendered() < rhs.rendered()
    }

    func rendered(extra: (String, String)? = nil) -> String {
        var all = pairs.map { ($0.name, $0.value) }
        if let extra { all.append(extra) }
        if all.isEmpty { return "" }
        return "{" + all.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
    }

    /// Label values escape backslash, double quote and newline (exposition format 0.0.4).
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }
}

/// Bucket counts (not cumulative) plus sum and count.
struct Histogram: Sendable {
    let buckets: [Double]
    var counts: [Double]
    var sum = 0.0
    var count = 0.0

    init(buckets: [Double]) {
        self.buckets = buckets
        counts = Array(repeating: 0, count: buckets.count)
    }

    mutating func observe(_ value: Double) {
        sum += value
        count += 1
        if let i = buckets.firstIndex(where: { value <= $0 }) { counts[i] += 1 }
    }
}

extension WebhookMetrics: ArtifactFetchObserver {
    public func artifactLookup(_ result: ArtifactLookupResult) {
        recordArtifactLookup(result: result.rawValue)
    }

    public func registryFetch(seconds: Double, succeeded: Bool) {
        recordRegistryFetch(seconds: seconds, succeeded: succeeded)
    }
}
