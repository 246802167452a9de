import Testing
@testable import CompatCore

@Suite struct StrictObjectTests {
    @Test func namesThePathOfAWrongType() throws {
        let doc = try DocumentDecoder.decode(#"{"items": [{"name": 3}]}"#)
        var root = try StrictObject(doc, at: FieldPath())
        let items = try root.array("items")
        var first = try StrictObject(items[0].value, at: items[0].path)
        #expect(throws: ArtifactDecodingError(path: FieldPath([.key("items"), .index(0), .key("name")]), problem: "expected a string, found a number")) {
            try first.string("name")
        }
    }

    @Test func rejectsUnknownFieldsAfterReading() throws {
        var o = try StrictObject(try DocumentDecoder.decode(#"{"version": "v1", "compatibilites": []}"#), at: FieldPath())
        _ = try o.string("version")
        #expect(throws: ArtifactDecodingError.self) { try o.finish() }
        do { try o.finish() } catch {
            #expect(error.description == "compatibilites: unknown field 'compatibilites' (known fields here: 'version')")
        }
    }

    @Test func yamlKeepsNumberTextAndQuotedStrings() throws {
        let doc = try DocumentDecoder.decode("a: 5.10\nb: '5.10'\nc: yes\nd: 0x10\ne: ~\n")
        #expect(doc["a"] == .number("5.10"))
        #expect(doc["b"] == .string("5.10"))
        #expect(doc["c"] == .bool(true))
        #expect(doc["d"] == .string("0x10"))
        #expect(doc["e"] == .null)
    }
}
