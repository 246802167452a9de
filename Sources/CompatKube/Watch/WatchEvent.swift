import CompatCore

/// One document of a watch stream: `{"type": "...", "object": {...}}`.
package struct WatchEvent: Sendable, Equatable {
    package enum EventType: String, Sendable, CaseIterable {
        case added = "ADDED"
        case modified = "MODIFIED"
        case deleted = "DELETED"
        /// Carries only `object.metadata.resourceVersion`: a resume point with no change.
        case bookmark = "BOOKMARK"
        /// Carries a `metav1.Status`; `code: 410` means the resource version left the history window.
        case error = "ERROR"
    }

    package var type: EventType
    package var object: JSONValue

    package init(type: EventType, object: JSONValue) {
        self.type = type
        self.object = object
    }

    package init(document: JSONValue) throws(ArtifactDecodingError) {
        var event = try StrictObject(document, at: FieldPath())
        let typeText = try event.string("type")
        guard let type = EventType(rawValue: typeText) else {
            throw ArtifactDecodingError(
                path: FieldPath([.key("type")]),
                problem: "unknown watch event type '\(typeText)' (expected one of \(EventType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self.type = type
        self.object = try event.requiredValue("object")
    }

    /// The `metadata.resourceVersion` of the event's object, if it has one (ERROR events do not).
    package var resourceVersion: String? { ResourceVersion.of(object) }
}

/// Turns the bytes of a watch response into events, in order, whatever the chunking.
package struct WatchEventDecoder: Sendable {
    private var documents = JSONDocumentStream()
    private let parser = JSONParser()

    package init() {}

    package var hasPartialEvent: Bool { documents.hasPartialDocument }

    package mutating func append<Bytes: Collection>(_ bytes: Bytes) throws(WatchStreamError) -> [WatchEvent] where Bytes.Element == UInt8 {
        let complete: [[UInt8]]
        do {
            complete = try documents.append(bytes)
        } catch {
            throw WatchStreamError(description: error.description)
        }
        var events: [WatchEvent] = []
        events.reserveCapacity(complete.count)
        for document in complete {
            let value: JSONValue
            do {
                value = try parser.parse(document)
            } catch {
                throw WatchStreamError(description: "malformed watch event: \(error)")
            }
            do {
                events.append(try WatchEvent(document: value))
            } catch {
                throw WatchStreamError(description: "malformed watch event: \(error)")
            }
        }
        return events
    }
}

/// A watch stream whose bytes are not watch events.
package struct WatchStreamError: Error, Sendable, Equatable, CustomStringConvertible {
    package var description: String
}
