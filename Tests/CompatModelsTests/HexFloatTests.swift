import CompatModels
import Testing

@Suite struct HexFloatTests {
    @Test func writesPythonsFloatHexSpelling() {
        // Expected strings from Python's float.hex().
        #expect(HexFloat.format(31.227516417709687) == "0x1.f3a3e84155dbep+4")
        #expect(HexFloat.format(-11602702092628.824) == "-0x1.51aeddf92a9a6p+43")
        #expect(HexFloat.format(1.0) == "0x1.0000000000000p+0")
        #expect(HexFloat.format(0.1) == "0x1.999999999999ap-4")
        #expect(HexFloat.format(0.0) == "0x0.0p+0")
        #expect(HexFloat.format(-0.0) == "-0x0.0p+0")
        #expect(HexFloat.format(Double.leastNonzeroMagnitude) == "0x0.0000000000001p-1022")
        #expect(HexFloat.format(.infinity) == nil)
        #expect(HexFloat.format(.nan) == nil)
    }

    @Test(arguments: [31.227516417709687, -1.7e16, 1e-300, Double.leastNonzeroMagnitude, 2.2250738585072014e-308, .greatestFiniteMagnitude, -0.0, 3.0])
    func roundTripsExactly(value: Double) throws {
        let text = try #require(HexFloat.format(value))
        let parsed = try #require(HexFloat.parse(text))
        #expect(parsed.bitPattern == value.bitPattern)
    }

    @Test func parsesOnlyFiniteHexadecimalText() {
        #expect(HexFloat.parse("-0x1.5111a4f9fa1f8p+43") == -0x1.5111a4f9fa1f8p+43)
        #expect(HexFloat.parse("31.2") == nil)
        #expect(HexFloat.parse("0x1.8") == nil)
        #expect(HexFloat.parse("inf") == nil)
        #expect(HexFloat.parse("0x1p99999") == nil)
    }
}
