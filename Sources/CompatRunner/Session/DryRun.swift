import CompatCore
import CompatSimulation

/// What `--dry-run` prints: for each plan entry, the object its first iteration submits to the webhook
/// (before the webhook's patch), and the cost the plan would have on a real cluster.
public enum DryRun {
    public static func render(_ plan: ExperimentPlan, paths: RunnerPaths, mpi: String?, catalog: String?, modelSpec: String?) throws -> String {
        var out: [String] = []
        let views = try paths.loadFluxViews()
        for entry in plan.entries {
            out.append("# \(entry.label): \(entry.iterations) iterations in \(entry.batches) batch(es), \(entry.nodes) \(entry.architecture) node(s)\(entry.gpu ? " with GPU" : "")")
            switch entry.kind {
            case .mode(let name):
                guard let mode = SelectionMode(rawValue: name) else { throw ExperimentError("unknown mode '\(name)'") }
                let template = LAMMPSJobTemplate(catalogReference: catalog ?? "file://" + paths.catalogFolder, mpi: mpi)
                let view = views.views(for: entry.architecture).first { $0.operatingSystem.vendor == .ubuntu && $0.operatingSystem.version == Version("22.04") }
                    ?? views.views(for: entry.architecture).first
                out.append(template.miniCluster(iteration: 0, mode: mode, fluxView: view?.image ?? "", seed: 0).serialized(pretty: true))
            case .model(let name):
                let template = HPCGPodTemplate(specReference: modelSpec ?? "file://" + paths.modelCompatibility)
                out.append(template.pod(strategy: name, iteration: 0, seed: 0).serialized(pretty: true))
            }
        }
        do {
            out.append(try CostEstimator.estimate(plan, prices: try paths.loadPrices()).table)
        } catch {
            out.append("cost: \(error)")
        }
        return out.joined(separator: "\n")
    }
}
