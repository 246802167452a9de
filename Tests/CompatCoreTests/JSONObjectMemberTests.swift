import Testing
@testable import CompatCore

/// Member order, duplicate names and lookups of `JSONObject`, on both sides of the size above which
/// it keeps a key index (small objects are searched linearly).
@Suite struct JSONObjectMemberTests {
    /// `{"k0":0,"k1":1,…}` with `count` members.
    static func numbered(_ count: Int) -> String {
        "{" + (0..<count).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}"
    }

    @Test(arguments: [3, 16, 17, 40])
    func parsedDuplicateNameKeepsLastValueAtFirstPosition(size: Int) throws {
        let text = String(Self.numbered(size).dropLast()) + #","k1":"last","k0":"again"}"#
        let object = try #require(try JSONParser().parse(text).objectValue)
        #expect(object.count == size)
        #expect(object.keys == (0..<size).map { "k\($0)" })
        #expect(object["k0"] == .string("again"))
        #expect(object["k1"] == .string("last"))
        #expect(object["k2"] == .number("2"))
    }

    @Test func initializerKeepsLastValueOfDuplicateAtFirstPosition() {
        let object = JSONObject([("b", 1), ("a", 2), ("b", 3)])
        #expect(object.keys == ["b", "a"])
        #expect(object["b"] == .number("3"))
        #expect(JSONValue.object(object).serialized() == #"{"b":3,"a":2}"#)
    }

    @Test func settingExistingMemberKeepsItsPosition() {
        var object = JSONObject([("a", 1), ("b", 2), ("c", 3)])
        object["b"] = "two"
        object["d"] = 4
        #expect(object.members.map(\.key) == ["a", "b", "c", "d"])
        #expect(object["b"] == .string("two"))
    }

    @Test func growingPastIndexThresholdKeepsOrderAndLookups() {
        var object = JSONObject()
        for i in 0..<40 { object["k\(i)"] = .number(String(i)) }
        object["k5"] = "five"
        #expect(object.count == 40)
        #expect(object.keys == (0..<40).map { "k\($0)" })
        #expect(object["k5"] == .string("five"))
        #expect(object["k39"] == .number("39"))
        #expect(object["k40"] == nil)
    }

    @Test func removingMembersShiftsLaterOnesAcrossIndexThreshold() {
        var object = JSONObject((0..<20).map { ("k\($0)", JSONValue.number(String($0))) })
        for i in stride(from: 0, to: 20, by: 2) { object["k\(i)"] = nil }
        object["missing"] = nil
        #expect(object.keys == stride(from: 1, to: 20, by: 2).map { "k\($0)" })
        #expect(object["k19"] == .number("19"))
        #expect(object["k0"] == nil)
        object["k0"] = "back"
        #expect(object.keys.last == "k0")
        #expect(object["k0"] == .string("back"))
    }

    /// Names are compared as Swift Strings (canonical equivalence), as the Dictionary-backed object did:
    /// U+212A KELVIN SIGN is canonically "K", and "é" precomposed equals "e" + U+0301.
    @Test(arguments: [0, 30])
    func canonicallyEquivalentNamesAreOneMember(padding: Int) throws {
        let filler = (0..<padding).map { "\"p\($0)\":0," }.joined()
        let text = "{" + filler + #""K":1,"\u212a":2,"\u00e9":3,"e\u0301":4}"#
        let object = try #require(try JSONParser().parse(text).objectValue)
        #expect(object.count == padding + 2)
        #expect(object.keys.suffix(2) == ["K", "\u{E9}"])
        #expect(object["\u{212A}"] == .number("2"))
        #expect(object["K"] == .number("2"))
        #expect(object["e\u{301}"] == .number("4"))
    }

    @Test func escapedAndPlainSpellingsOfNameAreOneMember() throws {
        let object = try #require(try JSONParser().parse(#"{"ab":1,"\u0061b":2,"a\u0062":3}"#).objectValue)
        #expect(object.members.map(\.key) == ["ab"])
        #expect(object["ab"] == .number("3"))
    }

    @Test func hundredThousandMembersParseWithLookups() throws {
        let object = try #require(try JSONParser().parse(Self.numbered(100_000)).objectValue)
        #expect(object.count == 100_000)
        #expect(object["k99999"] == .number("99999"))
        #expect(object.keys.first == "k0")
    }

    @Test func hundredThousandDuplicatesCollapseToOneMember() throws {
        let text = "{" + Array(repeating: #""same":1"#, count: 100_000).joined(separator: ",") + #","same":2}"#
        let object = try #require(try JSONParser().parse(text).objectValue)
        #expect(object.count == 1)
        #expect(object["same"] == .number("2"))
    }
}
