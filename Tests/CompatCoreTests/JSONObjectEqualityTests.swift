import Testing
@testable import CompatCore

/// `JSONObject` equality ignores member order, and hashing agrees with it.
@Suite struct JSONObjectEqualityTests {
    @Test(arguments: [2, 25])
    func objectsWithSameMembersInOtherOrderAreEqualWithEqualHashes(size: Int) {
        let members = (0..<size).map { ("k\($0)", JSONValue.number(String($0))) }
        let forward = JSONObject(members)
        let backward = JSONObject(members.reversed())
        #expect(forward == backward)
        #expect(forward.hashValue == backward.hashValue)
        #expect(Set([JSONValue.object(forward), .object(backward)]).count == 1)
    }

    @Test func differentValueMissingOrExtraMemberMakesObjectsUnequal() {
        let base = JSONObject([("a", 1), ("b", 2)])
        #expect(base != JSONObject([("b", 2), ("a", 3)]))
        #expect(base != JSONObject([("a", 1)]))
        #expect(base != JSONObject([("a", 1), ("b", 2), ("c", 3)]))
        #expect(base != JSONObject([("a", 1), ("c", 2)]))
    }

    @Test func nestedObjectsCompareRegardlessOfOrder() throws {
        let a = try JSONParser().parse(#"{"x":{"p":1,"q":[1,{"r":true,"s":null}]},"y":"z"}"#)
        let b = try JSONParser().parse(#"{"y":"z","x":{"q":[1,{"s":null,"r":true}],"p":1}}"#)
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
    }

    @Test func canonicallyEquivalentNamesMakeEqualObjects() {
        let precomposed = JSONObject([("\u{E9}", 1), ("K", 2)])
        let decomposed = JSONObject([("\u{212A}", 2), ("e\u{301}", 1)])
        #expect(precomposed == decomposed)
        #expect(precomposed.hashValue == decomposed.hashValue)
    }

    @Test func emptyObjectsAreEqual() {
        #expect(JSONObject() == JSONObject([]))
        #expect(JSONObject().hashValue == JSONObject([]).hashValue)
        #expect(JSONObject() != JSONObject([("a", nil)]))
    }
}
