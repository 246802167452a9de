/// How well a model predicts labelled runs, and how well it would choose among their instance types.
///
/// Selection quality is measured the way the model is used: candidate instance types (one node each,
/// labelled with its instance type) go through ``InstanceChooser`` with its out-of-distribution guard, and
/// the chosen type's mean measured value is compared with the truly best type's mean. Regret is the gap
/// in percent of the best mean.
public struct ModelEvaluation: Sendable, Hashable {
    public struct InstanceTypeResult: Sendable, Hashable {
        public var instanceType: String
        public var rows: Int
        public var meanActual: Double
        /// `nil` when the type's labels cannot be scored.
        public var meanPrediction: Double?
        public var inDistribution: Bool
    }

    /// One choice among some instance types.
    public struct Selection: Sendable, Hashable {
        public var candidates: [String]
        public var chosen: String
        /// The type with the best mean measured value (first in CSV order on a tie).
        public var best: String
        public var regretPercent: Double
        public var isBest: Bool { regretPercent == 0 }
    }

    public struct PairwiseSelection: Sendable, Hashable {
        public var pairs: Int
        /// Pairs where the chosen type has the best mean.
        public var hits: Int
        public var meanRegretPercent: Double
        public var worstRegretPercent: Double
    }

    public var model: String
    public var direction: OptimizationDirection
    public var rows: Int
    /// Rows the model can score (others lack an input).
    public var scoredRows: Int
    /// Scored rows whose labels the guard flags as out of distribution.
    public var outOfDistributionRows: Int
    public var r2: Double
    public var meanAbsoluteError: Double
    public var instanceTypes: [InstanceTypeResult]
    /// The choice among all instance types of the data.
    public var allTypes: Selection
    /// Every unordered pair of instance types, each a separate choice.
    public var pairwise: PairwiseSelection

    /// - Parameter direction: overrides the model's direction (the published `mpi_allreduce_max` says
    ///   `maximize`, for example).
    public static func evaluate(
        _ model: PerformanceModel, on data: TrainingData, direction: OptimizationDirection? = nil
    ) throws(TrainingDataError) -> ModelEvaluation {
        let direction = direction ?? model.direction
        var assessments: [[String]: ModelAssessment] = [:]
        var actual: [Double] = []
        var predicted: [Double] = []
        var outOfDistribution = 0
        for row in data.rows {
            let assessment = assessments[row.values] ?? model.assess(data.labels(of: row))
            assessments[row.values] = assessment
            guard let prediction = assessment.prediction else { continue }
            actual.append(row.target)
            predicted.append(prediction)
            if !assessment.isInDistribution { outOfDistribution += 1 }
        }
        guard !actual.isEmpty else {
            let missing = assessments.values.first?.inputProblems.map(\.description).joined(separator: ", ") ?? ""
            throw TrainingDataError("model '\(model.name)' cannot score any row: \(missing)")
        }

        let types = data.instanceTypes
        let results = types.map { type -> InstanceTypeResult in
            let rows = data.rows.filter { $0.instanceType == type }
            let scored = rows.compactMap { assessments[$0.values]?.prediction }
            return InstanceTypeResult(
                instanceType: type, rows: rows.count,
                meanActual: rows.reduce(0.0) { $0 + $1.target } / Double(rows.count),
                meanPrediction: scored.count == rows.count ? scored.reduce(0, +) / Double(scored.count) : nil,
                inDistribution: rows.allSatisfy { assessments[$0.values]?.isInDistribution == true }
            )
        }
        // One node per instance type: its first row's labels plus its instance-type label.
        let nodes = types.map { type -> [String: String] in
            var labels = data.rows.first { $0.instanceType == type }.map(data.labels(of:)) ?? [:]
            labels[InstanceChooser.identityLabels[0]] = type
            return labels
        }
        let means = results.map(\.meanActual)
        let all = choose(model, nodes: nodes, candidates: Array(types.indices), means: means, types: types, direction: direction)
        var pairs = 0
        var hits = 0
        var regretSum = 0.0
        var worst = 0.0
        for a in types.indices {
            for b in types.indices where b > a {
                guard let selection = choose(model, nodes: nodes, candidates: [a, b], means: means, types: types, direction: direction) else { continue }
                pairs += 1
                if selection.isBest { hits += 1 }
                regretSum += selection.regretPercent
                worst = max(worst, selection.regretPercent)
            }
        }
        guard let all else {
            throw TrainingDataError("model '\(model.name)' cannot score any instance type of the data")
        }
        return ModelEvaluation(
            model: model.name, direction: direction, rows: data.rows.count, scoredRows: actual.count,
            outOfDistributionRows: outOfDistribution,
            r2: ModelTrainer.rSquared(actual, predicted), meanAbsoluteError: ModelTrainer.meanAbsoluteError(actual, predicted),
            instanceTypes: results, allTypes: all,
            pairwise: PairwiseSelection(pairs: pairs, hits: hits, meanRegretPercent: pairs > 0 ? regretSum / Double(pairs) : 0, worstRegretPercent: worst)
        )
    }

    private static func choose(
        _ model: PerformanceModel, nodes: [[String: String]], candidates: [Int], means: [Double], types: [String],
        direction: OptimizationDirection
    ) -> Selection? {
        guard let choice = try? InstanceChooser.choose(model: model, nodes: candidates.map { nodes[$0] }, direction: SelectionDirection(direction)) else {
            return nil
        }
        let chosen = candidates[choice.chosen.index]
        var best = candidates[0]
        for candidate in candidates.dropFirst() {
            if direction == .maximize ? means[candidate] > means[best] : means[candidate] < means[best] { best = candidate }
        }
        let gap = abs(means[best] - means[chosen])
        return Selection(
            candidates: candidates.map { types[$0] }, chosen: types[chosen], best: types[best],
            regretPercent: means[best] == 0 ? (gap == 0 ? 0 : .infinity) : gap / abs(means[best]) * 100
        )
    }
}
