import CompatCore

/// C99 hexadecimal floating-point text (`-0x1.5111a4f9fa1f8p+43`), the exact spelling of a binary64 value.
///
/// The published models' coefficients reach 1.7e16 and cancel to predictions between 1 and 5000, so a
/// coefficient must be read to the exact double: hex text has no rounding step at all. Swift's
/// `Double(String)` reads this syntax exactly; writing it is done here in the spelling Python's
/// `float.hex()` uses, so files written by `compat model train` look like the published ones.
public enum HexFloat {
    /// The exact value of `text`, or `nil` when it is not a finite hexadecimal float.
    public static func parse(_ text: String) -> Double? {
        let body = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        guard body.lowercased().hasPrefix("0x"), body.contains(where: { $0 == "p" || $0 == "P" }),
              let value = Double(text), value.isFinite
        else { return nil }
        return value
    }

    /// `value` as `[-]0x1.<13 hex digits>p<±exponent>` (`0x0.<13 hex digits>p-1022` when subnormal,
    /// `0x0.0p+0` for zero). `nil` for infinities and NaN, which the format cannot hold.
    public static func format(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        let sign = value.sign == .minus ? "-" : ""
        if value == 0 { return sign + "0x0.0p+0" }
        let fraction = value.significandBitPattern
        var digits = String(fraction, radix: 16)
        digits = String(repeating: "0", count: 13 - digits.count) + digits
        if value.isSubnormal {
            return sign + "0x0.\(digits)p-1022"
        }
        let exponent = Int(value.exponentBitPattern) - 1023
        return sign + "0x1.\(digits)p\(exponent < 0 ? "-" : "+")\(abs(exponent))"
    }
}

/// A finite double as a JSON number in Swift's shortest round-trip spelling; `null` when absent or not
/// finite (JSON has no infinities).
func jsonNumber(_ value: Double?) -> JSONValue {
    guard let value, value.isFinite else { return .null }
    return .number(value.description)
}
