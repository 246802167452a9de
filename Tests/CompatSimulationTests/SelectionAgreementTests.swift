import CompatCore
import Foundation
import Testing
@testable import CompatSimulation

/// The selection modes (CompatCore) and the simulated cluster judge the same attributes; where a mode
/// promises a working pairing, the simulated run must work.
@Suite struct SelectionAgreementTests {
    /// Every image a mode admits for a view and node, run on that node with that view.
    static func outcomes(mode: SelectionMode, gpu: Bool) throws -> [(view: String, image: String, outcome: SimulatedOutcome)] {
        let selector = ImageSelector(catalog: try LAMMPSImages.catalog())
        let cluster = SimulatedCluster()
        var results: [(String, String, SimulatedOutcome)] = []
        for view in try FluxViewCatalogTests.shipped().views {
            guard let node = NodeType.standard(for: view.architecture, gpu: gpu) else { continue }
            let host = view.hostEnvironment(gpu: node.gpu)
            for image in selector.candidates(for: host, mode: mode).images {
                let job = SimulatedJob(
                    name: "lammps-0-size-2", image: image, view: view, node: node,
                    executable: try #require(LAMMPSExecutable.carried(by: image.attributes)),
                    environmentScriptSourced: mode.isDescriptive && !(image.attributes.mpi?.kind.environmentSetupCommands.isEmpty ?? true),
                    startedAt: SimulatedClusterTests.pilotStart
                )
                results.append((view.name, image.name, try cluster.outcome(of: job)))
            }
        }
        return results
    }

    @Test(arguments: [SelectionMode.descriptiveBasic, .descriptive])
    func descriptiveModesOnlyPickImagesThatRun(mode: SelectionMode) throws {
        for gpu in [false, true] {
            let runs = try Self.outcomes(mode: mode, gpu: gpu)
            #expect(!runs.isEmpty)
            for run in runs { #expect(run.outcome == .success, "\(mode) gpu=\(gpu): \(run.view) + \(run.image): \(run.outcome)") }
        }
    }

    /// descriptive-basic on amd64 CPU nodes admits, per view, exactly the images of the view's own
    /// release: the pilot's 25/25. descriptive also admits newer-ABI images for older views.
    @Test func descriptiveAdmitsMoreWorkingImagesThanExactMatching() throws {
        let exact = try Self.outcomes(mode: .descriptiveBasic, gpu: false).filter { $0.view.hasSuffix("amd64") }
        let abi = try Self.outcomes(mode: .descriptive, gpu: false).filter { $0.view.hasSuffix("amd64") }
        #expect(exact.count == 6)  // focal: mpich+openmpi 20.04; jammy: 22.04 ×2; rocky 8, 9: intel-mpi
        #expect(abi.count > exact.count)
        #expect(abi.contains { $0.view == "ubuntu-focal-amd64" && $0.image.hasSuffix(":mpich-ubuntu-22.04-amd64") })
    }

    /// The platform modes are blind to ABI and GPU, so they pick images that fail, as in the pilot.
    @Test func platformModesPickFailingImages() throws {
        let basic = try Self.outcomes(mode: .basic, gpu: false).filter { $0.view == "ubuntu-jammy-amd64" }
        var reasons: [RunReason: Int] = [:]
        for run in basic { reasons[run.outcome.reason, default: 0] += 1 }
        // Of the 10 amd64 images under the jammy view: the two Ubuntu 22.04 CPU images work, the GPU
        // 22.04 image lacks a GPU, and the 7 older-ABI images fail to load Flux.
        #expect(reasons == [.success: 2, .missingGPU: 1, .osABI: 7])
    }
}
