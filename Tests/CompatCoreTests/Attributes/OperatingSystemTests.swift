import Testing
@testable import CompatCore

@Suite struct OperatingSystemTests {
    @Test func vendorIDsRoundTripAndUnknownOnesAreKept() {
        for vendor in OSVendor.named { #expect(OSVendor(id: vendor.id) == vendor) }
        #expect(OSVendor(id: "Rocky") == .rocky)
        #expect(OSVendor(id: "opensuse-leap") == .opensuseLeap)
        #expect(OSVendor(id: "arch") == .other("arch"))
    }

    @Test func releaseLineIsMajorMinorForUbuntuAndMajorForEnterpriseLinux() {
        #expect(OperatingSystem(vendor: .ubuntu, version: v("22.04")).releaseLine == v("22.04"))
        #expect(OperatingSystem(vendor: .rocky, version: v("8.9")).releaseLine == v("8"))
        #expect(OperatingSystem(vendor: .debian, version: v("12")).releaseLine == v("12"))
    }

    @Test func pointReleasesShareALineButMajorsAndVendorsDoNot() {
        let rocky89 = OperatingSystem(vendor: .rocky, version: v("8.9"))
        #expect(rocky89.sharesReleaseLine(with: OperatingSystem(vendor: .rocky, version: v("8.10"))))
        #expect(!rocky89.sharesReleaseLine(with: OperatingSystem(vendor: .rocky, version: v("9.3"))))
        #expect(!rocky89.sharesReleaseLine(with: OperatingSystem(vendor: .rhel, version: v("8.9"))))
        let focal = OperatingSystem(vendor: .ubuntu, version: v("20.04"))
        #expect(!focal.sharesReleaseLine(with: OperatingSystem(vendor: .ubuntu, version: v("22.04"))))
    }
}
