import Testing
@testable import CompatCore

@Suite struct ImageAttributesTests {
    private func spec(_ supercontainers: [(String, String)], archspec: [(String, String)] = [("cpu.target", "amd64")]) -> CompatibilitySpec {
        CompatibilitySpec(metadata: .init(), compatibilities: [
            .init(name: "org.supercontainers", attributes: supercontainers.map { .init($0.0, $0.1) }),
            .init(name: "io.archspec", attributes: archspec.map { .init($0.0, $0.1) }),
        ])
    }

    @Test func takesTheABIOfTheImageOSFromTheTable() throws {
        let attributes = try ImageAttributes(spec: try LAMMPSMatrixData.spec("intel-mpi-rocky-8-amd64"))
        #expect(attributes.abi == OSABI(glibc: Version([2, 28]), glibcxx: Version([3, 4, 25])))
        #expect(attributes.cpu.vendor == "GenuineIntel")
        #expect(attributes.cpu.target == .architecture(.amd64))
        #expect(attributes.operatingSystem?.name == "Rocky Linux 8.9 (Green Obsidian)")
        #expect(attributes.operatingSystem?.release == "8.9")
    }

    @Test func acceptsTheSchemaNameGPUEnabledAsAliasOfAvailable() throws {
        let attributes = try ImageAttributes(spec: spec([("hardware.gpu.enabled", "yes"), ("os.vendor", "ubuntu"), ("os.version", "22.04")]))
        #expect(attributes.gpu?.available == true)
        #expect(attributes.flat["org.supercontainers.hardware.gpu.available"] == "yes")
        #expect(attributes.flat["org.supercontainers.hardware.gpu.enabled"] == "yes")
    }

    @Test func rejectsContradictoryGPUAliases() {
        do {
            _ = try ImageAttributes(spec: spec([("hardware.gpu.available", "no"), ("hardware.gpu.enabled", "yes")]))
            Issue.record("accepted available=no with enabled=yes")
        } catch {
            #expect(error.path == FieldPath([.key("compatibilities"), .index(0), .key("attributes"), .key("hardware.gpu.enabled")]))
        }
    }

    @Test func rejectsAGPUFlagThatIsNotYesOrNo() {
        do {
            _ = try ImageAttributes(spec: spec([("hardware.gpu.available", "maybe")]))
            Issue.record("accepted 'maybe'")
        } catch {
            #expect(error.description == "compatibilities[0].attributes[\"hardware.gpu.available\"]: 'maybe' is not a yes/no flag (compspec writes 'yes' or 'no')")
        }
    }

    @Test func rejectsAnOSVersionThatIsNotAVersion() {
        do {
            _ = try ImageAttributes(spec: spec([("os.vendor", "debian"), ("os.version", "bookworm")]))
            Issue.record("accepted a codename as a version")
        } catch {
            #expect(error.path == FieldPath([.key("compatibilities"), .index(0), .key("attributes"), .key("os.version")]))
            #expect(error.problem.contains("'bookworm' is not a version"))
        }
    }

    @Test func rejectsACPUFamilyThatContradictsTheTarget() {
        do {
            _ = try ImageAttributes(spec: spec([], archspec: [("cpu.target", "amd64"), ("cpu.family", "aarch64")]))
            Issue.record("accepted amd64 with aarch64")
        } catch {
            #expect(error.path == FieldPath([.key("compatibilities"), .index(1), .key("attributes"), .key("cpu.family")]))
        }
    }

    @Test func explicitGlibcOverridesTheTableAndKeepsItsGLIBCXX() throws {
        let attributes = try ImageAttributes(spec: spec([("os.vendor", "debian"), ("os.version", "12"), ("os.glibc.version", "2.37")]))
        #expect(attributes.abi == OSABI(glibc: Version([2, 37]), glibcxx: Version([3, 4, 30])))
    }

    @Test func anOSOutsideTheTableHasNoABI() throws {
        let attributes = try ImageAttributes(spec: spec([("os.vendor", "alpine"), ("os.version", "3.19")]))
        #expect(attributes.operatingSystem?.vendor == .alpine)
        #expect(attributes.abi == nil)
    }

    @Test func aMicroarchitectureTargetGivesItsArchitecture() throws {
        let attributes = try ImageAttributes(spec: spec([], archspec: [("cpu.target", "neoverse_n1")]))
        #expect(attributes.architecture == .arm64)
        #expect(attributes.cpu.target == .microarchitecture("neoverse_n1", .arm64))
    }

    @Test func missingAttributesStayUnknown() throws {
        let attributes = try ImageAttributes(spec: spec([], archspec: []))
        #expect(attributes.architecture == nil)
        #expect(attributes.operatingSystem == nil)
        #expect(attributes.gpu == nil)
        #expect(attributes.mpi == nil)
    }
}
