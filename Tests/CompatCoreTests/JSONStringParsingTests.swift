import Testing
@testable import CompatCore

/// String scanning in `JSONParser`: plain strings of every length around its eight-byte blocks,
/// escapes, strict UTF-8 and the offsets its errors report.
@Suite struct JSONStringParsingTests {
    static func parse(_ bytes: [UInt8]) -> Result<JSONValue, JSONParseError> {
        Result { () throws(JSONParseError) in try JSONParser().parse(bytes) }
    }

    @Test func plainStringsOfEveryLengthDecodeExactly() throws {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ")
        for length in 0...40 {
            let text = String(alphabet.prefix(length))
            #expect(try JSONParser().parse("\"" + text + "\"") == .string(text))
            #expect(try JSONParser().parse("[\"" + text + "\",1]") == .array([.string(text), .number("1")]))
        }
    }

    @Test func escapeAtEveryOffsetDecodes() throws {
        for offset in 0...20 {
            let before = String(repeating: "x", count: offset), after = String(repeating: "y", count: 20 - offset)
            #expect(try JSONParser().parse("\"" + before + "\\\"" + after + "\"") == .string(before + "\"" + after))
            #expect(try JSONParser().parse("\"" + before + "\\u00e9" + after + "\"") == .string(before + "é" + after))
        }
    }

    @Test func everyEscapeDecodes() throws {
        let value = try JSONParser().parse(#""\" \\ \/ \b \f \n \r \t \u0041 \u00e9 \u20ac \ud83d\ude00 \u0000""#)
        #expect(value == .string("\" \\ / \u{08} \u{0C} \n \r \t A é € 😀 \u{00}"))
    }

    @Test func rawNonASCIIDecodes() throws {
        #expect(try JSONParser().parse(Array("\"héllo wörld € 😀 and more text\"".utf8)) == .string("héllo wörld € 😀 and more text"))
    }

    @Test(arguments: [
        ([UInt8]("\"abcdefghij\u{01}\"".utf8), 11),
        ([UInt8]("\"ab\\ncdefghijklmn\u{1F}x\"".utf8), 17),
        ([UInt8]("{\"key\u{0A}\":1}".utf8), 5),
    ])
    func controlCharacterIsReportedAtItsOffset(bytes: [UInt8], offset: Int) {
        #expect(Self.parse(bytes).failure == JSONParseError(offset: offset, reason: "unescaped control character in string"))
    }

    @Test(arguments: [
        [0x20, 0x22, 0x61, 0xFF, 0x22],  // stray byte
        [0x20, 0x22, 0xC0, 0xAF, 0x22],  // overlong "/"
        [0x20, 0x22, 0xED, 0xA0, 0x80, 0x22],  // encoded surrogate
        [0x20, 0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
        [0x20, 0x22, 0x5C, 0x6E, 0xC3, 0x22],  // truncated sequence after an escape
        [0x20, 0x22] + Array("abcdefghijklmnop".utf8) + [0xE2, 0x82, 0x22],  // truncated past a block
    ] as [[UInt8]])
    func invalidUTF8IsReportedAtStringStart(bytes: [UInt8]) {
        #expect(Self.parse(bytes).failure == JSONParseError(offset: 2, reason: "string is not valid UTF-8"))
    }

    @Test func unterminatedStringIsReportedBeforeInvalidUTF8() {
        #expect(Self.parse([0x22, 0xFF, 0x61]).failure == JSONParseError(offset: 3, reason: "unterminated string"))
    }

    @Test func invalidEscapeIsReportedAfterIt() {
        #expect(Self.parse(Array(#""abc\x""#.utf8)).failure == JSONParseError(offset: 6, reason: "invalid escape '\\x'"))
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let f) = self { return f }
        return nil
    }
}
