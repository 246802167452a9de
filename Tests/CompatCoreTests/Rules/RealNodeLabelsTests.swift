import Testing
@testable import CompatCore

/// Realistic specs against the labels of 25 real EKS nodes (shared/data/node-features.json).
@Suite struct RealNodeLabelsTests {
    @Test func lammpsBuildSelectionPerNode() throws {
        let spec = try SpecFixtures.spec(SpecFixtures.lammpsNFD)
        let nodes = try SpecFixtures.realNodeLabels()
        #expect(nodes.count == 25)
        let tags = try nodes.map { try spec.evaluate(labels: $0).selected?.tag.map { $0.replacingOccurrences(of: "ghcr.io/example/lammps:", with: "") } }
        #expect(tags == [
            "sve", "avx512", "avx512", "avx512", "zen3", "sve", "avx512", "avx512",
            // Node 8 has AVX-512 but kernel 5.10 (Amazon Linux 2), so the avx512 build's kernel rule fails.
            "x86-64-v3", "avx512",
            "arm64", "x86-64-v3", "zen3", "sve", "zen3",
            // Node 15 runs Bottlerocket: the second matchAny alternative carries it for x86-64-v3, but the
            // avx512 set outranks it.
            "avx512", "zen3", "arm64", "avx512", "x86-64-v3", "avx512", "avx512", "zen3", "avx512", "sve",
        ])
        #expect(try spec.evaluate(labels: nodes[15]).sets[3].matched)
    }

    @Test func ocifitSpecSelectsAmazonLinux2023Nodes() throws {
        let spec = try SpecFixtures.spec(SpecFixtures.ebpfOcifit)
        let nodes = try SpecFixtures.realNodeLabels()
        let evaluations = try nodes.map { try spec.evaluate(labels: $0) }
        let unmatched = evaluations.enumerated().filter { $0.element.selected == nil }.map(\.offset)
        #expect(unmatched == [8, 15])
        #expect(evaluations[0].selected?.tag == "ghcr.io/example/kernel-headers:al2023")
        #expect(evaluations[8].explanation == "no compatibility set matched: set 0 'ghcr.io/example/kernel-headers:ubuntu2204' failed on feature.node.kubernetes.io/system-os_release.ID In [ubuntu] (node has amzn); set 1 'ghcr.io/example/kernel-headers:al2023' failed on feature.node.kubernetes.io/system-os_release.VERSION_ID In [2023] (node has 2)")
    }

    @Test func versionTypeOnRealKernelsErrorsOnX86Underscores() throws {
        // NFD's documented trap: x86_64 kernel versions are not semver, aarch64 ones are.
        let spec = try SpecFixtures.spec("""
            version: v1alpha1
            compatibilities:
            - tag: new-kernel
              rules:
              - matchFeatures:
                - feature: kernel.version
                  matchExpressions:
                    full: {op: Ge, value: [5.15], type: version}
            """)
        let nodes = try SpecFixtures.realNodeLabels()
        #expect(nodes[0]["feature.node.kubernetes.io/kernel-version.full"] == "6.1.134-152.225.amzn2023.aarch64")
        #expect(try spec.evaluate(labels: nodes[0]).selected?.tag == "new-kernel")
        // Bottlerocket reports a plain 6.1.134.
        #expect(try spec.evaluate(labels: nodes[15]).selected?.tag == "new-kernel")
        do {
            _ = try spec.evaluate(labels: nodes[1])
            Issue.record("expected an error for 6.1.134-152.225.amzn2023.x86_64")
        } catch {
            #expect(error.first.path.description == "compatibilities[0].rules[0].matchFeatures[0].matchExpressions.full")
            #expect(error.first.problem.hasPrefix("value \"6.1.134-152.225.amzn2023.x86_64\" of label feature.node.kubernetes.io/kernel-version.full is not a version"))
        }
    }
}
