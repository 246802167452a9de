/// A strict RFC 8259 parser producing ``JSONValue``.
///
/// Written for hostile input (admission bodies, registry blobs): bounded nesting depth, no recursion
/// beyond that bound, exact number text, rejection of invalid UTF-8 and of unescaped control characters.
public struct JSONParser: Sendable {
    /// Deepest nesting accepted. Kubernetes objects nest about 15 levels; 512 leaves room and still
    /// stops a `[[[[…` bomb long before the stack does.
    public var maximumDepth: Int

    public init(maximumDepth: Int = 512) {
        self.maximumDepth = maximumDepth
    }

    public func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        // A native String's UTF-8 is contiguous: parse it in place rather than copying it out.
        let parsed = text.utf8.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParseError) in try parse(bytes: buffer) }
        }
        if let parsed { return try parsed.get() }
        return try parse(Array(text.utf8))
    }

    public func parse<Bytes: Collection>(_ bytes: Bytes) throws(JSONParseError) -> JSONValue where Bytes.Element == UInt8 {
        // Arrays, Data and buffers are contiguous already: no copy.
        let parsed = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParseError) in try parse(bytes: buffer) }
        }
        if let parsed { return try parsed.get() }
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { buffer throws(JSONParseError) in try parse(bytes: buffer) }
    }

    public func parse(bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        var reader = Reader(bytes: bytes, maximumDepth: maximumDepth)
        reader.skipWhitespace()
        let value = try reader.parseValue(depth: 0)
        reader.skipWhitespace()
        if reader.position != bytes.count {
            throw reader.error("unexpected data after the end of the document")
        }
        return value
    }
}

/// Why a document is not JSON, with the byte offset where reading stopped.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var reason: String

    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

/// A growable stack that hands its top elements over by moving them into a new array: no copy,
/// no retain and release per element, as `Array(stack[base...])` followed by `removeSubrange` costs.
/// Nothing is allocated until the first push (a document that is a lone scalar needs no stack).
private struct ScratchStack<Element>: ~Copyable {
    private var storage: UnsafeMutablePointer<Element>?
    private(set) var count = 0
    private var capacity = 0

    init() {}

    deinit {
        if let storage {
            storage.deinitialize(count: count)
            storage.deallocate()
        }
    }

    /// The elements; only read where `count > 0`, so storage exists.
    private var base: UnsafeMutablePointer<Element> { storage.unsafelyUnwrapped }

    mutating func push(_ element: consuming Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: element)
        count += 1
    }

    private mutating func grow() {
        let newCapacity = max(32, capacity * 2)
        let grown = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        if let storage {
            grown.moveInitialize(from: storage, count: count)
            storage.deallocate()
        }
        storage = grown
        capacity = newCapacity
    }

    subscript(i: Int) -> Element { base[i] }

    /// Drops the elements `from...`.
    mutating func pop(from start: Int) {
        guard start < count else { return }
        (base + start).deinitialize(count: count - start)
        count = start
    }

    /// Elements `from...` as an array, removed from the stack.
    mutating func popArray(from start: Int) -> [Element] {
        guard start < count else { return [] }
        // `reserveCapacity` and `append` specialize to `Element`; `Array(unsafeUninitializedCapacity:)`
        // would look the array's storage class up in the runtime's metadata cache on every call.
        var array: [Element] = []
        array.reserveCapacity(count - start)
        for i in start..<count { array.append((base + i).move()) }
        count = start
        return array
    }
}

extension ScratchStack where Element == (key: String, value: JSONValue) {
    func key(at i: Int) -> String { base[i].key }

    mutating func replaceValue(at i: Int, with value: consuming JSONValue) {
        base[i].value = value
    }

    /// An index of the members from `start` on, positions counted from `start`.
    func index(from start: Int) -> [String: Int] {
        var index: [String: Int] = [:]
        index.reserveCapacity(count - start)
        for i in start..<count { index[base[i].key] = i - start }
        return index
    }
}

/// A cheap summary of a member name that tells most pairs of distinct names apart without comparing
/// Strings, while the parser checks each new name against the object's earlier ones.
///
/// `String.==` is canonical equivalence, under which different bytes can still be equal names
/// ("\u{212A}" equals "K"). Between two ASCII names it is plain byte equality, so the print (length
/// and four bytes) is only made for names that were ASCII and unescaped in the input; any other name
/// gets `unknown`, which matches everything and leaves the decision to `String.==`.
private enum KeyPrint {
    static let unknown: UInt64 = 0

    /// The print of the name in `bytes[range]`, which must be ASCII without escapes.
    @inline(__always)
    static func ofPlainASCII(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt64 {
        let n = range.count
        guard n > 0 else { return 1 << 63 }
        let first = UInt64(bytes[range.lowerBound]), second = UInt64(bytes[range.lowerBound + (n > 1 ? 1 : 0)])
        let last = UInt64(bytes[range.upperBound - 1]), penultimate = UInt64(bytes[range.upperBound - (n > 1 ? 2 : 1)])
        return 1 << 63 | UInt64(truncatingIfNeeded: n & 0x7FFF) << 32 | first << 24 | second << 16 | penultimate << 8 | last
    }

    /// False only when both names are known ASCII and differ.
    @inline(__always)
    static func mayBeEqual(_ a: UInt64, _ b: UInt64) -> Bool {
        a == b || a == unknown || b == unknown
    }
}

/// Reads one document from a byte buffer.
///
/// Containers are assembled on two scratch stacks shared by every nesting level: an object's members
/// (or an array's elements) are pushed as they are read and moved into an exactly sized array when
/// the container closes, so each container costs one allocation instead of one per growth step.
private struct Reader: ~Copyable {
    let bytes: UnsafeBufferPointer<UInt8>
    let maximumDepth: Int
    var position = 0
    var memberStack = ScratchStack<(key: String, value: JSONValue)>()
    /// ``KeyPrint`` of each key on `memberStack`, kept in step with it.
    var keyPrints = ScratchStack<UInt64>()
    /// Whether the string ``parseString()`` last returned was ASCII written without escapes, so its
    /// input bytes are its UTF-8.
    var lastStringWasPlainASCII = false
    var elementStack = ScratchStack<JSONValue>()

    init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    func error(_ reason: String) -> JSONParseError {
        JSONParseError(offset: position, reason: reason)
    }

    var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    @inline(__always)
    mutating func skipWhitespace() {
        // Compact JSON (what the API server sends) rarely has any: one comparison decides.
        guard position < bytes.count, bytes[position] <= 0x20 else { return }
        skipWhitespaceRun()
    }

    mutating func skipWhitespaceRun() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x0A:
                position += 1
                // Pretty-printed documents indent each line with a run of spaces: measure it eight
                // bytes at a time (the first byte that is not a space is the lowest non-zero byte of
                // the word XOR eight spaces; loads are little-endian).
                if let base = bytes.baseAddress {
                    while position + 8 <= bytes.count {
                        let others = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: position, as: UInt64.self)
                            ^ 0x2020_2020_2020_2020
                        position += (others == 0 ? 64 : others.trailingZeroBitCount) >> 3
                        if others != 0 { break }
                    }
                }
            case 0x20, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    mutating func expect(_ literal: StaticString, value: JSONValue) throws(JSONParseError) -> JSONValue {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw error("truncated literal") }
        let start = literal.utf8Start
        for i in 0..<count where bytes[position + i] != start[i] {
            throw error("invalid literal")
        }
        position += count
        return value
    }

    mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard let byte = current else { throw error("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try expect("true", value: .bool(true))
        case UInt8(ascii: "f"): return try expect("false", value: .bool(false))
        case UInt8(ascii: "n"): return try expect("null", value: .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected character '\(printable(byte))'")
        }
    }

    func printable(_ byte: UInt8) -> String {
        (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
    }

    mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= maximumDepth else { throw error("nesting deeper than \(maximumDepth) levels") }
        position += 1
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return .object(JSONObject())
        }
        // This object's members are memberStack[base...]; nested containers push and pop above them.
        // (After an error the stacks are abandoned with the reader.)
        let base = memberStack.count
        // Built once the object outgrows linear search, positions counted from `base`.
        var index: [String: Int]? = nil
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw error("expected a member name in quotes") }
            let keyStart = position + 1
            let key = try parseString()
            let keyPrint = lastStringWasPlainASCII ? KeyPrint.ofPlainASCII(bytes, keyStart..<position - 1) : KeyPrint.unknown
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw error("expected ':' after member name") }
            position += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            // A repeated name keeps its first position and takes the new value.
            let existing: Int?
            if let index {
                existing = index[key].map { base + $0 }
            } else {
                existing = position(of: key, print: keyPrint, from: base)
            }
            if let existing {
                memberStack.replaceValue(at: existing, with: value)
            } else {
                memberStack.push((key, value))
                keyPrints.push(keyPrint)
                let count = memberStack.count - base
                if index != nil {
                    index![key] = count - 1
                } else if count > JSONObject.indexThreshold {
                    index = memberStack.index(from: base)
                }
            }
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                keyPrints.pop(from: base)
                return .object(JSONObject(uniqueMembers: memberStack.popArray(from: base), index: index))
            default: throw error("expected ',' or '}' in object")
            }
        }
    }

    /// Where a key read at this level already is: `String.==`, as `JSONObject` compares, asked only
    /// of keys whose prints do not already tell them apart.
    func position(of key: String, print: UInt64, from start: Int) -> Int? {
        var i = start
        let end = memberStack.count
        while i < end {
            if KeyPrint.mayBeEqual(keyPrints[i], print), memberStack.key(at: i) == key { return i }
            i += 1
        }
        return nil
    }

    mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= maximumDepth else { throw error("nesting deeper than \(maximumDepth) levels") }
        position += 1
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return .array([])
        }
        let base = elementStack.count
        while true {
            skipWhitespace()
            let element = try parseValue(depth: depth)
            elementStack.push(element)
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                return .array(elementStack.popArray(from: base))
            default: throw error("expected ',' or ']' in array")
            }
        }
    }

    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = position
        if current == UInt8(ascii: "-") { position += 1 }
        guard let first = current, isDigit(first) else { throw error("expected a digit") }
        if first == UInt8(ascii: "0") {
            position += 1
            if let next = current, isDigit(next) { throw error("leading zeros are not allowed in numbers") }
        } else {
            while let c = current, isDigit(c) { position += 1 }
        }
        if current == UInt8(ascii: ".") {
            position += 1
            guard let c = current, isDigit(c) else { throw error("expected a digit after '.'") }
            while let c = current, isDigit(c) { position += 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard let c = current, isDigit(c) else { throw error("expected a digit in exponent") }
            while let c = current, isDigit(c) { position += 1 }
        }
        // Number text is ASCII by construction: no validation needed.
        return .number(asciiString(start..<position))
    }

    func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// A String of input bytes known to be ASCII. Filling an uninitialized String lets the standard
    /// library build a short one (up to 15 bytes: most names and values) in place and skip its UTF-8
    /// check when the bytes are ASCII; `String(decoding:)` always runs the check first.
    @inline(__always)
    func asciiString(_ range: Range<Int>) -> String {
        let source = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[range]))
        return String(unsafeUninitializedCapacity: source.count) { buffer in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
            return source.count
        }
    }

    /// Advances `position` over string content that needs no attention (no quote, backslash or
    /// control byte), eight bytes at a time where it can. Returns the OR of the bytes passed, whose
    /// top bit says whether any was non-ASCII.
    @inline(__always)
    mutating func skipPlainStringBytes() -> UInt8 {
        var seen: UInt64 = 0
        let end = bytes.count
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while position + 8 <= end {
                let word = raw.loadUnaligned(fromByteOffset: position, as: UInt64.self)
                let attention = JSONText.attentionMask(word)
                if attention != 0 {
                    // Stop exactly at the first byte that needs attention; the bytes before it count.
                    let plainBits = attention.trailingZeroBitCount & ~7
                    if plainBits > 0 { seen |= word & (~0 >> (64 - plainBits)) }
                    position += plainBits >> 3
                    return seen & 0x8080_8080_8080_8080 == 0 ? 0 : 0x80
                }
                seen |= word
                position += 8
            }
        }
        var tail: UInt8 = 0
        while position < end {
            let c = bytes[position]
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 { break }
            tail |= c
            position += 1
        }
        return tail | (seen & 0x8080_8080_8080_8080 == 0 ? 0 : 0x80)
    }

    mutating func parseString() throws(JSONParseError) -> String {
        position += 1  // opening quote
        let start = position
        // Fast path: no escapes, no control bytes; the String is made from the input in one go.
        let seen = skipPlainStringBytes()
        if current == UInt8(ascii: "\"") {
            let end = position
            position += 1
            // ASCII is valid UTF-8: only strings with other bytes need the validating initializer.
            lastStringWasPlainASCII = seen < 0x80
            if seen < 0x80 { return asciiString(start..<end) }
            return try validatedString(UnsafeBufferPointer(rebasing: bytes[start..<end]), at: start)
        }
        lastStringWasPlainASCII = false
        return try parseEscapedString(start: start, seen: seen)
    }

    /// The rest of a string that has escapes (or errors) after `bytes[start..<position]`. Runs of
    /// plain bytes are copied whole; the result is validated as UTF-8 once, at the closing quote, so
    /// errors of structure (control bytes, bad escapes, no end) are reported before encoding errors.
    mutating func parseEscapedString(start: Int, seen: UInt8) throws(JSONParseError) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(position - start + 16)
        utf8.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<position]))
        var seen = seen
        while true {
            guard let c = current else { throw error("unterminated string") }
            switch c {
            case UInt8(ascii: "\""):
                position += 1
                return try utf8.withUnsafeBufferPointer { buffer throws(JSONParseError) in
                    if seen < 0x80 { return String(decoding: buffer, as: UTF8.self) }
                    return try validatedString(buffer, at: start)
                }
            case UInt8(ascii: "\\"):
                position += 1
                guard let e = current else { throw error("unterminated escape") }
                position += 1
                switch e {
                case UInt8(ascii: "\""): utf8.append(0x22)
                case UInt8(ascii: "\\"): utf8.append(0x5C)
                case UInt8(ascii: "/"): utf8.append(0x2F)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try parseHex4()
                    if (0xD800...0xDBFF).contains(code) {
                        guard current == UInt8(ascii: "\\"), position + 1 < bytes.count,
                            bytes[position + 1] == UInt8(ascii: "u")
                        else { throw error("unpaired UTF-16 surrogate") }
                        position += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired UTF-16 surrogate") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(code) {
                        throw error("unpaired UTF-16 surrogate")
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw error("invalid unicode escape") }
                    for unit in UTF8.encode(scalar)! {
                        seen |= unit
                        utf8.append(unit)
                    }
                default: throw error("invalid escape '\\\(printable(e))'")
                }
            default:
                guard c >= 0x20 else { throw error("unescaped control character in string") }
                let run = position
                seen |= skipPlainStringBytes()
                utf8.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<position]))
            }
        }
    }

    mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("truncated unicode escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[position]
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
            default: throw error("invalid hex digit in unicode escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    func validatedString(_ buffer: UnsafeBufferPointer<UInt8>, at start: Int) throws(JSONParseError) -> String {
        guard let s = String(validating: buffer, as: UTF8.self) else {
            throw JSONParseError(offset: start, reason: "string is not valid UTF-8")
        }
        return s
    }
}

/// Byte-class tests shared by the parser and the serializer: the bytes a JSON string cannot hold
/// unescaped (`"`, `\\`, and controls below 0x20) are exactly the ones both must stop at.
enum JSONText {
    /// For the eight bytes of `word` (loaded little-endian), a mask that is zero when none is a
    /// quote, a backslash or below 0x20, and otherwise has its lowest set bit in the top bit of the
    /// first such byte. The classic "has a zero byte" trick, applied to each condition: a borrow can
    /// set bits only above a byte that matched, so the lowest set bit is exact.
    @inline(__always)
    static func attentionMask(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        let hasQuote = (quotes &- ones) & ~quotes
        let hasBackslash = (backslashes &- ones) & ~backslashes
        let hasControl = (word &- ones &* 0x20) & ~word
        return (hasQuote | hasBackslash | hasControl) & highs
    }
}
