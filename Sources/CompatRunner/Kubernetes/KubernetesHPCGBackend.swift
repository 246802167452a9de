import CompatCore
import CompatKube
import CompatSimulation
import Foundation
import Logging

/// Runs admitted HPCG Pods on a real cluster: creates the patched Pod (pinned by the webhook to the
/// instance type its model chose), waits for it to finish, reads the figure of merit from HPCG's
/// verdict line in the log, and deletes the Pod whatever happened.
///
/// The Pod's command must print HPCG's report (`Final Summary::HPCG result is VALID with a GFLOP/s
/// rating of=…`) to its output, as ``HPCGPodTemplate``'s `xhpcg && cat HPCG-Benchmark*.txt` does; a run without a valid
/// verdict is not a success. Its reason is what ``LogClassifier`` reads in the log (an `exec format
/// error` is an architecture mismatch), otherwise `unknown`.
public struct KubernetesHPCGBackend: HPCGBackend {
    private let support: KubernetesRunSupport

    package init(client: KubeClient, namespace: String, timeouts: KubernetesTimeouts, logger: Logger) {
        support = KubernetesRunSupport(client: client, namespace: namespace, timeouts: timeouts, logger: logger)
    }

    public func run(_ job: AdmittedHPCGJob) throws -> RunRecord {
        guard let name = job.object["metadata"]?["name"]?.stringValue, !name.isEmpty else {
            throw ExperimentError("the admitted HPCG Pod of \(job.strategy) run \(job.iteration) has no metadata.name")
        }
        let what = "Pod \(support.namespace)/\(name)"
        let podPath = KubePath.pods(namespace: support.namespace) + "/" + name
        try create(support.placedInNamespace(job.object), podPath: podPath, what: what)
        let outcome = Result { try observe(job, name: name, podPath: podPath, what: what) }
        let deletion = support.delete(podPath, what: what, propagationPolicy: "Background")
        switch (outcome, deletion) {
        case (.success(let record), nil): return record
        case (.success, let deletion?): throw deletion
        case (.failure(let error), nil): throw error
        case (.failure(let error), let deletion?): throw ExperimentError("\(error); and \(deletion)")
        }
    }

    /// Creates the Pod; one left by an aborted earlier run under the same name (409 AlreadyExists) is
    /// deleted, waited out, and the create tried once more.
    private func create(_ object: JSONValue, podPath: String, what: String) throws {
        let collection = KubePath.pods(namespace: support.namespace)
        do {
            _ = try support.client.post(collection, body: object)
        } catch where error.httpStatus == 409 {
            support.logger.notice("a Pod of that name is left from an earlier run; deleting it", metadata: ["pod": "\(what)"])
            if let failure = support.delete(podPath, what: "the leftover \(what)", propagationPolicy: "Background") { throw failure }
            do {
                _ = try support.client.post(collection, body: object)
            } catch {
                throw support.failure("creating \(what)", error)
            }
        } catch where error.httpStatus == 404 {
            throw ExperimentError("creating \(what): namespace '\(support.namespace)' does not exist; create it or pass --namespace")
        } catch {
            throw support.failure("creating \(what)", error)
        }
    }

    private func observe(_ job: AdmittedHPCGJob, name: String, podPath: String, what: String) throws -> RunRecord {
        let started = try waitForPhase(of: podPath, what: what, in: ["Running", "Succeeded", "Failed"], within: support.timeouts.start)
        guard started.phase != nil else {
            let blocker = started.lastSeen.flatMap(podStartBlocker).map { " (\($0))" } ?? ""
            throw ExperimentError("\(what) did not start within \(support.timeouts.start)\(blocker); check the instance type's capacity and the image pull, or raise --start-timeout")
        }
        let finished = try waitForPhase(of: podPath, what: what, in: ["Succeeded", "Failed"], within: support.timeouts.run)
        guard let phase = finished.phase else {
            throw ExperimentError("\(what) did not finish within \(support.timeouts.run); raise --run-timeout if HPCG runs longer on \(job.instance)")
        }
        let log: String
        do {
            log = try support.followLog(pod: name, container: nil, limit: support.timeouts.run).text
        } catch {
            throw support.failure("reading the log of \(what)", error)
        }
        let result = HPCGResult.parse(log)
        var reason = RunReason.success
        if result.gigaflops == nil {
            let classified = LogClassifier.classify(log).reason
            reason = classified == .success ? .unknown : classified
            support.logger.warning("HPCG run without a valid result", metadata: [
                "pod": "\(what)", "phase": "\(phase)", "result": "\(result)", "reason": "\(reason)",
            ])
        }
        return RunRecord(
            experiment: .model, group: job.strategy, iteration: job.iteration, image: job.image, node: job.instance,
            reason: reason, figureOfMerit: result.gigaflops, selectionLatencyMilliseconds: job.selectionLatencyMilliseconds
        )
    }

    /// Polls the Pod until its phase is one of `phases` (returned) or `limit` passes (`nil`, with the
    /// Pod as last seen).
    private func waitForPhase(of podPath: String, what: String, in phases: Set<String>, within limit: Duration) throws -> (phase: String?, lastSeen: JSONValue?) {
        var lastSeen: JSONValue?
        let phase = try support.poll(for: limit) { () throws -> String? in
            let pod: JSONValue
            do {
                pod = try support.client.get(podPath)
            } catch {
                throw support.failure("reading \(what)", error)
            }
            lastSeen = pod
            return pod["status"]?["phase"]?.stringValue.flatMap { phases.contains($0) ? $0 : nil }
        }
        return (phase, lastSeen)
    }
}
