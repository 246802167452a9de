import CompatAdmission
import CompatCore
import Testing
@testable import CompatSelection

/// Image (and flux view) choice from the LAMMPS catalog, per mode and workload.
@Suite struct CatalogChoiceTests {
    static let jammy = "ghcr.io/converged-computing/flux-view-ubuntu:tag-jammy"
    static let amdCPU = NodeHostFacts(architecture: .amd64)

    static func chooser() throws -> CatalogChooser {
        CatalogChooser(catalog: try TestData.catalog(), views: try TestData.views())
    }

    static func miniCluster(_ mode: SelectionMode, view: String?, node: NodeHostFacts = amdCPU, seed: UInt64) -> CatalogRequest {
        CatalogRequest(workload: .miniCluster(fluxViewImage: view), mode: mode, node: node, seed: seed)
    }

    @Test func basicDrawsAnImageOfTheArchitectureAndKeepsTheView() throws {
        let chooser = try Self.chooser()
        for seed in UInt64(0)..<20 {
            let choice = try chooser.choose(Self.miniCluster(.basic, view: Self.jammy, seed: seed))
            #expect(choice.image.attributes.architecture == .amd64)
            #expect(choice.fluxView == nil)
            #expect(choice.candidateCount == 10)
        }
    }

    /// platform: the view's vendor follows the image; only views some image shares a release line with
    /// are drawn (never noble), as in the experiment.
    @Test func platformPairsAViewOfTheImagesVendor() throws {
        let chooser = try Self.chooser()
        var drawnViews = Set<String>()
        for seed in UInt64(0)..<60 {
            let choice = try chooser.choose(Self.miniCluster(.platform, view: nil, seed: seed))
            let view = try #require(choice.fluxView)
            #expect(view.operatingSystem.vendor == choice.image.attributes.operatingSystem?.vendor)
            #expect(view.architecture == .amd64)
            drawnViews.insert(view.name)
        }
        #expect(drawnViews == ["ubuntu-focal-amd64", "ubuntu-jammy-amd64", "rocky-8-amd64", "rocky-9-amd64"])
    }

    @Test func platformVersionPairsTheViewOfTheImagesReleaseLine() throws {
        let chooser = try Self.chooser()
        for seed in UInt64(0)..<30 {
            let choice = try chooser.choose(Self.miniCluster(.platformVersion, view: Self.jammy, node: NodeHostFacts(architecture: .arm64), seed: seed))
            let view = try #require(choice.fluxView)
            let os = try #require(choice.image.attributes.operatingSystem)
            #expect(view.operatingSystem.sharesReleaseLine(with: os), "\(choice.image.name) with \(view.name)")
            #expect(view.architecture == .arm64)
        }
    }

    /// descriptive-basic with the jammy view on CPU nodes: exactly the two Ubuntu 22.04 CPU images, as
    /// compspec's exact match found them in the experiment.
    @Test func descriptiveBasicChoosesImagesOfTheViewsRelease() throws {
        let chooser = try Self.chooser()
        var chosen = Set<String>()
        for seed in UInt64(0)..<30 {
            let choice = try chooser.choose(Self.miniCluster(.descriptiveBasic, view: Self.jammy, seed: seed))
            #expect(choice.fluxView == nil)
            #expect(choice.candidateCount == 2)
            chosen.insert(choice.image.name)
        }
        #expect(chosen == ["ghcr.io/rse-ops/lammps-matrix:openmpi-ubuntu-22.04-amd64", "ghcr.io/rse-ops/lammps-matrix:mpich-ubuntu-22.04-amd64"])
    }

    @Test func descriptiveChoosesOnlyImagesWithTheJobsMPIFamily() throws {
        let chooser = try Self.chooser()
        for seed in UInt64(0)..<20 {
            var request = Self.miniCluster(.descriptive, view: Self.jammy, seed: seed)
            request.mpi = .family(.mpich)
            let choice = try chooser.choose(request)
            #expect(choice.image.name == "ghcr.io/rse-ops/lammps-matrix:mpich-ubuntu-22.04-amd64")
        }
    }

    @Test func descriptiveRefusesWhenNoImageHasTheJobsMPI() throws {
        var request = Self.miniCluster(.descriptive, view: Self.jammy, seed: 1)
        request.mpi = .implementation(.intelMPI)
        #expect {
            try Self.chooser().choose(request)
        } throws: { error in
            "\(error)".contains("no image in the catalog fits flux view \(Self.jammy)") && "\(error)".contains("MPI")
        }
    }

    @Test func descriptiveModesSetUpIntelMPIForTheRockyView() throws {
        let choice = try Self.chooser().choose(
            Self.miniCluster(.descriptiveBasic, view: "ghcr.io/converged-computing/flux-view-rocky:tag-8", seed: 3))
        #expect(choice.image.name == "ghcr.io/rse-ops/lammps-matrix:intel-mpi-rocky-8-amd64")
        #expect(choice.preCommands == [". /opt/intel/mpi/latest/env/vars.sh"])
    }

    /// The Flux Operator's default view (noble, glibc 2.39) runs with no catalog image.
    @Test func defaultNobleViewHasNoCompatibleImage() throws {
        let chooser = try Self.chooser()
        let refused = try #require(refusal { () throws(SelectionRefusal) in try chooser.choose(Self.miniCluster(.descriptive, view: nil, seed: 1)) })
        #expect(refused.category == .noCompatibleChoice)
        #expect(refused.message.hasPrefix("no image in the catalog fits flux view ghcr.io/converged-computing/flux-view-ubuntu:tag-noble"))
    }

    @Test func viewForAnotherArchitectureIsInvalid() throws {
        let chooser = try Self.chooser()
        let request = Self.miniCluster(.descriptive, view: Self.jammy, node: NodeHostFacts(architecture: .arm64), seed: 1)
        let refused = try #require(refusal { () throws(SelectionRefusal) in try chooser.choose(request) })
        #expect(refused.category == .invalidRequest)
        #expect(refused.message.contains("arm-jammy"))
    }

    @Test func unknownViewIsInvalidForDescriptiveModes() throws {
        let chooser = try Self.chooser()
        let request = Self.miniCluster(.descriptiveBasic, view: "example.org/my-flux:1", seed: 1)
        let refused = try #require(refusal { () throws(SelectionRefusal) in try chooser.choose(request) })
        #expect(refused.category == .invalidRequest)
        #expect(refused.message.hasPrefix("flux view example.org/my-flux:1 (spec.flux.container.image) is not in the view catalog"))
    }

    /// A Pod brings its own C library, so descriptive accepts every arm64 CPU image on an Amazon Linux
    /// node; descriptive-basic (exact OS match) accepts none.
    @Test func podsAreJudgedByTheNodeAlone() throws {
        let chooser = try Self.chooser()
        let node = NodeHostFacts(labels: try TestData.labels(ofInstanceType: "hpc7g.16xlarge"))
        let choice = try chooser.choose(CatalogRequest(workload: .pod, mode: .descriptive, node: node, seed: 9))
        #expect(choice.candidateCount == 4)
        #expect(choice.image.attributes.architecture == .arm64)
        #expect(choice.image.attributes.gpu?.available == false)
        let exact = refusal { () throws(SelectionRefusal) in try chooser.choose(CatalogRequest(workload: .pod, mode: .descriptiveBasic, node: node, seed: 9)) }
        #expect(exact?.message.contains("OS vendor amzn") == true)
    }

    @Test func sameSeedSameChoice() throws {
        let chooser = try Self.chooser()
        let first = try chooser.choose(Self.miniCluster(.platform, view: nil, seed: 12345))
        let second = try chooser.choose(Self.miniCluster(.platform, view: nil, seed: 12345))
        #expect(first == second)
    }
}
