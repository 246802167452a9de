import CompatCore
import Testing
@testable import CompatSimulation

@Suite struct FluxViewCatalogTests {
    private static let cached: Result<FluxViewCatalog, LAMMPSImages.LookupFailure> = Result { () throws(LAMMPSImages.LookupFailure) -> FluxViewCatalog in
        do {
            return try FluxViewCatalog(decoding: try SharedData.artifact("artifacts/flux-views/views.yaml"))
        } catch {
            throw LAMMPSImages.LookupFailure(what: "artifacts/flux-views/views.yaml: \(error)")
        }
    }

    static func shipped() throws -> FluxViewCatalog {
        try cached.get()
    }

    static func view(_ name: String) throws -> FluxView {
        guard let view = try shipped().view(named: name) else { throw LAMMPSImages.LookupFailure(what: "view \(name)") }
        return view
    }

    @Test func shipsTheNineViewsWithTheirImages() throws {
        let catalog = try Self.shipped()
        #expect(catalog.views.map(\.image) == [
            "ghcr.io/converged-computing/flux-view-ubuntu:tag-focal",
            "ghcr.io/converged-computing/flux-view-ubuntu:tag-jammy",
            "ghcr.io/converged-computing/flux-view-ubuntu:tag-noble",
            "ghcr.io/converged-computing/flux-view-rocky:tag-8",
            "ghcr.io/converged-computing/flux-view-rocky:tag-9",
            "ghcr.io/converged-computing/flux-view-ubuntu:arm-focal",
            "ghcr.io/converged-computing/flux-view-ubuntu:arm-jammy",
            "ghcr.io/converged-computing/flux-view-rocky:arm-8",
            "ghcr.io/converged-computing/flux-view-rocky:arm-9",
        ])
        #expect(catalog.views(for: .arm64).map(\.name) == ["ubuntu-focal-arm64", "ubuntu-jammy-arm64", "rocky-8-arm64", "rocky-9-arm64"])
    }

    @Test func fluxNeedsTheGlibcOfTheViewsOSUnlessObserved() throws {
        let focal = try Self.view("ubuntu-focal-amd64")
        #expect(focal.fluxRequirement == RuntimeABIRequirement(glibc: Version([2, 31]), glibcxx: Version([3, 4, 28])))
        #expect(!focal.requirementObserved)
        let jammy = try Self.view("ghcr.io/converged-computing/flux-view-ubuntu:tag-jammy")
        #expect(jammy.fluxRequirement == RuntimeABIRequirement(glibc: Version([2, 34]), glibcxx: Version([3, 4, 30])))
        #expect(jammy.requirementObserved)
        #expect(try Self.view("ubuntu-noble-amd64").fluxRequirement == RuntimeABIRequirement(glibc: Version([2, 39]), glibcxx: Version([3, 4, 33])))
        #expect(try Self.view("rocky-8-arm64").fluxRequirement == RuntimeABIRequirement(glibc: Version([2, 28]), glibcxx: Version([3, 4, 25])))
        #expect(try Self.view("rocky-9-amd64").fluxRequirement == RuntimeABIRequirement(glibc: Version([2, 34]), glibcxx: Version([3, 4, 29])))
    }

    @Test func platformVersionPairingFindsTheViewOfTheImagesRelease() throws {
        let catalog = try Self.shipped()
        let rocky89 = OperatingSystem(vendor: .rocky, version: Version([8, 9]))
        #expect(catalog.view(matching: rocky89, architecture: .amd64)?.name == "rocky-8-amd64")
        #expect(catalog.view(matching: OperatingSystem(vendor: .ubuntu, version: Version([22, 4])), architecture: .arm64)?.name == "ubuntu-jammy-arm64")
        #expect(catalog.view(matching: OperatingSystem(vendor: .ubuntu, version: Version([24, 4])), architecture: .arm64) == nil)
    }

    @Test func hostEnvironmentCarriesTheViewsRequirement() throws {
        let host = try Self.view("ubuntu-jammy-amd64").hostEnvironment(gpu: .unavailable, mpi: .family(.mpich))
        #expect(host.architecture == .amd64)
        #expect(host.operatingSystem?.version == Version([22, 4]))
        #expect(host.runtimeABI == RuntimeABIRequirement(glibc: Version([2, 34]), glibcxx: Version([3, 4, 30])))
        #expect(host.mpi == .family(.mpich))
    }

    static let spack = "spack: {root: /opt/software/x, fluxCore: flux-core-0.55.0, python: python-3.11.6, libzmq: libzmq-4.3.4}"

    @Test(arguments: [
        ("views:\n  - {name: a, image: i, architecture: riscv64, os: {vendor: ubuntu, version: '22.04'}, \(spack)}",
         "views[0].architecture: architecture must be amd64 or arm64, found 'riscv64'"),
        ("views:\n  - {name: a, image: i, architecture: amd64, os: {vendor: alpine, version: '3.19'}, \(spack)}",
         "views[0].os: alpine 3.19 is not in the OS ABI table; give 'fluxRequires: {glibc, glibcxx}' for this view"),
        ("views:\n  - {name: a, image: i, architecture: amd64, os: {vendor: ubuntu, version: jammy}, \(spack)}",
         "views[0].os.version: 'jammy' is not a version (e.g. 22.04)"),
        ("views:\n  - {name: a, image: i, architecture: amd64, os: {vendor: ubuntu, version: '22.04'}, \(spack)}\n  - {name: a, image: j, architecture: amd64, os: {vendor: ubuntu, version: '22.04'}, \(spack)}",
         "views[1].name: view 'a' is listed twice"),
        ("views:\n  - {name: a, image: i, architecture: amd64, os: {vendor: ubuntu, version: '22.04'}, fluxRequires: {glibc: '2.34'}, \(spack)}",
         "views[0].fluxRequires: missing required field 'glibcxx'"),
        ("views:\n  - {name: a, image: i, architecture: amd64, os: {vendor: ubuntu, version: '22.04'}, tag: x, \(spack)}",
         "views[0].tag: unknown field 'tag' (known fields here: 'architecture', 'fluxRequires', 'image', 'name', 'os', 'spack')"),
    ])
    func invalidCatalogsAreRejected(yaml: String, message: String) {
        do {
            _ = try FluxViewCatalog(decoding: Array(yaml.utf8))
            Issue.record("expected: \(message)")
        } catch {
            #expect(error.description == message)
        }
    }
}
