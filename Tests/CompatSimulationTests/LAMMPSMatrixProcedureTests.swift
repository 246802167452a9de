import CompatCore
import Foundation
import Testing
@testable import CompatSimulation

/// lammps-matrix's selection procedure, worked out exactly over the real catalog and views.
@Suite struct LAMMPSMatrixProcedureTests {
    static func procedure(_ architecture: Architecture) throws -> LAMMPSMatrixProcedure {
        let views = try FluxViewCatalog(decoding: try SharedData.artifact("artifacts/flux-views/views.yaml"))
        let catalog = try LAMMPSImages.catalog()
        // The script's views: focal, jammy, rocky 8 and 9 (the catalog also knows noble, which no image was built for).
        let experiment = views.views(for: architecture).filter { view in
            catalog.images.contains { $0.attributes.operatingSystem?.sharesReleaseLine(with: view.operatingSystem) == true }
        }
        return LAMMPSMatrixProcedure(catalog: catalog, views: experiment)
    }

    static func table(_ architecture: Architecture, gpu: Bool = false) throws -> [String] {
        let procedure = try procedure(architecture)
        let node = try #require(NodeType.standard(for: architecture, gpu: gpu))
        return try SelectionMode.allCases.map { mode in
            let outcomes = try procedure.expectedOutcomes(mode: mode, node: node)
            return mode.rawValue + " " + ([RunReason.success] + RunReason.failures).compactMap { reason in
                outcomes[reason].map { "\(reason.shortLabel) \($0)" }
            }.joined(separator: ", ")
        }
    }

    /// Worked out by hand from the catalog (10 amd64 images: 4 Ubuntu CPU, 2 Ubuntu GPU, 2 Rocky Intel
    /// MPI, 2 Rocky GPU; 8 arm64 images) and the simulated cluster's rules, e.g. basic on amd64: of the
    /// 10 images only mpich and openmpi on 22.04 run with the jammy view (2/10); focal and Rocky images
    /// need a newer glibc or GLIBCXX (7/10); the jammy GPU build has no GPU (1/10).
    @Test func expectedOutcomesOfEachModeAreExactFractions() throws {
        #expect(try Self.table(.amd64) == [
            "basic success 1/5, os abi 7/10, missing gpu 1/10",
            "platform success 3/10, os abi 1/4, missing gpu 3/10, mpi error 3/20",
            "platform-version success 2/5, missing gpu 2/5, mpi error 1/5",
            "descriptive-basic success 1/1",
            "descriptive success 1/1",
        ])
        #expect(try Self.table(.arm64) == [
            "basic success 1/4, os abi 5/8, missing gpu 1/8",
            "platform success 3/8, os abi 1/4, missing gpu 3/8",
            "platform-version success 1/2, missing gpu 1/2",
            "descriptive-basic success 1/1",
            "descriptive success 1/1",
        ])
        // A GPU node: GPU builds run, so only ABI and Intel MPI failures are left.
        #expect(try Self.table(.amd64, gpu: true) == [
            "basic success 3/10, os abi 7/10",
            "platform success 3/5, os abi 1/4, mpi error 3/20",
            "platform-version success 4/5, mpi error 1/5",
            "descriptive-basic success 1/1",
            "descriptive success 1/1",
        ])
    }

    @Test func probabilitiesOfEachModeAddUpToOne() throws {
        for architecture in [Architecture.amd64, .arm64] {
            let procedure = try Self.procedure(architecture)
            let node = try #require(NodeType.standard(for: architecture, gpu: false))
            for mode in SelectionMode.allCases {
                let total = try procedure.expectedOutcomes(mode: mode, node: node).values.reduce(Probability.zero, +)
                #expect(total == Probability(1, 1), "\(architecture) \(mode)")
            }
        }
    }

    /// The real pilot (25 runs a mode on amd64, `shared/data/lammps-matrix/logs`, classified as
    /// plot-results.py did) is a plausible sample of the procedure: no count of any reason is
    /// surprising at the 1 % level (exact binomial test), so the simulator models what was run.
    @Test func thePilotsCountsArePlausibleUnderTheExpectedOutcomes() throws {
        let records = try PilotRecords.load()
        let procedure = try Self.procedure(.amd64)
        for group in records.groupsInOrder {
            let mode = try #require(SelectionMode(rawValue: group))
            let runs = records.records(in: group)
            let expected = try procedure.expectedOutcomes(mode: mode, node: .amd64CPU)
            for reason in [RunReason.success] + RunReason.failures {
                let observed = runs.filter { $0.reason == reason }.count
                let p = BinomialTest.pValue(successes: observed, trials: runs.count, probability: expected[reason]?.value ?? 0)
                #expect(p > 0.01, "\(group) \(reason): \(observed)/\(runs.count) against \(expected[reason] ?? .zero)")
            }
        }
    }

    /// Reference values from SciPy 1.17 `binomtest(k, n, p).pvalue`.
    @Test func binomialTestMatchesSciPy() {
        #expect(abs(BinomialTest.pValue(successes: 2, trials: 25, probability: 0.2) - 0.20734801883871934) < 1e-12)
        #expect(abs(BinomialTest.pValue(successes: 201, trials: 1000, probability: 0.2) - 0.9369886351580705) < 1e-9)
        #expect(abs(BinomialTest.pValue(successes: 12, trials: 25, probability: 0.4) - 0.42126956139473126) < 1e-12)
        #expect(abs(BinomialTest.pValue(successes: 0, trials: 25, probability: 0.1) - 0.16978341996465005) < 1e-12)
        #expect(BinomialTest.pValue(successes: 3, trials: 25, probability: 0) == 0)
    }
}
