import CompatCore
import Testing
@testable import CompatSimulation

@Suite struct StatisticsTests {
    /// Reference values from SciPy 1.17 `mannwhitneyu(a, b, alternative="two-sided", method="asymptotic",
    /// use_continuity=True)`, which R's `wilcox.test(exact = FALSE, correct = TRUE)` agrees with.
    @Test func mannWhitneyMatchesSciPyWithAndWithoutTies() throws {
        let plain = try #require(MannWhitneyU([30, 32, 34, 36], [20, 24, 28]))
        #expect(plain.u == 12)
        #expect(abs(plain.p - 0.05182992721790968) < 1e-12)
        let tied = try #require(MannWhitneyU([1, 2, 2, 3, 4, 4, 4, 5], [2, 3, 3, 5, 6, 6, 7]))
        #expect(tied.u == 15.5)
        #expect(abs(tied.p - 0.15959894244264883) < 1e-12)
    }

    @Test func mannWhitneyHasNoAnswerWithoutARanking() {
        #expect(MannWhitneyU([], [1, 2]) == nil)
        #expect(MannWhitneyU([3, 3], [3, 3]) == nil)
    }

    @Test func bootstrapIntervalsAreReproducibleAndContainTheEstimate() throws {
        let values = (0..<30).map { Double($0 % 7) + 10 }
        var first = SeededRandom(seed: 1, stream: "t")
        var second = SeededRandom(seed: 1, stream: "t")
        let interval = try #require(Bootstrap.meanInterval(values, random: &first))
        #expect(interval == Bootstrap.meanInterval(values, random: &second))
        let mean = values.reduce(0, +) / 30
        #expect(interval.contains(mean))
        #expect(interval.upperBound - interval.lowerBound < 2)
        var random = SeededRandom(seed: 1)
        #expect(Bootstrap.meanInterval([4], random: &random) == nil)
    }

    @Test func comparisonOfClearlyDifferentSamplesIsSignificant() throws {
        var random = SeededRandom(seed: 2)
        let higher = (0..<30).map { 30 + Double($0 % 5) }
        let lower = (0..<30).map { 15 + Double($0 % 9) }
        let comparison = try #require(StrategyComparison(higher, baseline: lower, random: &random))
        // means 32 and 18.7 (0…8 three times, then 0, 1, 2, above 15): 32 / 18.7 − 1 = 71.1 %
        #expect(abs(comparison.gainPercent - (32.0 / 18.7 - 1) * 100) < 1e-9)
        #expect(comparison.gainInterval.contains(comparison.gainPercent))
        #expect(comparison.gainInterval.lowerBound > 50)
        #expect(comparison.test.p < 0.001)
        var again = SeededRandom(seed: 2)
        #expect(StrategyComparison(higher, baseline: higher, random: &again)?.test.p == 1)
    }
}
