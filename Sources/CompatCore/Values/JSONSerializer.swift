extension JSONValue {
    /// Compact JSON text. Object members keep document order unless `sortedKeys` is set (stable output
    /// for files and tests). Numbers are written exactly as they were read.
    public func serialized(sortedKeys: Bool = false, pretty: Bool = false) -> String {
        var out = JSONByteWriter()
        write(to: &out, sortedKeys: sortedKeys, pretty: pretty, indent: 0)
        return out.string()
    }

    /// UTF-8 bytes of ``serialized(sortedKeys:pretty:)``.
    public func serializedBytes(sortedKeys: Bool = false) -> [UInt8] {
        var out = JSONByteWriter()
        write(to: &out, sortedKeys: sortedKeys, pretty: false, indent: 0)
        return out.bytes()
    }

    private func write(to out: inout JSONByteWriter, sortedKeys: Bool, pretty: Bool, indent: Int) {
        switch self {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .number(let n): out.append(n)
        case .string(let s): JSONValue.writeQuoted(s, to: &out)
        case .array(let elements):
            if elements.isEmpty {
                out.append("[]")
                return
            }
            out.append(UInt8(ascii: "["))
            var first = true
            for element in elements {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                if pretty { out.newline(indent + 1) }
                element.write(to: &out, sortedKeys: sortedKeys, pretty: pretty, indent: indent + 1)
            }
            if pretty { out.newline(indent) }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            if object.isEmpty {
                out.append("{}")
                return
            }
            out.append(UInt8(ascii: "{"))
            // Keys are unique under `==`, so `<` orders them totally and the sort is deterministic.
            let members = sortedKeys ? object.members.sorted { $0.key < $1.key } : object.members
            var first = true
            for member in members {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                if pretty { out.newline(indent + 1) }
                JSONValue.writeQuoted(member.key, to: &out)
                if pretty { out.append(": ") } else { out.append(UInt8(ascii: ":")) }
                member.value.write(to: &out, sortedKeys: sortedKeys, pretty: pretty, indent: indent + 1)
            }
            if pretty { out.newline(indent) }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Writes `s` as a JSON string literal, escaping what RFC 8259 requires.
    public static func writeQuoted(_ s: String, to out: inout String) {
        var writer = JSONByteWriter(capacity: s.utf8.count + 2)
        writeQuoted(s, to: &writer)
        out += writer.string()
    }

    /// Writes `s` as a JSON string literal: `"`, `\` and controls below 0x20 escaped (the short forms
    /// where JSON has one, else `\u00xx`), every other byte, non-ASCII included, copied as it is.
    private static func writeQuoted(_ s: String, to out: inout JSONByteWriter) {
        out.append(UInt8(ascii: "\""))
        if s.utf8.withContiguousStorageIfAvailable({ appendEscaped($0, to: &out) }) == nil {
            Array(s.utf8).withUnsafeBufferPointer { appendEscaped($0, to: &out) }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Copies runs that need no escape whole, finding their ends eight bytes at a time.
    private static func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, to out: inout JSONByteWriter) {
        guard let base = utf8.baseAddress else { return }
        let raw = UnsafeRawPointer(base)
        let end = utf8.count
        var run = 0  // start of the bytes not yet copied
        var i = 0
        while true {
            while i + 8 <= end {
                let attention = JSONText.attentionMask(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                i += (attention == 0 ? 64 : attention.trailingZeroBitCount) >> 3
                if attention != 0 { break }
            }
            while i < end {
                let c = utf8[i]
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 { break }
                i += 1
            }
            if i > run { out.append(UnsafeBufferPointer(start: base + run, count: i - run)) }
            guard i < end else { return }
            switch utf8[i] {
            case UInt8(ascii: "\""): out.append("\\\"")
            case UInt8(ascii: "\\"): out.append("\\\\")
            case UInt8(ascii: "\n"): out.append("\\n")
            case UInt8(ascii: "\r"): out.append("\\r")
            case UInt8(ascii: "\t"): out.append("\\t")
            case 0x08: out.append("\\b")
            case 0x0C: out.append("\\f")
            case let c:
                let hex: StaticString = "0123456789abcdef"
                out.append("\\u00")
                out.append(hex.utf8Start[Int(c >> 4)])
                out.append(hex.utf8Start[Int(c & 0x0F)])
            }
            i += 1
            run = i
        }
    }

    /// A JSON number for a `Double`, using Swift's shortest round-trip representation.
    public static func number(_ value: Double) -> JSONValue {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            return .number(String(Int64(value)))
        }
        return value.isFinite ? .number("\(value)") : .null
    }
}

/// The serializer's output buffer: bytes written with plain copies (no per-append uniqueness check
/// as with `[UInt8]`, no re-derived UTF-8 flags and counts as with `String`), handed over once, at
/// the end, as an array or a string.
private struct JSONByteWriter: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int

    /// The default suits admission documents, responses and patches, of a few KB.
    init(capacity: Int = 4096) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    @inline(__always)
    private mutating func reserve(_ n: Int) {
        if capacity - count < n { grow(n) }
    }

    private mutating func grow(_ n: Int) {
        var newCapacity = capacity * 2
        while newCapacity - count < n { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.initialize(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        reserve(bytes.count)
        (base + count).initialize(from: source, count: bytes.count)
        count += bytes.count
    }

    @inline(__always)
    mutating func append(_ literal: StaticString) {
        append(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// A string's UTF-8 as it is (number text, which needs no escape).
    mutating func append(_ s: String) {
        // Native strings are contiguous UTF-8: one copy.
        if s.utf8.withContiguousStorageIfAvailable({ append($0) }) == nil {
            for unit in s.utf8 { append(unit) }
        }
    }

    mutating func newline(_ indent: Int) {
        append(UInt8(ascii: "\n"))
        reserve(2 * indent)
        (base + count).initialize(repeating: UInt8(ascii: " "), count: 2 * indent)
        count += 2 * indent
    }

    func bytes() -> [UInt8] {
        Array(UnsafeBufferPointer(start: base, count: count))
    }

    /// The bytes as a String. They are valid UTF-8 by construction (copied from Strings, plus ASCII
    /// punctuation and escapes); `String(decoding:)` confirms it in one pass over the whole text.
    func string() -> String {
        String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
    }
}
