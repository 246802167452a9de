/// Whether a byte-by-byte scan of JSON text is inside a string literal, so structural characters in
/// strings (`"{"`, `"]"`) are not counted. Used by scanners that only split documents or array elements
/// and leave the real parsing to ``JSONParser``.
struct JSONStringTracker {
    private(set) var inString = false
    private var escaping = false

    /// Feeds one byte; true when it belongs to a string literal (its closing quote included), false when
    /// the caller should treat it as structure. An opening quote returns false and enters the string.
    mutating func consume(_ byte: UInt8) -> Bool {
        if inString {
            if escaping {
                escaping = false
            } else if byte == UInt8(ascii: "\\") {
                escaping = true
            } else if byte == UInt8(ascii: "\"") {
                inString = false
            }
            return true
        }
        if byte == UInt8(ascii: "\"") { inString = true }
        return false
    }
}
