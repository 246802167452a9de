import Foundation
import Testing

/// `compat-webhook serve` as a process, sent SIGTERM while AdmissionReviews are arriving: what the API
/// server and kubelet would see during a rolling update.
///
/// The load is six curl clients posting a real AdmissionReview (the Pod fixture of CompatAdmissionTests,
/// pointed at the file:// LAMMPS catalog) in batches of eight over one keep-alive connection per batch. A
/// request is guaranteed to be in flight at the signal, without any hook in the product, by a slow client
/// (`openssl s_client`) that sends the headers and half the body before the signal and the rest after
/// it: the server must wait for it and answer it in full. A second raw connection, opened before the
/// signal, asks `/readyz` again while the server drains.
@Suite struct ServeShutdownTests {
    static let service = "compat-webhook"
    static let namespace = "compat-system"
    static let host = "\(service).\(namespace).svc"
    static let curl = "/usr/bin/curl"
    static let gracePeriod = 5.0
    /// Exit must come within the grace period plus this.
    static let exitMargin = 3.0
    static let loadClients = 6
    static let batchSize = 8
    /// The server logs "shutting down" just before it raises the drain flag and quiesces the listening
    /// socket; connections opened this long after the line are "new connections after the signal".
    static let quiesceMargin = 0.15

    @Test(.timeLimit(.minutes(1)))
    func sigtermDuringLoadAnswersEveryRequestInFlightInFullServesNoNewConnectionAndExitsZero() throws {
        let root = CommandRunner.packageRoot.path
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("compat-serve-sigterm-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: work) }
        let certs = work + "/certs"
        let made = try CommandRunner.run("compat-webhook", ["certs", "--service", Self.service, "--namespace", Self.namespace, "--out", certs])
        try #require(made.status == 0, "\(made.stderr)")
        try FileManager.default.createDirectory(atPath: work + "/nodes", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: work + "/responses", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: root + "/webhook/node-features/node-features.json", toPath: work + "/nodes/node-features.json")

        let serve = try ChildProcess(CommandRunner.binDirectory.appendingPathComponent("compat-webhook"), [
            "serve", "--address", "127.0.0.1", "--port", "0", "--cert", certs + "/tls.crt", "--key", certs + "/tls.key", "--no-kube",
            "--node-features-dir", work + "/nodes", "--file-artifact-root", root, "--models-dir", root + "/models",
            "--flux-views", root + "/artifacts/flux-views/views.yaml", "--threads", "2", "--grace-period", "\(Int(Self.gracePeriod))",
        ])
        defer { serve.killIfRunning() }
        let log = JSONLog(serve)
        let listening = try #require(log.wait(timeout: 20, message: "http server listening"), "no listening line:\n\(log.text)")
        let port = try #require((listening["port"] as? String).flatMap { UInt16($0) })

        let caFile = certs + "/ca.crt"
        let base = "https://\(Self.host):\(port)"
        let curlTLS = ["-sS", "--cacert", caFile, "--resolve", "\(Self.host):\(port):127.0.0.1"]
        /// A fresh connection's `/readyz`: curl's exit status and the HTTP status (0: no answer).
        func readyz(maxTime: Double) throws -> (exit: Int32, status: Int) {
            let result = try ChildProcess.run(Self.curl, curlTLS + ["--max-time", "\(maxTime)", "-o", "/dev/null", "-w", "%{http_code}", base + "/readyz"])
            return (result.status, Int(result.stdout) ?? 0)
        }
        let readyDeadline = Date().addingTimeInterval(10)
        while try readyz(maxTime: 1).status != 200 {
            try #require(Date() < readyDeadline, "/readyz never answered 200:\n\(log.text)")
            Thread.sleep(forTimeInterval: 0.05)
        }

        // Two raw connections opened before the load (so no load curl inherits their pipes).
        let probe = try RawTLSConnection(port: port, serverName: Self.host, caFile: caFile)
        defer { probe.close() }
        probe.send("GET /readyz HTTP/1.1\r\nHost: \(Self.host)\r\n\r\n")
        #expect(probe.readResponse(timeout: 5)?.status == 200)
        let slowUID = "sigterm-slow-client"
        let slowBody = try Self.review(uid: slowUID, root: root)
        let half = slowBody.count / 2
        let slow = try RawTLSConnection(port: port, serverName: Self.host, caFile: caFile)
        defer { slow.close() }
        slow.send("POST /mutate?timeout=10s HTTP/1.1\r\nHost: \(Self.host)\r\nContent-Type: application/json\r\nContent-Length: \(slowBody.count)\r\n\r\n")
        slow.send(Array(slowBody[..<half]))

        let load = LoadRecorder()
        let clientsDone = DispatchGroup()
        for client in 0..<Self.loadClients {
            let uid = "sigterm-load-\(client)"
            let bodyFile = work + "/body-\(client).json"
            try Data(Self.review(uid: uid, root: root)).write(to: URL(fileURLWithPath: bodyFile))
            let arguments = curlTLS + [
                "--max-time", "5", "-H", "Content-Type: application/json", "--data-binary", "@" + bodyFile,
                "-w", "%{exitcode} %{http_code} %{size_download} %{filename_effective}\\n",
            ]
            clientsDone.enter()
            Thread {
                defer { clientsDone.leave() }
                var batch = 0
                while !load.stopped {
                    let started = Date()
                    let output = "\(work)/responses/c\(client)-b\(batch)-#1.json"
                    guard let result = try? ChildProcess.run(Self.curl, arguments + ["-o", output, "\(base)/mutate?timeout=10s&n=[1-\(Self.batchSize)]"]) else {
                        load.fail("client \(client) could not run curl")
                        return
                    }
                    load.record(client: client, uid: uid, started: started, writeOut: result.stdout)
                    batch += 1
                }
            }.start()
        }
        defer {
            serve.killIfRunning()
            load.stop()
            _ = clientsDone.wait(timeout: .now() + 15)
        }
        let loadDeadline = Date().addingTimeInterval(20)
        let loadStarted = Date()
        while load.answered < 4 * Self.loadClients || Date().timeIntervalSince(loadStarted) < 1 {
            try #require(Date() < loadDeadline, "the load never got going: \(load.transfers.prefix(8))")
            Thread.sleep(forTimeInterval: 0.01)
        }

        // SIGTERM in the middle of the load.
        let answeredBeforeSignal = load.answered
        let signalled = Date()
        try #require(kill(serve.pid, SIGTERM) == 0)
        let shuttingDown = try #require(log.wait(timeout: 3, message: "shutting down"), "no shutdown line:\n\(log.text)")
        let shutdownSeen = Date()
        let inFlightAtSignal = (shuttingDown["inFlight"] as? String).flatMap { Int($0) } ?? -1
        #expect(inFlightAtSignal >= 1, "the slow client's request is in flight at the signal")
        Thread.sleep(forTimeInterval: Self.quiesceMargin)

        // Draining, held open by the slow client's unfinished request.
        probe.send("GET /readyz HTTP/1.1\r\nHost: \(Self.host)\r\n\r\n")
        let drainingReady = probe.readResponse(timeout: 2)
        if let drainingReady {
            #expect(drainingReady.status == 503, "readiness after SIGTERM on an open connection")
            #expect(String(decoding: drainingReady.body, as: UTF8.self).contains("shutting down"))
        } else {
            #expect(probe.waitUntilClosed(timeout: 0.5), "the open connection neither answered /readyz nor closed after SIGTERM")
        }
        // A new connection is refused once shutdown began (the listening socket is closed when the daemon
        // quiesces), so a client fails over at once instead of waiting in an accept queue.
        let fresh = try readyz(maxTime: 1)
        #expect(fresh.exit == 7 && fresh.status == 0, "a new connection's /readyz after SIGTERM: curl \(fresh.exit), HTTP \(fresh.status)")

        slow.send(Array(slowBody[half...]))
        let slowAnswer = try #require(slow.readResponse(timeout: 5), "the request in flight at SIGTERM got no complete answer")
        #expect(slowAnswer.status == 200)
        #expect(Self.problem(withAnswer: slowAnswer.body, uid: slowUID) == nil)

        let exited = serve.waitForExit(timeout: max(0, Self.gracePeriod + Self.exitMargin - Date().timeIntervalSince(signalled)))
        let exitSeconds = Date().timeIntervalSince(signalled)
        try #require(exited, "still running \(exitSeconds) s after SIGTERM (grace period \(Self.gracePeriod) s)")
        #expect(serve.process.terminationReason == .exit)
        #expect(serve.process.terminationStatus == 0, "\(String(decoding: serve.stderr.data, as: UTF8.self))")

        // Stopped: new connections are refused outright (curl's 7), and the load clients see the same.
        let afterExit = try readyz(maxTime: 2)
        #expect(afterExit.exit == 7 && afterExit.status == 0, "a connection after the exit: curl \(afterExit.exit), HTTP \(afterExit.status)")
        load.stop()
        #expect(clientsDone.wait(timeout: .now() + 15) == .success, "load clients did not finish")

        // Every response any load client got is a complete, valid 200 AdmissionReview.
        let transfers = load.transfers
        #expect(load.failures.count == 0, "\(load.failures.prefix(3))")
        var answeredAfterSignal = 0
        var badAnswers: [String] = []
        for transfer in transfers where transfer.status != 0 {
            let body = FileManager.default.contents(atPath: transfer.file) ?? Data()
            if transfer.exit != 0 || transfer.status != 200 || body.count != transfer.size {
                badAnswers.append("\(transfer): \(body.count) bytes on disk")
            } else if let problem = Self.problem(withAnswer: body, uid: transfer.uid) {
                badAnswers.append("\(transfer): \(problem)")
            }
            let written = (try? FileManager.default.attributesOfItem(atPath: transfer.file)[.modificationDate]) as? Date
            if let written, written > signalled { answeredAfterSignal += 1 }
        }
        #expect(badAnswers.count == 0, "\(badAnswers.count) answers were not complete, valid 200 AdmissionReviews, first: \(badAnswers.prefix(3))")
        // No connection opened after shutdown began was served.
        let servedLate = transfers.filter { $0.status != 0 && $0.started > shutdownSeen.addingTimeInterval(Self.quiesceMargin) }
        #expect(servedLate.count == 0, "\(servedLate.count) answers on connections opened after shutdown began")
        let lastBatchesRefused = transfers.filter { $0.exit == 7 }.count
        #expect(lastBatchesRefused > 0, "no load client saw its connection refused after the exit")

        // The log says it shut down, and that nothing was abandoned.
        let stopped = log.line(message: "http server stopped")
        #expect(shuttingDown["level"] as? String == "notice")
        #expect(stopped != nil, "no 'http server stopped' line")
        #expect(stopped?["abandonedRequests"] as? String == "0")
        let errors = log.lines.filter { ["error", "critical"].contains($0["level"] as? String ?? "") }
        #expect(errors.count == 0, "\(errors.prefix(3))")

        let outcomes = Dictionary(grouping: transfers.filter { $0.status == 0 }, by: \.exit).mapValues(\.count).sorted { $0.key < $1.key }
        print("""
            sigterm under load: \(transfers.filter { $0.status == 200 }.count) answered 200 (\(answeredBeforeSignal) before the signal, \
            \(answeredAfterSignal) written after it), unanswered by curl exit code \(outcomes); in flight at the signal \(inFlightAtSignal); \
            open-connection /readyz while draining \(drainingReady.map { "\($0.status)" } ?? "closed"); new-connection /readyz while draining: \
            curl \(fresh.exit) HTTP \(fresh.status); exit 0 after \(String(format: "%.2f", exitSeconds)) s; log lines on \
            \(log.streams)
            """)
    }

    /// A SIGTERM that arrives while the runtime is still starting (certificate, node features, listening
    /// socket) is not lost and does not kill the process: once started, it shuts down as usual and exits
    /// 0. The signal is sent the moment the "no --registry-allow" warning appears, which `serve` logs
    /// just before it starts the runtime.
    @Test(.timeLimit(.minutes(1)))
    func sigtermWhileTheRuntimeStartsShutsDownOnceStartedAndExitsZero() throws {
        let root = CommandRunner.packageRoot.path
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("compat-serve-sigterm-start-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: work) }
        let made = try CommandRunner.run("compat-webhook", ["certs", "--service", Self.service, "--namespace", Self.namespace, "--out", work + "/certs"])
        try #require(made.status == 0, "\(made.stderr)")
        try FileManager.default.createDirectory(atPath: work + "/nodes", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: root + "/webhook/node-features/node-features.json", toPath: work + "/nodes/node-features.json")

        let serve = try ChildProcess(CommandRunner.binDirectory.appendingPathComponent("compat-webhook"), [
            "serve", "--address", "127.0.0.1", "--port", "0", "--cert", work + "/certs/tls.crt", "--key", work + "/certs/tls.key", "--no-kube",
            "--node-features-dir", work + "/nodes", "--file-artifact-root", root, "--models-dir", root + "/models",
            "--flux-views", root + "/artifacts/flux-views/views.yaml", "--grace-period", "\(Int(Self.gracePeriod))",
        ])
        defer { serve.killIfRunning() }
        let warned = serve.stdout.wait(timeout: 20) { data, ended in
            String(decoding: data, as: UTF8.self).contains("no --registry-allow") ? true : (ended ? false : nil)
        }
        try #require(warned == true, "no registry warning before the start:\n\(JSONLog(serve).text)")
        try #require(kill(serve.pid, SIGTERM) == 0)
        let signalled = Date()

        let exited = serve.waitForExit(timeout: Self.gracePeriod + Self.exitMargin)
        try #require(exited, "still running \(Date().timeIntervalSince(signalled)) s after SIGTERM")
        let log = JSONLog(serve)
        #expect(serve.process.terminationReason == .exit, "ended by signal \(serve.process.terminationStatus); log:\n\(log.text)")
        #expect(serve.process.terminationStatus == 0)
        #expect(log.line(message: "http server listening") != nil, "the start was not completed")
        #expect(log.line(message: "shutting down") != nil)
        #expect(log.line(message: "http server stopped")?["abandonedRequests"] as? String == "0")
    }

    /// The Pod fixture of CompatAdmissionTests (a real CREATE review from a ReplicaSet), with `uid`, the
    /// repository's LAMMPS catalog as its artifact in mode `descriptive`, and a nodeSelector naming one kind of node of
    /// webhook/node-features (as compat-bench's `pod-descriptive` body does).
    static func review(uid: String, root: String) throws -> [UInt8] {
        let fixture = root + "/Tests/CompatAdmissionTests/Fixtures/pod-create-without-node-selector.json"
        guard var document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixture))) as? [String: Any],
              var request = document["request"] as? [String: Any], var object = request["object"] as? [String: Any],
              var metadata = object["metadata"] as? [String: Any], var annotations = metadata["annotations"] as? [String: Any],
              var spec = object["spec"] as? [String: Any]
        else { throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: fixture]) }
        annotations["oci.image.compatibilities.selection/image-ref"] = "file://" + root + "/artifacts/lammps-matrix"
        annotations["oci.image.compatibilities.selection/mode"] = "descriptive"
        metadata["annotations"] = annotations
        spec["nodeSelector"] = ["node.kubernetes.io/instance-type": "c7a.12xlarge"]
        object["spec"] = spec
        object["metadata"] = metadata
        request["object"] = object
        request["uid"] = uid
        document["request"] = request
        return Array(try JSONSerialization.data(withJSONObject: document))
    }

    /// `nil` when `body` is a whole AdmissionReview answer for `uid` that allows the Pod with a JSON Patch
    /// replacing the placeholder by a LAMMPS image; else what is wrong with it.
    static func problem(withAnswer body: Data, uid: String) -> String? {
        guard let document = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            return "not JSON (\(body.count) bytes): \(String(decoding: body.prefix(120), as: UTF8.self))"
        }
        guard document["apiVersion"] as? String == "admission.k8s.io/v1", document["kind"] as? String == "AdmissionReview",
              let response = document["response"] as? [String: Any]
        else { return "not an AdmissionReview answer" }
        guard response["uid"] as? String == uid else { return "uid \(response["uid"] ?? "none"), expected \(uid)" }
        guard response["allowed"] as? Bool == true else { return "not allowed: \(response["status"] ?? "")" }
        guard response["patchType"] as? String == "JSONPatch", let encoded = response["patch"] as? String,
              let patchBytes = Data(base64Encoded: encoded), let patch = try? JSONSerialization.jsonObject(with: patchBytes) as? [[String: Any]]
        else { return "no base64 JSON Patch" }
        guard let image = patch.first(where: { $0["path"] as? String == "/spec/containers/0/image" })?["value"] as? String,
              image.hasPrefix("ghcr.io/rse-ops/lammps-matrix:")
        else { return "the patch does not set a LAMMPS image: \(patch)" }
        return nil
    }
}

/// What the load clients saw, one entry per transfer (curl's `--write-out` line).
final class LoadRecorder: @unchecked Sendable {
    struct Transfer: CustomStringConvertible {
        var client: Int
        var uid: String
        /// When the transfer's curl (and so its connection) started.
        var started: Date
        var exit: Int
        var status: Int
        var size: Int
        var file: String
        var description: String { "c\(client) curl \(exit) HTTP \(status) \(size) B" }
    }

    private let lock = NSLock()
    private var all: [Transfer] = []
    private var problems: [String] = []
    private var stopFlag = false

    var stopped: Bool { lock.withLock { stopFlag } }
    func stop() { lock.withLock { stopFlag = true } }
    var transfers: [Transfer] { lock.withLock { all } }
    var failures: [String] { lock.withLock { problems } }
    var answered: Int { lock.withLock { all.filter { $0.status == 200 }.count } }
    func fail(_ message: String) { lock.withLock { problems.append(message) } }

    func record(client: Int, uid: String, started: Date, writeOut: String) {
        var parsed: [Transfer] = []
        for line in writeOut.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 3)
            guard fields.count == 4, let exit = Int(fields[0]), let status = Int(fields[1]), let size = Int(fields[2]) else {
                fail("client \(client): unreadable write-out line '\(line)'")
                continue
            }
            parsed.append(Transfer(client: client, uid: uid, started: started, exit: exit, status: status, size: size, file: String(fields[3])))
        }
        lock.withLock { all += parsed }
    }
}

/// The webhook's JSON log lines, from whichever of stdout and stderr they are written to.
struct JSONLog {
    let child: ChildProcess

    init(_ child: ChildProcess) { self.child = child }

    var text: String {
        String(decoding: child.stdout.data, as: UTF8.self) + String(decoding: child.stderr.data, as: UTF8.self)
    }

    var lines: [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// Which streams carried JSON lines.
    var streams: String {
        let carries = { (data: Data) in
            String(decoding: data, as: UTF8.self).split(separator: "\n").contains { $0.hasPrefix("{") }
        }
        return [carries(child.stdout.data) ? "stdout" : nil, carries(child.stderr.data) ? "stderr" : nil].compactMap { $0 }.joined(separator: "+")
    }

    /// The first line whose `message` is `message`.
    func line(message: String) -> [String: Any]? {
        text.split(separator: "\n").lazy.filter { $0.contains(message) }
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .first { $0["message"] as? String == message }
    }

    func wait(timeout: Double, message: String) -> [String: Any]? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let line = line(message: message) { return line }
            if Date() >= deadline { return nil }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }
}
