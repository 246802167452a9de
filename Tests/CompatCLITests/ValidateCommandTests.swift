import Foundation
import Testing

@Suite struct ValidateCommandTests {
    @Test func acceptsTheShippedCatalog() throws {
        let result = try CommandRunner.run("compat", [
            "validate", "artifacts/lammps-matrix/manifests.yaml", "artifacts/lammps-matrix/specs/compspec-intel-mpi-rocky-8-amd64.json",
        ])
        #expect(result.status == 0)
        #expect(result.stdout == """
            artifacts/lammps-matrix/manifests.yaml: valid manifest-list
            artifacts/lammps-matrix/specs/compspec-intel-mpi-rocky-8-amd64.json: valid compspec

            """)
    }

    @Test func reportsAWrongTypeWithItsPathAndExitsOne() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("validate-bad-\(getpid()).json")
        try Data(#"{"kind":"CompatibilitySpec","version":"0.0.0","compatibilities":[{"name":"x","attributes":{"a":[1]}}]}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try CommandRunner.run("compat", ["validate", "--json", file.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains(#""kind":"compspec""#))
        #expect(result.stdout.contains(#""problem":"compatibilities[0].attributes.a: expected a string, found an array""#))
    }

    private func spec(_ name: String, _ yaml: String) throws -> URL {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("validate-\(name)-\(getpid()).yaml")
        try Data(yaml.utf8).write(to: file)
        return file
    }

    @Test(arguments: [
        // An op NFD does not know: an error on every node, key present or not.
        ("unknown-op", "major: {op: Equals, value: ['5']}", "compatibilities[0].rules[0].matchFeatures[0].matchExpressions.major: evaluating this expression always fails: "),
        // No op with values: the match-anything op takes none, checked even when the key is absent.
        ("no-op", "major: {value: ['5']}", "compatibilities[0].rules[0].matchFeatures[0].matchExpressions.major: evaluating this expression always fails: op \"\" takes no values, found [5]"),
        // Gt takes exactly one value: an error wherever the key exists, false elsewhere.
        ("value-count", "major: {op: Gt, value: ['5', '6']}", "compatibilities[0].rules[0].matchFeatures[0].matchExpressions.major: this expression is an error on every node that has feature.node.kubernetes.io/kernel-version.major and false on the others: "),
    ])
    func anExpressionThatCanOnlyErrorExitsOneNamingItsPath(name: String, expression: String, message: String) throws {
        let file = try spec(name, """
            version: v1alpha1
            compatibilities:
            - rules:
              - matchFeatures:
                - feature: kernel.version
                  matchExpressions:
                    \(expression)
            """)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try CommandRunner.run("compat", ["validate", file.path])
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("\(file.path): invalid image-compatibility: \(message)"), "\(result.stdout)")
    }

    /// A spec whose only expression has no op: legal (it matches anything), but probably not meant.
    static let expressionWithoutOp = """
        version: v1alpha1
        compatibilities:
        - rules:
          - matchFeatures:
            - feature: kernel.version
              matchExpressions:
                major: {}
        """

    @Test func warnsAboutAnExpressionWithoutOp() throws {
        let file = try spec("noop", Self.expressionWithoutOp)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try CommandRunner.run("compat", ["validate", file.path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("valid image-compatibility (1 warning)"))
        #expect(result.stdout.contains("matchExpressions.major: expression without op matches anything"))
    }

    @Test func strictTurnsWarningsIntoErrors() throws {
        let file = try spec("strict", Self.expressionWithoutOp)
        defer { try? FileManager.default.removeItem(at: file) }
        let strict = try CommandRunner.run("compat", ["validate", "--strict", file.path])
        #expect(strict.status == 1)
        #expect(strict.stdout == "\(file.path): invalid image-compatibility: compatibilities[0].rules[0].matchFeatures[0].matchExpressions.major: expression without op matches anything (a warning, an error with --strict)\n")
        // The shipped artifacts have no warnings, so --strict accepts them.
        #expect(try CommandRunner.run("compat", ["validate", "--strict", "models/model-compatibility.json", "artifacts/lammps-matrix/manifests.yaml"]).status == 0)
    }

    @Test func acceptsTheShippedModelsAndTheirCompatibilityArtifact() throws {
        let result = try CommandRunner.run("compat", ["validate", "models/model-compatibility.json", "models/trained/fom.json", "models/published/fom.json"])
        #expect(result.status == 0)
        #expect(result.stdout == """
            models/model-compatibility.json: valid model-compatibility
            models/trained/fom.json: valid performance-model
            models/published/fom.json: valid performance-model

            """)
    }

    @Test func reportsAModelCompatibilityRuleWithoutAModel() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("validate-model-\(getpid()).json")
        try Data(#"{"version":"v1alpha1","compatibilities":[{"tag":"fom","rules":[{"matchModel":{"model":{"name":7}}}]}]}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try CommandRunner.run("compat", ["validate", file.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("model-compatibility"))
        #expect(result.stdout.contains("compatibilities[0].rules[0].matchModel.model"))
    }

    @Test func missingFileExitsTwo() throws {
        let result = try CommandRunner.run("compat", ["validate", "does/not/exist.json"])
        #expect(result.status == 2)
        #expect(result.stdout.contains("cannot read artifact 'does/not/exist.json': no such file"))
    }
}
