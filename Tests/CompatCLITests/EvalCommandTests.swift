import Foundation
import Testing

/// `compat eval` end to end: exit statuses 0/1/2 and the `--json` output.
@Suite struct EvalCommandTests {
    /// Writes `files` into a fresh temporary directory, runs `body` with their paths by name, then
    /// removes the directory.
    func withFiles(_ files: [String: String], _ body: ([String: String]) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("compat-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var paths: [String: String] = [:]
        for (name, content) in files {
            let url = directory.appendingPathComponent(name)
            try Data(content.utf8).write(to: url)
            paths[name] = url.path
        }
        try body(paths)
    }

    static let spec = """
        version: v1alpha1
        compatibilities:
        - tag: ghcr.io/example/app:intel
          weight: 10
          rules:
          - matchFeatures:
            - feature: cpu.model
              matchExpressions: {vendor_id: {op: In, value: [Intel]}}
        - tag: ghcr.io/example/app:kernel6
          rules:
          - matchFeatures:
            - feature: kernel.version
              matchExpressions: {major: {op: Ge, value: ["6"]}}
        """

    static let intelNode = """
        {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1", "labels": {
          "feature.node.kubernetes.io/cpu-model.vendor_id": "Intel",
          "feature.node.kubernetes.io/kernel-version.major": "6"}}}
        """

    @Test func printsTheSelectedTagAsJSON() throws {
        try withFiles(["spec.yaml": Self.spec, "node.json": Self.intelNode]) { paths in
            let result = try CommandRunner.run("compat", ["eval", "--spec", paths["spec.yaml"]!, "--labels", paths["node.json"]!, "--json"])
            #expect(result.status == 0)
            #expect(result.stdout == #"{"tag":"ghcr.io/example/app:intel","error":null}"# + "\n")
            #expect(result.stderr == "")
        }
    }

    @Test func printsASentenceWithoutJSON() throws {
        try withFiles(["spec.yaml": Self.spec, "labels.yaml": "feature.node.kubernetes.io/kernel-version.major: 6\n"]) { paths in
            let result = try CommandRunner.run("compat", ["eval", "--spec", paths["spec.yaml"]!, "--labels", paths["labels.yaml"]!])
            #expect(result.status == 0)
            #expect(result.stdout == "set 1 'ghcr.io/example/app:kernel6' selected (weight 0; 1 of 2 sets matched)\n")
        }
    }

    @Test func noMatchIsSuccessWithANullTag() throws {
        try withFiles(["spec.yaml": Self.spec, "labels.json": #"{"feature.node.kubernetes.io/cpu-model.vendor_id": "AMD"}"#]) { paths in
            let json = try CommandRunner.run("compat", ["eval", "--spec", paths["spec.yaml"]!, "--labels", paths["labels.json"]!, "--json"])
            #expect(json.status == 0)
            #expect(json.stdout == #"{"tag":null,"error":null}"# + "\n")
            let text = try CommandRunner.run("compat", ["eval", "--spec", paths["spec.yaml"]!, "--labels", paths["labels.json"]!])
            #expect(text.status == 0)
            #expect(text.stdout == "no compatibility set matched: set 0 'ghcr.io/example/app:intel' failed on feature.node.kubernetes.io/cpu-model.vendor_id In [Intel] (node has AMD); set 1 'ghcr.io/example/app:kernel6' failed on feature kernel.version (node has no feature.node.kubernetes.io/kernel-version.* labels)\n")
        }
    }

    @Test func evaluationErrorsExitWithStatus1() throws {
        try withFiles([
            "spec.yaml": Self.spec.replacingOccurrences(of: "{op: Ge, value: [\"6\"]}", with: "{op: Ge, value: [\"6\"], type: version}"),
            "labels.json": #"{"feature.node.kubernetes.io/kernel-version.major": "6_1"}"#,
        ]) { paths in
            let result = try CommandRunner.run("compat", ["eval", "--spec", paths["spec.yaml"]!, "--labels", paths["labels.json"]!, "--json"])
            #expect(result.status == 1)
            let expectedError = "spec '\(paths["spec.yaml"]!)' cannot be evaluated against labels '\(paths["labels.json"]!)': compatibilities[1].rules[0].matchFeatures[0].matchExpressions.major: value \"6_1\" of label feature.node.kubernetes.io/kernel-version.major is not a version: expected [v]MAJOR[.MINOR[.PATCH]][-PRERELEASE][+BUILD] with ASCII letters, digits, '-' and '.' only (semver, as NFD parses it)"
            #expect(result.stdout == #"{"tag":null,"error":"# + "\"\(expectedError.replacingOccurrences(of: "\"", with: "\\\""))\"}\n")
            #expect(result.stderr == "compat: \(expectedError)\n")
        }
    }

    @Test func undecodableInputsExitWithStatus2NamingFileAndPath() throws {
        try withFiles([
            "spec.json": #"{"version": "v1alpha1", "compatibilities": [{"rules": [], "wieght": 3}]}"#,
            "good-spec.yaml": Self.spec,
            "labels.json": #"{"metadata": {"labels": {"a": ["b"]}}}"#,
            "node.json": Self.intelNode,
        ]) { paths in
            let badSpec = try CommandRunner.run("compat", ["eval", "--spec", paths["spec.json"]!, "--labels", paths["node.json"]!])
            #expect(badSpec.status == 2)
            #expect(badSpec.stderr == "compat: cannot decode spec '\(paths["spec.json"]!)': compatibilities[0].wieght: unknown field 'wieght' (known fields here: 'description', 'rules', 'tag', 'weight')\n")

            let badLabels = try CommandRunner.run("compat", ["eval", "--spec", paths["good-spec.yaml"]!, "--labels", paths["labels.json"]!, "--json"])
            #expect(badLabels.status == 2)
            #expect(badLabels.stdout == #"{"tag":null,"error":"cannot decode labels '"# + paths["labels.json"]! + #"': metadata.labels.a: expected a string, found an array"}"# + "\n")

            let missing = try CommandRunner.run("compat", ["eval", "--spec", "/nonexistent/spec.yaml", "--labels", paths["node.json"]!])
            #expect(missing.status == 2)
            #expect(missing.stderr == "compat: cannot read spec '/nonexistent/spec.yaml': no such file\n")
        }
    }

    @Test func warningsGoToStderr() throws {
        try withFiles([
            "spec.yaml": Self.spec.replacingOccurrences(of: "{vendor_id: {op: In, value: [Intel]}}", with: "{vendor_id: {value: []}}"),
            "node.json": Self.intelNode,
        ]) { paths in
            let result = try CommandRunner.run("compat", ["eval", "--spec", paths["spec.yaml"]!, "--labels", paths["node.json"]!, "--json"])
            #expect(result.status == 0)
            #expect(result.stdout == #"{"tag":"ghcr.io/example/app:intel","error":null}"# + "\n")
            #expect(result.stderr == "compat: warning: spec '\(paths["spec.yaml"]!)': compatibilities[0].rules[0].matchFeatures[0].matchExpressions.vendor_id: expression without op matches anything\n")
        }
    }
}
