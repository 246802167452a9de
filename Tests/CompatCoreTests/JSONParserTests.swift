import Testing
@testable import CompatCore

@Suite struct JSONParserTests {
    @Test func keepsNumberTextAndMemberOrder() throws {
        let v = try JSONParser().parse(#"{"b": 5.10, "a": [1, -0.5e3, true, null, "x\u00e9\n"]}"#)
        #expect(v.objectValue?.keys == ["b", "a"])
        #expect(v["b"] == .number("5.10"))
        #expect(v["a"] == .array([.number("1"), .number("-0.5e3"), .bool(true), .null, .string("xé\n")]))
        #expect(v.serialized() == #"{"b":5.10,"a":[1,-0.5e3,true,null,"xé\n"]}"#)
    }

    @Test func decodesSurrogatePairs() throws {
        #expect(try JSONParser().parse(#""\ud83d\ude00""#) == .string("😀"))
    }

    @Test(arguments: [
        ("{\"a\":1,}", "expected a member name in quotes"),
        ("[1 2]", "expected ',' or ']' in array"),
        ("01", "leading zeros are not allowed in numbers"),
        ("\"a\u{01}\"", "unescaped control character in string"),
        ("\"\\ud800\"", "unpaired UTF-16 surrogate"),
        ("{} x", "unexpected data after the end of the document"),
        ("tru", "truncated literal"),
    ])
    func rejectsInvalidDocuments(text: String, reason: String) {
        #expect(throws: JSONParseError.self) { try JSONParser().parse(text) }
        do {
            _ = try JSONParser().parse(text)
        } catch {
            #expect(error.reason == reason)
        }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONParser().parse([0x22, 0xFF, 0xFE, 0x22]) }
    }

    @Test func boundsNestingDepth() throws {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONParseError.self) { try JSONParser().parse(deep) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(try JSONParser().parse(fine).arrayValue?.count == 1)
    }
}
