import CompatCore
import CompatRegistry
import Foundation
import Testing

/// `compat match` with compspec-go's habits against a real docker-registry: artifacts published the way
/// rse-ops/lammps-matrix published them (one compspec layer at `<image tag>-compspec`) are pulled through
/// the project's one resolver; `--in`, `--print` and `--allow-fail` behave as compspec-go's flags.
@Suite struct MatchFromRegistryTests {
    static let tags = ["mpich-ubuntu-22.04-amd64", "openmpi-ubuntu-22.04-arm64", "intel-mpi-rocky-9-amd64"]

    /// Pushes the shipped specs of `tags` and writes a manifest naming them in the registry (plus `missing`).
    static func publish(_ registry: RegistryProcess, missing: [String] = []) throws -> String {
        for tag in tags {
            let spec = try ArtifactFilesRoundTripTests.bytes("artifacts/lammps-matrix/specs/compspec-\(tag).json")
            try pushCompspec(spec, to: registry, tag: tag + "-compspec")
        }
        let entries = (tags + missing).map { tag in
            "  - name: \(registry.host)/rse-ops/lammps-matrix:\(tag)\n    artifact: \(registry.host)/rse-ops/lammps-matrix:\(tag)-compspec\n"
        }
        let manifest = NSTemporaryDirectory() + "compat-match-\(UUID().uuidString).yaml"
        try Data(("images:\n" + entries.joined()).utf8).write(to: URL(fileURLWithPath: manifest))
        return manifest
    }

    @Test func matchPullsEachArtifactFromItsRegistry() throws {
        let registry = try RegistryProcess()
        defer { registry.stop() }
        let manifest = try Self.publish(registry)
        defer { try? FileManager.default.removeItem(atPath: manifest) }
        let result = try runCompat([
            "match", "--in", manifest, "--plain-http", registry.host, "-m", "org.supercontainers.os.vendor=ubuntu",
            "-m", "io.archspec.cpu.target=amd64",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "\(registry.host)/rse-ops/lammps-matrix:mpich-ubuntu-22.04-amd64\n")
    }

    @Test func printShowsEachMatchWithItsAttributes() throws {
        let registry = try RegistryProcess()
        defer { registry.stop() }
        let manifest = try Self.publish(registry)
        defer { try? FileManager.default.removeItem(atPath: manifest) }
        let result = try runCompat(["match", "-i", manifest, "--plain-http", registry.host, "--print", "-m", "org.supercontainers.mpi.implementation=intel-mpi"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "\(registry.host)/rse-ops/lammps-matrix:intel-mpi-rocky-9-amd64")
        #expect(lines.contains("  org.supercontainers.os.vendor=rocky"))
        #expect(lines.contains("  org.supercontainers.mpi.implementation=intel-mpi"))
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("  ") && $0.contains("=") })
    }

    @Test func allowFailLeavesOutAnArtifactTheRegistryDoesNotHave() throws {
        let registry = try RegistryProcess()
        defer { registry.stop() }
        let manifest = try Self.publish(registry, missing: ["mpich-rocky-8-amd64"])
        defer { try? FileManager.default.removeItem(atPath: manifest) }
        let strict = try runCompat(["match", "-i", manifest, "--plain-http", registry.host])
        #expect(strict.status == 2)
        #expect(strict.stderr.contains("\(registry.host)/rse-ops/lammps-matrix:mpich-rocky-8-amd64-compspec"))
        let tolerant = try runCompat(["match", "-i", manifest, "--plain-http", registry.host, "--allow-fail"])
        #expect(tolerant.status == 0)
        #expect(tolerant.stdout.split(separator: "\n").count == 3)
        #expect(tolerant.stderr.contains("compat: left out \(registry.host)/rse-ops/lammps-matrix:mpich-rocky-8-amd64-compspec:"))
    }
}
