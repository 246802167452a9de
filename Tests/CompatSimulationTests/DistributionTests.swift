import Testing
@testable import CompatSimulation

@Suite struct DistributionTests {
    @Test func quartilesInterpolateLikeNumpy() throws {
        // numpy.percentile([1, 2, 3, 4, 10], [25, 50, 75]) == [2, 3, 4]
        let d = try #require(Distribution([10, 1, 3, 2, 4]))
        #expect(d.count == 5)
        #expect(d.minimum == 1)
        #expect(d.firstQuartile == 2)
        #expect(d.median == 3)
        #expect(d.thirdQuartile == 4)
        #expect(d.maximum == 10)
        #expect(d.mean == 4)
        #expect(d.interquartileRange == 2)
    }

    @Test func evenSamplesInterpolateBetweenOrderStatistics() throws {
        // numpy.percentile([7, 7, 8, 11], [25, 50, 75]) == [7, 7.5, 8.75]
        let d = try #require(Distribution([7, 8, 11, 7]))
        #expect(d.firstQuartile == 7)
        #expect(d.median == 7.5)
        #expect(d.thirdQuartile == 8.75)
    }

    @Test func singleValueIsEveryStatistic() throws {
        let d = try #require(Distribution([31.2]))
        #expect([d.minimum, d.firstQuartile, d.median, d.thirdQuartile, d.maximum, d.mean] == Array(repeating: 31.2, count: 6))
    }

    @Test func emptyAndNonFiniteSamplesHaveNoDistribution() {
        #expect(Distribution([]) == nil)
        #expect(Distribution([.nan, .infinity]) == nil)
        #expect(Distribution([.nan, 2, 4])?.mean == 3)
    }
}
