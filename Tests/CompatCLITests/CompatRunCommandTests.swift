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

    @Test func dryRunPrintsEveryIterationWithItsRealSeedAndTheCost() throws {
        let result = try CommandRunner.run("compat-run", ["--mode", "descriptive", "--model", "fom", "--iters", "10", "--mpi", "abi:mpich", "--seed", "5", "--dry-run"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.components(separatedBy: #""kind": "MiniCluster""#).count - 1 == 10)
        #expect(result.stdout.components(separatedBy: #""kind": "Pod""#).count - 1 == 10)
        #expect(result.stdout.contains(#""oci.image.compatibilities.selection/mpi": "abi:mpich""#))
        #expect(result.stdout.contains(#""oci.image.compatibilities.selection/model": "fom""#))
        #expect(result.stdout.contains("c2d-standard-8"))
        // Every iteration's comment names its seed, and the object carries that seed, never 0.
        let seeds = result.stdout.split(separator: "\n").filter { $0.hasPrefix("# descriptive iteration ") }.map { line in
            String(line.split(separator: " ")[5].dropLast())
        }
        #expect(seeds.count == 10)
        #expect(Set(seeds).count == 10)
        for seed in seeds {
            #expect(result.stdout.contains(#""oci.image.compatibilities.selection/seed": "\#(seed)""#))
        }
        #expect(!result.stdout.contains(#""oci.image.compatibilities.selection/seed": "0""#))
    }

    @Test func unknownModeExitsNonZeroNamingTheModes() throws {
        let result = try CommandRunner.run("compat-run", ["--mode", "fastest"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("The value 'fastest' is invalid for '--mode <mode>'"))
        #expect(result.stderr.contains("  - basic\n  - platform\n  - platform-version\n  - descriptive-basic\n  - descriptive\n  - all\n"))
    }

    @Test func iterationsStateTheirRangeAndRejectOthers() throws {
        let help = try CommandRunner.run("compat-run", ["--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("--iters <iters> Iterations per mode or strategy, 1 to 100000. (default: 25)"))
        for value in ["-1", "0", "100001"] {
            let result = try CommandRunner.run("compat-run", ["--iters", value, "--mode", "basic"])
            #expect(result.status == 64)
            #expect(result.stderr.contains("--iters \(value) is out of range: use 1 to 100000 iterations per mode or strategy"), "\(result.stderr)")
        }
    }

    @Test func typedOptionsListTheirValuesInHelp() throws {
        let help = try CommandRunner.run("compat-run", ["--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("--backend <backend> Where jobs run. (values: sim, kubernetes; default: sim)"))
        #expect(help.contains("(values: trace, debug, info, notice, warning, error, critical; default: error)"))
        #expect(help.contains("--arch <arch> Cluster architecture for the LAMMPS experiment. (values: amd64, arm64; default: amd64)"))
        #expect(help.contains("KUBERNETES (--BACKEND KUBERNETES): --kubeconfig <kubeconfig>"))
        let bad = try CommandRunner.run("compat-run", ["--backend", "slurm"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("The value 'slurm' is invalid for '--backend <backend>'"))
    }

    @Test func missingPlanFileExitsTwoWithTheSystemsReason() throws {
        let result = try CommandRunner.run("compat-run", ["--plan", "/nonexistent/plan.yaml"])
        #expect(result.status == 2)
        #expect(result.stderr == "compat-run: cannot read plan /nonexistent/plan.yaml: No such file or directory\n")
        let directory = try CommandRunner.run("compat-run", ["--plan", "/tmp"])
        #expect(directory.status == 2)
        #expect(directory.stderr.hasPrefix("compat-run: cannot read plan /tmp: "))
    }

    @Test func planThatCannotRunExitsOneBeforeRunningAnything() throws {
        let folder = scratch()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let plan = folder + "/plan.yaml"
        try "experiments:\n  - {model: fom, iterations: 30, arch: amd64, nodes: 1, instance: hpc7g.16xlarge}\n".write(toFile: plan, atomically: true, encoding: .utf8)
        for extra in [["--dry-run"], ["--outdir", folder + "/out"]] {
            let result = try CommandRunner.run("compat-run", ["--plan", plan] + extra)
            #expect(result.status == 1)
            #expect(result.stderr == "compat-run: the plan cannot run: experiments[0] (model fom): node type 'hpc7g.16xlarge' is arm64, the experiment is amd64; change 'arch' or 'instance'\n")
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/out"))
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
        #expect(result.stderr == "compat-run: cannot read the price table at /nonexistent/prices.yaml; run from the repository root or pass --artifacts DIR\n")
    }
}
