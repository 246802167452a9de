import Foundation
import Testing

/// Every `compat` and `compat-run` command in README.md's shell blocks, run as written (through `sh`, from
/// the repository root, against the shipped files) and checked to exit as the README documents; and the
/// README's printed tables checked against what the commands print.
@Suite struct ReadmeCommandsTests {
    struct Command: CustomStringConvertible {
        var text: String
        var description: String { text }
    }

    /// The commands of every ```sh block: lines starting with `compat ` or `compat-run `, `\` continuations
    /// joined, trailing `# comments` dropped.
    static func commands() throws -> [Command] {
        let readme = try String(contentsOf: CommandRunner.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        var commands: [Command] = []
        var inShell = false
        var pending = ""
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("```") {
                inShell = line == "```sh"
                continue
            }
            guard inShell else { continue }
            var text = line
            if let hash = text.range(of: " # ") ?? text.range(of: "  #") { text = String(text[..<hash.lowerBound]) }
            text = text.trimmingCharacters(in: .whitespaces)
            if !pending.isEmpty {
                pending += " " + text
            } else if text.hasPrefix("compat ") || text.hasPrefix("compat-run ") {
                pending = text
            } else {
                continue
            }
            if pending.hasSuffix("\\") {
                pending = String(pending.dropLast()).trimmingCharacters(in: .whitespaces)
            } else {
                commands.append(Command(text: pending))
                pending = ""
            }
        }
        return commands
    }

    /// Commands that need something outside this machine, with the reason; each must still be in the README.
    static let excepted: [(fragment: String, reason: String)] = [
        ("--backend kubernetes", "needs a Kubernetes cluster"),
        ("--webhook https://host:8443/mutate", "needs a webhook running elsewhere"),
        ("compat artifact push ghcr.io/", "pushes to a public registry (tests talk only to 127.0.0.1)"),
        ("compat artifact pull ghcr.io/", "pulls from a public registry (tests talk only to 127.0.0.1)"),
        ("compat artifact push registry.example.com/", "pushes to the reader's registry (CatalogPublishTests and AsDeployedTests push the same files to a docker-registry on 127.0.0.1)"),
        ("--webhook https://127.0.0.1:8443/mutate", "talks to the webhook the README starts on the line before (LocalWebhookForRunnerTests runs that recipe)"),
    ]

    /// Commands the README shows with the reader's own input files: the documented exit status when an
    /// input cannot be read is 2, with the file named.
    static let readersOwnFiles: [String: (status: Int32, message: String)] = [
        "compat eval --spec spec.yaml --labels node-labels.json": (2, "spec.yaml"),
    ]

    @Test func everyCommandRunsAgainstTheShippedFilesAndExitsAsDocumented() throws {
        let commands = try Self.commands()
        #expect(commands.count >= 15)
        for exception in Self.excepted {
            #expect(commands.contains { $0.text.contains(exception.fragment) }, "excepted '\(exception.fragment)' is no longer in the README")
        }
        for (command, _) in Self.readersOwnFiles {
            #expect(commands.contains { $0.text == command }, "'\(command)' is no longer in the README")
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        for (index, command) in commands.enumerated() where !Self.excepted.contains(where: { command.text.contains($0.fragment) }) {
            // Outputs go to a scratch folder instead of the checkout: compat-run's results (unless it runs
            // nothing), and files a command is told to write.
            var text = command.text
            let outdir = scratch.appendingPathComponent("out-\(index)").path
            if text.hasPrefix("compat-run "), !text.contains("--dry-run") { text += " --outdir \(outdir)" }
            if text.hasPrefix("compat-run "), text.contains("--resume") {
                // The resume example continues an interrupted run: first the interrupted part.
                let first = try Self.shell(text.replacingOccurrences(of: "--iters 25", with: "--iters 10").replacingOccurrences(of: " --resume", with: ""))
                #expect(first.status == 0, "\(command): \(first.stderr)")
            }
            text = text.replacingOccurrences(of: "--out fom.json", with: "--out \(scratch.path)/fom.json")
            let result = try Self.shell(text)
            if let documented = Self.readersOwnFiles[command.text] {
                #expect(result.status == documented.status, "\(command): \(result.stderr)")
                #expect(result.stderr.contains(documented.message), "\(command): \(result.stderr)")
            } else {
                #expect(result.status == 0, "\(command) exited \(result.status): \(result.stderr.suffix(600))")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: CommandRunner.packageRoot.appendingPathComponent("fom.json").path))
    }

    @Test func thePlanShownIsTheShippedPlanAndItsCostTableIsWhatTheDryRunPrints() throws {
        let readme = try String(contentsOf: CommandRunner.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let plan = try String(contentsOf: CommandRunner.packageRoot.appendingPathComponent("examples/plan.yaml"), encoding: .utf8)
        #expect(readme.contains("```yaml\n" + plan + "```\n"))
        let dryRun = try Self.shell("compat-run --plan examples/plan.yaml --dry-run")
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        let table = try #require(dryRun.stdout.range(of: "experiment                node types").map { String(dryRun.stdout[$0.lowerBound...]) })
        #expect(readme.contains("```\n" + table.trimmingCharacters(in: .newlines) + "\n```\n"))
    }

    @Test func theMakeRunTablesAreWhatTheMainJobPrints() throws {
        let readme = try String(contentsOf: CommandRunner.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("readme-main-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        // scripts/main-job.sh's two commands.
        let lammps = try Self.shell("compat-run --mode all --iters 25 --seed 1 --outdir \(scratch)/lammps")
        let hpcg = try Self.shell("compat-run --model fom --model random --iters 30 --seed 1 --outdir \(scratch)/hpcg")
        #expect(lammps.status == 0 && hpcg.status == 0)
        func summary(_ stdout: String) -> String {
            stdout.split(separator: "\n", omittingEmptySubsequences: false).prefix { !$0.hasPrefix("results: ") }.joined(separator: "\n")
        }
        let printed = [summary(lammps.stdout), summary(hpcg.stdout)].joined(separator: "\n")
        #expect(readme.contains("```\n" + printed.trimmingCharacters(in: .newlines) + "\n```\n"), "README's make run block differs from:\n\(printed)")
    }

    /// Runs `command` with `sh` from the repository root, the built executables first on PATH.
    static func shell(_ command: String) throws -> CommandResult {
        try ChildProcess.run("/bin/sh", ["-c", "PATH='\(CommandRunner.binDirectory.path)':\"$PATH\"; export PATH; " + command])
    }
}
