import CompatCore
import CompatKube
import CompatSimulation
import Foundation
import Logging

/// Runs admitted LAMMPS jobs on a real cluster with the Flux Operator: creates the patched MiniCluster,
/// waits for its lead broker pod, follows that pod's log to the end, classifies it with
/// ``LogClassifier`` like every other backend, and deletes the MiniCluster whatever happened.
///
/// Failures of the cluster (API unreachable or forbidding, Flux Operator missing, pods that never
/// start) throw an ``ExperimentError`` that says what to fix: they say nothing about the image choice.
/// A run whose container started is recorded with the reason its log gives, `unknown` when the log
/// says nothing classifiable.
public final class KubernetesLAMMPSBackend: LAMMPSBackend, LAMMPSRunLogSource {
    /// Every log, by job name and mode, for writing beside the results.
    public private(set) var logs: [(mode: SelectionMode, name: String, log: String)] = []
    private let support: KubernetesRunSupport

    /// The Flux Operator's MiniCluster resource.
    static let group = "flux-framework.org"
    static let version = "v1alpha2"
    static let plural = "miniclusters"
    /// Annotation of an indexed Job's pods; the Flux Operator's lead broker is index 0.
    static let completionIndexAnnotation = "batch.kubernetes.io/job-completion-index"

    package init(client: KubeClient, namespace: String, timeouts: KubernetesTimeouts, logger: Logger) {
        support = KubernetesRunSupport(client: client, namespace: namespace, timeouts: timeouts, logger: logger)
    }

    public func run(_ job: AdmittedLAMMPSJob) throws -> RunRecord {
        guard let name = job.object["metadata"]?["name"]?.stringValue, !name.isEmpty else {
            throw ExperimentError("the admitted MiniCluster of \(job.mode.rawValue) run \(job.iteration) has no metadata.name")
        }
        let what = "MiniCluster \(support.namespace)/\(name)"
        try create(support.placedInNamespace(job.object), name: name, what: what)
        let outcome = Result { try observe(job, name: name) }
        let deletion = support.delete(objectPath(name), what: what, propagationPolicy: "Foreground")
        switch (outcome, deletion) {
        case (.success(let run), nil):
            logs.append((job.mode, name, run.log))
            return run.record
        case (.success, let deletion?):
            throw deletion
        case (.failure(let error), nil):
            throw error
        case (.failure(let error), let deletion?):
            throw ExperimentError("\(error); and \(deletion)")
        }
    }

    // MARK: Create

    private var collectionPath: String {
        KubePath.customResource(group: Self.group, version: Self.version, namespace: support.namespace, plural: Self.plural)
    }

    private func objectPath(_ name: String) -> String {
        KubePath.customResource(group: Self.group, version: Self.version, namespace: support.namespace, plural: Self.plural, name: name)
    }

    /// Creates the MiniCluster; one left by an aborted earlier run under the same name (409
    /// AlreadyExists) is deleted, waited out, and the create tried once more.
    private func create(_ object: JSONValue, name: String, what: String) throws {
        do {
            _ = try support.client.post(collectionPath, body: object)
        } catch where error.httpStatus == 409 {
            support.logger.notice("a MiniCluster of that name is left from an earlier run; deleting it", metadata: ["miniCluster": "\(name)"])
            if let failure = support.delete(objectPath(name), what: "the leftover \(what)", propagationPolicy: "Foreground") { throw failure }
            do {
                _ = try support.client.post(collectionPath, body: object)
            } catch {
                throw createFailure(error, what: what)
            }
        } catch {
            throw createFailure(error, what: what)
        }
    }

    private func createFailure(_ error: KubeAPIError, what: String) -> ExperimentError {
        if error.httpStatus == 404 {
            if error.status?.message?.contains("namespaces \"") == true {
                return ExperimentError("creating \(what): namespace '\(support.namespace)' does not exist; create it or pass --namespace")
            }
            return ExperimentError(
                "creating \(what): the Flux Operator CRD is not installed (\(Self.plural).\(Self.group)/\(Self.version) not served); "
                    + "install the Flux Operator in the cluster, or point --context at one that has it")
        }
        return support.failure("creating \(what)", error)
    }

    // MARK: Observe

    private struct Run {
        var record: RunRecord
        var log: String
    }

    /// Waits for the lead broker, follows its log and classifies it.
    private func observe(_ job: AdmittedLAMMPSJob, name: String) throws -> Run {
        let leader = try waitForLeader(name: name)
        guard let podName = leader["metadata"]?["name"]?.stringValue else {
            throw ExperimentError("the lead broker pod of MiniCluster \(name) has no name")
        }
        let container = Self.applicationContainer(of: leader, image: job.image.name)
        let log: (text: String, timedOut: Bool)
        do {
            log = try support.followLog(pod: podName, container: container, limit: support.timeouts.run)
        } catch {
            throw support.failure("streaming the log of lead broker pod \(support.namespace)/\(podName)", error)
        }
        let classification = LogClassifier.classify(log.text)
        if log.timedOut {
            guard classification.reason != .unknown else {
                throw ExperimentError(
                    "the log of lead broker pod \(support.namespace)/\(podName) did not end within \(support.timeouts.run) and says nothing classifiable; "
                        + "check the worker pods (kubectl get pods -l job-name=\(name)) or raise --run-timeout")
            }
            support.logger.warning("log did not end within the run timeout; recording what it says so far", metadata: [
                "pod": "\(podName)", "reason": "\(classification.reason)",
            ])
        }
        let node = leader["spec"]?["nodeName"]?.stringValue.map(support.instanceType(ofNode:)) ?? "unscheduled"
        let record = RunRecord(
            experiment: .lammps, group: job.mode.rawValue, iteration: job.iteration, image: job.image.name, view: job.view.image,
            node: node, reason: classification.reason, wallTimeSeconds: classification.wallTimeSeconds.map(Double.init),
            selectionLatencyMilliseconds: job.selectionLatencyMilliseconds
        )
        return Run(record: record, log: log.text)
    }

    /// Polls the MiniCluster's pods (label `job-name=<name>`) until the lead broker has a container that
    /// runs or ran, so that its log can be followed.
    private func waitForLeader(name: String) throws -> JSONValue {
        var lastSeen: JSONValue?
        let leader = try support.poll(for: support.timeouts.start) { () throws -> JSONValue? in
            let pods: [JSONValue]
            do {
                pods = try support.client.listPods(namespace: support.namespace, labelSelector: "job-name=\(name)")
            } catch {
                throw support.failure("listing the pods of MiniCluster \(name)", error)
            }
            guard let leader = Self.leader(of: pods, miniCluster: name) else { return nil }
            lastSeen = leader
            // (No `? leader : nil`: JSONValue is nil-literal expressible, so that `nil` would be `.null`.)
            guard ["Running", "Succeeded", "Failed"].contains(leader["status"]?["phase"]?.stringValue ?? "") else { return nil }
            return leader
        }
        if let leader { return leader }
        guard let lastSeen, let podName = lastSeen["metadata"]?["name"]?.stringValue else {
            throw ExperimentError(
                "no lead broker pod of MiniCluster \(support.namespace)/\(name) appeared within \(support.timeouts.start); "
                    + "check that the Flux Operator controller is running (kubectl get pods -n operator-system)")
        }
        let phase = lastSeen["status"]?["phase"]?.stringValue ?? "no phase"
        let blocker = podStartBlocker(lastSeen).map { " (\($0))" } ?? ""
        throw ExperimentError(
            "lead broker pod \(support.namespace)/\(podName) is still \(phase) after \(support.timeouts.start)\(blocker); "
                + "check the cluster's capacity and image pulls, or raise --start-timeout")
    }

    /// The lead broker among a MiniCluster's pods: completion index 0 (by annotation, or by the
    /// `<name>-0-<suffix>` pod name when the annotation is absent), not being deleted, earliest created.
    static func leader(of pods: [JSONValue], miniCluster name: String) -> JSONValue? {
        pods.filter { pod in
            guard let metadata = pod["metadata"], metadata["deletionTimestamp"] == nil else { return false }
            if let index = metadata["annotations"]?[completionIndexAnnotation]?.stringValue { return index == "0" }
            return metadata["name"]?.stringValue?.hasPrefix("\(name)-0-") == true
        }
        .min { ($0["metadata"]?["creationTimestamp"]?.stringValue ?? "") < ($1["metadata"]?["creationTimestamp"]?.stringValue ?? "") }
    }

    /// The container whose log to follow: the only one, or the one running the chosen image (the
    /// log request must name a container when a pod has several).
    static func applicationContainer(of pod: JSONValue, image: String) -> String? {
        let containers = pod["spec"]?["containers"]?.arrayValue ?? []
        guard containers.count > 1 else { return nil }
        let chosen = containers.first { $0["image"]?.stringValue == image } ?? containers[0]
        return chosen["name"]?.stringValue
    }
}
