import CompatModels
import Testing

@Suite struct PenalizedRegressionTests {
    // One 0/1 column: mean 0.5, variance 0.25; targets 1, 3, 1, 3 (covariance with the column 0.5).
    private let column: [[Double]] = [[0], [1], [0], [1]]
    private let targets: [Double] = [1, 3, 1, 3]

    private func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
        abs(a - b) <= tolerance * max(1, abs(b))
    }

    @Test func ridgeOnOneColumnIsCovarianceOverVariancePlusAlpha() {
        // b = 0.5 / (0.25 + 0.25) = 1, b0 = mean(y) - 0.5 b = 1.5
        let fit = PenalizedRegression.fit(design: column, targets: targets, penalty: .ridge, alpha: 0.25)
        #expect(fit.converged)
        #expect(close(fit.coefficients[0], 1))
        #expect(close(fit.intercept, 1.5))
    }

    @Test func lassoOnOneColumnSoftThresholdsTheCovariance() {
        // b = (0.5 - 0.1) / 0.25 = 1.6, b0 = 2 - 0.8 = 1.2; at alpha >= 0.5 the coefficient is zero.
        let fit = PenalizedRegression.fit(design: column, targets: targets, penalty: .lasso, alpha: 0.1)
        #expect(close(fit.coefficients[0], 1.6))
        #expect(close(fit.intercept, 1.2))
        #expect(PenalizedRegression.lassoAlphaMax(design: column, targets: targets) == 0.5)
        let zeroed = PenalizedRegression.fit(design: column, targets: targets, penalty: .lasso, alpha: 0.5)
        #expect(zeroed.coefficients == [0])
        #expect(zeroed.intercept == 2)
    }

    @Test func ridgeOnTwoCorrelatedColumnsMatchesTheNormalEquations() {
        let design: [[Double]] = [[1, 0], [1, 1], [0, 1], [0, 0], [1, 1]]
        let y: [Double] = [2, 5, 3, 0, 4]
        let alpha = 0.1
        // (C + alpha I) b = c with C the covariance of the columns and c their covariance with y (1/n).
        let n = Double(design.count)
        let m0 = design.map { $0[0] }.reduce(0, +) / n, m1 = design.map { $0[1] }.reduce(0, +) / n, my = y.reduce(0, +) / n
        var c00 = 0.0, c01 = 0.0, c11 = 0.0, c0y = 0.0, c1y = 0.0
        for (row, target) in zip(design, y) {
            c00 += (row[0] - m0) * (row[0] - m0) / n
            c01 += (row[0] - m0) * (row[1] - m1) / n
            c11 += (row[1] - m1) * (row[1] - m1) / n
            c0y += (row[0] - m0) * (target - my) / n
            c1y += (row[1] - m1) * (target - my) / n
        }
        let a00 = c00 + alpha, a11 = c11 + alpha
        let determinant = a00 * a11 - c01 * c01
        let b0 = (c0y * a11 - c01 * c1y) / determinant
        let b1 = (a00 * c1y - c01 * c0y) / determinant
        let fit = PenalizedRegression.fit(design: design, targets: y, penalty: .ridge, alpha: alpha)
        #expect(fit.converged)
        #expect(close(fit.coefficients[0], b0))
        #expect(close(fit.coefficients[1], b1))
        #expect(close(fit.intercept, my - m0 * b0 - m1 * b1))
    }

    @Test func weightedGroupsGiveTheSameFitAsTheRowsTheyStandFor() {
        let rows: [[Double]] = [[1, 0], [1, 0], [1, 0], [0, 1], [0, 1], [0, 0]]
        let y: [Double] = [4, 5, 6, 1, 3, 2]
        let groups: [[Double]] = [[1, 0], [0, 1], [0, 0]]
        for penalty in Penalty.allCases {
            let full = PenalizedRegression.fit(design: rows, targets: y, penalty: penalty, alpha: 0.05)
            let aggregated = PenalizedRegression.fit(design: groups, targets: [5, 2, 2], weights: [3, 2, 1], penalty: penalty, alpha: 0.05)
            #expect(zip(full.coefficients, aggregated.coefficients).allSatisfy { close($0, $1) })
            #expect(close(full.intercept, aggregated.intercept))
        }
    }

    @Test func identicalColumnsShareTheEffectEqually() {
        // Ridge with two copies of the column: each b = 0.5 / (2 * 0.25 + 0.5) = 0.5, like one column at half the penalty.
        let doubled = column.map { $0 + $0 }
        let ridge = PenalizedRegression.fit(design: doubled, targets: targets, penalty: .ridge, alpha: 0.5)
        #expect(close(ridge.coefficients[0], 0.5))
        #expect(ridge.coefficients[0] == ridge.coefficients[1])
        #expect(close(ridge.intercept, 1.5))
        // Lasso: the one-column solution 1.6, split evenly.
        let lasso = PenalizedRegression.fit(design: doubled, targets: targets, penalty: .lasso, alpha: 0.1)
        #expect(close(lasso.coefficients[0], 0.8))
        #expect(lasso.coefficients[0] == lasso.coefficients[1])
    }

    @Test func aConstantColumnGetsNoCoefficient() {
        let design = column.map { $0 + [1] }
        let fit = PenalizedRegression.fit(design: design, targets: targets, penalty: .ridge, alpha: 0.25)
        #expect(fit.coefficients[1] == 0)
        #expect(close(fit.coefficients[0], 1))
    }

    @Test func aWarmStartReachesTheSameSolution() {
        let design: [[Double]] = [[1, 0], [1, 1], [0, 1], [0, 0], [1, 1]]
        let y: [Double] = [2, 5, 3, 0, 4]
        let cold = PenalizedRegression.fit(design: design, targets: y, penalty: .lasso, alpha: 0.05)
        let warm = PenalizedRegression.fit(design: design, targets: y, penalty: .lasso, alpha: 0.05, warmStart: [10, -10])
        #expect(zip(cold.coefficients, warm.coefficients).allSatisfy { close($0, $1, 1e-8) })
    }
}
