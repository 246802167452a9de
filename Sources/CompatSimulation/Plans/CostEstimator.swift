import CompatCore
import Foundation

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

/// The estimated cost of each plan entry and of the whole plan. An entry whose batches draw among node
/// types of different prices has a range: the mean price of its candidates (what a uniform draw costs
/// on average) and the highest (what it costs at most).
public struct CostEstimate: Sendable, Hashable {
    public struct Line: Sendable, Hashable {
        public var label: String
        public var nodeTypes: String
        public var nodes: Int
        public var batches: Int
        public var runs: Int
        public var nodeHours: Double
        public var meanUSDPerHour: Double
        public var maximumUSDPerHour: Double

        public var expectedUSD: Double { nodeHours * meanUSDPerHour }
        public var maximumUSD: Double { nodeHours * maximumUSDPerHour }
    }

    public var lines: [Line]
    public var currency: String
    public var retrieved: String

    public var totalRuns: Int { lines.reduce(0) { $0 + $1.runs } }
    public var totalNodeHours: Double { lines.reduce(0) { $0 + $1.nodeHours } }
    public var totalExpectedUSD: Double { lines.reduce(0) { $0 + $1.expectedUSD } }
    public var totalMaximumUSD: Double { lines.reduce(0) { $0 + $1.maximumUSD } }

    /// A table for stdout, one row per entry and a total, then where the prices came from.
    public var table: String {
        // Money always with cents, so a column of amounts lines up and reads as money.
        func money(_ x: Double) -> String { String(format: "%.2f", locale: Locale(identifier: "en_US_POSIX"), x) }
        func rate(_ low: Double, _ high: Double) -> String {
            low == high ? decimalText(low, maximumFractionDigits: 4)
                : "\(decimalText(low, maximumFractionDigits: 4))-\(decimalText(high, maximumFractionDigits: 4))"
        }
        var rows: [[String]] = [["experiment", "node types", "nodes", "batches", "runs", "node-hours", "\(currency)/hour (mean-max)", "\(currency) (mean)", "\(currency) (at most)"]]
        for line in lines {
            rows.append([
                line.label, line.nodeTypes, String(line.nodes), String(line.batches), String(line.runs),
                decimalText(line.nodeHours, maximumFractionDigits: 2), rate(line.meanUSDPerHour, line.maximumUSDPerHour),
                money(line.expectedUSD), money(line.maximumUSD),
            ])
        }
        rows.append(["total", "", "", "", String(totalRuns), decimalText(totalNodeHours, maximumFractionDigits: 2), "", money(totalExpectedUSD), money(totalMaximumUSD)])
        return TextTable.render(rows, rightAligned: [2, 3, 4, 5, 6, 7, 8])
            + "Approximate on-demand list prices read \(retrieved); no discounts, storage or traffic.\n"
    }
}

/// Prices a plan: node-hours = nodes × batches × (setup + selections × iterations × per-run minutes) / 60,
/// times the node types' hourly prices (see ``PlanResolver`` for which node types an entry uses).
public enum CostEstimator {
    public static func estimate(
        _ plan: ExperimentPlan, prices: PriceTable, modelCluster: [String], assumptions: CostAssumptions = CostAssumptions()
    ) throws(PlanError) -> CostEstimate {
        try estimate(try PlanResolver.resolve(plan, prices: prices, modelCluster: modelCluster), prices: prices, assumptions: assumptions)
    }

    public static func estimate(_ resolved: [ResolvedEntry], prices: PriceTable, assumptions: CostAssumptions = CostAssumptions()) throws(PlanError) -> CostEstimate {
        guard assumptions.minutesPerRun >= 0, assumptions.setupMinutesPerBatch >= 0,
              assumptions.minutesPerRun.isFinite, assumptions.setupMinutesPerBatch.isFinite
        else {
            throw PlanError("run and setup minutes must be finite and not negative")
        }
        let lines = resolved.map { item in
            let entry = item.entry
            let perBatchMinutes = assumptions.setupMinutesPerBatch + Double(entry.selections.count * entry.iterations) * assumptions.minutesPerRun
            let nodeHours = Double(entry.nodes * entry.batches) * perBatchMinutes / 60
            let rates = item.candidates.map(\.usdPerHour)
            return CostEstimate.Line(
                label: entry.label, nodeTypes: item.nodeTypesLabel, nodes: entry.nodes, batches: entry.batches, runs: entry.runs,
                nodeHours: nodeHours, meanUSDPerHour: rates.reduce(0, +) / Double(max(1, rates.count)), maximumUSDPerHour: rates.max() ?? 0
            )
        }
        return CostEstimate(lines: lines, currency: prices.currency, retrieved: prices.retrieved)
    }
}
