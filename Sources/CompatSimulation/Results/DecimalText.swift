import Foundation

/// A number with at most `maximumFractionDigits` decimals and no trailing zeros (`7.25`, `8`, `0.001`),
/// independent of locale.
func decimalText(_ value: Double, maximumFractionDigits: Int = 6) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
    var text = String(format: "%.\(maximumFractionDigits)f", locale: Locale(identifier: "en_US_POSIX"), value)
    if text.contains(".") {
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
    }
    return text == "-0" ? "0" : text
}
