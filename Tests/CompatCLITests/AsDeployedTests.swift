import Foundation
import Testing

/// The deployment as written. Each overlay is rendered with `kubectl kustomize` and every object is checked
/// (kind, and the fields that tie the objects together). Then, per overlay, the README's deploy section is
/// followed as far as this machine allows, against the Kubernetes API replayed on loopback:
///
/// 1. the shipped artifacts are published with `compat artifact push` to a real docker-registry on 127.0.0.1;
/// 2. a site overlay, the README's `site/kustomization.yaml` block verbatim with the registry filled in, sets the
///    image and the registry allowlist; it is rendered;
/// 3. `compat-webhook` starts with exactly the rendered Deployment's args and environment, as the kubelet would
///    start the container: `$(NAME)` expanded from the env the ConfigMap fills, every volume written out from
///    the rendered ConfigMap and Secret (cert-manager's Secret made by `compat-webhook certs` for the
///    Certificate's names), the image's files at the Dockerfile's COPY destinations. What a pod provides and this
///    machine cannot is substituted, and only that: container paths map to those folders, the pod's port 8443
///    to a free loopback port on 127.0.0.1, and the in-cluster API server to the replayed one (KUBECONFIG),
///    which serves a real EKS node list (../shared/data/real-world/nodes/eks-nfd-nodes.json, see its SOURCES.md);
/// 4. the probes are asked as the kubelet asks them; the `examples/` objects are sent as the API server sends
///    them: routed by the rendered MutatingWebhookConfiguration's rules, namespaceSelector and objectSelector,
///    to the Service's DNS name and path, trusting only the caBundle; the Indexed Job through the pods its
///    controller creates. The mutations are asserted.
///
/// When the manifests and the binary's flags drift apart (a flag renamed, a setting missing from the ConfigMap,
/// a path the image does not have), the webhook does not start or answers differently, and this fails.
@Suite(.enabled(if: Kubectl.isInstalled, Kubectl.missing), .serialized)
struct AsDeployedTests {
    static let root = CommandRunner.packageRoot.path
    static let overlays = ["self-signed", "cert-manager", "eks"]
    static let namespace = "compat-system"
    static let optInLabel = "oci.image.compatibilities.selection/enabled"
    static let nodeRecording = CommandRunner.shared.appendingPathComponent("data/real-world/nodes/eks-nfd-nodes.json").path

    // MARK: Rendering

    /// The repository's `webhook/` and `deploy/` copied into `work`, with `compat-webhook certs` written where the
    /// self-signed overlay reads them (README step), so the repository is left untouched.
    private func prepareTree(_ work: String) throws {
        for folder in ["webhook", "deploy"] {
            try FileManager.default.copyItem(atPath: Self.root + "/" + folder, toPath: work + "/" + folder)
        }
        let made = try CommandRunner.run("compat-webhook", [
            "certs", "--service", "compat-webhook", "--namespace", Self.namespace, "--out", work + "/deploy/self-signed/certs",
        ])
        guard made.status == 0 else { throw Kubectl.Failure(description: "compat-webhook certs failed: \(made.stderr)") }
    }

    private func render(_ directory: String, work: String) throws -> RenderedObjects {
        RenderedObjects(try Kubectl.objects(fromYAML: try Kubectl.kustomize(directory), scratch: work))
    }

    private func scratch() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("compat-as-deployed-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func baseHasAnEmptyNodeFeaturesConfigMapAndNoCertificateSource() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(atPath: work) }
        try prepareTree(work)
        let base = try render(work + "/webhook", work: work)
        let features = try #require(base.first("ConfigMap", "compat-webhook-node-features"))
        #expect(features["data"] == nil, "the base must not load another cluster's nodes")
        #expect(base.all("Certificate").isEmpty && base.all("Secret").isEmpty)
        #expect(base.first("MutatingWebhookConfiguration", "compat-image-selector")?.at("webhooks", 0, "clientConfig", "caBundle") as? String == "")
    }

    @Test(arguments: overlays)
    func overlayRendersConsistentObjects(_ overlay: String) throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(atPath: work) }
        try prepareTree(work)
        let objects = try render(work + "/deploy/" + overlay, work: work)
        try OverlayCheck(objects: objects, overlay: overlay).run()
    }

    // MARK: As deployed

    @Test(.timeLimit(.minutes(3)), arguments: overlays)
    func overlayDeployedAsWrittenMutatesTheExamples(_ overlay: String) throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(atPath: work) }
        try prepareTree(work)

        // 1. Publish the shipped artifacts (README "Publish the artifacts").
        let registry = try LoopbackRegistry()
        defer { registry.stop() }
        let repository = "\(registry.host)/compat"
        for (target, source) in [("\(repository)/lammps-matrix:catalog-v1", "artifacts/lammps-matrix"), ("\(repository)/models:v1", "models/model-compatibility.json")] {
            let pushed = try CommandRunner.run("compat", ["artifact", "push", "--plain-http", registry.host, target, source])
            try #require(pushed.status == 0, "\(pushed.stderr)")
        }

        // 2. The README's site overlay, verbatim but for the registry, on top of this overlay.
        let site = try SiteOverlay.fromREADME()
        try FileManager.default.createDirectory(atPath: work + "/site", withIntermediateDirectories: true)
        try Data(site.text(overlay: overlay, registry: registry.host).utf8).write(to: URL(fileURLWithPath: work + "/site/kustomization.yaml"))
        let objects = try render(work + "/site", work: work)
        try OverlayCheck(objects: objects, overlay: overlay).run()
        let deployment = try #require(objects.first("Deployment", "compat-webhook"))
        #expect(deployment.at("spec", "template", "spec", "containers", 0, "image") as? String == "registry.example.com/hpc/compat-webhook:0.1.0")

        // 3. The container as the kubelet starts it.
        let api = try ReplayedKubernetesAPI(nodes: try Data(contentsOf: URL(fileURLWithPath: Self.nodeRecording)))
        defer { api.stop() }
        let pod = try DeployedPod(objects: objects, overlay: overlay, work: work, api: api)
        let webhook = try pod.start()
        defer { webhook.killIfRunning() }
        let log = JSONLog(webhook)

        // 4. Probes, then the examples as the API server sends them.
        try pod.waitUntilReady(log: log)
        #expect(try pod.probe("livenessProbe").status == 200)
        let apiServer = try APIServerRouting(objects: objects, pod: pod, work: work)
        let examples = try Examples(registry: repository, work: work)
        let expectations = ExpectedMutations.self

        let podAnswer = try #require(try apiServer.create(examples.pod, namespace: "default", uid: "\(overlay)-pod"))
        #expect(podAnswer.allowed, "\(podAnswer.statusMessage)")
        let mutatedPod = try AdmissionReviews.apply(podAnswer.patch, to: examples.pod)
        #expect(mutatedPod.at("spec", "containers", 0, "image") as? String == expectations.podImage)
        #expect(mutatedPod.at("spec", "nodeSelector") as? [String: String] == ["node.kubernetes.io/instance-type": expectations.podInstanceType])
        #expect(podAnswer.auditAnnotations["selected-image"] == expectations.podImage)

        // The Job itself is not routed (jobs are not in the rules); its pods are, one by one.
        #expect(try apiServer.create(examples.indexedJob, namespace: "default", uid: "\(overlay)-job") == nil)
        for (index, jobPod) in try examples.indexedJobPods().enumerated() {
            let answer = try #require(try apiServer.create(jobPod, namespace: "default", uid: "\(overlay)-job-pod-\(index)", username: "system:serviceaccount:kube-system:job-controller"))
            #expect(answer.allowed, "\(answer.statusMessage)")
            let mutated = try AdmissionReviews.apply(answer.patch, to: jobPod)
            #expect(mutated.at("spec", "containers", 0, "image") as? String == expectations.jobImage, "pod of index \(index)")
            #expect(mutated.at("spec", "initContainers", 0, "image") as? String == "docker.io/library/bash")
            #expect(mutated.at("spec", "nodeSelector") as? [String: String] == ["node.kubernetes.io/instance-type": "hpc7g.16xlarge"])
        }

        let miniClusterAnswer = try #require(try apiServer.create(examples.miniCluster, namespace: "default", uid: "\(overlay)-minicluster"))
        #expect(miniClusterAnswer.allowed, "\(miniClusterAnswer.statusMessage)")
        let mutatedMiniCluster = try AdmissionReviews.apply(miniClusterAnswer.patch, to: examples.miniCluster)
        #expect(mutatedMiniCluster.at("spec", "containers", 0, "image") as? String == expectations.miniClusterImage)
        #expect(mutatedMiniCluster.at("spec", "flux", "container", "image") as? String == "ghcr.io/converged-computing/flux-view-ubuntu:arm-jammy")

        // The MPIJob: one build of the two the mode admits for launcher and workers alike (no seed annotation, so
        // the workload's own seed draws which), their nodeSelectors kept.
        let mpiJobAnswer = try #require(try apiServer.create(examples.mpiJob, namespace: "default", uid: "\(overlay)-mpijob"))
        #expect(mpiJobAnswer.allowed, "\(mpiJobAnswer.statusMessage)")
        let mutatedMPIJob = try AdmissionReviews.apply(mpiJobAnswer.patch, to: examples.mpiJob)
        let launcherImage = mutatedMPIJob.at("spec", "mpiReplicaSpecs", "Launcher", "template", "spec", "containers", 0, "image") as? String
        #expect(expectations.mpiJobImages.contains(launcherImage ?? ""), "\(launcherImage ?? "none")")
        #expect(mutatedMPIJob.at("spec", "mpiReplicaSpecs", "Worker", "template", "spec", "containers", 0, "image") as? String == launcherImage)
        #expect(mpiJobAnswer.auditAnnotations["selected-image"] == launcherImage)
        for replica in ["Launcher", "Worker"] {
            #expect(mutatedMPIJob.at("spec", "mpiReplicaSpecs", replica, "template", "spec", "nodeSelector") as? [String: String]
                == ["node.kubernetes.io/instance-type": "hpc7g.16xlarge"])
        }
        // Not opted in, or in the webhook's own namespace: never sent.
        var plainPod = examples.pod
        plainPod["metadata"] = ["name": "plain"]
        #expect(try apiServer.create(plainPod, namespace: "default", uid: "\(overlay)-plain") == nil)
        #expect(try apiServer.create(examples.pod, namespace: Self.namespace, uid: "\(overlay)-own-namespace") == nil)

        // Decisions are visible as the README says: a log line per admission, the node cache in /metrics.
        let decisions = log.lines.filter { $0["message"] as? String == "admission allowed" && $0["decision"] as? String == "mutated" }
        #expect(decisions.count == 6, "pod, 3 Indexed Job pods, MiniCluster, MPIJob:\n\(log.text)")
        let metrics = try pod.get("/metrics")
        // Live nodes, plus (eks) the static entries of instance types no live node has: 25 + 20.
        let staticNodes = overlay == "eks" ? try Self.staticEntriesOfMissingInstanceTypes() : 0
        #expect(metrics.body.contains("\ncompat_node_cache_nodes \(25 + staticNodes)\n"), "\(metrics.body)")
        #expect(metrics.body.contains("compat_admission_requests_total{"))
        // Every call to the API server is one the ClusterRole allows.
        #expect(!api.requestLines.isEmpty)
        for line in api.requestLines {
            #expect(line.hasPrefix("GET /api/v1/nodes?"), "\(line)")
        }
        #expect(webhook.terminatesCleanly(within: Double(pod.terminationGracePeriodSeconds)), "exit 0 within the pod's grace period")
    }

    /// Static entries of webhook/node-features whose instance type the recorded cluster does not have: the ones
    /// the node cache keeps beside the live nodes.
    static func staticEntriesOfMissingInstanceTypes() throws -> Int {
        let instanceType = "node.kubernetes.io/instance-type"
        let recording = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: nodeRecording))) as? [String: Any]
        let live = Set((recording?["items"] as? [[String: Any]] ?? []).compactMap { $0.at("metadata", "labels", instanceType) as? String })
        let entries = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root + "/webhook/node-features/node-features.json"))) as? [[String: String]]
        return (entries ?? []).filter { $0[instanceType].map { !live.contains($0) } ?? false }.count
    }

    @Test func readmeShowsTheExpectedMutations() throws {
        let examples = try String(contentsOfFile: Self.root + "/examples/README.md", encoding: .utf8)
        for image in [ExpectedMutations.podImage, ExpectedMutations.jobImage, ExpectedMutations.miniClusterImage, ExpectedMutations.podInstanceType] {
            #expect(examples.contains(image), "examples/README.md does not show \(image)")
        }
    }
}

/// What the examples become on the replayed EKS cluster (its hpc7g.16xlarge nodes: arm64, Amazon Linux 2023).
enum ExpectedMutations {
    /// The model picks the instance type with the best predicted HPCG figure of merit, and its arm64 build.
    static let podImage = "ghcr.io/converged-computing/hpcg-matrix:cortex-a72-Os"
    static let podInstanceType = "hpc7g.16xlarge"
    /// `descriptive` with `mpi: openmpi` on arm64 nodes admits the two Open MPI builds; seed "1" draws this one.
    static let jobImage = "ghcr.io/rse-ops/lammps-matrix:openmpi-ubuntu-22.04-arm64"
    /// The only Open MPI build whose C library the arm64 Ubuntu 22.04 view's Flux runs in.
    static let miniClusterImage = "ghcr.io/rse-ops/lammps-matrix:openmpi-ubuntu-22.04-arm64"
    /// `descriptive` with `mpi: openmpi` on arm64 nodes: the two Open MPI builds.
    static let mpiJobImages: Set<String> = [
        "ghcr.io/rse-ops/lammps-matrix:openmpi-ubuntu-20.04-arm64", "ghcr.io/rse-ops/lammps-matrix:openmpi-ubuntu-22.04-arm64",
    ]
}

// MARK: - Rendered objects

struct RenderedObjects {
    let items: [[String: Any]]

    init(_ items: [[String: Any]]) { self.items = items }

    func all(_ kind: String) -> [[String: Any]] { items.filter { $0["kind"] as? String == kind } }

    func first(_ kind: String, _ name: String) -> [String: Any]? {
        all(kind).first { ($0["metadata"] as? [String: Any])?["name"] as? String == name }
    }

    /// The one object of `kind` whose name is `name` or `name-<hash>` (generated with a name suffix).
    func generated(_ kind: String, _ name: String) -> [String: Any]? {
        all(kind).first { object in
            guard let actual = (object["metadata"] as? [String: Any])?["name"] as? String else { return false }
            return actual == name || (actual.hasPrefix(name + "-") && actual.count == name.count + 11)
        }
    }
}

/// Checks one rendered overlay: every object a known kind in the right scope, and the references between
/// them resolving (Deployment ↔ ServiceAccount, ConfigMaps, Secret, Service ↔ pods ↔ webhook configuration).
struct OverlayCheck {
    let objects: RenderedObjects
    let overlay: String

    static let kinds: [String: (apiVersion: String, namespaced: Bool)] = [
        "Namespace": ("v1", false), "ServiceAccount": ("v1", true), "ConfigMap": ("v1", true), "Secret": ("v1", true),
        "Service": ("v1", true), "ClusterRole": ("rbac.authorization.k8s.io/v1", false),
        "ClusterRoleBinding": ("rbac.authorization.k8s.io/v1", false), "Deployment": ("apps/v1", true),
        "PodDisruptionBudget": ("policy/v1", true), "MutatingWebhookConfiguration": ("admissionregistration.k8s.io/v1", false),
        "Issuer": ("cert-manager.io/v1", true), "Certificate": ("cert-manager.io/v1", true),
    ]

    func run() throws {
        for object in objects.items {
            let kind = object["kind"] as? String ?? "?"
            let name = object.at("metadata", "name") as? String ?? "?"
            guard let known = Self.kinds[kind] else {
                Issue.record("\(overlay): unexpected object \(kind) \(name)")
                continue
            }
            #expect(object["apiVersion"] as? String == known.apiVersion, "\(overlay): \(kind) \(name)")
            let namespace = object.at("metadata", "namespace") as? String
            #expect(known.namespaced ? namespace == AsDeployedTests.namespace : namespace == nil, "\(overlay): \(kind) \(name) namespace \(namespace ?? "none")")
        }
        #expect(objects.first("Namespace", AsDeployedTests.namespace) != nil)
        let deployment = try #require(objects.first("Deployment", "compat-webhook"), "\(overlay): no Deployment")
        let template = try #require(deployment.at("spec", "template") as? [String: Any])
        let podLabels = try #require(template.at("metadata", "labels") as? [String: String])
        #expect(deployment.at("spec", "selector", "matchLabels") as? [String: String] == podLabels)
        let podSpec = try #require(template["spec"] as? [String: Any])
        let serviceAccount = try #require(podSpec["serviceAccountName"] as? String)
        #expect(objects.first("ServiceAccount", serviceAccount) != nil)
        let binding = try #require(objects.first("ClusterRoleBinding", "compat-webhook-node-reader"))
        #expect(binding.at("subjects", 0, "name") as? String == serviceAccount)
        let role = try #require(objects.first("ClusterRole", binding.at("roleRef", "name") as? String ?? ""))
        #expect(role.at("rules", 0, "resources") as? [String] == ["nodes"])
        #expect(Set(role.at("rules", 0, "verbs") as? [String] ?? []).isSuperset(of: ["list", "watch"]))
        #expect(podSpec.at("securityContext", "runAsNonRoot") as? Bool == true)

        let container = try #require((podSpec["containers"] as? [[String: Any]])?.first)
        #expect(container.at("securityContext", "readOnlyRootFilesystem") as? Bool == true)
        // Every ConfigMap key the environment reads exists; every volume's source exists (or is optional).
        for entry in container["env"] as? [[String: Any]] ?? [] {
            guard let reference = entry.at("valueFrom", "configMapKeyRef") as? [String: Any] else { continue }
            let map = objects.first("ConfigMap", reference["name"] as? String ?? "")
            #expect((map?["data"] as? [String: String])?[reference["key"] as? String ?? ""] != nil, "\(overlay): env \(entry["name"] ?? "") reads a missing key")
        }
        for volume in podSpec["volumes"] as? [[String: Any]] ?? [] {
            if let map = volume.at("configMap", "name") as? String { #expect(objects.first("ConfigMap", map) != nil, "\(overlay): ConfigMap \(map)") }
            if let secret = volume["secret"] as? [String: Any], secret["optional"] as? Bool != true {
                let name = secret["secretName"] as? String ?? ""
                let certificate = objects.all("Certificate").first { $0.at("spec", "secretName") as? String == name }
                #expect(objects.first("Secret", name) != nil || certificate != nil, "\(overlay): nothing provides Secret \(name)")
            }
        }
        // The Service reaches the container's https port, which is the port the webhook is told to listen on.
        let service = try #require(objects.first("Service", "compat-webhook"))
        #expect(service.at("spec", "selector") as? [String: String] == podLabels)
        let ports = container["ports"] as? [[String: Any]] ?? []
        let https = try #require(ports.first { $0["name"] as? String == "https" })
        #expect((container["args"] as? [String])?.contains("--port=\(https["containerPort"] as? Int ?? -1)") == true)
        let pdb = try #require(objects.first("PodDisruptionBudget", "compat-webhook"))
        #expect(pdb.at("spec", "selector", "matchLabels") as? [String: String] == podLabels)

        let configuration = try #require(objects.first("MutatingWebhookConfiguration", "compat-image-selector"))
        let webhooks = try #require(configuration["webhooks"] as? [[String: Any]])
        #expect(webhooks.count == 1)
        let webhook = webhooks[0]
        #expect(webhook.at("clientConfig", "service", "name") as? String == "compat-webhook")
        #expect(webhook.at("clientConfig", "service", "namespace") as? String == AsDeployedTests.namespace)
        #expect(webhook.at("clientConfig", "service", "path") as? String == "/mutate")
        let servicePort = webhook.at("clientConfig", "service", "port") as? Int ?? 443
        #expect((service.at("spec", "ports") as? [[String: Any]])?.contains { $0["port"] as? Int == servicePort && $0["targetPort"] as? String == "https" } == true)
        #expect(webhook["sideEffects"] as? String == "None")
        #expect(webhook["failurePolicy"] as? String == "Fail")
        #expect((webhook["admissionReviewVersions"] as? [String])?.contains("v1") == true)
        #expect(webhook.at("objectSelector", "matchLabels") as? [String: String] == [AsDeployedTests.optInLabel: "true"])
        let excluded = (webhook.at("namespaceSelector", "matchExpressions", 0, "values") as? [String]) ?? []
        #expect(Set(excluded).isSuperset(of: ["kube-system", AsDeployedTests.namespace]))
        let resources = Set((webhook["rules"] as? [[String: Any]] ?? []).flatMap { rule in
            (rule["apiGroups"] as? [String] ?? []).flatMap { group in (rule["resources"] as? [String] ?? []).map { group + "/" + $0 } }
        })
        #expect(resources == ["/pods", "flux-framework.org/miniclusters", "kubeflow.org/mpijobs"])

        let caBundle = webhook.at("clientConfig", "caBundle") as? String ?? ""
        let injection = configuration.at("metadata", "annotations", "cert-manager.io/inject-ca-from") as? String
        switch overlay {
        case "self-signed":
            let secret = try #require(objects.first("Secret", "compat-webhook-tls"))
            #expect(secret["type"] as? String == "kubernetes.io/tls")
            #expect(caBundle.filter { !$0.isWhitespace } == (secret.at("data", "ca.crt") as? String)?.filter { !$0.isWhitespace })
            #expect(String(decoding: Data(base64Encoded: caBundle, options: .ignoreUnknownCharacters) ?? Data(), as: UTF8.self).hasPrefix("-----BEGIN CERTIFICATE-----"))
            #expect(injection == nil)
        default:
            let certificate = try #require(objects.first("Certificate", "compat-webhook"))
            #expect(injection == "\(AsDeployedTests.namespace)/compat-webhook")
            #expect((certificate.at("spec", "dnsNames") as? [String])?.contains("compat-webhook.\(AsDeployedTests.namespace).svc") == true)
            let issuer = certificate.at("spec", "issuerRef", "name") as? String ?? ""
            #expect(objects.first("Issuer", issuer) != nil)
            #expect(caBundle.isEmpty, "cert-manager's CA injector fills it")
        }
        let features = try #require(objects.first("ConfigMap", "compat-webhook-node-features"))
        if overlay == "eks" {
            let file = try #require(features.at("data", "node-features.json") as? String)
            let nodes = try JSONSerialization.jsonObject(with: Data(file.utf8)) as? [[String: String]]
            #expect(nodes?.count == 25)
        } else {
            #expect(features["data"] == nil)
        }
    }
}

// MARK: - The README's site overlay

/// The `site/kustomization.yaml` block of README "Deploy to a cluster", which a user copies.
struct SiteOverlay {
    let template: String
    static let marker = "# site/kustomization.yaml"

    static func fromREADME() throws -> SiteOverlay {
        let readme = try String(contentsOfFile: AsDeployedTests.root + "/README.md", encoding: .utf8)
        guard let start = readme.range(of: "```yaml\n" + marker + "\n"), let end = readme.range(of: "\n```", range: start.upperBound..<readme.endIndex) else {
            throw Kubectl.Failure(description: "README.md has no ```yaml block starting with '\(marker)'")
        }
        return SiteOverlay(template: marker + "\n" + String(readme[start.upperBound..<end.lowerBound]) + "\n")
    }

    /// The block for `overlay`, the artifacts on `registry` (plain HTTP, as a registry without TLS is).
    func text(overlay: String, registry: String) -> String {
        template.replacingOccurrences(of: "../deploy/self-signed", with: "../deploy/" + overlay)
            .replacingOccurrences(of: "REGISTRY_ALLOW=registry.example.com/compat", with: "REGISTRY_ALLOW=\(registry)/compat")
            .replacingOccurrences(of: "REGISTRY_INSECURE=", with: "REGISTRY_INSECURE=\(registry)")
    }
}

// MARK: - The pod

/// The webhook container of the rendered Deployment, as a kubelet would run it here.
struct DeployedPod {
    let container: [String: Any]
    let arguments: [String]
    let environment: [String: String]
    let port: UInt16
    let caFile: String
    let terminationGracePeriodSeconds: Int
    let serverName = "compat-webhook.\(AsDeployedTests.namespace).svc"

    init(objects: RenderedObjects, overlay: String, work: String, api: ReplayedKubernetesAPI) throws {
        let deployment = try #require(objects.first("Deployment", "compat-webhook"))
        let podSpec = try #require(deployment.at("spec", "template", "spec") as? [String: Any])
        container = try #require((podSpec["containers"] as? [[String: Any]])?.first)
        terminationGracePeriodSeconds = podSpec["terminationGracePeriodSeconds"] as? Int ?? 30
        #expect(container["command"] == nil, "the image's ENTRYPOINT runs")

        // The container's filesystem: the image's files (Dockerfile runtime COPY lines) and the volumes.
        var mounts: [(container: String, host: String)] = try Self.imageFiles()
        let volumes = podSpec["volumes"] as? [[String: Any]] ?? []
        var ca = ""
        for mount in container["volumeMounts"] as? [[String: Any]] ?? [] {
            let name = try #require(mount["name"] as? String)
            let path = try #require(mount["mountPath"] as? String)
            let volume = try #require(volumes.first { $0["name"] as? String == name }, "volume \(name)")
            let folder = work + "/volumes/" + name
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            if let mapName = volume.at("configMap", "name") as? String {
                let map = try #require(objects.first("ConfigMap", mapName))
                for (key, value) in map["data"] as? [String: String] ?? [:] {
                    try Data(value.utf8).write(to: URL(fileURLWithPath: folder + "/" + key))
                }
            } else if let secretName = volume.at("secret", "secretName") as? String {
                var data: [String: Data] = [:]
                if let secret = objects.first("Secret", secretName) {
                    for (key, value) in secret["data"] as? [String: String] ?? [:] {
                        guard let decoded = Data(base64Encoded: value, options: .ignoreUnknownCharacters) else {
                            throw Kubectl.Failure(description: "Secret \(secretName) key \(key) is not base64")
                        }
                        data[key] = decoded
                    }
                } else if let certificate = objects.all("Certificate").first(where: { $0.at("spec", "secretName") as? String == secretName }) {
                    data = try Self.issue(certificate, work: work)
                } else {
                    #expect(volume.at("secret", "optional") as? Bool == true, "Secret \(secretName) is neither rendered nor optional")
                }
                for (key, value) in data { try value.write(to: URL(fileURLWithPath: folder + "/" + key)) }
                if let authority = data["ca.crt"], name == "tls" {
                    ca = work + "/trusted-ca.crt"
                    try authority.write(to: URL(fileURLWithPath: ca))
                }
            } else {
                #expect(volume["emptyDir"] != nil, "volume \(name) has a source this test does not provide")
            }
            mounts.append((path, folder))
        }
        caFile = ca
        // cert-manager's CA injector writes the Certificate's CA into the caBundle; the rendered one is empty.
        let configuration = try #require(objects.first("MutatingWebhookConfiguration", "compat-image-selector"))
        let bundle = configuration.at("webhooks", 0, "clientConfig", "caBundle") as? String ?? ""
        if !bundle.isEmpty {
            #expect(Data(base64Encoded: bundle, options: .ignoreUnknownCharacters) == (try Data(contentsOf: URL(fileURLWithPath: ca))))
        }

        // Environment: values, and ConfigMap keys (a missing one stops a kubelet: CreateContainerConfigError).
        var environment: [String: String] = [:]
        for entry in container["env"] as? [[String: Any]] ?? [] {
            let name = try #require(entry["name"] as? String)
            if let value = entry["value"] as? String {
                environment[name] = value
            } else if let reference = entry.at("valueFrom", "configMapKeyRef") as? [String: Any] {
                let map = try #require(objects.first("ConfigMap", reference["name"] as? String ?? ""), "ConfigMap of \(name)")
                environment[name] = try #require((map["data"] as? [String: String])?[reference["key"] as? String ?? ""], "key of \(name)")
            } else {
                Issue.record("env \(name) has a source this test does not provide")
            }
        }
        #expect(container["envFrom"] == nil)
        // Args with $(NAME) expanded, then container paths mapped to where the files are here.
        var arguments = (container["args"] as? [String] ?? []).map { Self.expand($0, environment) }
        let https = try #require((container["ports"] as? [[String: Any]])?.first { $0["name"] as? String == "https" }?["containerPort"] as? Int)
        let freePort = try LoopbackSocket.freePort()
        #expect(arguments.filter { $0.hasPrefix("--port=") } == ["--port=\(https)"])
        #expect(!arguments.contains { $0.hasPrefix("--address") }, "the pod listens on all its addresses")
        arguments = arguments.map { $0 == "--port=\(https)" ? "--port=\(freePort)" : Self.mapped($0, mounts) } + ["--address=127.0.0.1"]
        self.arguments = arguments
        for (name, value) in environment { environment[name] = Self.mapped(value, mounts) }
        // In a cluster the service account reaches the API server; here the replayed one.
        environment["KUBECONFIG"] = work + "/kubeconfig"
        try api.writeKubeconfig(to: work + "/kubeconfig")
        self.environment = environment
        port = freePort
    }

    /// `compat-webhook serve` started with the rendered args and that environment only (`env -i` clears the
    /// test runner's, then execs the binary in the same process).
    func start() throws -> ChildProcess {
        let binary = CommandRunner.binDirectory.appendingPathComponent("compat-webhook").path
        let variables = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return try ChildProcess(URL(fileURLWithPath: "/usr/bin/env"), ["-i"] + variables + [binary] + arguments)
    }

    /// The kubelet's `$(NAME)` expansion of args: defined names are replaced, `$$` is a literal `$`, anything
    /// else stays as written.
    static func expand(_ text: String, _ environment: [String: String]) -> String {
        var result = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            if after.first == "$" {
                result += "$"
                rest = after.dropFirst()
            } else if after.first == "(", let close = after.firstIndex(of: ")"), let value = environment[String(after[after.index(after: after.startIndex)..<close])] {
                result += value
                rest = after[after.index(after: close)...]
            } else {
                result += "$"
                rest = after
            }
        }
        return result + rest
    }

    /// `--flag=/container/path…` with the path's longest mapped prefix replaced by its folder here.
    static func mapped(_ argument: String, _ mounts: [(container: String, host: String)]) -> String {
        let prefix = argument.hasPrefix("--") ? String(argument.prefix { $0 != "=" }) + "=" : ""
        let value = String(argument.dropFirst(prefix.count))
        guard value.hasPrefix("/"), let mount = mounts.filter({ value == $0.container || value.hasPrefix($0.container + "/") })
            .max(by: { $0.container.count < $1.container.count }) else { return argument }
        return prefix + mount.host + value.dropFirst(mount.container.count)
    }

    /// The runtime stage's COPY lines of webhook/Dockerfile: where the image has the repository's files.
    static func imageFiles() throws -> [(container: String, host: String)] {
        let dockerfile = try String(contentsOfFile: AsDeployedTests.root + "/webhook/Dockerfile", encoding: .utf8)
        let stages = dockerfile.components(separatedBy: "\nFROM ")
        let runtime = try #require(stages.last)
        var files: [(container: String, host: String)] = []
        for line in runtime.split(separator: "\n") where line.hasPrefix("COPY ") {
            let words = line.split(separator: " ").map(String.init)
            if words[1] == "--from=build" {
                #expect(words[3] == "/usr/local/bin/compat-webhook")
                continue
            }
            files.append((words[2], AsDeployedTests.root + "/" + words[1]))
        }
        #expect(runtime.contains(#"ENTRYPOINT ["/usr/local/bin/compat-webhook"]"#))
        return files
    }

    /// What cert-manager stores for `certificate`: a serving certificate for its DNS names and the CA that signed it.
    static func issue(_ certificate: [String: Any], work: String) throws -> [String: Data] {
        let names = try #require(certificate.at("spec", "dnsNames") as? [String])
        let service = "compat-webhook.\(AsDeployedTests.namespace).svc"
        #expect(names.contains(service))
        let folder = work + "/cert-manager"
        let made = try CommandRunner.run("compat-webhook", ["certs", "--out", folder] + names.flatMap { ["--san", $0] })
        try #require(made.status == 0, "\(made.stderr)")
        return try Dictionary(uniqueKeysWithValues: ["tls.crt", "tls.key", "ca.crt"].map { ($0, try Data(contentsOf: URL(fileURLWithPath: folder + "/" + $0))) })
    }

    /// GET `path` on the container port over TLS, as the kubelet's HTTPS probes do.
    func get(_ path: String) throws -> (status: Int, body: String) {
        let result = try ChildProcess.run("/usr/bin/curl", [
            "-sS", "--max-time", "5", "--cacert", caFile, "--resolve", "\(serverName):\(port):127.0.0.1", "-w", "\n%{http_code}",
            "https://\(serverName):\(port)\(path)",
        ])
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    /// The container's `readinessProbe` or `livenessProbe`, asked once.
    func probe(_ field: String) throws -> (status: Int, body: String) {
        let probe = try #require(container[field] as? [String: Any], "no \(field)")
        #expect(probe.at("httpGet", "scheme") as? String == "HTTPS")
        #expect(probe.at("httpGet", "port") as? String == "https")
        return try get(try #require(probe.at("httpGet", "path") as? String))
    }

    /// Waits, as long as the readiness probe's threshold allows a slow start, until it answers 200.
    func waitUntilReady(log: JSONLog) throws {
        let deadline = Date().addingTimeInterval(30)
        while try probe("readinessProbe").status != 200 {
            guard Date() < deadline, log.child.process.isRunning else {
                throw Kubectl.Failure(description: "the webhook never became ready:\n\(log.text)")
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }
}

// MARK: - The API server's side

/// Routes a create as the API server does under the rendered MutatingWebhookConfiguration, and sends the
/// AdmissionReview to the Service the configuration names.
struct APIServerRouting {
    let webhook: [String: Any]
    let endpoint: WebhookEndpoint
    let work: String

    /// Resources of the kinds the examples create.
    static let resources: [String: (group: String, version: String, plural: String)] = [
        "Pod": ("", "v1", "pods"), "Job": ("batch", "v1", "jobs"),
        "MiniCluster": ("flux-framework.org", "v1alpha2", "miniclusters"), "MPIJob": ("kubeflow.org", "v2beta1", "mpijobs"),
    ]

    init(objects: RenderedObjects, pod: DeployedPod, work: String) throws {
        let configuration = try #require(objects.first("MutatingWebhookConfiguration", "compat-image-selector"))
        webhook = try #require((configuration["webhooks"] as? [[String: Any]])?.first)
        let service = try #require(webhook.at("clientConfig", "service") as? [String: Any])
        let serverName = "\(service["name"] as? String ?? "").\(service["namespace"] as? String ?? "").svc"
        #expect(serverName == pod.serverName)
        endpoint = WebhookEndpoint(
            serverName: serverName, port: pod.port, path: service["path"] as? String ?? "/", caFile: pod.caFile,
            timeoutSeconds: webhook["timeoutSeconds"] as? Int ?? 10
        )
        self.work = work
    }

    /// Whether the configuration sends a CREATE of `object` in `namespace` to the webhook.
    func routes(_ object: [String: Any], namespace: String) throws -> Bool {
        let kind = try #require(object["kind"] as? String)
        let apiVersion = try #require(object["apiVersion"] as? String)
        let resource = try #require(Self.resources[kind], "kind \(kind)")
        #expect(apiVersion == (resource.group.isEmpty ? resource.version : resource.group + "/" + resource.version))
        let ruleMatches = (webhook["rules"] as? [[String: Any]] ?? []).contains { rule in
            func covers(_ key: String, _ value: String) -> Bool { (rule[key] as? [String] ?? []).contains { $0 == value || $0 == "*" } }
            return covers("operations", "CREATE") && covers("apiGroups", resource.group) && covers("apiVersions", resource.version)
                && covers("resources", resource.plural)
        }
        let namespaceLabels = ["kubernetes.io/metadata.name": namespace]
        let objectLabels = object.at("metadata", "labels") as? [String: String] ?? [:]
        return ruleMatches && Self.selects(webhook["namespaceSelector"] as? [String: Any], namespaceLabels)
            && Self.selects(webhook["objectSelector"] as? [String: Any], objectLabels)
    }

    /// The answer to a CREATE, or `nil` when the configuration does not send it to the webhook.
    func create(_ object: [String: Any], namespace: String, uid: String, username: String = "kubernetes-admin") throws -> AdmissionAnswer? {
        guard try routes(object, namespace: namespace) else { return nil }
        let kind = try #require(object["kind"] as? String)
        let resource = try #require(Self.resources[kind])
        let review = AdmissionReviews.review(
            uid: uid, object: object, kind: GroupVersionName(group: resource.group, version: resource.version, name: kind),
            resource: GroupVersionName(group: resource.group, version: resource.version, name: resource.plural), namespace: namespace, username: username
        )
        return try AdmissionReviews.send(review, to: endpoint, scratch: work)
    }

    /// A label selector (`matchLabels`, `matchExpressions` with In, NotIn, Exists, DoesNotExist) against labels;
    /// an absent selector selects everything.
    static func selects(_ selector: [String: Any]?, _ labels: [String: String]) -> Bool {
        guard let selector else { return true }
        for (key, value) in selector["matchLabels"] as? [String: String] ?? [:] where labels[key] != value { return false }
        for expression in selector["matchExpressions"] as? [[String: Any]] ?? [] {
            let key = expression["key"] as? String ?? ""
            let values = expression["values"] as? [String] ?? []
            switch expression["operator"] as? String {
            case "In": guard let value = labels[key], values.contains(value) else { return false }
            case "NotIn": if let value = labels[key], values.contains(value) { return false }
            case "Exists": guard labels[key] != nil else { return false }
            case "DoesNotExist": guard labels[key] == nil else { return false }
            default: return false
            }
        }
        return true
    }
}

// MARK: - The examples

/// `examples/*.yaml` as kubectl decodes them, their artifact references on the test's registry (the README's
/// `sed` step), in namespace `default`.
struct Examples {
    let pod: [String: Any]
    let indexedJob: [String: Any]
    let miniCluster: [String: Any]
    let mpiJob: [String: Any]

    init(registry: String, work: String) throws {
        func load(_ file: String) throws -> [String: Any] {
            let text = try String(contentsOfFile: AsDeployedTests.root + "/examples/" + file, encoding: .utf8)
                .replacingOccurrences(of: "registry.example.com/compat", with: registry)
            let objects = try Kubectl.objects(fromYAML: text, scratch: work)
            try #require(objects.count == 1, "examples/\(file) holds one object")
            return objects[0]
        }
        pod = try load("pod-model.yaml")
        indexedJob = try load("indexed-job.yaml")
        miniCluster = try load("minicluster-lammps.yaml")
        mpiJob = try load("mpijob-lammps.yaml")
    }

    /// The first `parallelism` pods the Job controller creates for the Indexed Job (pkg/controller/job:
    /// template labels and annotations, the Job's selector labels, the completion index as label, annotation,
    /// `JOB_COMPLETION_INDEX` and hostname, `generateName <job>-<index>-`, a controller ownerReference).
    func indexedJobPods() throws -> [[String: Any]] {
        let name = try #require(indexedJob.at("metadata", "name") as? String)
        let parallelism = try #require(indexedJob.at("spec", "parallelism") as? Int)
        #expect(indexedJob.at("spec", "completionMode") as? String == "Indexed")
        let template = try #require(indexedJob.at("spec", "template") as? [String: Any])
        let uid = "5f0c2a8e-0d6b-4c33-9a51-7d2e8c4b1a90"
        return try (0..<parallelism).map { index in
            var labels = template.at("metadata", "labels") as? [String: String] ?? [:]
            labels.merge([
                "batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": name, "controller-uid": uid, "job-name": name,
                "batch.kubernetes.io/job-completion-index": String(index),
            ]) { _, controller in controller }
            var annotations = template.at("metadata", "annotations") as? [String: String] ?? [:]
            annotations["batch.kubernetes.io/job-completion-index"] = String(index)
            var spec = try #require(template["spec"] as? [String: Any])
            let indexVariable: [String: Any] = [
                "name": "JOB_COMPLETION_INDEX",
                "valueFrom": ["fieldRef": ["fieldPath": "metadata.annotations['batch.kubernetes.io/job-completion-index']"]],
            ]
            for key in ["initContainers", "containers"] {
                spec[key] = (spec[key] as? [[String: Any]])?.map { container in
                    var container = container
                    container["env"] = (container["env"] as? [[String: Any]] ?? []) + [indexVariable]
                    return container
                }
            }
            spec["hostname"] = "\(name)-\(index)"
            spec["subdomain"] = nil
            let metadata: [String: Any] = [
                "generateName": "\(name)-\(index)-", "labels": labels, "annotations": annotations,
                "ownerReferences": [["apiVersion": "batch/v1", "kind": "Job", "name": name, "uid": uid, "controller": true, "blockOwnerDeletion": true]],
                "finalizers": ["batch.kubernetes.io/job-tracking"],
            ]
            return ["apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec]
        }
    }
}
