import Testing
@testable import CompatCore

@Suite struct CompatibilitySpecDecodingTests {
    /// compspec.md §5.1, one row per real artifact: arch, vendor, OS version, MPI, MPI version, GPU.
    static let expected: [String: (Architecture, OSVendor, String, MPIKind, String, Bool)] = [
        "intel-mpi-rocky-8-amd64": (.amd64, .rocky, "8.9", .intelMPI, "2021.8", false),
        "intel-mpi-rocky-9-amd64": (.amd64, .rocky, "9.3", .intelMPI, "2021.8", false),
        "mpich-ubuntu-20.04-amd64": (.amd64, .ubuntu, "20.04", .mpich, "3.3.2", false),
        "mpich-ubuntu-20.04-arm64": (.arm64, .ubuntu, "20.04", .mpich, "3.3.2", false),
        "mpich-ubuntu-22.04-amd64": (.amd64, .ubuntu, "22.04", .mpich, "4.0", false),
        "mpich-ubuntu-22.04-arm64": (.arm64, .ubuntu, "22.04", .mpich, "4.0", false),
        "openmpi-ubuntu-20.04-amd64": (.amd64, .ubuntu, "20.04", .openMPI, "4.0.3", false),
        "openmpi-ubuntu-20.04-arm64": (.arm64, .ubuntu, "20.04", .openMPI, "4.0.3", false),
        "openmpi-ubuntu-22.04-amd64": (.amd64, .ubuntu, "22.04", .openMPI, "4.1.2", false),
        "openmpi-ubuntu-22.04-arm64": (.arm64, .ubuntu, "22.04", .openMPI, "4.1.2", false),
        "openmpi-ubuntu-gpu-20.04-amd64": (.amd64, .ubuntu, "20.04", .openMPI, "4.0.3", true),
        "openmpi-ubuntu-gpu-20.04-arm64": (.arm64, .ubuntu, "20.04", .openMPI, "4.0.3", true),
        "openmpi-ubuntu-gpu-22.04-amd64": (.amd64, .ubuntu, "22.04", .openMPI, "4.1.2", true),
        "openmpi-ubuntu-gpu-22.04-arm64": (.arm64, .ubuntu, "22.04", .openMPI, "4.1.2", true),
        "openmpi-rocky-gpu-8-amd64": (.amd64, .rocky, "8.9", .openMPI, "4.1.1", true),
        "openmpi-rocky-gpu-8-arm64": (.arm64, .rocky, "8.9", .openMPI, "4.1.1", true),
        "openmpi-rocky-gpu-9-amd64": (.amd64, .rocky, "9.3", .openMPI, "4.1.1", true),
        "openmpi-rocky-gpu-9-arm64": (.arm64, .rocky, "9.3", .openMPI, "4.1.1", true),
    ]

    @Test func allEighteenRealSpecsDecodeWithTheirAttributes() throws {
        let files = try LAMMPSMatrixData.specFileNames()
        #expect(files.count == 18)
        for file in files {
            let tag = String(file.dropFirst("compspec-".count).dropLast(".json".count))
            let attributes = try ImageAttributes(spec: try LAMMPSMatrixData.spec(tag))
            let row = try #require(Self.expected[tag], "unexpected artifact \(file)")
            #expect(attributes.architecture == row.0, "\(tag)")
            #expect(attributes.operatingSystem?.vendor == row.1, "\(tag)")
            #expect(attributes.operatingSystem?.version == Version(row.2), "\(tag)")
            #expect(attributes.mpi?.kind == row.3, "\(tag)")
            #expect(attributes.mpi?.version == Version(row.4), "\(tag)")
            #expect(attributes.gpu?.available == row.5, "\(tag)")
            #expect(attributes.abi != nil, "\(tag) has an OS in the ABI table")
        }
    }

    @Test func keepsEnvelopeAndAttributeOrder() throws {
        let spec = try LAMMPSMatrixData.spec("openmpi-ubuntu-22.04-arm64")
        #expect(spec.version == "0.0.0")
        #expect(spec.metadata.name == "lammps-prototype")
        #expect(spec.metadata.schemas.map(\.namespace) == ["io.archspec", "org.supercontainers"])
        #expect(spec.compatibilities.map(\.name) == ["org.supercontainers", "io.archspec"])
        #expect(spec.compatibilities[0].attributes.map(\.key) == [
            "hardware.gpu.available", "mpi.implementation", "mpi.version", "os.name", "os.release", "os.vendor", "os.version",
        ])
        #expect(spec.flatAttributes["org.supercontainers.os.name"] == "Ubuntu 22.04.3 LTS")
        #expect(spec.flatAttributes["io.archspec.cpu.model"] == "0x1")
        #expect(spec.flatAttributes.count == 10)
    }

    @Test func reencodesToAnEqualSpec() throws {
        let spec = try LAMMPSMatrixData.spec("intel-mpi-rocky-9-amd64")
        let again = try CompatibilitySpec(from: spec.jsonValue)
        #expect(again == spec)
    }

    @Test func rejectsAnUnknownTopLevelFieldNamingIt() {
        let text = #"{"version":"0.0.0","kind":"CompatibilitySpec","compatibilites":[],"compatibilities":[]}"#
        #expect(throws: ArtifactDecodingError.self) { try CompatibilitySpec(decoding: Array(text.utf8)) }
        do {
            _ = try CompatibilitySpec(decoding: Array(text.utf8))
        } catch {
            #expect(error.path == FieldPath([.key("compatibilites")]))
            #expect(error.problem.hasPrefix("unknown field 'compatibilites'"))
        }
    }

    @Test func rejectsANonStringAttributeValueAtItsPath() {
        let text = #"{"version":"0.0.0","kind":"CompatibilitySpec","compatibilities":[{"name":"org.supercontainers","attributes":{"os.version":["22.04"]}}]}"#
        do {
            _ = try CompatibilitySpec(decoding: Array(text.utf8))
            Issue.record("decoded an array as an attribute value")
        } catch {
            #expect(error.description == "compatibilities[0].attributes[\"os.version\"]: expected a string, found an array")
        }
    }

    @Test func rejectsAnUnknownFieldInsideACompatibilityGroup() {
        let text = #"{"version":"0.0.0","kind":"CompatibilitySpec","compatibilities":[{"name":"io.archspec","attributes":{},"schema":"x"}]}"#
        do {
            _ = try CompatibilitySpec(decoding: Array(text.utf8))
            Issue.record("accepted an unknown field")
        } catch {
            #expect(error.path == FieldPath([.key("compatibilities"), .index(0), .key("schema")]))
        }
    }

    @Test func rejectsAnotherKindOfArtifact() {
        let text = #"{"version":"v1alpha1","kind":"ImageCompatibility","compatibilities":[]}"#
        do {
            _ = try CompatibilitySpec(decoding: Array(text.utf8))
            Issue.record("accepted another kind")
        } catch {
            #expect(error.path == FieldPath([.key("kind")]))
            #expect(error.problem.contains("expected 'CompatibilitySpec', found 'ImageCompatibility'"))
        }
    }

    @Test func rejectsAMissingCompatibilityList() {
        let text = #"{"version":"0.0.0","kind":"CompatibilitySpec"}"#
        do {
            _ = try CompatibilitySpec(decoding: Array(text.utf8))
            Issue.record("accepted a spec without compatibilities")
        } catch {
            #expect(error.description == "missing required field 'compatibilities'")
        }
    }

    @Test func decodesYAMLWithUnquotedVersionsAsTheirText() throws {
        let yaml = """
            version: 0.0.0
            kind: CompatibilitySpec
            compatibilities:
              - name: org.supercontainers
                version: 0.0.0
                attributes:
                  os.vendor: rocky
                  os.version: 8.10
            """
        let spec = try CompatibilitySpec(decoding: Array(yaml.utf8))
        #expect(spec.flatAttributes["org.supercontainers.os.version"] == "8.10")
        #expect(try ImageAttributes(spec: spec).operatingSystem?.version == Version([8, 10]))
    }
}
