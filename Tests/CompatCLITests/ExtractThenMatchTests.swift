import Foundation
import Testing

/// `compat extract` names this host's CPU as archspec does, and its output, fed to `compat match`, finds
/// the images this host runs: builds for the architecture, for the host's microarchitecture and for
/// any it descends from, and not builds for a microarchitecture it does not descend from or for
/// another architecture.
@Suite struct ExtractThenMatchTests {
    /// archspec's graph read straight from the shipped JSON, independently of the library.
    struct Graph {
        var parents: [String: [String]] = [:]

        init() throws {
            let url = CommandRunner.packageRoot.appendingPathComponent("artifacts/archspec/microarchitectures.json")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
            let entries = try #require(document["microarchitectures"] as? [String: [String: Any]])
            for (name, entry) in entries { parents[name] = entry["from"] as? [String] ?? [] }
        }

        func ancestors(_ name: String) -> Set<String> {
            var found: Set<String> = []
            var queue = parents[name] ?? []
            while let next = queue.popLast() {
                if found.insert(next).inserted { queue += parents[next] ?? [] }
            }
            return found
        }
    }

    @Test func extractedCriteriaFindTheImagesThisHostRuns() throws {
        let extracted = try CommandRunner.run("compat", ["extract"])
        #expect(extracted.status == 0, "\(extracted.stderr)")
        let lines = extracted.stdout.split(separator: "\n").map(String.init)
        var host: [String: String] = [:]
        for line in lines {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            host[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        let target = try #require(host["io.archspec.cpu.target"])
        let family = try #require(host["io.archspec.cpu.family"])
        let graph = try Graph()
        // The host's target is an archspec name of its family (an x86-64 level, or a named microarchitecture).
        #expect(graph.parents[target] != nil, "\(target) is not an archspec microarchitecture")
        #expect(target == family || graph.ancestors(target).contains(family))

        let architecture = family == "aarch64" ? "arm64" : "amd64"
        let otherArchitecture = architecture == "amd64" ? "arm64" : "amd64"
        let olderBuild = graph.ancestors(target).subtracting([family]).sorted().first
        let unrunnable = try #require(graph.parents.keys.sorted().first { name in
            name != target && !graph.ancestors(target).contains(name) && graph.ancestors(name).contains(family)
        })
        var images: [(name: String, target: String)] = [
            ("app:generic", architecture), ("app:this-cpu", target), ("app:other-arch", otherArchitecture), ("app:\(unrunnable)", unrunnable),
        ]
        if let olderBuild { images.insert(("app:\(olderBuild)", olderBuild), at: 1) }

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("compat-extract-match-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var manifest = "images:\n"
        for (index, image) in images.enumerated() {
            // Every attribute as extracted, except the build's CPU target.
            var attributes = host
            attributes["io.archspec.cpu.target"] = image.target
            if image.target == otherArchitecture { attributes["io.archspec.cpu.family"] = otherArchitecture == "arm64" ? "aarch64" : "x86_64" }
            let groups = Dictionary(grouping: attributes.keys) { $0.hasPrefix("io.archspec.") ? "io.archspec" : "org.supercontainers" }
            let compatibilities = groups.keys.sorted().map { name in
                ["name": name, "version": "0.0.0", "attributes": Dictionary(uniqueKeysWithValues: groups[name]!.map { (String($0.dropFirst(name.count + 1)), attributes[$0]!) })] as [String: Any]
            }
            let spec: [String: Any] = ["version": "0.0.0", "kind": "CompatibilitySpec", "metadata": ["name": image.name], "compatibilities": compatibilities]
            try JSONSerialization.data(withJSONObject: spec).write(to: dir.appendingPathComponent("spec-\(index).json"))
            manifest += "  - name: \(image.name)\n    artifact: spec-\(index).json\n"
        }
        try Data(manifest.utf8).write(to: dir.appendingPathComponent("manifests.yaml"))

        let criteria = lines.flatMap { ["-m", $0] }
        let result = try CommandRunner.run("compat", ["match", "-i", dir.appendingPathComponent("manifests.yaml").path] + criteria)
        #expect(result.status == 0, "\(result.stderr)")
        let expected = ["app:generic"] + (olderBuild.map { ["app:\($0)"] } ?? []) + ["app:this-cpu"]
        #expect(result.stdout == expected.map { $0 + "\n" }.joined())
    }

    @Test func theLAMMPSCatalogsBuildsForThisArchitectureMatchThisHostsCPU() throws {
        let extracted = try CommandRunner.run("compat", ["extract"])
        let target = try #require(extracted.stdout.split(separator: "\n").first { $0.hasPrefix("io.archspec.cpu.target=") })
        let family = try #require(extracted.stdout.split(separator: "\n").first { $0.hasPrefix("io.archspec.cpu.family=") })
        let result = try CommandRunner.run("compat", [
            "match", "-i", "artifacts/lammps-matrix/manifests.yaml", "--cache", "artifacts/lammps-matrix/cache", "-m", String(target),
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let names = result.stdout.split(separator: "\n")
        // The catalog's artifacts say amd64 or arm64; this host's CPU runs every build of its architecture.
        let suffix = family.hasSuffix("aarch64") ? "-arm64" : "-amd64"
        #expect(names.count == (suffix == "-amd64" ? 10 : 8))
        #expect(names.allSatisfy { $0.hasSuffix(suffix) })
    }
}
