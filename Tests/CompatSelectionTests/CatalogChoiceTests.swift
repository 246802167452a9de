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
        CatalogRequest(workload: .miniCluster(view.map(FluxViewSetting.image) ?? .operatorDefault), mode: mode, node: node, seed: seed)
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

    /// The Flux Operator's default view (noble, glibc 2.39) runs with no catalog image; the refusal says
    /// that default was assumed and which views would work.
    @Test func defaultNobleViewHasNoCompatibleImageAndTheRefusalNamesTheAssumedDefault() throws {
        let chooser = try Self.chooser()
        let refused = try #require(refusal { () throws(SelectionRefusal) in try chooser.choose(Self.miniCluster(.descriptive, view: nil, seed: 1)) })
        #expect(refused.category == .noCompatibleChoice)
        #expect(refused.message.hasPrefix(
            "spec.flux.container.image is not set, so the Flux Operator's default view ghcr.io/converged-computing/flux-view-ubuntu:tag-noble "
                + "was assumed, and no image in the catalog fits flux view ghcr.io/converged-computing/flux-view-ubuntu:tag-noble"
        ))
        #expect(refused.message.contains("; set spec.flux.container.image to one of ghcr.io/converged-computing/flux-view-ubuntu:tag-focal"))
        #expect(refused.message.hasSuffix(", or use mode basic, platform or platform-version"))
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

    /// A Pod brings its own userland, so the node's OS (Amazon Linux here) constrains nothing: both
    /// descriptive modes accept every arm64 CPU image, and the baseline modes every arm64 image.
    @Test func podsAreJudgedByTheNodeAloneNotItsOS() throws {
        let chooser = try Self.chooser()
        let node = NodeHostFacts(labels: try TestData.labels(ofInstanceType: "hpc7g.16xlarge"))
        for mode in [SelectionMode.descriptive, .descriptiveBasic] {
            let choice = try chooser.choose(CatalogRequest(workload: .containers(injectedFluxView: nil), mode: mode, node: node, seed: 9))
            #expect(choice.candidateCount == 4, "\(mode)")
            #expect(choice.image.attributes.architecture == .arm64)
            #expect(choice.image.attributes.gpu?.available == false)
            #expect(choice.fluxView == nil)
        }
        let basic = try chooser.choose(CatalogRequest(workload: .containers(injectedFluxView: nil), mode: .platformVersion, node: node, seed: 9))
        #expect(basic.candidateCount == 8)
        #expect(basic.fluxView == nil)
    }

    @Test func sameSeedSameChoice() throws {
        let chooser = try Self.chooser()
        let first = try chooser.choose(Self.miniCluster(.platform, view: nil, seed: 12345))
        let second = try chooser.choose(Self.miniCluster(.platform, view: nil, seed: 12345))
        #expect(first == second)
    }
}
