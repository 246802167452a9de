import CompatCore
import Foundation

/// The significance of a strategy's figures of merit against a baseline's, as seed 004's question
/// ("does the model improve the overall FOM at a rate that is significant?") needs it answered: the
/// mean with a bootstrap confidence interval, the gain of the mean with its interval, and a
/// Mann–Whitney U test that does not assume normal FOMs.
public struct StrategyComparison: Sendable, Hashable {
    /// `mean / baseline mean − 1`, in percent, and its percentile bootstrap interval (both samples
    /// resampled independently).
    public var gainPercent: Double
    public var gainInterval: ClosedRange<Double>
    public var test: MannWhitneyU

    /// `nil` when either sample has fewer than two values or the baseline's mean is not positive.
    public init?(
        _ values: [Double], baseline: [Double], confidence: Double = 0.95, resamples: Int = 2000, random: inout SeededRandom
    ) {
        let a = values.filter(\.isFinite), b = baseline.filter(\.isFinite)
        guard a.count >= 2, b.count >= 2, let test = MannWhitneyU(a, b) else { return nil }
        let meanB = Bootstrap.mean(b)
        guard meanB > 0 else { return nil }
        self.test = test
        gainPercent = (Bootstrap.mean(a) / meanB - 1) * 100
        var gains: [Double] = []
        gains.reserveCapacity(resamples)
        for _ in 0..<max(1, resamples) {
            let resampledA = Bootstrap.mean(Bootstrap.resample(a, &random))
            let resampledB = Bootstrap.mean(Bootstrap.resample(b, &random))
            if resampledB > 0 { gains.append((resampledA / resampledB - 1) * 100) }
        }
        gainInterval = gains.isEmpty ? gainPercent...gainPercent : Bootstrap.percentileInterval(gains, confidence: confidence)
    }
}

/// Percentile bootstrap intervals (Efron & Tibshirani, ch. 13).
public enum Bootstrap {
    /// The `confidence` interval of the mean of `values` from `resamples` resamples; `nil` for fewer
    /// than two finite values.
    public static func meanInterval(
        _ values: [Double], confidence: Double = 0.95, resamples: Int = 2000, random: inout SeededRandom
    ) -> ClosedRange<Double>? {
        let finite = values.filter(\.isFinite)
        guard finite.count >= 2 else { return nil }
        let means = (0..<max(1, resamples)).map { _ in mean(resample(finite, &random)) }
        return percentileInterval(means, confidence: confidence)
    }

    static func mean(_ values: [Double]) -> Double {
        values.reduce(0, +) / Double(values.count)
    }

    static func resample(_ values: [Double], _ random: inout SeededRandom) -> [Double] {
        (0..<values.count).map { _ in values[random.index(below: values.count)] }
    }

    /// The central `confidence` share of `estimates`, type-7 quantiles (as ``Distribution``).
    static func percentileInterval(_ estimates: [Double], confidence: Double) -> ClosedRange<Double> {
        let sorted = estimates.sorted()
        let tail = (1 - confidence) / 2
        return Distribution.quantile(sorted, tail)...Distribution.quantile(sorted, 1 - tail)
    }
}

/// The two-sided Mann–Whitney U (Wilcoxon rank-sum) test of whether one sample tends to be larger than
/// another, with the normal approximation corrected for ties and for continuity (as R's `wilcox.test`
/// with `exact = FALSE, correct = TRUE` and SciPy's `mannwhitneyu(method="asymptotic")` compute it).
public struct MannWhitneyU: Sendable, Hashable {
    /// U of the first sample: the number of (a, b) pairs with a > b, ties counting one half.
    public var u: Double
    public var z: Double
    /// Two-sided p-value.
    public var p: Double

    /// `nil` when a sample is empty or every value is tied (no ranking exists).
    public init?(_ a: [Double], _ b: [Double]) {
        let n1 = Double(a.count), n2 = Double(b.count)
        guard n1 > 0, n2 > 0 else { return nil }
        let pooled = (a.map { ($0, true) } + b.map { ($0, false) }).sorted { $0.0 < $1.0 }
        var rankSumA = 0.0
        var tieTerm = 0.0
        var start = 0
        while start < pooled.count {
            var end = start
            while end + 1 < pooled.count, pooled[end + 1].0 == pooled[start].0 { end += 1 }
            let rank = Double(start + end) / 2 + 1
            let tied = Double(end - start + 1)
            tieTerm += tied * tied * tied - tied
            for i in start...end where pooled[i].1 { rankSumA += rank }
            start = end + 1
        }
        let n = n1 + n2
        u = rankSumA - n1 * (n1 + 1) / 2
        let meanU = n1 * n2 / 2
        let variance = n1 * n2 / 12 * ((n + 1) - tieTerm / (n * (n - 1)))
        guard variance > 0 else { return nil }
        let deviation = abs(u - meanU) - 0.5
        z = (u >= meanU ? 1 : -1) * max(0, deviation) / variance.squareRoot()
        p = min(1, erfc(abs(z) / 2.0.squareRoot()))
    }
}

/// The exact two-sided binomial test: how surprising `successes` of `trials` are when each succeeds
/// with `probability`. The p-value sums the probabilities of every count no more likely than the one
/// observed (the method of R's `binom.test` and SciPy's `binomtest`).
public enum BinomialTest {
    public static func pValue(successes: Int, trials: Int, probability: Double) -> Double {
        precondition((0...trials).contains(successes) && (0...1).contains(probability), "successes within 0…trials, probability within 0…1")
        if probability == 0 { return successes == 0 ? 1 : 0 }
        if probability == 1 { return successes == trials ? 1 : 0 }
        let n = Double(trials)
        func logPMF(_ k: Int) -> Double {
            let k = Double(k)
            return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1) + k * log(probability) + (n - k) * log1p(-probability)
        }
        let observed = logPMF(successes)
        // Relative tolerance as R uses, so counts exactly as likely as the observed one are included.
        let threshold = observed + log1p(1e-7)
        var total = 0.0
        for k in 0...trials {
            let value = logPMF(k)
            if value <= threshold { total += exp(value) }
        }
        return min(1, total)
    }
}
