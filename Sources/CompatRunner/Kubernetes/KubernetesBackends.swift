import CompatCore
import CompatKube
import CompatTransport
import Foundation
import Logging

/// How long the Kubernetes backends wait for each stage of a run, and how often they look.
public struct KubernetesTimeouts: Sendable {
    /// From creating the object until its (leader) pod has a running container: scheduling, image
    /// pulls, the Flux view's init container.
    public var start: Duration
    /// From the container starting until it ends (its log stream closes, or the pod is terminal).
    public var run: Duration
    /// From the delete request until the object is gone.
    public var deletion: Duration
    /// Pause between two reads of a pod's state.
    public var pollInterval: Duration

    public init(start: Duration = .seconds(600), run: Duration = .seconds(1800), deletion: Duration = .seconds(120), pollInterval: Duration = .seconds(2)) {
        self.start = start
        self.run = run
        self.deletion = deletion
        self.pollInterval = pollInterval
    }
}

/// The backends that run admitted jobs on a real cluster through its API server.
public struct KubernetesBackends: KubernetesBackendFactory {
    package let client: KubeClient
    /// The namespace every MiniCluster and Pod is created in (overriding the template's).
    public let namespace: String
    public let timeouts: KubernetesTimeouts
    let logger: Logger

    package init(client: KubeClient, namespace: String, timeouts: KubernetesTimeouts = KubernetesTimeouts(), logger: Logger) {
        self.client = client
        self.namespace = namespace
        self.timeouts = timeouts
        self.logger = logger
    }

    /// Backends for the cluster `KubeConnection.resolve(kubeconfig:context:)` finds: the given
    /// kubeconfig, `KUBECONFIG`, the in-cluster service account, or `~/.kube/config`.
    public static func connect(
        kubeconfig: String?, context: String?, namespace: String, timeouts: KubernetesTimeouts = KubernetesTimeouts(), logger: Logger
    ) throws -> KubernetesBackends {
        do {
            let connection = try KubeConnection.resolve(kubeconfig: kubeconfig, context: context)
            return KubernetesBackends(client: try KubeClient(connection: connection, logger: logger), namespace: namespace, timeouts: timeouts, logger: logger)
        } catch {
            throw ExperimentError("cannot connect to the cluster: \(error)")
        }
    }

    public func lammpsBackend() throws -> any LAMMPSBackend {
        KubernetesLAMMPSBackend(client: client, namespace: namespace, timeouts: timeouts, logger: logger)
    }

    public func hpcgBackend() throws -> any HPCGBackend {
        KubernetesHPCGBackend(client: client, namespace: namespace, timeouts: timeouts, logger: logger)
    }
}

/// A LAMMPS backend that keeps every run's log, so the session can write them beside the results.
public protocol LAMMPSRunLogSource: AnyObject {
    var logs: [(mode: SelectionMode, name: String, log: String)] { get }
}

extension SimulatedLAMMPSBackend: LAMMPSRunLogSource {}

// MARK: - Shared mechanics

/// Calls and waits both Kubernetes backends make.
struct KubernetesRunSupport {
    let client: KubeClient
    let namespace: String
    let timeouts: KubernetesTimeouts
    let logger: Logger

    /// `object` with `metadata.namespace` set to the backend's namespace (the API rejects a create whose
    /// object names another namespace than the request path).
    func placedInNamespace(_ object: JSONValue) -> JSONValue {
        guard case .object(var root) = object, case .object(var metadata)? = root["metadata"] else { return object }
        metadata["namespace"] = .string(namespace)
        root["metadata"] = .object(metadata)
        return .object(root)
    }

    /// Calls `poll` every ``KubernetesTimeouts/pollInterval`` until it returns a value or `limit` has
    /// passed (then `nil`). Errors from `poll` end the wait.
    func poll<Value>(for limit: Duration, _ poll: () throws -> Value?) throws -> Value? {
        let deadline = ContinuousClock.now + limit
        while true {
            if let value = try poll() { return value }
            guard ContinuousClock.now + timeouts.pollInterval < deadline else { return nil }
            Thread.sleep(forTimeInterval: timeouts.pollInterval.inSeconds)
        }
    }

    /// Streams a container's log to its end, or until `limit` has passed. Returns the log text and
    /// whether the limit cut it short; a log beyond ``maximumLogBytes`` is cut there.
    func followLog(pod: String, container: String?, limit: Duration) throws(KubeAPIError) -> (text: String, timedOut: Bool) {
        let cancellation = CancellationFlag()
        let timer = DispatchWorkItem { cancellation.cancel() }
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(limit.inSeconds * 1e9)), execute: timer)
        defer { timer.cancel() }
        var text = ""
        try client.streamLog(namespace: namespace, pod: pod, container: container, follow: true, cancellation: cancellation) { line in
            text += line
            text += "\n"
            return text.utf8.count < Self.maximumLogBytes
        }
        return (text, cancellation.isCancelled)
    }

    /// Largest log kept from one run; LAMMPS and HPCG logs are a few kilobytes.
    static let maximumLogBytes = 16 << 20

    /// The node's instance type (`node.kubernetes.io/instance-type`), or its name when the node cannot
    /// be read (a namespaced user is commonly not allowed to get nodes) or carries no such label.
    func instanceType(ofNode name: String) -> String {
        do {
            let node = try client.get(KubePath.nodes() + "/" + name)
            return node["metadata"]?["labels"]?["node.kubernetes.io/instance-type"]?.stringValue ?? name
        } catch {
            logger.info("node not readable; recording its name instead of its instance type", metadata: ["node": "\(name)", "error": "\(error)"])
            return name
        }
    }

    /// Deletes the object at `path` and waits until it is gone. Returns what went wrong, if anything,
    /// so that callers can report it beside a failure they are already reporting.
    func delete(_ path: String, what: String, propagationPolicy: String) -> ExperimentError? {
        do {
            _ = try client.delete(path, body: ["propagationPolicy": .string(propagationPolicy)])
        } catch where error.httpStatus == 404 {
            return nil
        } catch {
            return ExperimentError("could not delete \(what): \(error); delete it yourself (kubectl delete) before it holds nodes")
        }
        do {
            let gone = try poll(for: timeouts.deletion) { () throws -> Bool? in
                do throws(KubeAPIError) {
                    _ = try client.get(path)
                    return nil
                } catch where error.httpStatus == 404 {
                    return true
                }
            }
            if gone == nil {
                logger.warning("object still terminating after the deletion timeout", metadata: ["object": "\(what)", "timeout": "\(timeouts.deletion)"])
            }
        } catch {
            logger.warning("could not confirm deletion", metadata: ["object": "\(what)", "error": "\(error)"])
        }
        return nil
    }

    /// An ExperimentError for a failed API call while `doing` something.
    func failure(_ doing: String, _ error: any Error) -> ExperimentError {
        ExperimentError("\(doing): \(error)")
    }
}

/// What a pod's status says about why it has not started: the scheduler's verdict or a container's
/// waiting reason, e.g. `Unschedulable: 0/5 nodes are available: 5 Insufficient cpu.`
func podStartBlocker(_ pod: JSONValue) -> String? {
    let waiting = (pod["status"]?["initContainerStatuses"]?.arrayValue ?? []) + (pod["status"]?["containerStatuses"]?.arrayValue ?? [])
    for status in waiting {
        if let state = status["state"]?["waiting"], let reason = state["reason"]?.stringValue, reason != "PodInitializing", reason != "ContainerCreating" {
            return [reason, state["message"]?.stringValue].compactMap { $0 }.joined(separator: ": ")
        }
    }
    for condition in pod["status"]?["conditions"]?.arrayValue ?? [] where condition["status"]?.stringValue == "False" {
        if let reason = condition["reason"]?.stringValue {
            return [reason, condition["message"]?.stringValue].compactMap { $0 }.joined(separator: ": ")
        }
    }
    return nil
}
