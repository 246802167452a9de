import CompatCore

/// How long runs and cluster bring-ups take, the two inputs of a cost estimate besides prices.
public struct CostAssumptions: Sendable, Hashable {
    /// Wall-clock minutes per iteration, MiniCluster creation to deletion. The lammps-matrix pilot
    /// started an iteration every 30–57 s on average per mode (the `wait-fs` timestamps of consecutive
    /// logs: basic 57 s, platform 30 s, platform-version 31 s, descriptive-basic 41 s), so 1 minute.
    public var minutesPerRun: Double
    /// Minutes per batch to create and delete the cluster (Kubernetes nodes, Flux Operator). Not
    /// measured in the data; 10 minutes is a typical managed-cluster creation time.
    public var setupMinutesPerBatch: Double

    public init(minutesPerRun: Double = 1.0, setupMinutesPerBatch: Double = 10.0) {
        self.minutesPerRun = minutesPerRun
        self.setupMinutesPerBatch = setupMinutesPerBatch
    }
}

/// Why a plan cannot be priced.
public struct CostEstimateError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public var description: String { message }
}

/// The estimated cost of each plan entry and of the whole plan.
public struct CostEstimate: Sendable, Hashable {
    public struct Line: Sendable, Hashable {
        public var label: String
        public var instance: String
        public var nodes: Int
        public var nodeHours: Double
        public var usdPerHour: Double
        public var usd: Double
    }

    public var lines: [Line]
    public var currency: String
    public var retrieved: String

    public var totalNodeHours: Double { lines.reduce(0) { $0 + $1.nodeHours } }
    public var totalUSD: Double { lines.reduce(0) { $0 + $1.usd } }

    /// A table for stdout, ending with the total and where the prices came from.
    public var table: String {
        var rows: [[String]] = [["experiment", "node type", "nodes", "node-hours", "\(currency)/hour", currency]]
        for line in lines {
            rows.append([line.label, line.instance, String(line.nodes), decimalText(line.nodeHours, maximumFractionDigits: 2),
                         decimalText(line.usdPerHour, maximumFractionDigits: 4), decimalText(line.usd, maximumFractionDigits: 2)])
        }
        rows.append(["total", "", "", decimalText(totalNodeHours, maximumFractionDigits: 2), "", decimalText(totalUSD, maximumFractionDigits: 2)])
        return TextTable.render(rows, rightAligned: [2, 3, 4, 5])
            + "Approximate on-demand list prices read \(retrieved); no discounts, storage or traffic.\n"
    }
}

/// Prices a plan: node-hours = nodes × (batches × setup + iterations × per-run minutes) / 60, times the
/// node type's hourly price. The node type is the entry's `instance`, else the price table's default
/// for its architecture (or for GPU entries).
public enum CostEstimator {
    public static func estimate(_ plan: ExperimentPlan, prices: PriceTable, assumptions: CostAssumptions = CostAssumptions()) throws(CostEstimateError) -> CostEstimate {
        guard assumptions.minutesPerRun >= 0, assumptions.setupMinutesPerBatch >= 0,
              assumptions.minutesPerRun.isFinite, assumptions.setupMinutesPerBatch.isFinite
        else {
            throw CostEstimateError(message: "run and setup minutes must be finite and not negative")
        }
        var lines: [CostEstimate.Line] = []
        for (index, entry) in plan.entries.enumerated() {
            guard let name = entry.instance ?? prices.defaultInstance(architecture: entry.architecture, gpu: entry.gpu) else {
                throw CostEstimateError(message: "experiments[\(index)] (\(entry.label)): no node type given and no default for \(entry.architecture)")
            }
            guard let instance = prices.instance(named: name) else {
                throw CostEstimateError(message: "experiments[\(index)] (\(entry.label)): node type '\(name)' has no price in the price table; add it or choose one of: \(prices.instances.map(\.name).joined(separator: ", "))")
            }
            guard instance.architecture == entry.architecture else {
                throw CostEstimateError(message: "experiments[\(index)] (\(entry.label)): node type '\(name)' is \(instance.architecture), the experiment is \(entry.architecture)")
            }
            let minutes = Double(entry.batches) * assumptions.setupMinutesPerBatch + Double(entry.iterations) * assumptions.minutesPerRun
            let nodeHours = Double(entry.nodes) * minutes / 60
            lines.append(CostEstimate.Line(
                label: entry.label, instance: name, nodes: entry.nodes, nodeHours: nodeHours,
                usdPerHour: instance.usdPerHour, usd: nodeHours * instance.usdPerHour
            ))
        }
        return CostEstimate(lines: lines, currency: prices.currency, retrieved: prices.retrieved)
    }
}
