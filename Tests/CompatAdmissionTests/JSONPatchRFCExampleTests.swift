import CompatAdmission
import CompatCore
import Testing

/// RFC 6902 Appendix A, every example.
@Suite struct JSONPatchRFCExampleTests {
    func apply(_ patch: String, to document: String) throws -> JSONValue {
        try JSONPatch(decoding: try json(patch)).apply(to: try json(document))
    }

    @Test func a1AddingAnObjectMember() throws {
        #expect(try apply(#"[{"op":"add","path":"/baz","value":"qux"}]"#, to: #"{"foo":"bar"}"#) == json(#"{"baz":"qux","foo":"bar"}"#))
    }

    @Test func a2AddingAnArrayElement() throws {
        #expect(try apply(#"[{"op":"add","path":"/foo/1","value":"qux"}]"#, to: #"{"foo":["bar","baz"]}"#) == json(#"{"foo":["bar","qux","baz"]}"#))
    }

    @Test func a3RemovingAnObjectMember() throws {
        #expect(try apply(#"[{"op":"remove","path":"/baz"}]"#, to: #"{"baz":"qux","foo":"bar"}"#) == json(#"{"foo":"bar"}"#))
    }

    @Test func a4RemovingAnArrayElement() throws {
        #expect(try apply(#"[{"op":"remove","path":"/foo/1"}]"#, to: #"{"foo":["bar","qux","baz"]}"#) == json(#"{"foo":["bar","baz"]}"#))
    }

    @Test func a5ReplacingAValue() throws {
        #expect(try apply(#"[{"op":"replace","path":"/baz","value":"boo"}]"#, to: #"{"baz":"qux","foo":"bar"}"#) == json(#"{"baz":"boo","foo":"bar"}"#))
    }

    @Test func a6MovingAValue() throws {
        let result = try apply(
            #"[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]"#,
            to: #"{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}"#
        )
        #expect(result == (try json(#"{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}"#)))
    }

    @Test func a7MovingAnArrayElement() throws {
        let result = try apply(#"[{"op":"move","from":"/foo/1","path":"/foo/3"}]"#, to: #"{"foo":["all","grass","cows","eat"]}"#)
        #expect(result == (try json(#"{"foo":["all","cows","eat","grass"]}"#)))
    }

    @Test func a8TestingAValueSucceeds() throws {
        let document = #"{"baz":"qux","foo":["a",2,"c"]}"#
        #expect(try apply(#"[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]"#, to: document) == json(document))
    }

    @Test func a9TestingAValueFails() throws {
        #expect(throws: JSONPatchError(operationIndex: 0, problem: .testFailed(try JSONPointer("/baz"), expected: "bar", found: "qux"))) {
            try apply(#"[{"op":"test","path":"/baz","value":"bar"}]"#, to: #"{"baz":"qux"}"#)
        }
    }

    @Test func a10AddingANestedMemberObject() throws {
        let result = try apply(#"[{"op":"add","path":"/child","value":{"grandchild":{}}}]"#, to: #"{"foo":"bar"}"#)
        #expect(result == (try json(#"{"foo":"bar","child":{"grandchild":{}}}"#)))
    }

    @Test func a11IgnoringUnrecognizedElements() throws {
        #expect(try apply(#"[{"op":"add","path":"/baz","value":"qux","xyz":123}]"#, to: #"{"foo":"bar"}"#) == json(#"{"foo":"bar","baz":"qux"}"#))
    }

    @Test func a12AddingToANonexistentTargetFails() throws {
        #expect(throws: JSONPatchError(operationIndex: 0, problem: .missingParent(try JSONPointer("/baz/bat")))) {
            try apply(#"[{"op":"add","path":"/baz/bat","value":"qux"}]"#, to: #"{"foo":"bar"}"#)
        }
    }

    /// A.13's duplicate `op` cannot be seen after parsing (the last member wins, as in Go and the API
    /// server), so the patch reads as `remove /baz`, which still fails on a document without `baz`.
    @Test func a13InvalidPatchWithDuplicateOpFails() throws {
        #expect(throws: JSONPatchError.self) {
            try apply(#"[{"op":"add","path":"/baz","value":"qux","op":"remove"}]"#, to: #"{"foo":"bar"}"#)
        }
    }

    @Test func a14TildeEscapeOrdering() throws {
        let document = #"{"/":9,"~1":10}"#
        #expect(try apply(#"[{"op":"test","path":"/~01","value":10}]"#, to: document) == json(document))
    }

    @Test func a15ComparingStringsAndNumbersFails() throws {
        #expect(throws: JSONPatchError(operationIndex: 0, problem: .testFailed(try JSONPointer("/~01"), expected: "10", found: 10))) {
            try apply(#"[{"op":"test","path":"/~01","value":"10"}]"#, to: #"{"/":9,"~1":10}"#)
        }
    }

    @Test func a16AddingAnArrayValue() throws {
        #expect(try apply(#"[{"op":"add","path":"/foo/-","value":["abc","def"]}]"#, to: #"{"foo":["bar"]}"#) == json(#"{"foo":["bar",["abc","def"]]}"#))
    }
}
