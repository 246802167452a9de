import Testing
@testable import CompatCore

/// Exact bytes `JSONValue.serialized` writes: what it escapes, how it lays out pretty and sorted text.
@Suite struct JSONSerializerTests {
    @Test func escapesQuoteBackslashAndControlsOnly() {
        let controls = String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) })
        let value = JSONValue.string(controls + "\"\\/\u{7F}é😀")
        let expected = #""\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f"#
            + #"\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f"#
            + "\\\"\\\\/\u{7F}é😀\""
        #expect(value.serialized() == expected)
    }

    @Test func escapeAtEveryOffsetOfLongString() {
        for offset in 0...24 {
            let before = String(repeating: "x", count: offset), after = String(repeating: "y", count: 24 - offset)
            #expect(JSONValue.string(before + "\n" + after).serialized() == "\"" + before + "\\n" + after + "\"")
        }
    }

    @Test func writeQuotedAppendsToExistingText() {
        var out = "prefix:"
        JSONValue.writeQuoted("a\"b\tc", to: &out)
        #expect(out == #"prefix:"a\"b\tc""#)
    }

    @Test func prettyTextIndentsTwoSpacesPerLevel() throws {
        let value = try JSONParser().parse(#"{"b":[1,{},[]],"a":{"c":null,"d":"x"}}"#)
        #expect(value.serialized(pretty: true) == """
            {
              "b": [
                1,
                {},
                []
              ],
              "a": {
                "c": null,
                "d": "x"
              }
            }
            """)
    }

    @Test func sortedKeysOrdersEveryLevel() throws {
        let value = try JSONParser().parse(#"{"b":{"z":1,"y":[{"q":1,"p":2}]},"a":true,"B":false}"#)
        #expect(value.serialized(sortedKeys: true) == #"{"B":false,"a":true,"b":{"y":[{"p":2,"q":1}],"z":1}}"#)
        #expect(value.serialized() == #"{"b":{"z":1,"y":[{"q":1,"p":2}]},"a":true,"B":false}"#)
    }

    @Test func bytesAreUTF8OfText() throws {
        let value = try JSONParser().parse(#"{"name":"wörld \"q\" 😀","n":[5.10,-0.5e3,null]}"#)
        #expect(value.serializedBytes() == Array(value.serialized().utf8))
        #expect(value.serialized() == #"{"name":"wörld \"q\" 😀","n":[5.10,-0.5e3,null]}"#)
    }

    @Test func largeDocumentRoundTrips() throws {
        // Members with an escape each, well past the writer's first buffer.
        let text = "[" + (0..<5_000).map { #"{"k\#($0)":"v\#($0)\n"}"# }.joined(separator: ",") + "]"
        #expect(try JSONParser().parse(text).serialized() == text)
    }
}
