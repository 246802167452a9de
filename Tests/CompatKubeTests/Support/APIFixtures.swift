import CompatCore
import Foundation

/// Objects in the exact shape the Kubernetes API server sends them, built around the real node labels
/// in shared/data/node-features.json (an EKS cluster with NFD).
enum APIFixtures {
    /// `<package root>/../shared/data`
    static let sharedData: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data")

    static let nodeFeaturesFile = sharedData.appendingPathComponent("node-features.json")

    /// The 25 label maps of the real cluster's nodes, in file order.
    static func realNodeLabels() throws -> [[String: String]] {
        let document = try DocumentDecoder.decode(try Data(contentsOf: nodeFeaturesFile))
        return try (document.arrayValue ?? []).map { entry in
            var labels: [String: String] = [:]
            for (key, value) in entry.objectValue?.members ?? [] {
                guard let text = value.stringValue else { throw FixtureError("label \(key) is not a string") }
                labels[key] = text
            }
            return labels
        }
    }

    /// A `v1.Node` as `GET /api/v1/nodes` returns it for an EKS worker: metadata with labels and
    /// annotations, spec with providerID and optional taints, status with capacity, conditions
    /// (whose heartbeat times change every ~40 s), addresses, nodeInfo and images.
    static func node(
        name: String, labels: [String: String], resourceVersion: String,
        unschedulable: Bool = false, taints: [(key: String, value: String?, effect: String)] = [], heartbeat: String = "2025-06-02T14:07:41Z"
    ) -> JSONValue {
        let labelObject = JSONValue.object(JSONObject(labels.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
        let zone = labels["topology.kubernetes.io/zone"] ?? "us-east-1a"
        let arch = labels["kubernetes.io/arch"] ?? "amd64"
        var spec = JSONObject([("providerID", .string("aws:///\(zone)/i-0\(instanceID(name))"))])
        if unschedulable { spec["unschedulable"] = true }
        if !taints.isEmpty {
            spec["taints"] = .array(taints.map { taint in
                var object = JSONObject([("key", .string(taint.key))])
                if let value = taint.value { object["value"] = .string(value) }
                object["effect"] = .string(taint.effect)
                object["timeAdded"] = "2025-06-02T13:59:02Z"
                return .object(object)
            })
        }
        let condition = { (type: String, status: String, reason: String, message: String) -> JSONValue in
            [
                "type": .string(type), "status": .string(status), "lastHeartbeatTime": .string(heartbeat),
                "lastTransitionTime": "2025-06-02T12:31:09Z", "reason": .string(reason), "message": .string(message),
            ]
        }
        return [
            "kind": "Node",
            "apiVersion": "v1",
            "metadata": [
                "name": .string(name),
                "uid": .string("4c5e2d6a-\(instanceID(name).prefix(4))-4f0e-9d3c-\(instanceID(name).suffix(12))"),
                "resourceVersion": .string(resourceVersion),
                "creationTimestamp": "2025-06-02T12:30:48Z",
                "labels": labelObject,
                "annotations": [
                    "alpha.kubernetes.io/provided-node-ip": "192.168.14.154",
                    "nfd.node.kubernetes.io/feature-labels": "cpu-cpuid.AES,cpu-cpuid.AVX,cpu-model.family,kernel-version.full",
                    "node.alpha.kubernetes.io/ttl": "0",
                    "volumes.kubernetes.io/controller-managed-attach-detach": "true",
                ],
            ],
            "spec": .object(spec),
            "status": [
                "capacity": [
                    "cpu": "64", "ephemeral-storage": "83873772Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0",
                    "memory": "130155412Ki", "pods": "234",
                ],
                "allocatable": [
                    "cpu": "63770m", "ephemeral-storage": "76224326324", "hugepages-1Gi": "0", "hugepages-2Mi": "0",
                    "memory": "128139668Ki", "pods": "234",
                ],
                "conditions": [
                    condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                    condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                    condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                    condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
                ],
                "addresses": [
                    ["type": "InternalIP", "address": "192.168.14.154"],
                    ["type": "InternalDNS", "address": .string(name)],
                    ["type": "Hostname", "address": .string(name)],
                ],
                "daemonEndpoints": ["kubeletEndpoint": ["Port": 10250]],
                "nodeInfo": [
                    "machineID": "ec2b1f0c9e0a4d7c8f6b5a4e3d2c1b0a",
                    "systemUUID": "ec2b1f0c-9e0a-4d7c-8f6b-5a4e3d2c1b0a",
                    "bootID": "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
                    "kernelVersion": .string(labels["feature.node.kubernetes.io/kernel-version.full"] ?? "6.1.134"),
                    "osImage": "Amazon Linux 2023.7.20250512",
                    "containerRuntimeVersion": "containerd://1.7.27",
                    "kubeletVersion": "v1.32.3-eks-473151a",
                    "kubeProxyVersion": "v1.32.3-eks-473151a",
                    "operatingSystem": "linux",
                    "architecture": .string(arch),
                ],
                "images": [
                    [
                        "names": [
                            "602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon-k8s-cni@sha256:1c6f5b6e0d3a9b4f8c7e2d1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c",
                            "602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon-k8s-cni:v1.19.2-eksbuild.1",
                        ],
                        "sizeBytes": 48_361_574,
                    ],
                    [
                        "names": ["registry.k8s.io/nfd/node-feature-discovery:v0.17.3"],
                        "sizeBytes": 76_540_129,
                    ],
                ],
            ],
        ]
    }

    /// A stable 16-hex-digit EC2-style instance id derived from the node name (FNV-1a).
    private static func instanceID(_ name: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// `GET /api/v1/nodes` response: `NodeList` with `metadata.resourceVersion` and, for all pages but
    /// the last, `metadata.continue` and `remainingItemCount`.
    static func nodeList(items: [JSONValue], resourceVersion: String, continueToken: String? = nil, remaining: Int? = nil) -> JSONValue {
        var metadata = JSONObject([("resourceVersion", .string(resourceVersion))])
        if let continueToken {
            metadata["continue"] = .string(continueToken)
            if let remaining { metadata["remainingItemCount"] = .number(String(remaining)) }
        }
        return ["kind": "NodeList", "apiVersion": "v1", "metadata": .object(metadata), "items": .array(items)]
    }

    /// One watch stream line: `{"type":"ADDED","object":{…}}` followed by a newline, as the API server writes it.
    static func watchLine(_ type: String, _ object: JSONValue) -> String {
        JSONValue.object(JSONObject([("type", .string(type)), ("object", object)])).serialized() + "\n"
    }

    /// The object of a BOOKMARK event: only `metadata.resourceVersion` of the requested kind.
    static func bookmark(resourceVersion: String) -> JSONValue {
        ["kind": "Node", "apiVersion": "v1", "metadata": ["resourceVersion": .string(resourceVersion), "creationTimestamp": nil]]
    }

    /// The body of `410 Gone` on a watch or list with an expired resource version, byte for byte.
    static let goneStatusBody =
        #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (2)","reason":"Expired","code":410}"#

    /// The in-stream form: a watch ERROR event carrying the same Status.
    static var goneWatchLine: String {
        #"{"type":"ERROR","object":"# + goneStatusBody + "}\n"
    }

    /// `401 Unauthorized` as the API server sends it for a rejected bearer token.
    static let unauthorizedStatusBody =
        #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}"#

    static func notFoundStatusBody(kind: String, name: String) -> String {
        #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":""# + "\(kind) \\\"\(name)\\\" not found"
            + #"","reason":"NotFound","details":{"name":""# + name + #"","kind":""# + kind + #""},"code":404}"#
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
