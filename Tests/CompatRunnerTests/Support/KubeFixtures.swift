import CompatCore
import Foundation

/// API objects in the shape kube-apiserver sends them: Status bodies, stored objects, PodLists of
/// Flux Operator MiniCluster pods (an indexed Job's pods), Nodes.
enum KubeFixtures {
    /// A `metav1.Status` failure body, e.g. `404 NotFound`.
    static func status(code: Int, reason: String, message: String, details: JSONValue = [:]) -> JSONValue {
        [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure", "message": .string(message),
            "reason": .string(reason), "details": details, "code": .number(String(code)),
        ]
    }

    /// What a DELETE of an object that is gone at once answers.
    static func deletedStatus(name: String, kind: String, uid: String) -> JSONValue {
        [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success",
            "details": ["name": .string(name), "kind": .string(kind), "uid": .string(uid)],
        ]
    }

    /// The API's answer to a create path whose group is not served (a CRD that is not installed).
    static let resourceNotServed = status(code: 404, reason: "NotFound", message: "the server could not find the requested resource")

    static func notFound(_ plural: String, group: String, name: String) -> JSONValue {
        let qualified = group.isEmpty ? plural : "\(plural).\(group)"
        return status(
            code: 404, reason: "NotFound", message: "\(qualified) \"\(name)\" not found",
            details: ["name": .string(name), "group": .string(group), "kind": .string(plural)])
    }

    static func alreadyExists(_ plural: String, group: String, name: String) -> JSONValue {
        status(
            code: 409, reason: "AlreadyExists", message: "\(plural).\(group) \"\(name)\" already exists",
            details: ["name": .string(name), "group": .string(group), "kind": .string(plural)])
    }

    static let nodesForbidden = status(
        code: 403, reason: "Forbidden",
        message: "nodes \"gke-lammps-default-pool-7c1d2b9e-k3xq\" is forbidden: User \"system:serviceaccount:hpc:compat-run\" cannot get resource \"nodes\" in API group \"\" at the cluster scope",
        details: ["name": "gke-lammps-default-pool-7c1d2b9e-k3xq", "kind": "nodes"])

    /// `object` as stored: uid, resourceVersion, generation and creationTimestamp set.
    static func stored(_ object: JSONValue) -> JSONValue {
        guard case .object(var root) = object, case .object(var metadata)? = root["metadata"] else { return object }
        metadata["uid"] = "0f3b6c1e-8a4d-4c57-9e2f-5b1d7a9c3e10"
        metadata["resourceVersion"] = "48213"
        metadata["generation"] = 1
        metadata["creationTimestamp"] = "2024-02-06T01:36:53Z"
        root["metadata"] = .object(metadata)
        return .object(root)
    }

    /// `object` as a Foreground delete answers it: still there, marked for deletion.
    static func terminating(_ object: JSONValue) -> JSONValue {
        guard case .object(var root) = stored(object), case .object(var metadata)? = root["metadata"] else { return object }
        metadata["deletionTimestamp"] = "2024-02-06T01:38:02Z"
        metadata["deletionGracePeriodSeconds"] = 0
        metadata["finalizers"] = ["foregroundDeletion"]
        root["metadata"] = .object(metadata)
        return .object(root)
    }

    static func podList(_ items: [JSONValue], resourceVersion: String = "48290") -> JSONValue {
        ["kind": "PodList", "apiVersion": "v1", "metadata": ["resourceVersion": .string(resourceVersion)], "items": .array(items)]
    }

    /// A pod of a Flux Operator MiniCluster (the indexed Job `name`): `<name>-<index>-<suffix>`, with the
    /// Job controller's labels and completion-index annotation, the Flux view init container and the
    /// application container.
    static func miniClusterPod(
        miniCluster name: String, namespace: String, index: Int, suffix: String, phase: String, nodeName: String?,
        image: String, view: String, scheduling: JSONValue? = nil
    ) -> JSONValue {
        let uid = "6d0e4b7a-2f1c-4e8b-a3d5-9c7f0b2e\(String(format: "%04d", index))"
        var spec = JSONObject([
            ("initContainers", [["name": "flux-view", "image": .string(view)]]),
            ("containers", [["name": .string(name), "image": .string(image)]]),
            ("restartPolicy", "OnFailure"),
            ("hostname", .string("\(name)-\(index)")),
            ("subdomain", "flux-service"),
        ])
        if let nodeName { spec["nodeName"] = .string(nodeName) }
        var status = JSONObject([("phase", .string(phase))])
        if phase == "Pending" {
            if let scheduling {
                status["conditions"] = [scheduling]
            } else {
                status["initContainerStatuses"] = [["name": "flux-view", "ready": false, "state": ["running": ["startedAt": "2024-02-06T01:36:58Z"]]]]
                status["containerStatuses"] = [["name": .string(name), "ready": false, "state": ["waiting": ["reason": "PodInitializing"]]]]
            }
        } else {
            status["containerStatuses"] = [["name": .string(name), "ready": .bool(phase == "Running"), "state": ["running": ["startedAt": "2024-02-06T01:37:04Z"]]]]
        }
        return [
            "metadata": [
                "name": .string("\(name)-\(index)-\(suffix)"),
                "generateName": .string("\(name)-\(index)-"),
                "namespace": .string(namespace),
                "uid": .string(uid),
                "resourceVersion": "48277",
                "creationTimestamp": .string("2024-02-06T01:36:5\(4 + index)Z"),
                "labels": [
                    "app": .string(name),
                    "batch.kubernetes.io/controller-uid": "3a9e5f21-7b64-4d0c-8e1a-2c6f9d4b7e03",
                    "batch.kubernetes.io/job-completion-index": .string(String(index)),
                    "batch.kubernetes.io/job-name": .string(name),
                    "controller-uid": "3a9e5f21-7b64-4d0c-8e1a-2c6f9d4b7e03",
                    "job-index": .string(String(index)),
                    "job-name": .string(name),
                    "namespace": .string(namespace),
                ],
                "annotations": ["batch.kubernetes.io/job-completion-index": .string(String(index))],
                "ownerReferences": [[
                    "apiVersion": "batch/v1", "kind": "Job", "name": .string(name), "uid": "3a9e5f21-7b64-4d0c-8e1a-2c6f9d4b7e03",
                    "controller": true, "blockOwnerDeletion": true,
                ]],
            ],
            "spec": .object(spec),
            "status": .object(status),
        ]
    }

    /// The scheduler's verdict on a pod that fits no node.
    static let unschedulable: JSONValue = [
        "type": "PodScheduled", "status": "False", "lastProbeTime": nil, "lastTransitionTime": "2024-02-06T01:36:54Z",
        "reason": "Unschedulable", "message": "0/5 nodes are available: 5 Insufficient cpu. preemption: 0/5 nodes are available: 5 No preemption victims found for incoming pod.",
    ]

    /// A plain Pod (the HPCG job) as stored, in `phase`.
    static func pod(_ object: JSONValue, phase: String, nodeName: String?) -> JSONValue {
        guard case .object(var root) = stored(object), case .object(var spec)? = root["spec"] else { return object }
        if let nodeName { spec["nodeName"] = .string(nodeName) }
        root["spec"] = .object(spec)
        root["status"] = ["phase": .string(phase)]
        return .object(root)
    }

    /// A GKE node of the lammps-matrix cluster, with its instance type label.
    static func node(name: String, instanceType: String) -> JSONValue {
        [
            "kind": "Node", "apiVersion": "v1",
            "metadata": [
                "name": .string(name), "uid": "b4c2e8f0-1d3a-4e6b-9f7c-0a5d2e8b1c46", "resourceVersion": "47102",
                "labels": [
                    "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": .string(name), "kubernetes.io/os": "linux",
                    "node.kubernetes.io/instance-type": .string(instanceType), "topology.kubernetes.io/zone": "us-central1-a",
                ],
            ],
            "spec": ["providerID": .string("gce://lammps-matrix/us-central1-a/\(name)")],
            "status": ["nodeInfo": ["architecture": "amd64", "operatingSystem": "linux", "kubeletVersion": "v1.29.1-gke.1589018"]],
        ]
    }

    /// The end of an HPCG 3.1 report (`HPCG-Benchmark_3.1_*.txt`) as the job prints it, with the
    /// given verdict lines.
    static func hpcgReport(verdict: String) -> String {
        """
        HPCG-Benchmark
        version=3.1
        Release date=March 28, 2019
        Machine Summary=
        Machine Summary::Distributed Processes=16
        Machine Summary::Threads per processes=1
        Global Problem Dimensions=
        Global Problem Dimensions::Global nx=128
        Global Problem Dimensions::Global ny=128
        Global Problem Dimensions::Global nz=128
        Benchmark Time Summary=
        Benchmark Time Summary::Total=62.3118
        GFLOP/s Summary=
        GFLOP/s Summary::Raw DDOT=3.41826
        GFLOP/s Summary::Raw WAXPBY=11.0231
        GFLOP/s Summary::Raw SpMV=9.94519
        GFLOP/s Summary::Raw MG=11.8213
        GFLOP/s Summary::Raw Total=10.9914
        GFLOP/s Summary::Total with convergence overhead=10.9914
        GFLOP/s Summary::Total with convergence and optimization phase overhead=10.8472
        Final Summary=
        \(verdict)
        Final Summary::Results are valid but execution time (sec) is=62.3118
        Final Summary::Official results execution time (sec) must be at least=1800

        """
    }
}
