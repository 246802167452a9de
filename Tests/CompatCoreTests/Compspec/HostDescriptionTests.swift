import Testing
@testable import CompatCore

@Suite struct HostDescriptionTests {
    private let graviton = HostDescription(
        architecture: .arm64,
        operatingSystem: OperatingSystem(vendor: .ubuntu, version: v("22.04"), release: "22.04.3", name: "Ubuntu 22.04.3 LTS"),
        glibc: Version([2, 35]),
        mpi: MPIImplementation(kind: .openMPI, version: Version([4, 1, 2])),
        cpu: CPU(vendor: "ARM", model: "Neoverse-N1", target: .microarchitecture("neoverse_n1", .arm64))
    )

    @Test func writesCompspecKeysSortedPerNamespace() {
        let spec = CompatibilitySpec(describing: graviton, name: "node-a")
        #expect(spec.metadata.name == "node-a")
        #expect(spec.metadata.schemas == CompatibilitySpec.compspecSchemas)
        #expect(spec.compatibilities[0].attributes.map(\.key) == [
            "hardware.gpu.available", "mpi.implementation", "mpi.version", "os.glibc.version", "os.name", "os.release", "os.vendor", "os.version",
        ])
        #expect(spec.compatibilities[1].attributes.map { "\($0.key)=\($0.value)" } == [
            "cpu.family=aarch64", "cpu.model=Neoverse-N1", "cpu.target=neoverse_n1", "cpu.vendor=ARM",
        ])
        #expect(spec.flatAttributes["org.supercontainers.mpi.implementation"] == "OpenMPI")
        #expect(spec.flatAttributes["org.supercontainers.os.version"] == "22.04")
    }

    @Test func roundTripsThroughTheArtifactDecoder() throws {
        let spec = CompatibilitySpec(describing: graviton, name: "node-a")
        let decoded = try CompatibilitySpec(decoding: Array(spec.jsonValue.serialized().utf8))
        let attributes = try ImageAttributes(spec: decoded)
        #expect(attributes.architecture == .arm64)
        #expect(attributes.operatingSystem?.vendor == .ubuntu)
        #expect(attributes.abi == OSABI(glibc: Version([2, 35]), glibcxx: Version([3, 4, 30])))
        #expect(attributes.mpi == MPIImplementation(kind: .openMPI, version: Version([4, 1, 2])))
        #expect(attributes.gpu == GPU(available: false))
        #expect(attributes.cpu.target == .microarchitecture("neoverse_n1", .arm64))
    }

    @Test func leavesOutWhatIsUnknownAndDescribesAGPU() {
        let host = HostDescription(architecture: .amd64, gpu: GPU(available: true, vendor: .nvidia, driverVersion: Version("535.104.05")))
        let flat = CompatibilitySpec(describing: host, name: "gpu-node").flatAttributes
        #expect(flat["org.supercontainers.hardware.gpu.available"] == "yes")
        #expect(flat["org.supercontainers.hardware.gpu.driver"] == "nvidia")
        #expect(flat["org.supercontainers.hardware.gpu.driver.version"] == "535.104.05")
        #expect(flat["io.archspec.cpu.target"] == "amd64")
        #expect(flat["org.supercontainers.os.vendor"] == nil)
        #expect(flat["org.supercontainers.mpi.implementation"] == nil)
        #expect(flat["io.archspec.cpu.vendor"] == nil)
    }
}
