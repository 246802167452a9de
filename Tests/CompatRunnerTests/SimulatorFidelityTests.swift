import CompatCore
import CompatRunner
import CompatSimulation
import Testing

/// The simulator, driven end to end (the runner's draws, the webhook's choices over HTTPS, the
/// simulated cluster, the log classifier), converges to the outcome mix lammps-matrix's procedure
/// implies, worked out exactly by ``LAMMPSMatrixProcedure``.
@Suite struct SimulatorFidelityTests {
    /// Runs per mode: enough that a departure of a few percentage points in any reason's share shows,
    /// few enough to keep the suite quick (about 4 ms a run).
    static let iterations = 400

    @Test(arguments: [SelectionMode.basic, .platform, .platformVersion, .descriptiveBasic])
    func outcomeSharesConvergeToTheProceduresExactProbabilities(mode: SelectionMode) throws {
        let paths = RunnerTestPaths.paths
        let catalog = try paths.loadCatalog()
        let views = try paths.loadFluxViews().views(for: .amd64).filter { view in
            catalog.images.contains { $0.attributes.operatingSystem?.sharesReleaseLine(with: view.operatingSystem) == true }
        }
        let expected = try LAMMPSMatrixProcedure(catalog: catalog, views: views).expectedOutcomes(mode: mode, node: .amd64CPU)
        let records = try runSimulated(modes([mode], iterations: Self.iterations), seed: 2024).records
        #expect(records.count == Self.iterations)
        for reason in [RunReason.success] + RunReason.failures {
            let observed = records.filter { $0.reason == reason }.count
            let probability = expected[reason]?.value ?? 0
            // Deterministic seed, so this either always passes or always fails; 0.001 leaves room for the
            // sampling noise of one fixed sample while catching a shifted mix (a share off by 8 points at
            // p = 0.3 has p < 0.001 over 400 runs).
            let p = BinomialTest.pValue(successes: observed, trials: records.count, probability: probability)
            #expect(p > 0.001, "\(mode) \(reason): \(observed)/\(records.count), expected \(expected[reason] ?? .zero)")
        }
    }
}
