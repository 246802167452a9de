import Foundation
import Testing

@Suite struct PredictCommandTests {
    static let nodes = "../shared/data/node-features.json"

    private func predict(_ arguments: [String], stdin: String? = nil) throws -> CommandResult {
        try CommandRunner.run("compat", ["predict"] + arguments, stdin: stdin)
    }

    private func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// A file in a fresh scratch directory.
    private func scratchFile(_ name: String, _ content: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("compat-predict-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(content.utf8).write(to: url)
        return url.path
    }

    @Test func choosesTheFirstOfTheTopGravitonNodesForFom() throws {
        let result = try predict(["--model", "models/published/fom.json", "--nodes", Self.nodes])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        #expect(result.stdout.hasPrefix("maximize fom over 25 node(s)\n"))
        #expect(result.stdout.contains("\ninstance: hpc7g.16xlarge\ninstance-selector: node.kubernetes.io/instance-type\n"))
        #expect(result.stdout.contains("15   g4dn.xlarge     -4277209576168.154        out of distribution: feature.node.kubernetes.io/kernel-version.full='6.1.134' is not a training category"))
    }

    @Test func jsonCarriesTheChoiceAndEveryNode() throws {
        let result = try predict(["--model", "models/published/gflops_per_second_spmv.json", "--nodes", Self.nodes, "--json"])
        #expect(result.status == 0)
        let object = try json(result.stdout)
        #expect(object["instance"] as? String == "c7a.12xlarge")
        #expect(object["arch"] as? String == "amd64")
        #expect((object["nodes"] as? [Any])?.count == 25)
        let unguarded = try #require(object["unguarded_choice"] as? [String: Any])
        #expect(unguarded["instance"] as? String == "g4dn.xlarge")
        #expect(unguarded["instance_index"] as? Int == 15)
        #expect((object["reason"] as? String)?.contains("Without the guard g4dn.xlarge (node 15) would have won") == true)
    }

    @Test func minimizeOverridesTheModelsDirectionAndReadsNodesFromStdin() throws {
        let nodes = try String(contentsOf: CommandRunner.packageRoot.appendingPathComponent(Self.nodes), encoding: .utf8)
        let result = try predict(["--model", "models/published/fom.json", "--nodes", "-", "--direction", "minimize", "--json"], stdin: nodes)
        #expect(result.status == 0)
        let object = try json(result.stdout)
        // g5.xlarge ties t3a.2xlarge at the lowest value but is out of distribution.
        #expect(object["instance"] as? String == "t3a.2xlarge")
        #expect(object["direction"] as? String == "minimize")
    }

    @Test func randomIsReproducibleWithASeed() throws {
        let arguments = ["--model", "models/published/fom.json", "--nodes", Self.nodes, "--direction", "random", "--seed", "42", "--json"]
        let first = try json(try predict(arguments).stdout)
        let second = try json(try predict(arguments).stdout)
        #expect(first["instance_index"] as? Int == second["instance_index"] as? Int)
        #expect(first["seed"] as? Int == 42)
        #expect(first["instance_index"] as? Int != 15)
    }

    @Test func seedWithoutRandomIsAnInputError() throws {
        let result = try predict(["--model", "models/published/fom.json", "--nodes", Self.nodes, "--seed", "1"])
        #expect(result.status == 2)
        #expect(result.stderr == "compat: --seed only seeds a random choice; add --direction random or drop --seed\n")
    }

    @Test func unreadableOrInvalidInputsExitTwoNamingTheProblem() throws {
        let missing = try predict(["--model", "models/published/nope.json", "--nodes", Self.nodes])
        #expect(missing.status == 2)
        #expect(missing.stderr == "compat: cannot read model 'models/published/nope.json': no such file\n")
        let badModel = try scratchFile("m.json", #"{"format": "ocifit-linear-model", "format_version": 2}"#)
        let unsupported = try predict(["--model", badModel, "--nodes", Self.nodes])
        #expect(unsupported.status == 2)
        #expect(unsupported.stderr.hasSuffix("format_version: unsupported format version 2; this reader knows version 1\n"))
        let badNodes = try scratchFile("n.json", #"[{"feature.node.kubernetes.io/cpu-model.family": 6}]"#)
        let nodes = try predict(["--model", "models/published/fom.json", "--nodes", badNodes])
        #expect(nodes.status == 2)
        #expect(nodes.stderr.contains(#"[0]["feature.node.kubernetes.io/cpu-model.family"]: expected a string label value"#))
    }

    @Test func noChoosableNodeExitsOne() throws {
        let controlPlane = try scratchFile("cp.json", #"[{"node-role.kubernetes.io/control-plane": ""}]"#)
        let onlyControlPlane = try predict(["--model", "models/published/fom.json", "--nodes", controlPlane])
        #expect(onlyControlPlane.status == 1)
        #expect(onlyControlPlane.stderr == "compat: all 1 nodes are control-plane nodes, which are never chosen\n")
        let bare = try scratchFile("bare.json", #"[{"kubernetes.io/hostname": "h1"}]"#)
        let unscorable = try predict(["--model", "models/published/fom.json", "--nodes", bare])
        #expect(unscorable.status == 1)
        #expect(unscorable.stderr.hasPrefix("compat: model 'fom' cannot score any of the 1 nodes: h1 (node 0): label 'feature.node.kubernetes.io/cpu-hardware_multithreading' is missing"))
    }

    @Test func anUnknownDirectionIsAUsageError() throws {
        let result = try predict(["--model", "models/published/fom.json", "--nodes", Self.nodes, "--direction", "best"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("direction must be maximize, minimize or random, not 'best'"))
    }
}
