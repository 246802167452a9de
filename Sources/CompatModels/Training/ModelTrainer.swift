import CompatCore

/// Fits portable performance models on labelled runs: one-hot encoded node labels (optionally with
/// pairwise interactions), a ridge or lasso fit by coordinate descent, and the penalty and its strength
/// chosen by cross-validation grouped by instance type.
public enum ModelTrainer {
    public struct Options: Sendable, Hashable {
        /// The model key and target name.
        public var name: String
        public var targetDescription: String
        public var direction: OptimizationDirection
        public var directionSource: String
        /// The penalties to try (`[.ridge, .lasso]` lets cross-validation choose).
        public var penalties: [Penalty]
        public var interactions: Bool
        /// Number of grouped folds; `nil` holds out one instance type per fold.
        public var folds: Int?

        public init(
            name: String, targetDescription: String, direction: OptimizationDirection, directionSource: String,
            penalties: [Penalty] = Penalty.allCases, interactions: Bool = false, folds: Int? = nil
        ) {
            self.name = name
            self.targetDescription = targetDescription
            self.direction = direction
            self.directionSource = directionSource
            self.penalties = penalties
            self.interactions = interactions
            self.folds = folds
        }
    }

    /// Where the training data came from, recorded in the model's provenance.
    public struct Source: Sendable, Hashable {
        public var file: String
        public var sha256: String

        public init(file: String, sha256: String) {
            self.file = file
            self.sha256 = sha256
        }
    }

    /// One penalty strength tried, with its pooled out-of-fold R².
    public struct Candidate: Sendable, Hashable {
        public var penalty: Penalty
        public var alpha: Double
        public var crossValidatedR2: Double
    }

    /// How the chosen fit did on one held-out instance type.
    public struct HeldOutInstanceType: Sendable, Hashable {
        public var instanceType: String
        public var fold: Int
        public var rows: Int
        public var meanActual: Double
        /// Mean out-of-fold prediction (one value when the type has one label tuple, as in the HPCG data).
        public var meanPrediction: Double
        /// Whether the type's label tuple occurred among the training folds' rows. When it did not, the
        /// prediction combines effects learned from other types (and unknown categories count as the
        /// reference category); that extrapolation is what this number measures.
        public var combinationSeenInTraining: Bool
        /// Label values of this type that no training row had.
        public var unknownCategories: [DistributionFinding]
        /// R² against the type's own mean. A label-only model predicts one value per label tuple, so this is
        /// `−(mean error)² / within-type variance`: never above 0, and 0 only when the prediction is exactly
        /// the type's mean. `nil` when every run of the type had the same value.
        public var withinTypeR2: Double?
    }

    public struct CrossValidation: Sendable, Hashable {
        public var folds: GroupedFolds
        /// Every penalty strength tried, in the order tried (per penalty, strongest first).
        public var candidates: [Candidate]
        public var chosen: Candidate
        /// Pooled out-of-fold R² of the chosen candidate (1 − SSE/SST over all rows, SST about the mean of
        /// all rows), and its mean absolute error.
        public var r2: Double
        public var meanAbsoluteError: Double
        public var heldOut: [HeldOutInstanceType]
    }

    public struct Outcome: Sendable {
        /// The model fitted on all rows with the chosen penalty, with provenance.
        public var model: PerformanceModel
        public var crossValidation: CrossValidation
        public var inSampleR2: Double
        public var inSampleMeanAbsoluteError: Double
        public var sweeps: Int
        public var converged: Bool
    }

    /// Ridge strengths tried: `10^(k/4)` for `k = 4…−16` (10 down to 1e-4). Ridge's alpha is relative to
    /// the 0/1 columns' variance (at most 0.25) and does not depend on the target's units. Weaker ridge
    /// is not tried: on these rank-deficient designs coordinate descent needs about `0.25/alpha` sweeps,
    /// and the weak-penalty regime is covered by lasso, whose small alphas converge in a few thousand.
    public static let ridgeAlphas = (-16...4).reversed().map { pow10(Double($0) / 4) }
    /// Lasso strengths tried, as fractions of the smallest alpha that zeroes every coefficient:
    /// `10^(−k/4)` for `k = 0…24`.
    public static let lassoAlphaFractions = (0...24).map { pow10(-Double($0) / 4) }

    /// How much pooled cross-validated R² a weaker penalty must gain over a stronger one to be chosen.
    /// The curves are flat near their optimum (fom: 0.6899 at lasso alpha 1e-3, 0.6905 at 1e-4 down to
    /// 3e-6), and the stronger penalty keeps extrapolations to unseen label tuples more conservative.
    public static let selectionTolerance = 1e-3

    public static func train(_ data: TrainingData, options: Options, source: Source) throws(TrainingDataError) -> Outcome {
        guard !options.penalties.isEmpty else { throw TrainingDataError("no penalty to try") }
        let instanceTypes = data.instanceTypes
        let folds = try GroupedFolds(instanceTypes: instanceTypes, count: options.folds ?? Set(instanceTypes).count)
        let fullSpace = FeatureSpace(inputNames: data.inputs, tuples: data.rows.map(\.values), interactions: options.interactions)
        let fullGroups = aggregate(data.rows, space: fullSpace)
        let lassoAlphaMax = PenalizedRegression.lassoAlphaMax(design: fullGroups.design, targets: fullGroups.means, weights: fullGroups.weights)
        let grid: [(Penalty, [Double])] = options.penalties.map { penalty in
            (penalty, penalty == .ridge ? ridgeAlphas : lassoAlphaFractions.map { $0 * lassoAlphaMax })
        }

        // Out-of-fold predictions per candidate, filled fold by fold.
        let candidateCount = grid.reduce(0) { $0 + $1.1.count }
        var outOfFold = Array(repeating: Array(repeating: 0.0, count: data.rows.count), count: candidateCount)
        var foldFacts: [String: (seen: Bool, unknown: [DistributionFinding])] = [:]
        for fold in 0..<folds.count {
            let held = Set(folds.heldOut[fold])
            let trainingRows = data.rows.filter { !held.contains($0.instanceType) }
            let heldRowIndices = data.rows.indices.filter { held.contains(data.rows[$0].instanceType) }
            let space = FeatureSpace(inputNames: data.inputs, tuples: trainingRows.map(\.values), interactions: options.interactions)
            let groups = aggregate(trainingRows, space: space)
            let seen = distinct(trainingRows.map(\.values))
            var candidate = 0
            for (penalty, alphas) in grid {
                for fit in path(groups, penalty: penalty, alphas: alphas) {
                    let model = space.model(
                        coefficients: fit.coefficients, intercept: fit.intercept, name: options.name,
                        targetDescription: options.targetDescription, direction: options.direction,
                        directionSource: options.directionSource, seenTuples: seen
                    )
                    var cache: [[String]: Double] = [:]
                    for index in heldRowIndices {
                        let values = data.rows[index].values
                        if cache[values] == nil { cache[values] = model.predict(data.labels(of: data.rows[index])) ?? .nan }
                        outOfFold[candidate][index] = cache[values] ?? .nan
                    }
                    if candidate == 0 {
                        for index in heldRowIndices where foldFacts[data.rows[index].instanceType] == nil {
                            let assessment = model.assess(data.labels(of: data.rows[index]))
                            foldFacts[data.rows[index].instanceType] = (
                                assessment.inputCombinationSeen ?? false,
                                assessment.outOfDistribution.filter { $0.kind == .unknownCategory }
                            )
                        }
                    }
                    candidate += 1
                }
            }
        }

        let targets = data.rows.map(\.target)
        var candidates: [Candidate] = []
        var candidate = 0
        for (penalty, alphas) in grid {
            for alpha in alphas {
                candidates.append(Candidate(penalty: penalty, alpha: alpha, crossValidatedR2: rSquared(targets, outOfFold[candidate])))
                candidate += 1
            }
        }
        // The first candidate (first penalty listed, strongest alpha first) within `selectionTolerance`
        // of the best pooled R²: a weaker penalty has to earn its extra freedom.
        let bestR2 = candidates.map(\.crossValidatedR2).max() ?? -.infinity
        let chosenIndex = candidates.firstIndex { $0.crossValidatedR2 >= bestR2 - selectionTolerance } ?? 0
        let chosen = candidates[chosenIndex]
        let predictions = outOfFold[chosenIndex]

        let heldOut = instanceTypes.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { type -> HeldOutInstanceType in
            let indices = data.rows.indices.filter { data.rows[$0].instanceType == type }
            let actual = indices.map { targets[$0] }
            let predicted = indices.map { predictions[$0] }
            let mean = actual.reduce(0, +) / Double(actual.count)
            let within = actual.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) }
            let error = zip(actual, predicted).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            return HeldOutInstanceType(
                instanceType: type, fold: folds.fold(of: type) ?? 0, rows: indices.count, meanActual: mean,
                meanPrediction: predicted.reduce(0, +) / Double(predicted.count),
                combinationSeenInTraining: foldFacts[type]?.seen ?? false,
                unknownCategories: foldFacts[type]?.unknown ?? [],
                withinTypeR2: within > 0 ? 1 - error / within : nil
            )
        }
        let crossValidation = CrossValidation(
            folds: folds, candidates: candidates, chosen: chosen, r2: chosen.crossValidatedR2,
            meanAbsoluteError: meanAbsoluteError(targets, predictions), heldOut: heldOut
        )

        // Refit on every row along the same path, down to the chosen strength.
        let chosenAlphas = grid.first { $0.0 == chosen.penalty }?.1.prefix { $0 >= chosen.alpha } ?? []
        let finalFit = path(fullGroups, penalty: chosen.penalty, alphas: Array(chosenAlphas)).last
            ?? PenalizedRegression.fit(design: fullGroups.design, targets: fullGroups.means, weights: fullGroups.weights, penalty: chosen.penalty, alpha: chosen.alpha)
        var model = fullSpace.model(
            coefficients: finalFit.coefficients, intercept: finalFit.intercept, name: options.name,
            targetDescription: options.targetDescription, direction: options.direction,
            directionSource: options.directionSource, seenTuples: data.distinctInputTuples
        )
        let fitted = data.rows.map { model.predict(data.labels(of: $0)) ?? .nan }
        let inSampleR2 = rSquared(targets, fitted)
        let inSampleMAE = meanAbsoluteError(targets, fitted)
        model.provenance = provenance(
            data: data, options: options, source: source, crossValidation: crossValidation,
            inSample: (inSampleR2, inSampleMAE), fit: finalFit
        )
        return Outcome(
            model: model, crossValidation: crossValidation, inSampleR2: inSampleR2,
            inSampleMeanAbsoluteError: inSampleMAE, sweeps: finalFit.sweeps, converged: finalFit.converged
        )
    }

    // MARK: Fitting

    /// Rows sharing a label tuple, reduced to (design row, count, mean target): an exact reduction.
    struct Groups {
        var design: [[Double]]
        var weights: [Double]
        var means: [Double]
    }

    static func aggregate(_ rows: [TrainingData.Row], space: FeatureSpace) -> Groups {
        var order: [[String]] = []
        var sums: [[String]: (count: Double, sum: Double)] = [:]
        for row in rows {
            if let entry = sums[row.values] {
                sums[row.values] = (entry.count + 1, entry.sum + row.target)
            } else {
                order.append(row.values)
                sums[row.values] = (1, row.target)
            }
        }
        return Groups(
            design: order.map(space.encode),
            weights: order.map { sums[$0]?.count ?? 0 },
            means: order.map { tuple in sums[tuple].map { $0.sum / $0.count } ?? 0 }
        )
    }

    /// Fits strongest to weakest, each warm-started from the previous.
    static func path(_ groups: Groups, penalty: Penalty, alphas: [Double]) -> [PenalizedRegression.Fit] {
        var fits: [PenalizedRegression.Fit] = []
        for alpha in alphas {
            fits.append(PenalizedRegression.fit(
                design: groups.design, targets: groups.means, weights: groups.weights,
                penalty: penalty, alpha: alpha, warmStart: fits.last?.coefficients
            ))
        }
        return fits
    }

    static func distinct(_ tuples: [[String]]) -> [[String]] {
        var seen: Set<[String]> = []
        return tuples.filter { seen.insert($0).inserted }
    }

    // MARK: Metrics

    /// `1 − SSE/SST`, SST about the mean of `actual`. `-inf` when a prediction is missing.
    public static func rSquared(_ actual: [Double], _ predicted: [Double]) -> Double {
        guard !actual.isEmpty else { return .nan }
        let mean = actual.reduce(0, +) / Double(actual.count)
        var residual = 0.0
        var total = 0.0
        for (y, p) in zip(actual, predicted) {
            guard p.isFinite else { return -.infinity }
            residual += (y - p) * (y - p)
            total += (y - mean) * (y - mean)
        }
        return total > 0 ? 1 - residual / total : (residual == 0 ? 1 : -.infinity)
    }

    public static func meanAbsoluteError(_ actual: [Double], _ predicted: [Double]) -> Double {
        guard !actual.isEmpty else { return .nan }
        return zip(actual, predicted).reduce(0.0) { $0 + abs($1.0 - $1.1) } / Double(actual.count)
    }

    /// `10^exponent` for multiples of 1/4, the same double on every platform (no libm `pow`): an exact
    /// power of ten (correctly rounded once when negative) times a fixed quarter-decade factor.
    private static func pow10(_ exponent: Double) -> Double {
        let whole = Int(exponent.rounded(.down))
        var power = 1.0
        for _ in 0..<abs(whole) { power *= 10 }
        let quarter = min(3, max(0, Int(((exponent - Double(whole)) * 4).rounded())))
        let quarterPowers = [1.0, 1.7782794100389228, 3.1622776601683795, 5.623413251903491]
        return (whole < 0 ? 1 / power : power) * quarterPowers[quarter]
    }
}
