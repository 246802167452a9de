import CompatCore

/// Why a plan cannot run: it names a node type with no price, of the wrong architecture, or asks for
/// more instance types than the cluster has. Names the entry.
public struct PlanError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// A plan entry with its node types resolved: the candidates (cheapest first for a filter) and how
/// many of them each batch's cluster has.
public struct ResolvedEntry: Sendable, Hashable {
    public var index: Int
    public var entry: ExperimentPlan.Entry
    /// The node types a batch draws from, in the order the price filter ranked them (cheapest first),
    /// or in the cluster's order.
    public var candidates: [PriceTable.Instance]
    /// Node types per batch: all candidates, or `max-instance-types` of them.
    public var perBatch: Int

    /// The node types of `batch`: every candidate, or `perBatch` drawn uniformly without replacement
    /// (in candidate order), seeded per entry and batch so a plan's clusters are reproducible.
    public func instanceTypes(batch: Int, seed: UInt64) -> [String] {
        guard perBatch < candidates.count else { return candidates.map(\.name) }
        var random = SeededRandom(seed: seed, stream: "plan/\(index)/batch/\(batch)/instance-types")
        var indices = Array(candidates.indices)
        for i in 0..<perBatch {
            indices.swapAt(i, i + random.index(below: indices.count - i))
        }
        return indices.prefix(perBatch).sorted().map { candidates[$0].name }
    }

    /// `c2d-standard-8`, `any of 18`, `3 of cheapest 6 amd64`.
    public var nodeTypesLabel: String {
        switch entry.instanceTypes {
        case .named(let name): return name
        case .standard where candidates.count == 1: return candidates[0].name
        case .standard: return "any of \(candidates.count)\(entry.architecture.map { " \($0)" } ?? "")"
        case .cheapest(let filter, let perBatch):
            return "\(perBatch) of cheapest \(filter)\(entry.architecture.map { " \($0)" } ?? "")"
        }
    }
}

/// Resolves each entry's node types against the price table and, for model entries, the instance types
/// of the cluster the model chooses among. Everything that would stop a plan mid-way is found here,
/// before any run.
public enum PlanResolver {
    public static func resolve(_ plan: ExperimentPlan, prices: PriceTable, modelCluster: [String]) throws(PlanError) -> [ResolvedEntry] {
        var resolved: [ResolvedEntry] = []
        for (index, entry) in plan.entries.enumerated() {
            let name = "experiments[\(index)] (\(entry.label))"
            func priced(_ instance: String) throws(PlanError) -> PriceTable.Instance {
                guard let found = prices.instance(named: instance) else {
                    throw PlanError("\(name): node type '\(instance)' has no price in the price table; add it or choose one of: \(prices.instances.map(\.name).joined(separator: ", "))")
                }
                return found
            }
            func checkArchitecture(_ instance: PriceTable.Instance) throws(PlanError) {
                if let architecture = entry.architecture, instance.architecture != architecture {
                    throw PlanError("\(name): node type '\(instance.name)' is \(instance.architecture), the experiment is \(architecture); change 'arch' or 'instance'")
                }
                if entry.gpu, instance.gpus == 0 {
                    throw PlanError("\(name): node type '\(instance.name)' has no GPU, the experiment asks for one (gpu: true)")
                }
            }
            if !entry.isModelExperiment {
                guard let architecture = entry.architecture else { throw PlanError("\(name): a LAMMPS experiment needs 'arch'") }
                let instanceName: String
                switch entry.instanceTypes {
                case .named(let named): instanceName = named
                case .standard:
                    guard let standard = prices.defaultInstance(architecture: architecture, gpu: entry.gpu) else {
                        throw PlanError("\(name): no node type given and the price table has no default for \(architecture)")
                    }
                    instanceName = standard
                case .cheapest:
                    throw PlanError("\(name): a LAMMPS cluster is of one node type; name it with 'instance'")
                }
                let instance = try priced(instanceName)
                try checkArchitecture(instance)
                resolved.append(ResolvedEntry(index: index, entry: entry, candidates: [instance], perBatch: 1))
                continue
            }
            var cluster: [PriceTable.Instance] = []
            for instanceName in modelCluster {
                let instance = try priced(instanceName)
                if entry.architecture == nil || instance.architecture == entry.architecture, !entry.gpu || instance.gpus > 0 {
                    cluster.append(instance)
                }
            }
            let architectureText = entry.architecture.map { " \($0)" } ?? ""
            switch entry.instanceTypes {
            case .named(let instanceName):
                let instance = try priced(instanceName)
                try checkArchitecture(instance)
                guard modelCluster.contains(instanceName) else {
                    throw PlanError("\(name): the cluster has no '\(instanceName)' nodes; its instance types are \(modelCluster.joined(separator: ", "))")
                }
                resolved.append(ResolvedEntry(index: index, entry: entry, candidates: [instance], perBatch: 1))
            case .standard:
                guard !cluster.isEmpty else { throw PlanError("\(name): the cluster has no\(architectureText) instance types to choose among") }
                resolved.append(ResolvedEntry(index: index, entry: entry, candidates: cluster, perBatch: cluster.count))
            case .cheapest(let filter, let perBatch):
                guard cluster.count >= filter else {
                    throw PlanError("\(name): filter-instance-types is \(filter), but the cluster has only \(cluster.count)\(architectureText) instance types")
                }
                let cheapest = cluster.sorted { ($0.usdPerHour, $0.name) < ($1.usdPerHour, $1.name) }.prefix(filter)
                resolved.append(ResolvedEntry(index: index, entry: entry, candidates: Array(cheapest), perBatch: perBatch))
            }
        }
        return resolved
    }
}
