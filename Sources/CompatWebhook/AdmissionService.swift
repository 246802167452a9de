import CompatAdmission
import CompatArtifacts
import CompatCore
import CompatSelection
import Foundation
import Logging

/// Answers AdmissionReview bodies in one straight line: decode the review, let the
/// ``AdmissionController`` decide with the ``SelectionEngine`` and write its one patch, log one line,
/// count, serialize. Independent of HTTP, so the server stays a thin router.
public final class AdmissionService: Sendable {
    public let engine: SelectionEngine
    public let controller: AdmissionController
    public let metrics: WebhookMetrics
    /// The nodes decisions are made for, read once per request and never blocking (a snapshot).
    public let nodes: @Sendable () -> ClusterNodeSet
    let logger: Logger

    /// The API server's default `timeoutSeconds`, assumed when a request carries no `?timeout=`.
    public static let defaultTimeout: Duration = .seconds(10)

    public init(
        engine: SelectionEngine, nodes: @escaping @Sendable () -> ClusterNodeSet, metrics: WebhookMetrics, logger: Logger,
        controller: AdmissionController = AdmissionController()
    ) {
        self.engine = engine
        self.nodes = nodes
        self.metrics = metrics
        self.logger = logger
        self.controller = controller
    }

    public enum Answer: Sendable {
        /// The AdmissionReview to send back with HTTP 200.
        case review([UInt8], AdmissionOutcome)
        /// Not an AdmissionReview: HTTP 400 with this message (there is no uid to answer).
        case malformed(String)
    }

    /// Decides one AdmissionReview body. `timeout` is the API server's `?timeout=`; artifact fetches get
    /// that minus ``fetchMargin(for:)``.
    public func answer(body: [UInt8], timeout: Duration?) -> Answer {
        let started = ContinuousClock.now
        let request: AdmissionRequest
        do {
            request = try AdmissionRequest(reviewBytes: body)
        } catch {
            logger.warning("malformed admission review", metadata: ["error": "\(error)", "bytes": "\(body.count)"])
            metrics.recordAdmission(kind: "unknown", outcome: "malformed", seconds: (ContinuousClock.now - started).inSeconds)
            return .malformed("not an admission.k8s.io/v1 AdmissionReview: \(error)")
        }
        let timeout = timeout ?? Self.defaultTimeout
        let selector = engine.selector(deadline: started + timeout - Self.fetchMargin(for: timeout))
        let outcome = controller.admit(request, nodes: nodes(), selector: selector)
        let elapsed = ContinuousClock.now - started
        let outcomeLabel = outcome.response.denial?.reason == .internalError ? "error" : outcome.disposition.rawValue
        let kindLabel = AdmittedKind(rawValue: request.kind.kind).map(\.rawValue) ?? "other"
        metrics.recordAdmission(kind: kindLabel, outcome: outcomeLabel, seconds: elapsed.inSeconds, seedSource: outcome.seed?.source.rawValue)
        log(request, outcome, outcomeLabel: outcomeLabel, elapsed: elapsed)
        return .review(outcome.response.serializedReview(), outcome)
    }

    /// Time kept back from the API server's timeout for deciding and answering: a quarter of it, at
    /// most one second.
    public static func fetchMargin(for timeout: Duration) -> Duration {
        min(.seconds(1), timeout / 4)
    }

    /// One line per admission with what correlates it (the uid) and what was decided; never the object.
    /// Nothing is formatted when the logger's level drops the line.
    private func log(_ request: AdmissionRequest, _ outcome: AdmissionOutcome, outcomeLabel: String, elapsed: Duration) {
        let denial = outcome.response.denial
        let (level, message): (Logger.Level, Logger.Message) = switch denial?.reason {
        case nil: (.info, "admission allowed")
        case .internalError?: (.error, "admission denied: selection failed")
        default: (.warning, "admission denied")
        }
        guard logger.logLevel <= level else { return }
        var metadata: Logger.Metadata = [
            "uid": "\(request.uid)",
            "kind": "\(request.kind.kind)",
            "namespace": "\(request.namespace ?? "")",
            "name": "\(request.displayName)",
            "operation": "\(request.operation.rawValue)",
            "dryRun": "\(request.dryRun)",
            "user": "\(request.userInfo?.username ?? "")",
            "decision": "\(outcomeLabel)",
            "patchOps": "\(outcome.response.patch.operations.count)",
            "latencyMs": "\(Self.milliseconds(elapsed))",
        ]
        if let decision = outcome.decision {
            metadata["image"] = "\(decision.image)"
            if let view = decision.fluxViewImage { metadata["fluxView"] = "\(view)" }
            if let seed = outcome.seed {
                metadata["seed"] = "\(seed.value)"
                metadata["seedSource"] = "\(seed.source.rawValue)"
            }
            if !decision.nodeSelector.isEmpty {
                metadata["nodeSelector"] = "\(decision.nodeSelector.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))"
            }
        }
        if let denial {
            metadata["reason"] = "\(denial.reason.rawValue)"
            metadata["message"] = "\(denial.message)"
        } else {
            metadata["summary"] = "\(outcome.summary)"
        }
        logger.log(level: level, message, metadata: metadata)
    }

    /// Milliseconds with three decimals (`0.412`), without a C format string.
    static func milliseconds(_ duration: Duration) -> String {
        let micros = max(0, Int((duration.inSeconds * 1e6).rounded()))
        let fraction = String(micros % 1000)
        return String(micros / 1000) + "." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
