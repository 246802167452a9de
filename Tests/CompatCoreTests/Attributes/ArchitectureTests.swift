import Testing
@testable import CompatCore

@Suite struct ArchitectureTests {
    @Test func normalisesKernelGoAndDistributionSpellings() {
        #expect(Architecture(normalising: "x86_64") == .amd64)
        #expect(Architecture(normalising: "AMD64") == .amd64)
        #expect(Architecture(normalising: "aarch64") == .arm64)
        #expect(Architecture(normalising: "arm64") == .arm64)
        #expect(Architecture(normalising: "i686") == .i386)
        #expect(Architecture(normalising: "ppc64el") == .ppc64le)
        #expect(Architecture(normalising: " s390x\n") == .s390x)
        #expect(Architecture(normalising: "mips") == nil)
    }

    @Test func namesItsArchspecFamily() {
        #expect(Architecture.amd64.archspecFamily == "x86_64")
        #expect(Architecture.arm64.archspecFamily == "aarch64")
        #expect(Architecture.arm64.ociName == "arm64")
    }
}
