/// The five-number summary and mean of a sample, as box plots and summary tables show it.
///
/// Quartiles interpolate linearly between order statistics (Hyndman & Fan type 7, the default of numpy's
/// `percentile`, R's `quantile` and pandas, which drew lammps-matrix's box plots), so the numbers here
/// match what those tools print for the same values.
public struct Distribution: Sendable, Hashable {
    public let count: Int
    public let minimum: Double
    public let firstQuartile: Double
    public let median: Double
    public let thirdQuartile: Double
    public let maximum: Double
    public let mean: Double

    /// `nil` for an empty sample. Non-finite values are left out.
    public init?(_ values: [Double]) {
        let sorted = values.filter(\.isFinite).sorted()
        guard let first = sorted.first, let last = sorted.last else { return nil }
        count = sorted.count
        minimum = first
        maximum = last
        firstQuartile = Self.quantile(sorted, 0.25)
        median = Self.quantile(sorted, 0.5)
        thirdQuartile = Self.quantile(sorted, 0.75)
        mean = sorted.reduce(0, +) / Double(sorted.count)
    }

    public var interquartileRange: Double { thirdQuartile - firstQuartile }

    /// Type-7 quantile of an ascending, non-empty sample.
    static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        let h = Double(sorted.count - 1) * p
        let lower = Int(h.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (h - Double(lower)) * (sorted[upper] - sorted[lower])
    }
}
