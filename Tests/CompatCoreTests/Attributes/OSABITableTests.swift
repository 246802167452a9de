import Testing
@testable import CompatCore

@Suite struct OSABITableTests {
    private func abi(_ vendor: OSVendor, _ version: String) -> OSABI? {
        OSABITable.abi(of: OperatingSystem(vendor: vendor, version: v(version)))
    }

    @Test func knowsTheReleasesOfTheExperimentAndItsNeighbours() {
        #expect(abi(.ubuntu, "20.04") == OSABI(glibc: v("2.31"), glibcxx: v("3.4.28")))
        #expect(abi(.ubuntu, "22.04") == OSABI(glibc: v("2.35"), glibcxx: v("3.4.30")))
        #expect(abi(.ubuntu, "24.04") == OSABI(glibc: v("2.39"), glibcxx: v("3.4.33")))
        #expect(abi(.rocky, "8.9") == OSABI(glibc: v("2.28"), glibcxx: v("3.4.25")))
        #expect(abi(.rocky, "9.3") == OSABI(glibc: v("2.34"), glibcxx: v("3.4.29")))
        #expect(abi(.debian, "11") == OSABI(glibc: v("2.31"), glibcxx: v("3.4.28")))
        #expect(abi(.debian, "12") == OSABI(glibc: v("2.36"), glibcxx: v("3.4.30")))
        #expect(abi(.amzn, "2") == OSABI(glibc: v("2.26"), glibcxx: v("3.4.24")))
        #expect(abi(.amzn, "2023") == OSABI(glibc: v("2.34"), glibcxx: v("3.4.29")))
    }

    @Test func enterpriseLinuxRebuildsShareRHELsABI() {
        #expect(abi(.almalinux, "9.4") == abi(.rhel, "9"))
        #expect(abi(.centos, "7") == OSABI(glibc: v("2.17"), glibcxx: v("3.4.19")))
    }

    @Test func unknownReleasesHaveNoEntry() {
        #expect(abi(.ubuntu, "23.10") == nil)
        #expect(abi(.other("arch"), "1") == nil)
    }

    @Test func everyTableEntryParsedFromItsLiteral() {
        #expect(OSABITable.entries.count == 14)
        #expect(OSABITable.entries.allSatisfy { $0.abi.glibc.major == 2 && $0.abi.glibcxx.components.prefix(2) == [3, 4] })
    }

    /// The experiment's failures: the jammy Flux view on a Rocky 9 image lacks GLIBCXX_3.4.30; the
    /// rocky-9 view on a Rocky 8 image lacks GLIBC_2.32+; the focal view on a 22.04 image works.
    @Test func requirementsReproduceTheExperimentsABIFailures() throws {
        let jammyView = try #require(RuntimeABIRequirement(builtOn: OperatingSystem(vendor: .ubuntu, version: v("22.04"))))
        let rocky9View = try #require(RuntimeABIRequirement(builtOn: OperatingSystem(vendor: .rocky, version: v("9.3"))))
        let focalView = try #require(RuntimeABIRequirement(builtOn: OperatingSystem(vendor: .ubuntu, version: v("20.04"))))
        #expect(abi(.rocky, "9.3")?.satisfies(jammyView) == false)
        #expect(abi(.rocky, "8.9")?.satisfies(rocky9View) == false)
        #expect(abi(.ubuntu, "22.04")?.satisfies(focalView) == true)
        #expect(abi(.ubuntu, "20.04")?.satisfies(focalView) == true)
        #expect(abi(.rocky, "8.9")?.satisfies(.unconstrained) == true)
    }

    @Test func readsTheGlibcVersionConfstrReports() {
        #expect(OSABI.glibcVersion(fromGNULibcVersion: "glibc 2.36") == v("2.36"))
        #expect(OSABI.glibcVersion(fromGNULibcVersion: "2.35\n") == v("2.35"))
        #expect(OSABI.glibcVersion(fromGNULibcVersion: "musl 1.2") == nil)
        #expect(OSABI.glibcVersion(fromGNULibcVersion: "") == nil)
    }
}
