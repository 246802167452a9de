import Foundation
import Testing
@testable import CompatCore

/// archspec's microarchitecture data (shipped in `artifacts/archspec/`, compiled in) and the two relations
/// built on it: which builds a host runs, and which microarchitecture a host is.
@Suite struct ArchspecMicroarchitectureTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func shipped(_ relative: String) throws -> Data {
        try Data(contentsOf: packageRoot.appendingPathComponent("artifacts/archspec/" + relative))
    }

    @Test func compiledInDataIsTheShippedFileByteForByte() throws {
        #expect(Data(ArchspecData.microarchitecturesJSON) == (try Self.shipped("microarchitectures.json")))
        for license in ["LICENSE-APACHE", "LICENSE-MIT", "COPYRIGHT", "NOTICE"] {
            #expect(!(try Self.shipped(license)).isEmpty)
        }
    }

    @Test func theGraphHasArchspecsFamiliesAndAncestors() throws {
        let catalog = MicroarchitectureCatalog.archspec
        #expect(catalog.microarchitectures.count == 80)
        #expect(catalog.family(of: "zen3") == "x86_64")
        #expect(catalog.family(of: "neoverse_v1") == "aarch64")
        #expect(catalog.family(of: "x86_64") == "x86_64")
        #expect(catalog.family(of: "mystery") == nil)
        #expect(catalog.ancestors(of: "zen3").isSuperset(of: ["zen2", "zen", "x86_64_v3", "x86_64_v2", "x86_64"]))
        #expect(catalog.ancestors(of: "neoverse_n1").isSuperset(of: ["cortex_a72", "armv8.2a", "aarch64"]))
        #expect(catalog.microarchitecture(named: "neoverse_n1")?.cpuPart == "0xd0c")
        #expect(catalog.armVendors["0x41"] == "ARM")
    }

    @Test func aBuildForAnOlderMicroarchitectureOfTheFamilyRunsOnANewerHost() {
        let zen3 = CPUTarget(name: "zen3")
        #expect(zen3 == .microarchitecture("zen3", .amd64))
        #expect(zen3.runs(.architecture(.amd64)))
        #expect(zen3.runs(CPUTarget(name: "x86_64_v3")))
        #expect(zen3.runs(CPUTarget(name: "zen2")))
        #expect(zen3.runs(CPUTarget(name: "zen3")))
        // Newer, or another branch of the family, or another family: no.
        #expect(!zen3.runs(CPUTarget(name: "zen4")))
        #expect(!zen3.runs(CPUTarget(name: "haswell")))
        #expect(!zen3.runs(CPUTarget(name: "x86_64_v4")))
        #expect(!zen3.runs(.architecture(.arm64)))
        #expect(!zen3.runs(CPUTarget(name: "neoverse_n1")))
        let v1 = CPUTarget(name: "neoverse_v1")
        #expect(v1.runs(CPUTarget(name: "neoverse_n1")))
        #expect(v1.runs(CPUTarget(name: "cortex_a72")))
        #expect(!CPUTarget(name: "neoverse_n1").runs(v1))
        // An architecture-wide host knows nothing beyond the architecture.
        #expect(!CPUTarget.architecture(.amd64).runs(CPUTarget(name: "x86_64_v2")))
        #expect(CPUTarget(name: "mystery").runs(CPUTarget(name: "mystery")))
    }

    /// archspec's own detection fixtures (real `/proc/cpuinfo` files, named after what archspec detects;
    /// artifacts/archspec/tests/targets, from the archspec 0.2.7 wheel) give the same answer here.
    @Test(arguments: [
        ("linux-ubuntu20.04-zen3", "x86_64", "zen3"),
        ("linux-rhel7-haswell", "x86_64", "haswell"),
        ("linux-rhel7-skylake_avx512", "x86_64", "skylake_avx512"),
        ("linux-rhel7-x86_64_v3", "x86_64", "x86_64_v3"),
        ("linux-rocky9-zen5", "x86_64", "zen5"),
        ("linux-unknown-sapphirerapids", "x86_64", "sapphirerapids"),
        ("linux-amazon-cortex_a72", "aarch64", "cortex_a72"),
        ("linux-amazon-neoverse_n1", "aarch64", "neoverse_n1"),
        ("linux-rhel8-neoverse_v1", "aarch64", "neoverse_v1"),
        ("linux-ubuntu22.04-neoverse_v2", "aarch64", "neoverse_v2"),
        ("linux-ubuntu22.04-ampere1", "aarch64", "ampere1"),
        ("linux-rocky8-a64fx", "aarch64", "a64fx"),
    ])
    func detectionAgreesWithArchspecOnItsFixtures(file: String, family: String, expected: String) throws {
        let text = String(decoding: try Self.shipped("tests/targets/" + file), as: UTF8.self)
        #expect(MicroarchitectureCatalog.archspec.host(CPUInfo(parsing: text), family: family)?.name == expected)
    }

    @Test func brokenDocumentsAreErrorsNamingThePath() {
        func message(_ json: String) -> String? {
            do {
                _ = try MicroarchitectureCatalog(decoding: Array(json.utf8))
                return nil
            } catch { return error.description }
        }
        #expect(message(#"{"microarchitectures": {"a": {"from": ["b"], "vendor": "generic", "features": []}}}"#) == "microarchitectures.a.from: parent 'b' is not a microarchitecture of the document")
        #expect(message(#"{"microarchitectures": {"a": {"from": ["a"], "vendor": "generic", "features": []}}}"#) == "microarchitectures.a.from: 'a' descends from itself")
        #expect(message(#"{"microarchitectures": {"a": {"from": [], "features": []}}}"#) == "microarchitectures.a: missing required field 'vendor'")
    }
}
