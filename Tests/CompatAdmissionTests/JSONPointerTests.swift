import CompatAdmission
import CompatCore
import Testing

@Suite struct JSONPointerTests {
    /// The document of RFC 6901 §5.
    let document: JSONValue = [
        "foo": ["bar", "baz"], "": 0, "a/b": 1, "c%d": 2, "e^f": 3, "g|h": 4, "i\\j": 5, "k\"l": 6, " ": 7, "m~n": 8,
    ]

    @Test func rfc6901ExamplesResolveToTheirValues() throws {
        let expectations: [(String, JSONValue)] = [
            ("", document), ("/foo", ["bar", "baz"]), ("/foo/0", "bar"), ("/", 0), ("/a~1b", 1), ("/c%d", 2),
            ("/e^f", 3), ("/g|h", 4), ("/i\\j", 5), ("/k\"l", 6), ("/ ", 7), ("/m~0n", 8),
        ]
        for (text, expected) in expectations {
            #expect(try JSONPointer(text).value(in: document) == expected, "pointer '\(text)'")
        }
    }

    @Test func tokensAreEscapedTildeFirstThenSlash() {
        #expect(JSONPointer.escape("node.kubernetes.io/instance-type") == "node.kubernetes.io~1instance-type")
        #expect(JSONPointer.escape("m~n") == "m~0n")
        #expect(JSONPointer.escape("~1") == "~01")
        #expect(JSONPointer.escape("a/~b/") == "a~1~0b~1")
        #expect(JSONPointer.escape("plain") == "plain")
    }

    @Test func unescapingTurnsTildeZeroOneIntoTildeOneNotSlash() throws {
        #expect(try JSONPointer.unescape("~01") == "~1")
        #expect(try JSONPointer.unescape("~10") == "/0")
        #expect(try JSONPointer("/~01").tokens == ["~1"])
    }

    @Test func escapingRoundTripsThroughTheWrittenForm() throws {
        let awkward = ["", "~", "/", "~0", "~1", "//", "~/~", "a~1b", "oci.image.compatibilities.selection/enabled", "ü/ñ"]
        let pointer = JSONPointer(tokens: awkward)
        let reparsed = try JSONPointer(pointer.description)
        #expect(reparsed == pointer)
        #expect(reparsed.tokens == awkward)
        for token in awkward {
            #expect(try JSONPointer.unescape(JSONPointer.escape(token)) == token)
        }
    }

    @Test func writtenFormOfLabelKeysUsesTildeOne() {
        let pointer = JSONPointer(tokens: ["spec", "nodeSelector", "node.kubernetes.io/instance-type"])
        #expect(pointer.description == "/spec/nodeSelector/node.kubernetes.io~1instance-type")
        #expect(JSONPointer.root.description == "")
    }

    @Test func pointerWithoutLeadingSlashIsRejected() {
        #expect(throws: JSONPointerError.missingLeadingSlash(pointer: "spec/containers")) {
            try JSONPointer("spec/containers")
        }
    }

    @Test func tildeNotFollowedByZeroOrOneIsRejected() {
        #expect(throws: JSONPointerError.invalidEscape(pointer: "/a~2b", token: "a~2b")) { try JSONPointer("/a~2b") }
        #expect(throws: JSONPointerError.invalidEscape(pointer: "/x/a~", token: "a~")) { try JSONPointer("/x/a~") }
    }

    @Test func arrayIndicesMustBeCanonicalDecimals() throws {
        let list: JSONValue = ["zero", "one"]
        #expect(try JSONPointer("/1").value(in: list) == "one")
        #expect(try JSONPointer("/01").value(in: list) == nil)
        #expect(try JSONPointer("/-1").value(in: list) == nil)
        #expect(try JSONPointer("/+1").value(in: list) == nil)
        #expect(try JSONPointer("/2").value(in: list) == nil)
        #expect(try JSONPointer("/-").value(in: list) == nil)
    }

    @Test func emptyTokensAreKeysNotSeparators() throws {
        let nested: JSONValue = ["": ["": "deep"]]
        #expect(try JSONPointer("//").tokens == ["", ""])
        #expect(try JSONPointer("//").value(in: nested) == "deep")
    }

    @Test func properPrefixMeansStrictlyInside() throws {
        let spec = try JSONPointer("/spec")
        #expect(spec.isProperPrefix(of: try JSONPointer("/spec/flux")))
        #expect(!spec.isProperPrefix(of: spec))
        #expect(!spec.isProperPrefix(of: try JSONPointer("/specification")))
        #expect(try JSONPointer("/spec/flux").parent == spec)
        #expect(JSONPointer.root.parent == nil)
    }
}
