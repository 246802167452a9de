// compat-bench: the in-process halves of the benchmarks in benchmarks/run.sh, each printing one JSON line
// per measurement. Timing: warm-up first, then many timed repetitions of the same call, reporting the
// median and the 99th percentile of per-call times (and calls per second from the total).
//
//   compat-bench model <models-dir> <node-features.json>   model-based instance choice (fom), as the webhook decides it
//   compat-bench rules <spec.yaml> <node-features.json>    NFD rule evaluation over every node
//   compat-bench registry <host:port> <artifact-file>      cold fetch from a registry vs artifact-cache hit
//   compat-bench admission <repo-root> <node-features.json> <bodies-dir>  AdmissionService.answer per body, no HTTP
//   compat-bench echo <port> <cert.pem> <key.pem>          HTTPS echo on 127.0.0.1 (the wrk ceiling), until killed
//   compat-bench bodies <repo-root> <out-dir>              the AdmissionReview bodies wrk posts
//   compat-bench nodes <node-features.json> <count> <out>  a static node-feature file of <count> distinct instance types
//   compat-bench report <results.jsonl> <machine>          RESULTS.md from the lines the others printed
import CompatAdmission
import CompatArtifacts
import CompatCore
import CompatModels
import CompatRegistry
import CompatSelection
import CompatTransport
import CompatWebhook
import Foundation
import Logging

let quiet = Logger(label: "compat-bench") { _ in SwiftLogNoOpLogHandler() }

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("compat-bench: \(message)\n".utf8))
    exit(2)
}

func read(_ path: String) -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
    return Array(data)
}

func nodes(_ path: String) -> [[String: String]] {
    guard case .array(let items) = try? JSONParser().parse(read(path)) else { fail("\(path) is not a JSON array of label maps") }
    return items.map { item in
        var labels: [String: String] = [:]
        for key in item.objectValue?.keys ?? [] { labels[key] = item[key]?.stringValue }
        return labels
    }
}

/// Times `body` `iterations` times after `warmup` calls; prints one JSON line.
func measure(_ name: String, iterations: Int, warmup: Int, unitsPerCall: Double = 1, unit: String = "calls", _ body: () throws -> Void) rethrows {
    for _ in 0..<warmup { try body() }
    var samples: [Double] = []
    samples.reserveCapacity(iterations)
    let clock = ContinuousClock()
    let total = try clock.measure {
        for _ in 0..<iterations {
            let elapsed = try clock.measure(body)
            samples.append(Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12)
        }
    }
    samples.sort()
    let seconds = Double(total.components.seconds) + Double(total.components.attoseconds) / 1e18
    let p50 = samples[samples.count / 2]
    let p99 = samples[min(samples.count - 1, Int(Double(samples.count) * 0.99))]
    print(String(
        format: #"{"name":"%@","iterations":%d,"p50_us":%.3f,"p99_us":%.3f,"per_second":%.1f,"unit":"%@"}"#,
        name, iterations, p50, p99, Double(iterations) * unitsPerCall / seconds, unit
    ))
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "model":
    guard arguments.count == 3 else { fail("usage: compat-bench model <models-dir> <node-features.json>") }
    let directory = arguments[1]
    let spec: ModelCompatibilitySpec
    do { spec = try ModelCompatibilitySpec(decoding: read(directory + "/model-compatibility.json")) } catch { fail("\(error)") }
    let library = ModelLibrary(directory: directory)
    let labels = nodes(arguments[2])
    var seed: UInt64 = 0
    // The webhook's whole model decision: spec entry, model from the library (cached), scoring of every
    // node with the out-of-distribution guard, instance selector and image for the architecture.
    // Cold: every node scored, as on the first admission after a node-cache change.
    try measure("model_choice_in_process", iterations: 20000, warmup: 500) {
        seed &+= 1
        let choice = try ModelChoice.choose(spec: spec, modelName: "fom", artifact: "bench", nodes: labels, seed: seed, models: library)
        precondition(choice.nodeSelector.values.first == "hpc7g.16xlarge")
    }
    // Warm: the webhook's path between node-cache changes, the choice reused from the snapshot's memo
    // (the model file is still revalidated once a second).
    let memo = SnapshotMemo(capacity: 1024)
    let everyNode = CandidateNodeSet(selectorField: "spec.nodeSelector", nodeSelector: [:])
    try measure("model_choice_in_process_memo", iterations: 200_000, warmup: 500) {
        seed &+= 1
        let choice = try ModelChoice.choose(
            spec: spec, modelName: "fom", artifact: "bench", nodes: labels, seed: seed, models: library, memo: (memo, candidates: everyNode)
        )
        precondition(choice.nodeSelector.values.first == "hpc7g.16xlarge")
    }
case "rules":
    guard arguments.count == 3 else { fail("usage: compat-bench rules <spec.yaml> <node-features.json>") }
    let spec: ImageCompatibilitySpec
    let document: JSONValue
    do {
        document = try DocumentDecoder.decode(read(arguments[1]))
        spec = try ImageCompatibilitySpec.decode(from: document)
    } catch { fail("\(error)") }
    let labels = nodes(arguments[2]).filter { ($0["feature.node.kubernetes.io/kernel-version.revision"]) != nil }
    // Expressions in the spec (map form: compatibilities[].rules[].matchFeatures[].matchExpressions).
    let terms = (document["compatibilities"]?.arrayValue ?? []).flatMap { $0["rules"]?.arrayValue ?? [] }
        .flatMap { $0["matchFeatures"]?.arrayValue ?? [] }
    let expressions = Double(terms.map { $0["matchExpressions"]?.objectValue?.count ?? 0 }.reduce(0, +))
    var index = 0
    try measure("rule_evaluation", iterations: 50000, warmup: 1000, unitsPerCall: expressions, unit: "expressions") {
        index = (index + 1) % labels.count
        _ = try spec.evaluate(labels: labels[index])
    }
    print(#"{"name":"rule_spec","expressions_per_evaluation":\#(Int(expressions)),"nodes":\#(labels.count)}"#)
case "registry":
    guard arguments.count == 3 else { fail("usage: compat-bench registry <host:port> <artifact-file>") }
    let host = arguments[1]
    let client = RegistryClient(configuration: .init(insecureRegistries: [host]), logger: quiet)
    let reference: ImageReference
    do {
        reference = try ImageReference.parse("\(host)/bench/lammps-matrix:compspec")
        _ = try client.push(ArtifactPush(
            artifactType: CompatibilityMediaType.supercontainersCompspec,
            files: [ArtifactFile(bytes: read(arguments[2]), mediaType: CompatibilityMediaType.supercontainersCompspec, title: "compspec.json")]
        ), to: reference)
    } catch { fail("push to \(host): \(error)") }
    // The rules spec the webhook benchmark references by OCI tag (body pod-rules-oci).
    do {
        _ = try client.push(ArtifactPush(
            artifactType: CompatibilityMediaType.nfdArtifact,
            files: [ArtifactFile(bytes: read("benchmarks/data/rules-spec.yaml"), mediaType: CompatibilityMediaType.nfdSpec, title: "rules-spec.yaml")]
        ), to: try ImageReference.parse("\(host)/bench/rules:v1"))
    } catch { fail("push rules spec to \(host): \(error)") }
    // Cold: a new cache every time, so each call resolves the tag, fetches the manifest and the blob, and verifies both.
    try measure("artifact_fetch_cold", iterations: 300, warmup: 10) {
        _ = try ArtifactCache(client: client, logger: quiet).artifact(for: reference)
    }
    let cache = ArtifactCache(client: client, logger: quiet)
    try measure("artifact_fetch_cache_hit", iterations: 100_000, warmup: 100) {
        _ = try cache.artifact(for: reference)
    }
case "admission":
    guard arguments.count == 4 else { fail("usage: compat-bench admission <repo-root> <node-features.json> <bodies-dir>") }
    let root = arguments[1]
    let views: FluxViewCatalog
    do { views = try FluxViewCatalog(decoding: read(root + "/artifacts/flux-views/views.yaml")) } catch { fail("\(error)") }
    let engine = SelectionEngine(
        artifacts: ArtifactResolver(registry: nil, fileRoots: FileArtifactRoots([root])), models: ModelLibrary(directory: root + "/models"),
        views: views
    )
    let clusterNodes = ClusterNodeSet(nodes(arguments[2]).enumerated().map { ClusterNode(name: "node-\($0.offset)", labels: $0.element) })
    // The webhook's handler without HTTP: decode, decide, patch, metrics, and the JSON log line at the serve
    // default level (info), written to /dev/null.
    guard let devNull = FileHandle(forWritingAtPath: "/dev/null") else { fail("cannot open /dev/null") }
    let sink = LineSink(handle: devNull)
    let logger = Logger(label: "compat-webhook") { label in JSONLineLogHandler(label: label, level: .info, sink: sink) }
    let service = AdmissionService(engine: engine, nodes: { clusterNodes }, metrics: WebhookMetrics(), logger: logger)
    for body in ["pod-rules", "pod-descriptive", "pod-model", "minicluster-descriptive", "minicluster-model"] {
        let bytes = read(arguments[3] + "/" + body + ".json")
        guard case .review(_, let outcome) = service.answer(body: bytes, timeout: nil), outcome.disposition == .mutated else {
            fail("\(body) was not mutated")
        }
        measure("admission_in_process_\(body)", iterations: 20000, warmup: 500) {
            _ = service.answer(body: bytes, timeout: nil)
        }
    }
case "echo":
    guard arguments.count == 4, let port = UInt16(arguments[1]) else { fail("usage: compat-bench echo <port> <cert.pem> <key.pem>") }
    do {
        let store = try TLSCertificateStore(
            certificatePEM: String(decoding: read(arguments[2]), as: UTF8.self), privateKeyPEM: String(decoding: read(arguments[3]), as: UTF8.self)
        )
        // The webhook's server settings (WebhookServer.Configuration defaults), answering with the request body.
        let server = try HTTPSServer(
            configuration: .init(bindAddress: "127.0.0.1", port: port, security: .tls(store), threadPoolSize: max(2, ProcessInfo.processInfo.activeProcessorCount)),
            logger: quiet
        ) { request in .bytes(200, request.body, contentType: "application/json") }
        FileHandle.standardOutput.write(Data(#"{"name":"echo","port":\#(server.port)}"#.utf8 + [0x0A]))
        while true { sleep(3600) }
    } catch { fail("echo server: \(error)") }
case "bodies":
    guard arguments.count == 3 || arguments.count == 4 else { fail("usage: compat-bench bodies <repo-root> <out-dir> [registry host:port]") }
    let registryHost = arguments.count == 4 ? arguments[3] : nil
    let root = URL(fileURLWithPath: arguments[1]).standardizedFileURL.path
    func review(_ kind: String, _ object: JSONValue) -> [UInt8] {
        let pod = kind == "Pod"
        let gvk: JSONValue = pod ? ["group": "", "version": "v1", "kind": "Pod"] : ["group": "flux-framework.org", "version": "v1alpha2", "kind": "MiniCluster"]
        let resource: JSONValue = pod ? ["group": "", "version": "v1", "resource": "pods"] : ["group": "flux-framework.org", "version": "v1alpha2", "resource": "miniclusters"]
        let document: JSONValue = [
            "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "request": [
                "uid": "705ab4f5-6393-11e8-b7cc-42010a800002", "kind": gvk, "resource": resource, "requestKind": gvk,
                "name": "bench", "namespace": "default", "operation": "CREATE",
                "userInfo": ["username": "bench", "groups": ["system:authenticated"]], "object": object, "dryRun": false,
            ],
        ]
        return document.serializedBytes()
    }
    func metadata(_ annotations: [(String, String)]) -> JSONValue {
        [
            "name": "bench", "namespace": "default",
            "labels": [SelectionAnnotations.enabledLabel: "true"],
            "annotations": .object(JSONObject(annotations.map { ($0.0, JSONValue.string($0.1)) })),
        ]
    }
    let catalog = "file://" + root + "/artifacts/lammps-matrix"
    let container: JSONValue = ["name": "app", "image": .string(SelectionAnnotations.defaultTargetImage)]
    let instance: JSONValue = ["node.kubernetes.io/instance-type": "c7a.12xlarge"]
    var bodies: [(String, [UInt8])] = [
        ("pod-rules", review("Pod", [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": metadata([(SelectionAnnotations.imageReference, "file://" + root + "/benchmarks/data/rules-spec.yaml")]),
            "spec": ["nodeSelector": instance, "containers": [container]],
        ])),
        ("pod-descriptive", review("Pod", [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": metadata([(SelectionAnnotations.imageReference, catalog), (SelectionAnnotations.mode, "descriptive")]),
            "spec": ["nodeSelector": instance, "containers": [container]],
        ])),
        ("pod-model", review("Pod", [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": metadata([(SelectionAnnotations.imageReference, "file://" + root + "/models/model-compatibility.json"), (SelectionAnnotations.model, "fom")]),
            "spec": ["containers": [container]],
        ])),
        ("minicluster-descriptive", review("MiniCluster", [
            "apiVersion": "flux-framework.org/v1alpha2", "kind": "MiniCluster",
            "metadata": metadata([(SelectionAnnotations.imageReference, catalog), (SelectionAnnotations.mode, "descriptive-basic")]),
            "spec": [
                "size": 2, "tasks": 4, "containers": [container],
                "flux": ["container": ["image": "ghcr.io/converged-computing/flux-view-ubuntu:tag-jammy"]],
                "pod": ["nodeSelector": instance],
            ],
        ])),
        ("minicluster-model", review("MiniCluster", [
            "apiVersion": "flux-framework.org/v1alpha2", "kind": "MiniCluster",
            "metadata": metadata([(SelectionAnnotations.imageReference, "file://" + root + "/models/model-compatibility.json"), (SelectionAnnotations.model, "fom")]),
            "spec": [
                "size": 2, "tasks": 4, "containers": [container],
                "flux": ["container": ["image": "ghcr.io/converged-computing/flux-view-ubuntu:tag-jammy"]],
            ],
        ])),
    ]
    if let registryHost {
        bodies.append(("pod-rules-oci", review("Pod", [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": metadata([(SelectionAnnotations.imageReference, registryHost + "/bench/rules:v1")]),
            "spec": ["nodeSelector": instance, "containers": [container]],
        ])))
    }
    for (name, bytes) in bodies {
        do { try Data(bytes).write(to: URL(fileURLWithPath: arguments[2] + "/" + name + ".json")) } catch { fail("\(error)") }
    }
case "nodes":
    guard arguments.count == 4, let count = Int(arguments[2]), count > 0 else { fail("usage: compat-bench nodes <node-features.json> <count> <out>") }
    let base = nodes(arguments[1])
    let generated = JSONValue.array((0..<count).map { index in
        var labels = base[index % base.count]
        labels["node.kubernetes.io/instance-type"] = "bench\(index).xlarge"
        labels["kubernetes.io/hostname"] = "bench-node-\(index)"
        return .object(JSONObject(labels.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }))
    })
    do { try Data(generated.serializedBytes()).write(to: URL(fileURLWithPath: arguments[3])) } catch { fail("\(error)") }
case "report":
    guard arguments.count == 3 else { fail("usage: compat-bench report <results.jsonl> <machine>") }
    var results: [String: JSONValue] = [:]
    for line in String(decoding: read(arguments[1]), as: UTF8.self).split(separator: "\n") {
        guard let value = try? JSONParser().parse(Array(line.utf8)), let name = value["name"]?.stringValue else { continue }
        results[name] = value
    }
    func number(_ name: String, _ field: String) -> Double? {
        guard case .number(let text)? = results[name]?[field] else { return nil }
        return Double(text)
    }
    func f(_ value: Double?, _ digits: Int = 1) -> String { value.map { String(format: "%.\(digits)f", $0) } ?? "-" }
    let priorArtP50 = 4600.0, priorArtRPS = 250.0
    var out: [String] = []
    out.append("# Benchmark results")
    out.append("")
    out.append("Measured by `make bench` (`benchmarks/run.sh`) in one run on: \(arguments[2]). Release builds; wrk with one")
    out.append("thread on keep-alive HTTPS connections, loopback only. The machine is shared and noisy: compare the ratios")
    out.append("measured side by side, not absolute numbers across runs.")
    out.append("")
    out.append("## Model-based instance choice (fom, 25 EKS nodes)")
    out.append("")
    out.append("| what | p50 | p99 | per second |")
    out.append("| --- | --- | --- | --- |")
    out.append("| prior art: ocifit-k8s model server `/predict` (Flask + scikit-learn, gunicorn 1 worker; given) | 4600 µs | 8600 µs | 250 |")
    out.append("| in-process decision, cold (`ModelChoice.choose`: model file revalidated, all 25 nodes scored with the OOD guard) | \(f(number("model_choice_in_process", "p50_us"))) µs | \(f(number("model_choice_in_process", "p99_us"))) µs | \(f(number("model_choice_in_process", "per_second"), 0)) |")
    out.append("| in-process decision, warm (the webhook's path until the node snapshot or the model file changes: choice reused from the snapshot memo) | \(f(number("model_choice_in_process_memo", "p50_us"), 2)) µs | \(f(number("model_choice_in_process_memo", "p99_us"), 2)) µs | \(f(number("model_choice_in_process_memo", "per_second"), 0)) |")
    for c in [1, 8] {
        let name = "wrk_pod-model_c\(c)"
        out.append("| through the webhook, Pod, HTTPS keep-alive, \(c) connection(s) | \(f(number(name, "p50_us").map { $0 }, 0)) µs | \(f(number(name, "p99_us"), 0)) µs | \(f(number(name, "rps"), 0)) |")
    }
    out.append("")
    if let cold = number("model_choice_in_process", "p50_us"), let warm = number("model_choice_in_process_memo", "p50_us") {
        out.append("In-process decision vs the prior art's p50: warm \(f(priorArtP50 / warm, 0))× faster, cold \(f(priorArtP50 / cold, 0))× faster (goal: 1000×).")
    }
    if let rps = number("wrk_pod-model_c8", "rps") {
        out.append("Through the webhook with 8 connections: \(f(rps / priorArtRPS))× the prior art's requests per second.")
    }
    let bodyNames = ["pod-rules", "pod-rules-oci", "pod-descriptive", "pod-model", "minicluster-descriptive", "minicluster-model"]
    out.append("")
    out.append("## Admission handler in process (decode, decide, patch, serialize, metrics, info log line to /dev/null; no HTTP)")
    out.append("")
    out.append("| request | p50 µs | p99 µs | per second |")
    out.append("| --- | --- | --- | --- |")
    for body in bodyNames {
        let name = "admission_in_process_\(body)"
        guard results[name] != nil else { continue }
        out.append("| \(body) | \(f(number(name, "p50_us"))) | \(f(number(name, "p99_us"))) | \(f(number(name, "per_second"), 0)) |")
    }
    out.append("")
    out.append("## Admission round trip vs a raw libmicrohttpd HTTPS echo")
    out.append("")
    out.append("Artifacts are cached: `file://` catalogs, specs and models from the repository, and `pod-rules-oci` from the local")
    out.append("docker-registry by tag (tag TTL 300 s). The webhook runs with its defaults, log level info (lines to /dev/null).")
    out.append("")
    out.append("| request | connections | p50 µs | p99 µs | requests/s | % of echo |")
    out.append("| --- | --- | --- | --- | --- | --- |")
    for c in [1, 8] {
        let echo = number("wrk_echo_c\(c)", "rps")
        out.append("| echo (same body as pod-model) | \(c) | \(f(number("wrk_echo_c\(c)", "p50_us"), 0)) | \(f(number("wrk_echo_c\(c)", "p99_us"), 0)) | \(f(echo, 0)) | 100 |")
        for body in bodyNames {
            let name = "wrk_\(body)_c\(c)"
            guard results[name] != nil else { continue }
            let share = number(name, "rps").flatMap { rps in echo.map { 100 * rps / $0 } }
            let errors = number(name, "errors") ?? 0
            out.append("| \(body)\(errors > 0 ? " (\(Int(errors)) errors)" : "") | \(c) | \(f(number(name, "p50_us"), 0)) | \(f(number(name, "p99_us"), 0)) | \(f(number(name, "rps"), 0)) | \(f(share, 0)) |")
        }
    }
    out.append("")
    out.append("Goals: p99 ≤ 1 ms and ≥ 70% of the echo.")
    out.append("")
    out.append("## Rule evaluation and artifact fetches")
    out.append("")
    let expressions = number("rule_spec", "expressions_per_evaluation")
    out.append("- Rule evaluation (`benchmarks/data/rules-spec.yaml`: 5 sets, \(f(expressions, 0)) expressions, over the 25 EKS nodes' labels): p50 \(f(number("rule_evaluation", "p50_us"), 2)) µs per spec evaluation, \(f(number("rule_evaluation", "per_second").map { $0 / 1e6 }, 2)) million expressions/s.")
    let cold = number("artifact_fetch_cold", "p50_us"), hit = number("artifact_fetch_cache_hit", "p50_us")
    out.append("- Artifact from a local docker-registry: cold fetch (tag resolve, manifest, blob, both digests verified) p50 \(f(cold)) µs, p99 \(f(number("artifact_fetch_cold", "p99_us"))) µs; cache hit p50 \(f(hit, 2)) µs (\(f(cold.flatMap { c in hit.map { c / $0 } }, 0))× faster).")
    out.append("")
    out.append("## Memory")
    out.append("")
    out.append("- Webhook RSS with the 25 EKS nodes, after the load above: \(f(number("rss_25_nodes_after_load", "kb").map { $0 / 1024 })) MiB.")
    out.append("- With 10 000 nodes in the cache (static features, distinct instance types): \(f(number("rss_10000_nodes_idle", "kb").map { $0 / 1024 })) MiB idle, \(f(number("rss_10000_nodes_after_load", "kb").map { $0 / 1024 })) MiB after the admissions below.")
    if let first = number("first_model_admission_10k", "ms") {
        out.append("- First model admission after the 10 000 nodes were loaded (scores every node, computes the snapshot's compatibility classes; curl, TLS handshake included): \(f(first)) ms. The model admissions after it reuse the choice (last line).")
    }
    for (body, what) in [("pod-descriptive-10k", "descriptive Pod with an instance-type nodeSelector"), ("pod-model-10k", "model Pod without a nodeSelector (all 10 000 nodes are candidates)")] {
        let name = "wrk_\(body)_c1"
        out.append("- \(what), 10 000 nodes, 1 connection: p50 \(f(number(name, "p50_us"), 0)) µs, p99 \(f(number(name, "p99_us"), 0)) µs, \(f(number(name, "rps"), 0)) requests/s\((number(name, "errors") ?? 0) > 0 ? " (\(Int(number(name, "errors") ?? 0)) errors)" : "").")
    }
    print(out.joined(separator: "\n"))
default:
    fail("usage: compat-bench model|rules|registry|echo|bodies|nodes|report …")
}
