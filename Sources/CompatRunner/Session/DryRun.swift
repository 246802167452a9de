import CompatCore
import CompatSimulation

extension ExperimentSession {
    /// What `--dry-run` prints: every run of the plan as the object it submits to the webhook (before
    /// the webhook's patch), preceded by a comment naming the entry, batch, iteration and the seed in
    /// its annotation, then the cost table. The plan is resolved first, so a plan that cannot run fails
    /// here as it would before a real run.
    ///
    /// A LAMMPS iteration of a descriptive mode shows its first draw: when the webhook finds no image
    /// for that flux view, the run draws another view (with its own seed) and submits again.
    public func dryRun(_ plan: ExperimentPlan) throws -> String {
        let resolved = try resolve(plan)
        var out: [String] = []
        let needsLAMMPS = plan.entries.contains { !$0.isModelExperiment }
        let submissions = needsLAMMPS ? LAMMPSSubmissions(template: lammpsTemplate, catalog: try loadCatalog(), views: try loadViews()) : nil
        var lastBatch: (entry: Int, batch: Int)?
        for run in plan.schedule {
            let item = resolved[run.entry]
            if lastBatch?.entry != run.entry || lastBatch?.batch != run.batch {
                lastBatch = (run.entry, run.batch)
                let entry = item.entry
                out.append("# experiments[\(run.entry)] \(entry.label), batch \(run.batch + 1) of \(entry.batches): \(entry.nodes) node(s) of "
                    + item.instanceTypes(batch: run.batch, seed: options.seed).joined(separator: ", ") + (entry.gpu ? " with GPU" : ""))
            }
            switch run.selection {
            case .mode(let mode):
                guard let submissions, let architecture = item.entry.architecture else { continue }
                var draws = try submissions.draws(mode: mode, iteration: run.iteration, architecture: architecture, seed: options.seed)
                let first = draws.next(draw: 1)
                out.append("# \(mode.rawValue) iteration \(run.iteration): seed \(first.seed), flux view \(first.view.name)")
                out.append(first.object.serialized(pretty: true))
            case .model(let strategy):
                let seed = ModelExperiment.requestSeed(seed: options.seed, strategy: strategy, iteration: run.iteration)
                out.append("# model \(strategy) iteration \(run.iteration): seed \(seed)")
                out.append(hpcgTemplate.pod(strategy: strategy, iteration: run.iteration, seed: seed).serialized(pretty: true))
            }
        }
        out.append(try CostEstimator.estimate(resolved, prices: try options.paths.loadPrices()).table)
        return out.joined(separator: "\n")
    }
}
