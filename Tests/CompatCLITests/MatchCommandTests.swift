import Foundation
import Testing

@Suite struct MatchCommandTests {
    static let manifest = "artifacts/lammps-matrix/manifests.yaml"
    static let cache = "artifacts/lammps-matrix/cache"
    static let prefix = "ghcr.io/rse-ops/lammps-matrix:"

    private func match(_ arguments: [String]) throws -> CommandResult {
        try CommandRunner.run("compat", ["match", "-i", Self.manifest, "--cache", Self.cache] + arguments)
    }

    private func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init)
    }

    /// A scratch directory with the given files, removed by the caller.
    private func scratch(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("compat-match-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, content) in files {
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: url)
        }
        return dir
    }

    private func realSpec(_ tag: String) throws -> String {
        try String(contentsOf: CommandRunner.packageRoot.appendingPathComponent("artifacts/lammps-matrix/specs/compspec-\(tag).json"), encoding: .utf8)
    }

    @Test func matchesTheExperimentsDescriptiveCriteriaOfflineInManifestOrder() throws {
        let result = try match([
            "--match", "org.supercontainers.os.vendor=ubuntu", "--match", "org.supercontainers.os.version=22.04",
            "-m", "org.supercontainers.hardware.gpu.available=no", "-m", "io.archspec.cpu.target=amd64",
        ])
        #expect(result.status == 0)
        #expect(result.stdout == "\(Self.prefix)openmpi-ubuntu-22.04-amd64\n\(Self.prefix)mpich-ubuntu-22.04-amd64\n")
        #expect(result.stderr.isEmpty)
    }

    @Test func noCriteriaListEveryImageAndKeepStdoutClean() throws {
        let result = try match([])
        #expect(result.status == 0)
        let names = lines(result.stdout)
        #expect(names.count == 18)
        #expect(names.allSatisfy { $0.hasPrefix(Self.prefix) })
        #expect(names.first == "\(Self.prefix)openmpi-ubuntu-22.04-arm64")
        #expect(result.stderr == "compat: no field criteria provided, all images are matches\n")
    }

    @Test func singleWithoutRandomizeIsTheFirstMatchInManifestOrder() throws {
        let result = try match(["--single", "-m", "io.archspec.cpu.target=amd64"])
        #expect(result.stdout == "\(Self.prefix)openmpi-ubuntu-22.04-amd64\n")
    }

    @Test func randomizeWithASeedIsReproducibleAndKeepsTheSameImages() throws {
        let arguments = ["--randomize", "--seed", "11", "-m", "io.archspec.cpu.target=amd64"]
        let first = try match(arguments)
        let second = try match(arguments)
        #expect(first.status == 0)
        #expect(first.stdout == second.stdout)
        let ordered = try match(["-m", "io.archspec.cpu.target=amd64"])
        #expect(Set(lines(first.stdout)) == Set(lines(ordered.stdout)))
        #expect(lines(first.stdout).count == 10)
        let other = try match(["--randomize", "--seed", "12", "-m", "io.archspec.cpu.target=amd64"])
        #expect(other.stdout != first.stdout)
    }

    @Test func jsonReportsCriteriaMatchesAndSeed() throws {
        let result = try match(["--json", "-r", "--seed", "5", "-s", "-m", "org.supercontainers.os.vendor=rocky", "-m", "org.supercontainers.hardware.gpu.available=no"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["seed"] as? Int == 5)
        let matches = try #require(object["matches"] as? [String])
        #expect(matches.count == 1)
        #expect(["intel-mpi-rocky-8-amd64", "intel-mpi-rocky-9-amd64"].map { Self.prefix + $0 }.contains(matches[0]))
        let criteria = try #require(object["criteria"] as? [[String: String]])
        #expect(criteria.first == ["key": "org.supercontainers.os.vendor", "value": "rocky"])
    }

    @Test func aCriterionWithoutEqualsIsAUsageError() throws {
        let result = try match(["--match", "org.supercontainers.os.version"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("--match 'org.supercontainers.os.version' is not a criterion: it has no '='"))
    }

    @Test func anUnknownValueFailsWithStatusOneNamingTheField() throws {
        let result = try match(["-m", "org.supercontainers.os.version=21.04"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("field 'org.supercontainers.os.version=21.04' is not known and cannot be matched"))
    }

    @Test func anEmptyIntersectionFailsWithStatusOneNamingTheField() throws {
        let result = try match(["-m", "io.archspec.cpu.target=arm64", "-m", "org.supercontainers.os.vendor=rocky", "-m", "org.supercontainers.hardware.gpu.available=no"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("adding field 'org.supercontainers.hardware.gpu.available=no' empties the match set"))
    }

    @Test func seedWithoutRandomizeIsAUsageError() throws {
        let result = try match(["--seed", "3"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--seed only orders a shuffle"))
    }

    @Test func theCacheIsReadBeforeAnythingElse() throws {
        // The cached copy says 24.04; the reference names a loopback registry that is not there.
        let reference = "127.0.0.1:9/lab/app:v1-compspec"
        let spec = try realSpec("mpich-ubuntu-22.04-amd64").replacingOccurrences(of: "\"os.version\": \"22.04\"", with: "\"os.version\": \"24.04\"")
        let dir = try scratch([
            "manifests.yaml": "images:\n  - name: 127.0.0.1:9/lab/app:v1\n    artifact: \(reference)\n",
            "cache/127.0.0.1-9-lab-app-v1-compspec.json": spec,
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try CommandRunner.run("compat", [
            "match", "-i", dir.appendingPathComponent("manifests.yaml").path, "--cache", dir.appendingPathComponent("cache").path,
            "-m", "org.supercontainers.os.version=24.04",
        ])
        #expect(result.status == 0)
        #expect(result.stdout == "127.0.0.1:9/lab/app:v1\n")
    }

    @Test func readsAnArtifactFileNamedInTheManifestRelativeToIt() throws {
        let dir = try scratch([
            "manifests.yaml": "images:\n  - name: local/app:rocky\n    artifact: specs/app.json\n",
            "specs/app.json": try realSpec("intel-mpi-rocky-9-amd64"),
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try CommandRunner.run("compat", ["match", "-i", dir.appendingPathComponent("manifests.yaml").path, "-m", "org.supercontainers.mpi.implementation=intel-mpi"])
        #expect(result.status == 0)
        #expect(result.stdout == "local/app:rocky\n")
    }

    @Test func anArtifactFoundNowhereFailsNamingItTheCacheFileCheckedAndTheRegistryError() throws {
        // A loopback registry port nothing listens on: the pull is refused at once.
        let dir = try scratch(["manifests.yaml": "images:\n  - name: 127.0.0.1:9/x/y:1\n    artifact: 127.0.0.1:9/x/y:1-compspec\n", "cache/.keep": ""])
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = dir.appendingPathComponent("cache").path
        let result = try CommandRunner.run("compat", [
            "match", "-i", dir.appendingPathComponent("manifests.yaml").path, "--cache", cache, "--plain-http", "127.0.0.1:9", "--timeout", "5",
        ])
        #expect(result.status == 2)
        #expect(result.stderr.contains("artifact 127.0.0.1:9/x/y:1-compspec"))
        #expect(result.stderr.contains("\(cache)/127.0.0.1-9-x-y-1-compspec.json"))
        #expect(result.stderr.contains("connection refused") || result.stderr.contains("Connection refused") || result.stderr.contains("couldn't connect"))
    }

    @Test func aMissingCacheDirectoryIsAnInputError() throws {
        let result = try CommandRunner.run("compat", ["match", "-i", Self.manifest, "--cache", "/nonexistent/compat-cache"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("cache directory '/nonexistent/compat-cache' does not exist"))
    }

    @Test func aBrokenCachedArtifactNamesItsFileAndPath() throws {
        let spec = try realSpec("mpich-ubuntu-22.04-amd64").replacingOccurrences(of: "\"kind\"", with: "\"kinds\"")
        let dir = try scratch([
            "manifests.yaml": "images:\n  - name: a/b:c\n    artifact: a/b:c-compspec\n",
            "cache/a-b-c-compspec.json": spec,
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try CommandRunner.run("compat", ["match", "-i", dir.appendingPathComponent("manifests.yaml").path, "--cache", dir.appendingPathComponent("cache").path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("cache/a-b-c-compspec.json is not a valid compspec artifact"))
        #expect(result.stderr.contains("missing required field 'kind'"))
    }

    @Test func anUndecodableManifestNamesTheFieldPath() throws {
        let dir = try scratch(["manifests.yaml": "images:\n  - name: a\n    artifact: b\n    tag: c\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try CommandRunner.run("compat", ["match", "-i", dir.appendingPathComponent("manifests.yaml").path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("images[0].tag: unknown field 'tag'"))
    }

    @Test func theShippedCacheMirrorsTheRealSpecsInCompspecNaming() throws {
        let root = CommandRunner.packageRoot.appendingPathComponent("artifacts/lammps-matrix")
        let specs = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("specs").path).filter { $0.hasSuffix(".json") }
        #expect(specs.count == 18)
        for file in specs {
            let tag = file.dropFirst("compspec-".count).dropLast(".json".count)
            let cached = root.appendingPathComponent("cache/ghcr.io-rse-ops-lammps-matrix-\(tag)-compspec.json")
            let shared = CommandRunner.shared.appendingPathComponent("data/lammps-matrix/specs/\(file)")
            #expect(try Data(contentsOf: cached) == Data(contentsOf: root.appendingPathComponent("specs/\(file)")), "\(file)")
            #expect(try Data(contentsOf: cached) == Data(contentsOf: shared), "\(file)")
        }
    }
}
