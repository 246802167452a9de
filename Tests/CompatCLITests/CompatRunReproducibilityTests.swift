import Foundation
import Testing

/// What makes a `compat-run` result reproducible and robust: the provenance in results.json, resuming
/// an unfinished run, and partial results when stopped by a signal.
@Suite struct CompatRunReproducibilityTests {
    private func scratch() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("compat-run-repro-\(UUID().uuidString)").path
    }

    private func document(_ outdir: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: outdir + "/results.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The records without what the runner's clock measured.
    private func outcomes(_ document: [String: Any]) -> [String] {
        ((document["records"] as? [[String: Any]]) ?? []).map { record in
            ["group", "batch", "iteration", "image", "view", "node", "reason", "wallTimeSeconds", "figureOfMerit", "estimated"]
                .map { "\(record[$0] ?? "nil")" }.joined(separator: "|")
        }
    }

    @Test func resultsRecordSeedArgumentsVersionRevisionBackendWebhookAndTimings() throws {
        let outdir = scratch()
        defer { try? FileManager.default.removeItem(atPath: outdir) }
        let arguments = ["--mode", "basic", "--iters", "2", "--seed", "11", "--outdir", outdir]
        let result = try CommandRunner.run("compat-run", arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let document = try document(outdir)
        #expect(document["version"] as? Int == 2)
        let run = try #require(document["run"] as? [String: Any])
        #expect(run["tool"] as? String == "compat-run")
        #expect(run["version"] as? String == "0.1.0")
        #expect(run["arguments"] as? [String] == arguments)
        #expect(run["seed"] as? Int == 11)
        #expect(run["backend"] as? String == "sim")
        #expect(run["webhook"] as? String == "embedded")
        #expect(run["interrupted"] as? Bool == false)
        #expect((run["finishedAt"] as? String)?.hasSuffix("Z") == true)
        // The tests run in the repository's checkout, so the revision is its commit (maybe -dirty).
        let revision = try #require(run["revision"] as? String)
        #expect(revision.prefix(40).allSatisfy(\.isHexDigit) && revision.count >= 40)
        let records = try #require(document["records"] as? [[String: Any]])
        #expect(records.count == 2)
        for record in records {
            #expect((record["startedAt"] as? String)?.hasSuffix("Z") == true)
            #expect((record["runSeconds"] as? Double ?? -1) >= 0)
        }
    }

    @Test func resumeRunsOnlyTheMissingRunsAndEndsWhereAFreshRunEnds() throws {
        let resumed = scratch(), fresh = scratch()
        defer {
            try? FileManager.default.removeItem(atPath: resumed)
            try? FileManager.default.removeItem(atPath: fresh)
        }
        let first = try CommandRunner.run("compat-run", ["--mode", "platform", "--iters", "3", "--seed", "4", "--outdir", resumed])
        #expect(first.status == 0, "\(first.stderr)")
        let second = try CommandRunner.run("compat-run", ["--mode", "platform", "--iters", "6", "--seed", "4", "--outdir", resumed, "--resume"])
        #expect(second.status == 0, "\(second.stderr)")
        // Only iterations 3, 4 and 5 ran the second time.
        #expect(!second.stderr.contains("platform 2:"))
        #expect(second.stderr.contains("[4/6] platform 3:"))
        let whole = try CommandRunner.run("compat-run", ["--mode", "platform", "--iters", "6", "--seed", "4", "--outdir", fresh])
        #expect(whole.status == 0, "\(whole.stderr)")
        #expect(outcomes(try document(resumed)) == outcomes(try document(fresh)))
        #expect(outcomes(try document(fresh)).count == 6)
    }

    @Test func resumeRefusesResultsOfAnotherSeed() throws {
        let outdir = scratch()
        defer { try? FileManager.default.removeItem(atPath: outdir) }
        #expect(try CommandRunner.run("compat-run", ["--mode", "basic", "--iters", "1", "--seed", "4", "--outdir", outdir]).status == 0)
        let other = try CommandRunner.run("compat-run", ["--mode", "basic", "--iters", "2", "--seed", "5", "--outdir", outdir, "--resume"])
        #expect(other.status == 1)
        #expect(other.stderr.contains("--resume: \(outdir)/results.json holds runs of seed 4 on backend sim with webhook embedded"))
    }

    @Test(arguments: [(SIGTERM, Int32(143)), (SIGINT, Int32(130))])
    func aSignalWritesThePartialResultsInPlanOrder(signal: Int32, status: Int32) throws {
        let outdir = scratch()
        defer { try? FileManager.default.removeItem(atPath: outdir) }
        // 20 000 runs would take minutes; the signal comes after the first 20.
        let arguments = ["--mode", "basic", "--mode", "platform", "--iters", "10000", "--seed", "3", "--outdir", outdir]
        let child = try ChildProcess(CommandRunner.binDirectory.appendingPathComponent("compat-run"), arguments)
        defer { child.killIfRunning() }
        let started = child.stderr.wait(timeout: 60) { data, _ in String(decoding: data, as: UTF8.self).contains("[20/20000]") ? true : nil }
        #expect(started == true)
        kill(child.pid, signal)
        #expect(child.waitForExit(timeout: 30))
        #expect(child.process.terminationStatus == status)
        let stderr = child.stderr.wait(timeout: 5) { data, ended in ended ? String(decoding: data, as: UTF8.self) : nil } ?? ""
        #expect(stderr.contains("compat-run: stopped by \(signal == SIGINT ? "SIGINT" : "SIGTERM") after "))
        #expect(stderr.contains("(finish with --resume)"))
        let document = try document(outdir)
        let run = try #require(document["run"] as? [String: Any])
        #expect(run["interrupted"] as? Bool == true)
        let records = try #require(document["records"] as? [[String: Any]])
        #expect(records.count >= 20 && records.count < 20_000)
        // The records are the plan's first runs, in order, with nothing missing.
        #expect(records.map { $0["iteration"] as? Int ?? -1 } == Array(0..<records.count))
    }
}
