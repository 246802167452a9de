import CompatCore

/// A JSON Pointer (RFC 6901): a path of reference tokens from a document's root to one value.
///
/// Tokens are kept unescaped (`node.kubernetes.io/instance-type`), and escaping happens in exactly one
/// place, ``escape(_:)``, when the pointer is written. Kubernetes label and annotation keys contain `/`,
/// and a pointer that leaves it unescaped addresses a nested object instead, which is the most common
/// way admission patches break (ocifit-k8s also forgot `~`). A token addresses an array element when it
/// is a decimal index without leading zeros, or `-` (the position after the last element, for `add`).
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// The unescaped reference tokens, outermost first. Empty for the whole document.
    public let tokens: [String]

    /// The pointer to the whole document (written as the empty string).
    public static let root = JSONPointer(tokens: [])

    public init(tokens: [String]) {
        self.tokens = tokens
    }

    /// Parses the written form: `""` (the root) or `/`-separated escaped tokens (`/spec/nodeSelector/a~1b`).
    public init(_ text: String) throws(JSONPointerError) {
        if text.isEmpty {
            self.tokens = []
            return
        }
        guard text.hasPrefix("/") else { throw JSONPointerError.missingLeadingSlash(pointer: text) }
        var tokens: [String] = []
        for escaped in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            tokens.append(try Self.unescape(String(escaped), in: text))
        }
        self.tokens = tokens
    }

    /// The written form, every token escaped.
    public var description: String {
        tokens.map { "/" + Self.escape($0) }.joined()
    }

    /// Escapes one reference token: `~` becomes `~0` first, then `/` becomes `~1` (RFC 6901 §3).
    public static func escape(_ token: String) -> String {
        // Byte-wise: '~' and '/' are ASCII and never part of a longer UTF-8 sequence.
        guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
        var out: [UInt8] = []
        out.reserveCapacity(token.utf8.count + 4)
        for byte in token.utf8 {
            switch byte {
            case UInt8(ascii: "~"): out += [UInt8(ascii: "~"), UInt8(ascii: "0")]
            case UInt8(ascii: "/"): out += [UInt8(ascii: "~"), UInt8(ascii: "1")]
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Unescapes one reference token in a single left-to-right pass, so `~01` becomes `~1` and never
    /// `/` (the ordering RFC 6901 §4 asks for). A `~` not followed by `0` or `1` is an error.
    public static func unescape(_ token: String) throws(JSONPointerError) -> String {
        try unescape(token, in: "/" + token)
    }

    private static func unescape(_ token: String, in pointer: String) throws(JSONPointerError) -> String {
        guard token.contains("~") else { return token }
        var out = ""
        var iterator = token.makeIterator()
        while let character = iterator.next() {
            guard character == "~" else {
                out.append(character)
                continue
            }
            switch iterator.next() {
            case "0": out += "~"
            case "1": out += "/"
            default: throw JSONPointerError.invalidEscape(pointer: pointer, token: token)
            }
        }
        return out
    }

    public func appending(_ token: String) -> JSONPointer {
        JSONPointer(tokens: tokens + [token])
    }

    public func appending(_ index: Int) -> JSONPointer {
        JSONPointer(tokens: tokens + [String(index)])
    }

    /// The pointer to the containing value; `nil` for the root.
    public var parent: JSONPointer? {
        tokens.isEmpty ? nil : JSONPointer(tokens: Array(tokens.dropLast()))
    }

    /// True when `other` lies strictly inside the value this pointer addresses.
    public func isProperPrefix(of other: JSONPointer) -> Bool {
        other.tokens.count > tokens.count && Array(other.tokens.prefix(tokens.count)) == tokens
    }

    /// The value this pointer addresses in `document`, or `nil` when any step does not exist.
    public func value(in document: JSONValue) -> JSONValue? {
        var current = document
        for token in tokens {
            switch current {
            case .object(let object):
                guard let member = object[token] else { return nil }
                current = member
            case .array(let elements):
                guard let index = Self.arrayIndex(token), index < elements.count else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }

    /// The array index a token denotes: decimal digits with no leading zero (except `0` itself).
    /// `nil` for `-`, signs, leading zeros and anything else, which RFC 6901 does not allow as indices.
    static func arrayIndex(_ token: String) -> Int? {
        guard let first = token.utf8.first, token.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        if first == 0x30 && token.utf8.count > 1 { return nil }
        return Int(token)
    }
}

/// Why a string is not a JSON Pointer.
public enum JSONPointerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A non-empty pointer must start with `/`.
    case missingLeadingSlash(pointer: String)
    /// A `~` must be followed by `0` (for `~`) or `1` (for `/`).
    case invalidEscape(pointer: String, token: String)

    public var description: String {
        switch self {
        case .missingLeadingSlash(let pointer):
            "JSON pointer '\(pointer)' must be empty or start with '/'"
        case .invalidEscape(let pointer, let token):
            "JSON pointer '\(pointer)': token '\(token)' has a '~' not followed by 0 or 1 (write '~0' for '~' and '~1' for '/')"
        }
    }
}
