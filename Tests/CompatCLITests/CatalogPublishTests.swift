import Foundation
import Testing

/// Publishing what the webhook reads with `compat artifact push`, against the real docker-registry on
/// 127.0.0.1, and a `compat-webhook serve` that allows that registry resolving it: the shipped LAMMPS catalog
/// (its per-image compspec artifacts in compspec-go's layout, then the list), a list whose artifacts were
/// published before, and the model-compatibility spec with its model files.
@Suite(.enabled(if: Kubectl.isInstalled, Kubectl.missing))
struct CatalogPublishTests {
    static let root = CommandRunner.packageRoot.path
    static let shippedList = root + "/artifacts/lammps-matrix/manifests.yaml"
    /// The image the MiniCluster example gets: the one Open MPI build whose C library the arm64 Ubuntu 22.04
    /// view's Flux runs in.
    static let lammpsImage = "ghcr.io/rse-ops/lammps-matrix:openmpi-ubuntu-22.04-arm64"

    private func scratch() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("compat-catalog-publish-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The shipped catalog's tags, in list order (`openmpi-ubuntu-22.04-arm64`, …).
    private func shippedTags() throws -> [String] {
        try String(contentsOfFile: Self.shippedList, encoding: .utf8).split(separator: "\n")
            .filter { $0.contains("name: ghcr.io/rse-ops/lammps-matrix:") }
            .map { String($0.split(separator: ":").last ?? "") }
    }

    /// A webhook allowing `allow` on the plain-HTTP registry at `registry`, with the 25 EKS node label maps the
    /// project ships as static features.
    private func startWebhook(work: String, registry: String, allow: String, modelsDirectory: String = root + "/models") throws -> (ChildProcess, WebhookEndpoint) {
        let made = try CommandRunner.run("compat-webhook", ["certs", "--service", "compat-webhook", "--namespace", "compat-system", "--out", work + "/certs"])
        guard made.status == 0 else { throw LoopbackSocket.Failure(description: made.stderr) }
        let serve = try ChildProcess(CommandRunner.binDirectory.appendingPathComponent("compat-webhook"), [
            "serve", "--address", "127.0.0.1", "--port", "0", "--cert", work + "/certs/tls.crt", "--key", work + "/certs/tls.key", "--no-kube",
            "--node-features-dir", Self.root + "/webhook/node-features", "--flux-views", Self.root + "/artifacts/flux-views/views.yaml",
            "--models-dir", modelsDirectory, "--registry-allow", allow, "--registry-insecure", registry, "--threads", "2",
        ])
        let log = JSONLog(serve)
        guard let listening = log.wait(timeout: 20, message: "http server listening"), let port = (listening["port"] as? String).flatMap(UInt16.init) else {
            serve.killIfRunning()
            throw LoopbackSocket.Failure(description: "compat-webhook did not start:\n\(log.text)")
        }
        return (serve, WebhookEndpoint(serverName: "compat-webhook.compat-system.svc", port: port, path: "/mutate", caFile: work + "/certs/ca.crt", timeoutSeconds: 10))
    }

    /// An example object with its artifact reference moved from the documentation registry to `registry`.
    private func example(_ file: String, registry: String, work: String) throws -> [String: Any] {
        let text = try String(contentsOfFile: Self.root + "/examples/" + file, encoding: .utf8)
            .replacingOccurrences(of: "registry.example.com/compat", with: registry)
        return try #require(try Kubectl.objects(fromYAML: text, scratch: work).first)
    }

    private func sendMiniCluster(_ object: [String: Any], to endpoint: WebhookEndpoint, uid: String, work: String) throws -> AdmissionAnswer {
        let miniCluster = GroupVersionName(group: "flux-framework.org", version: "v1alpha2", name: "MiniCluster")
        let miniClusters = GroupVersionName(group: "flux-framework.org", version: "v1alpha2", name: "miniclusters")
        let review = AdmissionReviews.review(uid: uid, object: object, kind: miniCluster, resource: miniClusters, namespace: "default", username: "admin")
        return try AdmissionReviews.send(review, to: endpoint, scratch: work)
    }

    private func expectLAMMPSImageChosen(_ answer: AdmissionAnswer, for object: [String: Any]) throws {
        #expect(answer.allowed, "\(answer.statusMessage)")
        let mutated = try AdmissionReviews.apply(answer.patch, to: object)
        #expect(mutated.at("spec", "containers", 0, "image") as? String == Self.lammpsImage)
        #expect(mutated.at("metadata", "annotations", "oci.image.compatibilities.selection/selected-image") as? String == Self.lammpsImage)
        #expect(mutated.at("spec", "flux", "container", "image") as? String == "ghcr.io/converged-computing/flux-view-ubuntu:arm-jammy")
        #expect(answer.auditAnnotations["selection-explanation"]?.contains("among 1 images that run with flux view") == true)
    }

    @Test(.timeLimit(.minutes(2)))
    func pushedLAMMPSCatalogMutatesAMiniClusterThroughAWebhookThatAllowsTheRegistry() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let registry = try LoopbackRegistry()
        defer { registry.stop() }
        let target = "\(registry.host)/compat/lammps-matrix:catalog-v1"
        let push = try CommandRunner.run("compat", ["artifact", "push", "--plain-http", registry.host, target, "artifacts/lammps-matrix"])
        try #require(push.status == 0, "\(push.stderr)")
        let tags = try shippedTags()
        #expect(tags.count == 18)
        let lines = push.stdout.split(separator: "\n")
        for tag in tags {
            #expect(lines.contains { $0.hasPrefix("pushed \(registry.host)/compat/lammps-matrix:\(tag)-compspec@sha256:") && $0.hasSuffix("(ghcr.io/rse-ops/lammps-matrix:\(tag))") })
        }
        #expect(lines.contains { $0.hasPrefix("pushed \(target)@sha256:") })
        #expect(lines.contains { $0.hasPrefix("  manifests.yaml  application/vnd.compat.image-manifests.v1+yaml  sha256:") })

        // The list names the same images, each with the artifact just pushed, pinned by digest.
        let pulled = try CommandRunner.run("compat", ["artifact", "pull", "--plain-http", registry.host, target, "--out", work + "/list"])
        #expect(pulled.status == 0, "\(pulled.stderr)")
        let list = try String(contentsOfFile: work + "/list/manifests.yaml", encoding: .utf8)
        for tag in tags {
            #expect(list.contains("  - name: \"ghcr.io/rse-ops/lammps-matrix:\(tag)\"\n    artifact: \"\(registry.host)/compat/lammps-matrix:\(tag)-compspec@sha256:"))
        }
        // Each artifact in compspec-go's per-image layout: one compspec layer, the spec's bytes (the list names
        // OCI references, so the files come from cache/, under compspec-go's cache names).
        let member = try CommandRunner.run("compat", [
            "artifact", "pull", "--plain-http", registry.host, "\(registry.host)/compat/lammps-matrix:openmpi-ubuntu-22.04-arm64-compspec", "--out", work + "/member",
        ])
        #expect(member.status == 0, "\(member.stderr)")
        let cacheName = "ghcr.io-rse-ops-lammps-matrix-openmpi-ubuntu-22.04-arm64-compspec.json"
        #expect(member.stdout.contains("  \(cacheName)  application/org.supercontainers.compspec  sha256:"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: work + "/member/" + cacheName))
            == (try Data(contentsOf: URL(fileURLWithPath: Self.root + "/artifacts/lammps-matrix/specs/compspec-openmpi-ubuntu-22.04-arm64.json"))))

        let (webhook, endpoint) = try startWebhook(work: work, registry: registry.host, allow: "\(registry.host)/compat")
        defer { webhook.killIfRunning() }
        let miniCluster = try example("minicluster-lammps.yaml", registry: "\(registry.host)/compat", work: work)
        #expect(miniCluster.at("metadata", "annotations", "oci.image.compatibilities.selection/image-ref") as? String == target)
        try expectLAMMPSImageChosen(try sendMiniCluster(miniCluster, to: endpoint, uid: "catalog-1", work: work), for: miniCluster)

        // The same catalog under a repository the allowlist does not cover is refused, naming the allowlist.
        var elsewhere = miniCluster
        var metadata = try #require(elsewhere["metadata"] as? [String: Any])
        metadata["annotations"] = ["oci.image.compatibilities.selection/image-ref": "\(registry.host)/other/lammps-matrix:catalog-v1"]
        elsewhere["metadata"] = metadata
        let refused = try sendMiniCluster(elsewhere, to: endpoint, uid: "catalog-2", work: work)
        #expect(!refused.allowed)
        #expect(refused.statusMessage.contains("is not on the allowlist (\(registry.host)/compat)"), "\(refused.statusMessage)")
        #expect(webhook.terminatesCleanly(within: 30))
    }

    @Test(.timeLimit(.minutes(2)))
    func listOnlyCatalogUsesArtifactsAlreadyPublishedInCompspecGoLayout() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let registry = try LoopbackRegistry()
        defer { registry.stop() }
        // What rse-ops/lammps-matrix did with `oras push <image>-compspec spec.json:application/org.supercontainers.compspec`.
        for tag in try shippedTags() {
            let pushed = try CommandRunner.run("compat", [
                "artifact", "push", "--plain-http", registry.host, "\(registry.host)/rse-ops/lammps-matrix:\(tag)-compspec",
                "artifacts/lammps-matrix/specs/compspec-\(tag).json",
            ])
            try #require(pushed.status == 0, "\(pushed.stderr)")
            #expect(pushed.stdout.contains("  compspec-\(tag).json  application/org.supercontainers.compspec  sha256:"))
        }
        // The shipped list, its artifacts on this registry instead of ghcr.io.
        let list = try String(contentsOfFile: Self.shippedList, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.contains("artifact: ") ? line.replacingOccurrences(of: "ghcr.io/rse-ops/", with: "\(registry.host)/rse-ops/") : String(line)
        }.joined(separator: "\n")
        try Data(list.utf8).write(to: URL(fileURLWithPath: work + "/manifests.yaml"))
        let target = "\(registry.host)/rse-ops/lammps-matrix:catalog"
        let push = try CommandRunner.run("compat", ["artifact", "push", "--list-only", "--plain-http", registry.host, target, work + "/manifests.yaml"])
        try #require(push.status == 0, "\(push.stderr)")
        #expect(push.stdout.split(separator: "\n").filter { $0.hasPrefix("pushed ") }.count == 1, "only the list is pushed")

        let (webhook, endpoint) = try startWebhook(work: work, registry: registry.host, allow: "\(registry.host)/rse-ops")
        defer { webhook.killIfRunning() }
        var miniCluster = try example("minicluster-lammps.yaml", registry: "unused.example", work: work)
        var metadata = try #require(miniCluster["metadata"] as? [String: Any])
        var annotations = try #require(metadata["annotations"] as? [String: Any])
        annotations["oci.image.compatibilities.selection/image-ref"] = target
        metadata["annotations"] = annotations
        miniCluster["metadata"] = metadata
        try expectLAMMPSImageChosen(try sendMiniCluster(miniCluster, to: endpoint, uid: "list-only-1", work: work), for: miniCluster)
        #expect(webhook.terminatesCleanly(within: 30))
    }

    @Test(.timeLimit(.minutes(2)))
    func modelSpecTravelsWithItsModelsAndThePulledFolderServesAsTheModelsDirectory() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let registry = try LoopbackRegistry()
        defer { registry.stop() }
        let target = "\(registry.host)/compat/models:v1"
        let push = try CommandRunner.run("compat", ["artifact", "push", "--plain-http", registry.host, target, "models/model-compatibility.json"])
        try #require(push.status == 0, "\(push.stderr)")
        #expect(push.stdout.contains("  model-compatibility.json  application/vnd.oci.image.model-compatibilities.v1+json  sha256:"))
        #expect(push.stdout.contains("  trained/fom.json  application/vnd.compat.performance-model.v1+json  sha256:"))

        let pulled = try CommandRunner.run("compat", ["artifact", "pull", "--plain-http", registry.host, target, "--out", work + "/models"])
        #expect(pulled.status == 0, "\(pulled.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: work + "/models/trained/fom.json"))
            == (try Data(contentsOf: URL(fileURLWithPath: Self.root + "/models/trained/fom.json"))))

        let (webhook, endpoint) = try startWebhook(work: work, registry: registry.host, allow: "\(registry.host)/compat", modelsDirectory: work + "/models")
        defer { webhook.killIfRunning() }
        let pod = try example("pod-model.yaml", registry: "\(registry.host)/compat", work: work)
        let review = AdmissionReviews.review(
            uid: "model-1", object: pod, kind: GroupVersionName(group: "", version: "v1", name: "Pod"),
            resource: GroupVersionName(group: "", version: "v1", name: "pods"), namespace: "default", username: "admin"
        )
        let answer = try AdmissionReviews.send(review, to: endpoint, scratch: work)
        #expect(answer.allowed, "\(answer.statusMessage)")
        let mutated = try AdmissionReviews.apply(answer.patch, to: pod)
        #expect(mutated.at("spec", "containers", 0, "image") as? String == "ghcr.io/converged-computing/hpcg-matrix:cortex-a72-Os")
        #expect(mutated.at("spec", "nodeSelector", "node.kubernetes.io/instance-type") as? String == "hpc7g.16xlarge")
        #expect(webhook.terminatesCleanly(within: 30))
    }

    @Test func catalogWithAMissingArtifactPushesNothingAndNamesWhereItLooked() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(atPath: work) }
        try FileManager.default.createDirectory(atPath: work + "/catalog/specs", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: Self.root + "/artifacts/lammps-matrix/specs/compspec-mpich-ubuntu-22.04-amd64.json",
            toPath: work + "/catalog/specs/compspec-mpich-ubuntu-22.04-amd64.json"
        )
        let list = """
            images:
              - name: ghcr.io/rse-ops/lammps-matrix:mpich-ubuntu-22.04-amd64
                artifact: specs/compspec-mpich-ubuntu-22.04-amd64.json
              - name: ghcr.io/rse-ops/lammps-matrix:mpich-ubuntu-22.04-arm64
                artifact: ghcr.io/rse-ops/lammps-matrix:mpich-ubuntu-22.04-arm64-compspec

            """
        try Data(list.utf8).write(to: URL(fileURLWithPath: work + "/catalog/manifests.yaml"))
        // Port 9 on loopback: nothing listens, and nothing is contacted, because reading fails first.
        let result = try CommandRunner.run("compat", ["artifact", "push", "--plain-http", "127.0.0.1:9", "127.0.0.1:9/x/y:catalog", work + "/catalog"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("artifact 'ghcr.io/rse-ops/lammps-matrix:mpich-ubuntu-22.04-arm64-compspec' of image "
            + "'ghcr.io/rse-ops/lammps-matrix:mpich-ubuntu-22.04-arm64' is not beside the list (checked \(work)/catalog/"
            + "ghcr.io/rse-ops/lammps-matrix:mpich-ubuntu-22.04-arm64-compspec, \(work)/catalog/cache/"
            + "ghcr.io-rse-ops-lammps-matrix-mpich-ubuntu-22.04-arm64-compspec.json)"), "\(result.stderr)")
    }

    @Test func catalogListingSomethingOtherThanACompspecSpecIsRefused() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(atPath: work) }
        try FileManager.default.copyItem(atPath: Self.root + "/models/model-compatibility.json", toPath: work + "/model-compatibility.json")
        let list = """
            images:
              - name: ghcr.io/converged-computing/hpcg-matrix:znver3-Ofast
                artifact: model-compatibility.json

            """
        try Data(list.utf8).write(to: URL(fileURLWithPath: work + "/manifests.yaml"))
        let result = try CommandRunner.run("compat", ["artifact", "push", "--plain-http", "127.0.0.1:9", "127.0.0.1:9/x/y:catalog", work + "/manifests.yaml"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("is a model-compatibility, not a compspec CompatibilitySpec; list compspec artifacts only. Nothing was pushed"), "\(result.stderr)")
    }
}
