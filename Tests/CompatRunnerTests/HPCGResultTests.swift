import CompatSimulation
import Testing

/// Reading HPCG's figure of merit from its report's verdict line.
@Suite struct HPCGResultTests {
    static func report(_ verdict: String) -> String { KubeFixtures.hpcgReport(verdict: verdict) }

    @Test func validVerdictGivesTheOfficialRatingNotTheRawTotal() {
        let result = HPCGResult.parse(Self.report("Final Summary::HPCG result is VALID with a GFLOP/s rating of=10.8472"))
        #expect(result == .valid(gigaflops: 10.8472))
        #expect(result.gigaflops == 10.8472)
    }

    @Test func indentedReportLinesAreRead() {
        let log = "report:\n\tFinal Summary=\n\tFinal Summary::HPCG result is VALID with a GFLOP/s rating of=1.35936\r\n"
        #expect(HPCGResult.parse(log) == .valid(gigaflops: 1.35936))
    }

    @Test func invalidVerdictHasNoFigureOfMerit() {
        let result = HPCGResult.parse(Self.report("Final Summary::HPCG result is=INVALID."))
        #expect(result == .invalid)
        #expect(result.gigaflops == nil)
    }

    @Test func reportWithoutVerdictIsMissingEvenWithARawTotal() {
        #expect(HPCGResult.parse(Self.report("")) == .missing)
        #expect(HPCGResult.parse("") == .missing)
    }

    @Test func ratingThatIsNotAPositiveNumberIsNoVerdict() {
        #expect(HPCGResult.parse("Final Summary::HPCG result is VALID with a GFLOP/s rating of=nan") == .missing)
        #expect(HPCGResult.parse("Final Summary::HPCG result is VALID with a GFLOP/s rating of=-3") == .missing)
        #expect(HPCGResult.parse("Final Summary::HPCG result is VALID with a GFLOP/s rating of=") == .missing)
    }

    @Test func disagreeingVerdictsAreConflicting() {
        let two = Self.report("Final Summary::HPCG result is VALID with a GFLOP/s rating of=10.8472")
            + Self.report("Final Summary::HPCG result is=INVALID.")
        #expect(HPCGResult.parse(two) == .conflicting)
        let same = Self.report("Final Summary::HPCG result is VALID with a GFLOP/s rating of=10.8472")
        #expect(HPCGResult.parse(same + same) == .valid(gigaflops: 10.8472))
    }
}
