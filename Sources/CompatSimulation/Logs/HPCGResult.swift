import CompatCore

/// What an HPCG run's output says about its figure of merit.
///
/// HPCG ends its report (`HPCG-Benchmark_3.1_*.txt`, printed by the run's command) with a verdict:
/// `Final Summary::HPCG result is VALID with a GFLOP/s rating of=63.6515` for a run whose checks
/// passed, `Final Summary::HPCG result is=INVALID.` otherwise. The rating is the study's figure of merit.
///
/// `GFLOP/s Summary::Raw Total=` is not accepted in its place: it is printed for invalid runs too and
/// leaves out the convergence and optimisation overheads the official rating charges, so it would
/// overstate builds whose optimisation phase is slow.
public enum HPCGResult: Sendable, Equatable {
    /// A valid run and its rating in GFLOP/s.
    case valid(gigaflops: Double)
    /// HPCG judged its own run invalid (failed symmetry, convergence or norm checks).
    case invalid
    /// No verdict line: the benchmark did not finish, or the command did not print its report.
    case missing
    /// More than one verdict, disagreeing (several reports in one log): not one run's result.
    case conflicting

    static let validMarker = "Final Summary::HPCG result is VALID with a GFLOP/s rating of="
    static let invalidMarker = "Final Summary::HPCG result is=INVALID"

    /// Reads the verdict from a log. Lines may be indented (a report printed with a tab prefix); a
    /// rating that is not a finite positive number is no verdict.
    public static func parse(_ log: String) -> HPCGResult {
        var verdicts: [HPCGResult] = []
        for rawLine in log.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            let line = rawLine.drop { $0 == " " || $0 == "\t" }
            if line.hasPrefix(validMarker) {
                let text = String(line.dropFirst(validMarker.count)).trimmingSpaces
                guard let rating = Double(text), rating.isFinite, rating > 0 else { continue }
                verdicts.append(.valid(gigaflops: rating))
            } else if line.hasPrefix(invalidMarker) {
                verdicts.append(.invalid)
            }
        }
        guard let first = verdicts.first else { return .missing }
        return verdicts.allSatisfy { $0 == first } ? first : .conflicting
    }

    /// The rating of a valid run.
    public var gigaflops: Double? {
        if case .valid(let rating) = self { return rating }
        return nil
    }
}
