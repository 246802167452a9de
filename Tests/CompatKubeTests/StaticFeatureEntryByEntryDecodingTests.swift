import CompatCore
import Foundation
import Testing
@testable import CompatKube

/// Static feature files are decoded one entry at a time, with exactly the results and errors of decoding
/// the whole document.
@Suite struct StaticFeatureEntryByEntryDecodingTests {
    static let typeKey = "node.kubernetes.io/instance-type"

    /// The error the whole-document decoder gives for `text`.
    static func wholeDocumentError(_ text: String) -> ArtifactDecodingError? {
        do {
            _ = try DocumentDecoder.decode(Array(text.utf8), format: .json)
            return nil
        } catch {
            return error
        }
    }

    @Test func realFeatureFileDecodesToTheSameLabelsAsTheWholeDocument() throws {
        let nodes = try StaticNodeFeatures.parse(try Data(contentsOf: APIFixtures.nodeFeaturesFile), fileName: "eks.json")
        let expected = try APIFixtures.realNodeLabels()
        #expect(nodes.count == 25)
        #expect(nodes.map(\.labels) == expected)
        #expect(nodes.map(\.name) == (0..<25).map { "static/eks.json/\($0)" })
    }

    @Test func separatorsInsideStringsDoNotSplitEntries() throws {
        let text = #"[ {"node.kubernetes.io/instance-type": "a,]}[\"x", "example.com/note": "{[,\\"} ,{"node.kubernetes.io/instance-type":"b"} ]"#
        let nodes = try StaticNodeFeatures.parse(Array(text.utf8), fileName: "s.json")
        #expect(nodes.map(\.instanceType) == [#"a,]}["x"#, "b"])
        #expect(nodes[0].labels["example.com/note"] == #"{[,\"#)
    }

    @Test func emptyArrayHasNoEntries() throws {
        #expect(try StaticNodeFeatures.parse(Array("[]".utf8), fileName: "e.json").isEmpty)
        #expect(try StaticNodeFeatures.parse(Array(" [ \n ] \n".utf8), fileName: "e.json").isEmpty)
    }

    @Test func syntaxErrorAfterAnInvalidEntryIsReportedAsTheWholeDocumentDecoderDoes() throws {
        // Entry 0 lacks an instance type, but the document is not JSON at all: that is the error.
        let text = #"[{"kubernetes.io/arch": "amd64"}, {"node.kubernetes.io/instance-type": "m5.large",}]"#
        let expected = try #require(Self.wholeDocumentError(text))
        #expect(expected.problem.hasPrefix("invalid JSON at byte 82"))
        #expect(throws: expected) { try StaticNodeFeatures.parse(Array(text.utf8), fileName: "x.json") }
    }

    @Test func trailingDataAfterTheArrayIsTheWholeDocumentError() throws {
        let text = #"[{"node.kubernetes.io/instance-type": "m5.large"}] ]"#
        let expected = try #require(Self.wholeDocumentError(text))
        #expect(expected == ArtifactDecodingError(path: FieldPath(), problem: "invalid JSON at byte 51: unexpected data after the end of the document"))
        #expect(throws: expected) { try StaticNodeFeatures.parse(Array(text.utf8), fileName: "x.json") }
    }

    @Test func trailingCommaInTheArrayIsTheWholeDocumentError() throws {
        let text = #"[{"node.kubernetes.io/instance-type": "m5.large"},]"#
        let expected = try #require(Self.wholeDocumentError(text))
        #expect(throws: expected) { try StaticNodeFeatures.parse(Array(text.utf8), fileName: "x.json") }
    }

    @Test func documentThatIsNotAnArrayIsRejectedByName() {
        #expect(throws: ArtifactDecodingError(path: FieldPath(), problem: "expected an array, found an object")) {
            try StaticNodeFeatures.parse(Array(#"{"node.kubernetes.io/instance-type": "m5.large"}"#.utf8), fileName: "x.json")
        }
    }

    @Test func nonObjectEntryIsNamedByItsIndex() {
        #expect(throws: ArtifactDecodingError(path: FieldPath([.index(1)]), problem: "expected an object of node labels, found a string")) {
            try StaticNodeFeatures.parse(Array(#"[{"node.kubernetes.io/instance-type": "m5.large"}, "m5.large"]"#.utf8), fileName: "x.json")
        }
    }

    @Test func elementRangesSplitOnlyAtTopLevelCommas() throws {
        let text = #" [1, "a,b", {"x": [1, 2]}, [[]] ] "#
        let bytes = Array(text.utf8)
        let ranges = try #require(bytes.withUnsafeBufferPointer { TopLevelArray.elementRanges(in: $0) })
        let elements = ranges.map { String(decoding: bytes[$0], as: UTF8.self).trimmingCharacters(in: .whitespaces) }
        #expect(elements == ["1", #""a,b""#, #"{"x": [1, 2]}"#, "[[]]"])
    }

    @Test func textNotShapedLikeOneArrayHasNoElementRanges() {
        for text in [#"{"a": 1}"#, "[1] 2", "[1", #"["unterminated]"#, "[1}]", ""] {
            let bytes = Array(text.utf8)
            #expect(bytes.withUnsafeBufferPointer { TopLevelArray.elementRanges(in: $0) } == nil, "\(text)")
        }
    }
}
