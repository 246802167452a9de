/// The penalty of a linear fit.
public enum Penalty: String, Sendable, CaseIterable, Hashable {
    /// `alpha/2 · Σ b²`: shrinks every coefficient, keeps them all, and stays bounded on collinear columns.
    case ridge
    /// `alpha · Σ |b|`: shrinks and sets some coefficients to exactly zero.
    case lasso
}

/// Weighted linear least squares with a ridge or lasso penalty, solved by cyclic coordinate descent.
///
/// Minimises `1/(2W) · Σ w_i (y_i − b0 − x_i·b)² + alpha · P(b)` with `W = Σ w_i`. The intercept is not
/// penalised: columns and targets are centred on their weighted means, and `b0` is recovered at the end.
/// Columns are not scaled: every training column is a 0/1 indicator already, and scaling by the column's
/// standard deviation would all but remove the penalty from rare categories (an instance type with 3
/// rows would keep an unshrunk effect), which measurably worsened grouped cross-validation.
///
/// Weights make aggregation exact: rows sharing one design row can be replaced by a single row with the
/// count as weight and the mean target, which gives the same minimiser (the within-group sum of squares
/// is a constant). The HPCG data's 4,992 rows reduce to 10 distinct label tuples this way.
///
/// Deterministic: columns are visited in order, from zero or the given warm start, until a full sweep
/// moves no fitted value by more than `tolerance` times the target's standard deviation, or
/// `maximumSweeps` sweeps have run.
public enum PenalizedRegression {
    public struct Fit: Sendable, Hashable {
        public var coefficients: [Double]
        public var intercept: Double
        public var sweeps: Int
        public var converged: Bool
    }

    /// - Parameters:
    ///   - design: one row per observation (or group), one column per feature; rows of equal width.
    ///   - weights: one positive weight per row (`nil`: all 1).
    ///   - warmStart: coefficients to start from (a neighbouring alpha's fit), `nil` for zeros.
    public static func fit(
        design: [[Double]], targets: [Double], weights: [Double]? = nil, penalty: Penalty, alpha: Double,
        warmStart: [Double]? = nil, tolerance: Double = 1e-10, maximumSweeps: Int = 200_000
    ) -> Fit {
        // Identical columns (a label implied by another, like kernel 5.10 and OS version 2, or most
        // interaction products on a few label tuples) are fitted as one. This is exact: k identical
        // columns with ridge equal one column scaled by √k, each getting 1/k of the combined effect;
        // with lasso any same-signed split is optimal, and the equal one is taken.
        let columnCount = design.first?.count ?? 0
        var groups: [[Int]] = []
        var groupOfColumn: [[Double]: Int] = [:]
        for j in 0..<columnCount {
            let column = design.map { $0[j] }
            if let group = groupOfColumn[column] {
                groups[group].append(j)
            } else {
                groupOfColumn[column] = groups.count
                groups.append([j])
            }
        }
        let scales = groups.map { penalty == .ridge ? Double($0.count).squareRoot() : 1.0 }
        let merged = design.map { row in groups.indices.map { row[groups[$0][0]] * scales[$0] } }
        let mergedStart = warmStart.flatMap { start in
            start.count == columnCount ? groups.indices.map { g in groups[g].reduce(0.0) { $0 + start[$1] } / scales[g] } : nil
        }
        let inner = solve(
            design: merged, targets: targets, weights: weights, penalty: penalty, alpha: alpha,
            warmStart: mergedStart, tolerance: tolerance, maximumSweeps: maximumSweeps
        )
        var coefficients = Array(repeating: 0.0, count: columnCount)
        for (g, members) in groups.enumerated() {
            let share = inner.coefficients[g] * scales[g] / Double(members.count)
            for j in members { coefficients[j] = share }
        }
        return Fit(coefficients: coefficients, intercept: inner.intercept, sweeps: inner.sweeps, converged: inner.converged)
    }

    /// Coordinate descent proper, on distinct columns.
    private static func solve(
        design: [[Double]], targets: [Double], weights: [Double]?, penalty: Penalty, alpha: Double,
        warmStart: [Double]?, tolerance: Double, maximumSweeps: Int
    ) -> Fit {
        let rowCount = design.count
        let columnCount = design.first?.count ?? 0
        let w = weights ?? Array(repeating: 1.0, count: rowCount)
        let totalWeight = w.reduce(0, +)
        guard rowCount > 0, totalWeight > 0 else {
            return Fit(coefficients: Array(repeating: 0, count: columnCount), intercept: 0, sweeps: 0, converged: true)
        }
        var means = Array(repeating: 0.0, count: columnCount)
        var targetMean = 0.0
        for i in 0..<rowCount {
            targetMean += w[i] * targets[i]
            for j in 0..<columnCount { means[j] += w[i] * design[i][j] }
        }
        targetMean /= totalWeight
        for j in 0..<columnCount { means[j] /= totalWeight }

        // Centred columns, column-major in one buffer: column j is centred[j*rowCount ..< (j+1)*rowCount].
        var centred = Array(repeating: 0.0, count: columnCount * rowCount)
        var variances = Array(repeating: 0.0, count: columnCount)
        for j in 0..<columnCount {
            for i in 0..<rowCount {
                let value = design[i][j] - means[j]
                centred[j * rowCount + i] = value
                variances[j] += w[i] * value * value
            }
            variances[j] /= totalWeight
        }
        var residuals = (0..<rowCount).map { targets[$0] - targetMean }
        let targetDeviation = (residuals.indices.reduce(0.0) { $0 + w[$1] * residuals[$1] * residuals[$1] } / totalWeight).squareRoot()
        let active = (0..<columnCount).filter { variances[$0] > constantColumnVariance }

        var b = Array(repeating: 0.0, count: columnCount)
        if let warmStart, warmStart.count == columnCount {
            for j in active where warmStart[j] != 0 {
                b[j] = warmStart[j]
                for i in 0..<rowCount { residuals[i] -= centred[j * rowCount + i] * b[j] }
            }
        }
        guard targetDeviation > 0 else {
            return Fit(coefficients: Array(repeating: 0, count: columnCount), intercept: targetMean, sweeps: 0, converged: true)
        }

        var sweeps = 0
        var converged = false
        centred.withUnsafeBufferPointer { x in
            w.withUnsafeBufferPointer { weight in
                residuals.withUnsafeMutableBufferPointer { r in
                    while sweeps < maximumSweeps {
                        sweeps += 1
                        var largestMove = 0.0
                        for j in active {
                            let offset = j * rowCount
                            var correlation = 0.0
                            for i in 0..<rowCount { correlation += weight[i] * x[offset + i] * r[i] }
                            let rho = correlation / totalWeight + variances[j] * b[j]
                            let updated: Double
                            switch penalty {
                            case .ridge:
                                updated = rho / (variances[j] + alpha)
                            case .lasso:
                                updated = rho.sign == .minus ? -max(-rho - alpha, 0) / variances[j] : max(rho - alpha, 0) / variances[j]
                            }
                            let delta = updated - b[j]
                            guard delta != 0 else { continue }
                            for i in 0..<rowCount { r[i] -= delta * x[offset + i] }
                            b[j] = updated
                            largestMove = max(largestMove, abs(delta) * variances[j].squareRoot())
                        }
                        if largestMove <= tolerance * targetDeviation {
                            converged = true
                            break
                        }
                    }
                }
            }
        }
        var intercept = targetMean
        for j in 0..<columnCount { intercept -= means[j] * b[j] }
        return Fit(coefficients: b, intercept: intercept, sweeps: sweeps, converged: converged)
    }

    /// Columns whose weighted variance is at most this are constant on the data and get coefficient 0
    /// (a 0/1 column over any real sample has variance 0 or at least 1/W·(1−1/W)).
    static let constantColumnVariance = 1e-12

    /// The smallest lasso alpha at which every coefficient is zero: `max_j |1/W · Σ w xc_j yc|`.
    public static func lassoAlphaMax(design: [[Double]], targets: [Double], weights: [Double]? = nil) -> Double {
        let rowCount = design.count
        let columnCount = design.first?.count ?? 0
        let w = weights ?? Array(repeating: 1.0, count: rowCount)
        let totalWeight = w.reduce(0, +)
        guard rowCount > 0, totalWeight > 0 else { return 0 }
        let targetMean = (0..<rowCount).reduce(0.0) { $0 + w[$1] * targets[$1] } / totalWeight
        var largest = 0.0
        for j in 0..<columnCount {
            let mean = (0..<rowCount).reduce(0.0) { $0 + w[$1] * design[$1][j] } / totalWeight
            let covariance = (0..<rowCount).reduce(0.0) { $0 + w[$1] * (design[$1][j] - mean) * (targets[$1] - targetMean) } / totalWeight
            largest = max(largest, abs(covariance))
        }
        return largest
    }
}
