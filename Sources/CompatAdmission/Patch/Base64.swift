/// Standard base64 (RFC 4648 §4: `+`, `/`, `=` padding), the encoding Kubernetes uses for `[]byte`
/// fields such as `AdmissionResponse.patch`.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public static func encode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            let group = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            out.append(alphabet[Int(group >> 18 & 0x3F)])
            out.append(alphabet[Int(group >> 12 & 0x3F)])
            out.append(second == nil ? UInt8(ascii: "=") : alphabet[Int(group >> 6 & 0x3F)])
            out.append(third == nil ? UInt8(ascii: "=") : alphabet[Int(group & 0x3F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes padded standard base64. Whitespace, the URL-safe alphabet, missing padding and bits set
    /// after the last encoded byte are all rejected: this reads machine-written values only.
    public static func decode(_ text: String) throws(Base64DecodingError) -> [UInt8] {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else { throw .invalidLength(input.count) }
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 4 * 3)
        var offset = 0
        while offset < input.count {
            let isLastGroup = offset + 4 == input.count
            var group: UInt32 = 0
            var padding = 0
            for position in offset..<offset + 4 {
                let byte = input[position]
                if byte == UInt8(ascii: "=") {
                    // Padding is allowed only as the final one or two characters of the text.
                    guard isLastGroup, position >= offset + 2 else { throw .invalidCharacter(offset: position) }
                    padding += 1
                    group <<= 6
                    continue
                }
                guard padding == 0, let sextet = sextet(byte) else { throw .invalidCharacter(offset: position) }
                group = group << 6 | UInt32(sextet)
            }
            let decoded = [UInt8(group >> 16 & 0xFF), UInt8(group >> 8 & 0xFF), UInt8(group & 0xFF)]
            let kept = 3 - padding
            guard decoded[kept...].allSatisfy({ $0 == 0 }) else { throw .nonCanonicalPadding }
            out.append(contentsOf: decoded[..<kept])
            offset += 4
        }
        return out
    }

    private static func sextet(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}

public enum Base64DecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidLength(Int)
    case invalidCharacter(offset: Int)
    case nonCanonicalPadding

    public var description: String {
        switch self {
        case .invalidLength(let count): "base64 text must be a multiple of 4 characters long, found \(count)"
        case .invalidCharacter(let offset): "invalid base64 character at offset \(offset)"
        case .nonCanonicalPadding: "base64 text has bits set after its last encoded byte"
        }
    }
}
