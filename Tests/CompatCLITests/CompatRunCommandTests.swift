import Foundation
import Testing

/// `compat-run` end to end: the executable starts its own webhook and runs on the simulated cluster.
@Suite struct CompatRunCommandTests {
    private func scratch() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("compat-run-cli-\(UUID().uuidString)").path
    }

    @Test func modeRunPrintsTheSummaryAndWritesResults() throws {
        let outdir = scratch()
        defer { try? FileManager.default.removeItem(atPath: outdir) }
        let result = try CommandRunner.run("compat-run", ["--mode", "descriptive-basic", "--iters", "5", "--seed", "3", "--outdir", outdir])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("mode") == true)
        #expect(lines.dropFirst().first?.hasPrefix("descriptive-basic  5/5") == true)
        #expect(FileManager.default.fileExists(atPath: outdir + "/results.csv"))
        #expect(FileManager.default.fileExists(atPath: outdir + "/logs/descriptive-basic/lammps-4-size-2.log"))
        // Not a terminal: plain progress lines on stderr.
        #expect(result.stderr.contains("[5/5] descriptive-basic 4: success\n"))
    }

    @Test func jsonOutputIsTheResultsDocument() throws {
        let outdir = scratch()
        defer { try? FileManager.default.removeItem(atPath: outdir) }
        let result = try CommandRunner.run("compat-run", ["--model", "fom", "--iters", "2", "--outdir", outdir, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let runs = try #require(document["records"] as? [[String: Any]])
        #expect(runs.count == 2)
        #expect(runs.first?["node"] as? String == "hpc7g.16xlarge")
    }

    @Test func dryRunPrintsTheSubmittedObjectsAndTheCost() throws {
        let result = try CommandRunner.run("compat-run", ["--mode", "descriptive", "--model", "fom", "--iters", "10", "--mpi", "abi:mpich", "--dry-run"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(#""kind": "MiniCluster""#))
        #expect(result.stdout.contains(#""oci.image.compatibilities.selection/mpi": "abi:mpich""#))
        #expect(result.stdout.contains(#""oci.image.compatibilities.selection/model": "fom""#))
        #expect(result.stdout.contains("c2d-standard-8"))
    }

    @Test func unknownModeExitsNonZeroNamingTheModes() throws {
        let result = try CommandRunner.run("compat-run", ["--mode", "fastest"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--mode 'fastest' is not a mode; use one of basic, platform, platform-version, descriptive-basic, descriptive or all"))
    }

    @Test func unknownModelExitsNonZeroNamingTheSpecsModels() throws {
        let result = try CommandRunner.run("compat-run", ["--model", "fastest", "--iters", "1"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--model 'fastest' is not in"))
        #expect(result.stderr.contains("fom, duration"))
    }

    @Test func realClusterRunWithoutATerminalNeedsYes() throws {
        let result = try CommandRunner.run("compat-run", ["--mode", "basic", "--iters", "1", "--backend", "kubernetes"], stdin: "")
        #expect(result.status != 0)
        #expect(result.stderr.contains("pass --yes to confirm without a terminal"))
        #expect(result.stderr.contains("c2d-standard-8"))
    }

    @Test func missingArtifactsFolderIsAClearError() throws {
        let result = try CommandRunner.run("compat-run", ["--mode", "basic", "--iters", "1", "--artifacts", "/nonexistent", "--outdir", scratch()])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot read the LAMMPS catalog at /nonexistent/lammps-matrix/manifests.yaml; run from the repository root or pass --artifacts DIR"))
    }
}
