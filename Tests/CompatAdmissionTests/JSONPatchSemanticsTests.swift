import CompatAdmission
import CompatCore
import Testing

/// RFC 6902 rules beyond Appendix A, and the patch document's own format.
@Suite struct JSONPatchSemanticsTests {
    func apply(_ patch: String, to document: String) throws -> JSONValue {
        try JSONPatch(decoding: try json(patch)).apply(to: try json(document))
    }

    func problem(_ patch: String, on document: String) -> JSONPatchError? {
        do {
            _ = try apply(patch, to: document)
            return nil
        } catch let error as JSONPatchError {
            return error
        } catch {
            return nil
        }
    }

    @Test func addOnAnExistingMemberReplacesIt() throws {
        #expect(try apply(#"[{"op":"add","path":"/a","value":2}]"#, to: #"{"a":1}"#) == json(#"{"a":2}"#))
    }

    @Test func addAtTheRootReplacesTheDocument() throws {
        #expect(try apply(#"[{"op":"add","path":"","value":[1]}]"#, to: #"{"a":1}"#) == json("[1]"))
    }

    @Test func addAtArrayEndIndexAppendsButBeyondItFails() throws {
        #expect(try apply(#"[{"op":"add","path":"/2","value":"c"}]"#, to: #"["a","b"]"#) == json(#"["a","b","c"]"#))
        #expect(problem(#"[{"op":"add","path":"/3","value":"c"}]"#, on: #"["a","b"]"#)?.problem == .invalidArrayIndex(.root, token: "3", count: 2))
    }

    @Test func negativeAndLeadingZeroIndicesAreRejected() {
        #expect(problem(#"[{"op":"replace","path":"/-1","value":0}]"#, on: "[1,2]")?.problem == .invalidArrayIndex(.root, token: "-1", count: 2))
        #expect(problem(#"[{"op":"remove","path":"/01"}]"#, on: "[1,2]")?.problem == .invalidArrayIndex(.root, token: "01", count: 2))
    }

    @Test func replaceAndRemoveOfAMissingMemberFail() throws {
        #expect(problem(#"[{"op":"replace","path":"/b","value":0}]"#, on: #"{"a":1}"#)?.problem == .missingTarget(try JSONPointer("/b")))
        #expect(problem(#"[{"op":"remove","path":"/b"}]"#, on: #"{"a":1}"#)?.problem == .missingTarget(try JSONPointer("/b")))
    }

    @Test func removingTheRootFails() {
        #expect(problem(#"[{"op":"remove","path":""}]"#, on: #"{"a":1}"#)?.problem == .removeRoot)
    }

    @Test func stepsThroughScalarsFailNamingTheScalar() throws {
        #expect(problem(#"[{"op":"add","path":"/a/b","value":0}]"#, on: #"{"a":"text"}"#)?.problem == .notAContainer(try JSONPointer("/a"), found: "a string"))
    }

    @Test func movingIntoItsOwnChildFails() throws {
        let error = problem(#"[{"op":"move","from":"/a","path":"/a/b"}]"#, on: #"{"a":{}}"#)
        #expect(error?.problem == .moveIntoItself(from: try JSONPointer("/a"), path: try JSONPointer("/a/b")))
    }

    @Test func movingToItselfIsANoOpButItMustExist() throws {
        #expect(try apply(#"[{"op":"move","from":"/a","path":"/a"}]"#, to: #"{"a":1}"#) == json(#"{"a":1}"#))
        #expect(problem(#"[{"op":"move","from":"/b","path":"/b"}]"#, on: #"{"a":1}"#)?.problem == .missingTarget(try JSONPointer("/b")))
    }

    @Test func copyDuplicatesWithoutRemoving() throws {
        #expect(try apply(#"[{"op":"copy","from":"/a","path":"/b"}]"#, to: #"{"a":{"x":[1]}}"#) == json(#"{"a":{"x":[1]},"b":{"x":[1]}}"#))
    }

    @Test func testComparesNumbersByValueAndObjectsRegardlessOfOrder() throws {
        let document = #"{"n":1,"m":{"a":1,"b":[1.5,2]},"z":0}"#
        let patch = #"""
            [{"op":"test","path":"/n","value":1.0},{"op":"test","path":"/n","value":10e-1},
             {"op":"test","path":"/m","value":{"b":[15e-1,2.00],"a":1}},{"op":"test","path":"/z","value":-0.0}]
            """#
        #expect(try apply(patch, to: document) == json(document))
        #expect(problem(#"[{"op":"test","path":"/n","value":1.0001}]"#, on: document) != nil)
        #expect(problem(#"[{"op":"test","path":"/m","value":{"a":1}}]"#, on: document) != nil)
    }

    @Test func testComparesStringsByCodePoints() throws {
        // "é" precomposed (U+00E9) versus "e" + combining acute (U+0065 U+0301): equal to Swift, not to RFC 6902.
        #expect(problem(#"[{"op":"test","path":"/s","value":"e\u0301"}]"#, on: #"{"s":"\u00e9"}"#) != nil)
    }

    @Test func aFailingOperationLeavesNothingApplied() throws {
        let document = try json(#"{"a":1}"#)
        let patch = try JSONPatch(decoding: try json(#"[{"op":"add","path":"/b","value":2},{"op":"remove","path":"/missing"}]"#))
        #expect(throws: JSONPatchError(operationIndex: 1, problem: .missingTarget(try JSONPointer("/missing")))) {
            try patch.apply(to: document)
        }
        #expect(document == (try json(#"{"a":1}"#)))
    }

    @Test func operationsMissingTheirMembersAreMalformed() {
        #expect(throws: JSONPatchError(operationIndex: 0, problem: .malformed("missing 'value'"))) {
            try JSONPatch(decoding: try json(#"[{"op":"add","path":"/a"}]"#))
        }
        #expect(throws: JSONPatchError(operationIndex: 1, problem: .malformed("missing 'from'"))) {
            try JSONPatch(decoding: try json(#"[{"op":"remove","path":"/a"},{"op":"copy","path":"/b"}]"#))
        }
        #expect(throws: JSONPatchError(operationIndex: 0, problem: .malformed("unknown op 'merge' (expected add, remove, replace, move, copy or test)"))) {
            try JSONPatch(decoding: try json(#"[{"op":"merge","path":"/a"}]"#))
        }
        #expect(throws: JSONPatchError(operationIndex: nil, problem: .malformed("a JSON Patch must be an array, found an object"))) {
            try JSONPatch(decoding: try json(#"{"op":"add"}"#))
        }
    }

    @Test func nullFalseAndEmptyValuesAreKeptAndWritten() throws {
        let patch = JSONPatch([
            .add(path: try JSONPointer("/a"), value: .null),
            .replace(path: try JSONPointer("/b"), value: false),
            .add(path: try JSONPointer("/c"), value: ""),
        ])
        #expect(patch.serialized() == #"[{"op":"add","path":"/a","value":null},{"op":"replace","path":"/b","value":false},{"op":"add","path":"/c","value":""}]"#)
        #expect(try JSONPatch(decoding: patch.jsonValue) == patch)
    }

    @Test func moveAndCopyAreWrittenWithFromBeforePath() throws {
        let patch = JSONPatch([.move(from: try JSONPointer("/a~1b"), path: try JSONPointer("/c")), .copy(from: try JSONPointer("/c"), path: try JSONPointer("/d/-"))])
        #expect(patch.serialized() == #"[{"op":"move","from":"/a~1b","path":"/c"},{"op":"copy","from":"/c","path":"/d/-"}]"#)
        #expect(try JSONPatch(decoding: patch.jsonValue) == patch)
    }

    @Test func base64FormIsTheSerializedPatch() throws {
        let patch = JSONPatch([.add(path: try JSONPointer("/a"), value: 1)])
        #expect(try Base64.decode(patch.base64Encoded) == Array(#"[{"op":"add","path":"/a","value":1}]"#.utf8))
        #expect(try JSONPatch(decodingBytes: try Base64.decode(patch.base64Encoded)) == patch)
    }
}
