import CompatCore
import Testing
@testable import CompatKube

@Suite struct WatchStreamDecodingTests {
    /// A stream of three real-shaped events: ADDED with a full node, a BOOKMARK and a 410 ERROR.
    static func sampleStream() throws -> [UInt8] {
        let labels = try APIFixtures.realNodeLabels()[0]
        let text = APIFixtures.watchLine("ADDED", APIFixtures.node(name: "ip-192-168-14-154.ec2.internal", labels: labels, resourceVersion: "8812"))
            + APIFixtures.watchLine("BOOKMARK", APIFixtures.bookmark(resourceVersion: "8840"))
            + APIFixtures.goneWatchLine
        return Array(text.utf8)
    }

    @Test func everyChunkSizeYieldsTheSameEvents() throws {
        let stream = try Self.sampleStream()
        var whole = WatchEventDecoder()
        let expected = try whole.append(stream)
        #expect(expected.map(\.type) == [.added, .bookmark, .error])
        #expect(expected.map(\.resourceVersion) == ["8812", "8840", nil])
        // Chunk sizes that split inside strings, escapes, multi-byte text and between the braces.
        for size in [1, 2, 3, 7, 64, 1000, 4096] {
            var decoder = WatchEventDecoder()
            var events: [WatchEvent] = []
            var offset = 0
            while offset < stream.count {
                let end = min(offset + size, stream.count)
                events += try decoder.append(stream[offset..<end])
                offset = end
            }
            #expect(events == expected, "chunk size \(size)")
            #expect(!decoder.hasPartialEvent)
        }
    }

    @Test func eventIsReturnedOnlyWhenItsLastByteArrives() throws {
        let line = Array(APIFixtures.watchLine("DELETED", ["kind": "Node", "metadata": ["name": "n1", "resourceVersion": "9"]]).utf8)
        var decoder = WatchEventDecoder()
        #expect(try decoder.append(line.dropLast(2)).isEmpty)
        #expect(decoder.hasPartialEvent)
        let events = try decoder.append(line.suffix(2))
        #expect(events.map(\.type) == [.deleted])
        #expect(events.first?.object["metadata"]?["name"] == "n1")
    }

    @Test func bracesAndQuotesInsideStringsDoNotEndTheDocument() throws {
        let tricky = #"{"type":"MODIFIED","object":{"metadata":{"name":"n}\"{","resourceVersion":"3","annotations":{"a":"\\\"}"}}}}"#
        var decoder = WatchEventDecoder()
        let events = try decoder.append(Array((tricky + tricky).utf8))
        #expect(events.count == 2)
        #expect(events[0].object["metadata"]?["name"] == "n}\"{")
        #expect(events[0].object["metadata"]?["annotations"]?["a"] == "\\\"}")
    }

    @Test func errorEventCarriesTheExpiredStatus() throws {
        var decoder = WatchEventDecoder()
        let event = try #require(try decoder.append(Array(APIFixtures.goneWatchLine.utf8)).first)
        let status = try #require(KubeStatus(event.object))
        #expect(status == KubeStatus(status: "Failure", message: "too old resource version: 1 (2)", reason: "Expired", code: 410))
        #expect(status.isExpired)
    }

    @Test func garbageBetweenEventsIsAnError() throws {
        var decoder = WatchEventDecoder()
        #expect(throws: WatchStreamError(description: "malformed watch stream: expected a JSON object between documents, found byte 0x3c")) {
            try decoder.append(Array("<html>".utf8))
        }
    }

    @Test func unknownEventTypeIsAnError() throws {
        var decoder = WatchEventDecoder()
        do {
            _ = try decoder.append(Array(#"{"type":"SYNC","object":{}}"#.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("malformed watch event: type: unknown watch event type 'SYNC'"))
        }
    }

    @Test func oversizedDocumentIsAnErrorInsteadOfUnboundedBuffering() throws {
        var documents = JSONDocumentStream(maximumDocumentBytes: 100)
        #expect(throws: JSONDocumentStreamError(problem: "a document exceeds 100 bytes")) {
            try documents.append(Array(("{\"a\":\"" + String(repeating: "x", count: 200)).utf8))
        }
    }
}
