import Foundation
@testable import CompatCore

/// Specs and node labels shared by the rule-engine tests. Specs are inline so the test target needs no
/// resource declarations.
enum SpecFixtures {
    /// Image selection for a LAMMPS build matrix, in NFD's v1alpha1 form (YAML, as `oras attach` ships it).
    /// Weights rank the most specific build first.
    static let lammpsNFD = """
        version: v1alpha1
        compatibilities:
        - tag: ghcr.io/example/lammps:sve
          weight: 30
          description: Arm with SVE (Graviton 3 and later)
          rules:
          - name: sve
            matchFeatures:
            - feature: cpu.cpuid
              matchExpressions:
                SVE: {op: Exists}
          - name: recent kernel
            matchFeatures:
            - feature: kernel.version
              matchExpressions:
                major: {op: Ge, value: ["6"]}
        - tag: ghcr.io/example/lammps:avx512
          weight: 20
          rules:
          - name: intel avx512
            matchFeatures:
            - feature: cpu.model
              matchExpressions:
                vendor_id: {op: In, value: [Intel]}
            - feature: cpu.cpuid
              matchExpressions:
                AVX512F: {op: IsTrue}
              matchName: {op: InRegexp, value: ["^AVX512(F|BW)$"]}
            - feature: kernel.version
              matchExpressions:
                major: {op: Ge, value: [6]}
        - tag: ghcr.io/example/lammps:zen3
          weight: 15
          rules:
          - matchFeatures:
            - feature: cpu.model
              matchExpressions:
                vendor_id: {op: In, value: [AMD]}
                family: {op: Ge, value: ["25"]}
        - tag: ghcr.io/example/lammps:x86-64-v3
          weight: 10
          rules:
          - matchFeatures:
            - feature: cpu.cpuid
              matchExpressions:
                AVX2: {op: Exists}
                FMA3: {op: Exists}
          - matchAny:
            - matchFeatures:
              - feature: system.osrelease
                matchExpressions:
                  ID: {op: In, value: [amzn]}
            - matchFeatures:
              - feature: system.osrelease
                matchExpressions:
                  ID: {op: In, value: [bottlerocket, ubuntu]}
        - tag: ghcr.io/example/lammps:arm64
          weight: 5
          rules:
          - matchFeatures:
            - feature: cpu.model
              matchExpressions:
                vendor_id: {op: In, value: [ARM]}
        """

    /// An eBPF installer spec in ocifit's list form: full label keys, `value` as a string, ocifit's `Gte`.
    static let ebpfOcifit = """
        {
          "version": "v1alpha1",
          "compatibilities": [
            {
              "tag": "ghcr.io/example/kernel-headers:ubuntu2204",
              "description": "Ubuntu 22.04 with kernel 6.1 or newer",
              "rules": [{"matchFeatures": [{"matchExpressions": [
                {"op": "In", "key": "feature.node.kubernetes.io/system-os_release.ID", "value": ["ubuntu"]},
                {"op": "In", "key": "feature.node.kubernetes.io/system-os_release.VERSION_ID", "value": ["22.04"]},
                {"op": "In", "key": "feature.node.kubernetes.io/kernel-version.major", "value": ["6"]},
                {"op": "Gte", "key": "feature.node.kubernetes.io/kernel-version.minor", "value": "1"}
              ]}]}]
            },
            {
              "tag": "ghcr.io/example/kernel-headers:al2023",
              "description": "Amazon Linux 2023 with kernel 6.1 or newer",
              "rules": [{"matchFeatures": [{"matchExpressions": [
                {"op": "In", "key": "feature.node.kubernetes.io/system-os_release.ID", "value": ["amzn"]},
                {"op": "In", "key": "feature.node.kubernetes.io/system-os_release.VERSION_ID", "value": "2023"},
                {"op": "In", "key": "feature.node.kubernetes.io/kernel-version.major", "value": ["6"]},
                {"op": "Gte", "key": "feature.node.kubernetes.io/kernel-version.minor", "value": "1"}
              ]}]}]
            }
          ]
        }
        """

    static func spec(_ text: String) throws -> ImageCompatibilitySpec {
        try ImageCompatibilitySpec.decode(from: DocumentDecoder.decode(text))
    }

    /// A one-set NFD spec whose single rule has the given terms.
    static func singleRuleSpec(_ terms: [JSONValue], matchAny: [JSONValue]? = nil, form: SpecForm = .nfd) throws -> ImageCompatibilitySpec {
        var rule: [(String, JSONValue)] = [("matchFeatures", .array(terms))]
        if let matchAny { rule.append(("matchAny", .array(matchAny))) }
        let document: JSONValue = [
            "version": "v1alpha1",
            "compatibilities": [["tag": "only", "rules": [.object(JSONObject(rule))]]],
        ]
        return try ImageCompatibilitySpec.decode(from: document, as: form)
    }

    /// A document from `shared/data/` (real data beside the package).
    static func sharedDocument(_ name: String) throws -> JSONValue {
        // This file is Tests/CompatCoreTests/Rules/Fixtures/SpecFixtures.swift; shared/ is beside the package root.
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let file = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data").appendingPathComponent(name)
        return try DocumentDecoder.decode(Array(try Data(contentsOf: file)))
    }

    /// The 25 label maps of real EKS nodes in `shared/data/node-features.json`.
    static func realNodeLabels() throws -> [[String: String]] {
        guard case .array(let nodes) = try sharedDocument("node-features.json") else { throw FixtureError.notAnArray }
        return try nodes.map { node throws(ArtifactDecodingError) in try NodeLabels.decode(from: node) }
    }

    enum FixtureError: Error { case notAnArray }
}
