import Foundation
import Testing

/// The README's local webhook for runners: `compat-webhook certs --san 127.0.0.1`, `compat-webhook serve` with the
/// inputs `compat-run` gives the webhook it embeds, then `compat-run --webhook … --ca …` against it. Same seed,
/// same summary as the embedded run: the runner cannot tell the two webhooks apart.
@Suite struct LocalWebhookForRunnerTests {
    /// `compat-webhook serve` as the README starts it, on a free port instead of 8443.
    private func startWebhook(certs: String, nodeFeatures: String) throws -> (ChildProcess, UInt16) {
        let root = CommandRunner.packageRoot.path
        let serve = try ChildProcess(CommandRunner.binDirectory.appendingPathComponent("compat-webhook"), [
            "serve", "--address", "127.0.0.1", "--port", "0", "--cert", certs + "/tls.crt", "--key", certs + "/tls.key", "--no-kube",
            "--node-features-dir", nodeFeatures, "--models-dir", "models", "--flux-views", "artifacts/flux-views/views.yaml",
            "--file-artifact-root", root + "/artifacts", "--file-artifact-root", root + "/models", "--threads", "2",
        ])
        let log = JSONLog(serve)
        guard let listening = log.wait(timeout: 20, message: "http server listening"), let port = (listening["port"] as? String).flatMap(UInt16.init) else {
            serve.killIfRunning()
            throw LoopbackSocket.Failure(description: "compat-webhook did not start:\n\(log.text)")
        }
        return (serve, port)
    }

    /// The summary table (the results line names the output folder, which differs).
    private func summary(_ stdout: String) -> [Substring] {
        stdout.split(separator: "\n").filter { !$0.hasPrefix("results:") }
    }

    @Test(.timeLimit(.minutes(2)))
    func runnerAgainstALocalWebhookPrintsWhatItPrintsWithItsEmbeddedOne() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("compat-local-webhook-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: work) }
        let certs = work + "/certs"
        let made = try CommandRunner.run("compat-webhook", ["certs", "--san", "127.0.0.1", "--out", certs])
        try #require(made.status == 0, "\(made.stderr)")

        // LAMMPS modes: the simulated cluster's amd64 node type (examples/local-webhook/lammps-amd64).
        let (lammps, lammpsPort) = try startWebhook(certs: certs, nodeFeatures: "examples/local-webhook/lammps-amd64")
        defer { lammps.killIfRunning() }
        let lammpsRuns = try runBoth(["--mode", "all", "--iters", "4", "--seed", "5"], port: lammpsPort, certs: certs, work: work + "/lammps")
        #expect(lammpsRuns.external.count == 6)
        #expect(lammpsRuns.external == lammpsRuns.embedded)
        let admitted = JSONLog(lammps).lines.filter { $0["message"] as? String == "admission allowed" && $0["kind"] as? String == "MiniCluster" }
        #expect(admitted.count == 20, "every MiniCluster of the 5 × 4 runs went through the local webhook")

        // Model experiments: the node features compat-run gives its embedded webhook by default.
        let (models, modelsPort) = try startWebhook(certs: certs, nodeFeatures: "webhook/node-features")
        defer { models.killIfRunning() }
        let modelRuns = try runBoth(["--model", "fom", "--iters", "3", "--seed", "5"], port: modelsPort, certs: certs, work: work + "/model")
        #expect(modelRuns.external == modelRuns.embedded)
        #expect(modelRuns.external.contains { $0.hasPrefix("fom        3/3") })

        #expect(lammps.terminatesCleanly(within: 30))
        #expect(models.terminatesCleanly(within: 30))
    }

    /// `compat-run arguments` against the local webhook on `port`, then with its embedded one: both summaries.
    private func runBoth(_ arguments: [String], port: UInt16, certs: String, work: String) throws -> (external: [Substring], embedded: [Substring]) {
        let external = try CommandRunner.run("compat-run", arguments + [
            "--webhook", "https://127.0.0.1:\(port)/mutate", "--ca", certs + "/ca.crt", "--outdir", work + "-external",
        ])
        #expect(external.status == 0, "\(external.stderr)")
        let embedded = try CommandRunner.run("compat-run", arguments + ["--outdir", work + "-embedded"])
        #expect(embedded.status == 0, "\(embedded.stderr)")
        return (summary(external.stdout), summary(embedded.stdout))
    }

    @Test func runnerRefusesAWebhookWhoseCertificateDoesNotName127001() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("compat-local-webhook-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: work) }
        let certs = work + "/certs"
        let made = try CommandRunner.run("compat-webhook", ["certs", "--service", "compat-webhook", "--namespace", "compat-system", "--out", certs])
        try #require(made.status == 0, "\(made.stderr)")
        let (webhook, port) = try startWebhook(certs: certs, nodeFeatures: "examples/local-webhook/lammps-amd64")
        defer { webhook.killIfRunning() }
        let result = try CommandRunner.run("compat-run", [
            "--mode", "basic", "--iters", "1", "--webhook", "https://127.0.0.1:\(port)/mutate", "--ca", certs + "/ca.crt",
            "--outdir", work + "/out",
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no alternative certificate subject name matches target host name '127.0.0.1'"), "\(result.stderr)")
    }
}
