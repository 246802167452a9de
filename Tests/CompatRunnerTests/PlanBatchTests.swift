import CompatCore
import CompatRunner
import CompatSimulation
import Testing

/// Plans as the seeds' experiment scripts describe them, run on the simulated cluster: each batch is a
/// cluster of its own instance types, and every selection runs its iterations on it.
@Suite struct PlanBatchTests {
    @Test func eachBatchChoosesOnlyAmongTheInstanceTypesDrawnForIt() throws {
        let options = SessionOptions(seed: 5, paths: RunnerTestPaths.paths, webhook: inProcessWebhook, logger: quietLogger)
        let session = ExperimentSession(options: options)
        let plan = ExperimentPlan(seed: 5, entries: [
            ExperimentPlan.Entry(
                selections: [.model("fom"), .model("random")], iterations: 4, batches: 3, architecture: .amd64, nodes: 1,
                instanceTypes: .cheapest(filter: 5, perBatch: 2)
            ),
        ])
        let resolved = try session.resolve(plan)
        let result = try session.run(plan)
        // batches × selections × iterations
        #expect(result.records.count == 3 * 2 * 4)
        #expect(result.records.map(\.batch) == [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2])
        for batch in 0..<3 {
            let allowed = Set(resolved[0].instanceTypes(batch: batch, seed: 5))
            #expect(allowed.count == 2)
            let used = Set(result.records.filter { $0.batch == batch }.map(\.node))
            #expect(used.isSubset(of: allowed), "batch \(batch) ran on \(used), drew \(allowed)")
        }
        // The cheapest five amd64 types the study measured.
        #expect(resolved[0].candidates.map(\.name) == ["t3a.2xlarge", "t3.2xlarge", "d3.4xlarge", "r6i.8xlarge", "m6a.12xlarge"])
    }
}
