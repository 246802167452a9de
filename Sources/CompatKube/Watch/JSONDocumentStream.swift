/// Splits a byte stream of concatenated JSON documents into whole documents as the bytes arrive.
///
/// A watch response is a chunked body of `{"type":…,"object":…}` documents, one per line in practice,
/// but chunk boundaries follow the server's buffers, not the documents: one chunk may end in the middle
/// of a document (or of a multi-byte character), and another may carry several. The splitter tracks
/// nesting depth and string state byte by byte, so it needs no newlines at all and never parses a
/// partial document.
package struct JSONDocumentStream: Sendable {
    /// Largest single document accepted. A node object with many images is ~50 KB; anything past this
    /// bound is a broken stream, and buffering it would only grow memory.
    package let maximumDocumentBytes: Int

    private var buffer: [UInt8] = []
    /// Index in `buffer` where scanning resumes.
    private var scanned = 0
    /// Index in `buffer` where the document in progress starts, if one has started.
    private var documentStart: Int?
    private var depth = 0
    private var strings = JSONStringTracker()

    package init(maximumDocumentBytes: Int = 16 << 20) {
        self.maximumDocumentBytes = maximumDocumentBytes
    }

    /// True when bytes of an unfinished document are buffered: a stream that ends now ended mid-document.
    package var hasPartialDocument: Bool { documentStart != nil }

    /// Adds received bytes and returns the documents they complete, in order.
    package mutating func append<Bytes: Collection>(_ bytes: Bytes) throws(JSONDocumentStreamError) -> [[UInt8]]
    where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        var documents: [[UInt8]] = []
        while scanned < buffer.count {
            let byte = buffer[scanned]
            defer { scanned += 1 }
            guard let start = documentStart else {
                switch byte {
                case 0x20, 0x09, 0x0A, 0x0D:
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    documentStart = scanned
                    depth = 1
                default:
                    throw JSONDocumentStreamError(
                        problem: "expected a JSON object between documents, found byte 0x\(String(byte, radix: 16))")
                }
                continue
            }
            if strings.consume(byte) { continue }
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 {
                    documents.append(Array(buffer[start...scanned]))
                    documentStart = nil
                }
            default:
                break
            }
        }
        compact()
        if let start = documentStart, buffer.count - start > maximumDocumentBytes {
            throw JSONDocumentStreamError(problem: "a document exceeds \(maximumDocumentBytes) bytes")
        }
        return documents
    }

    /// Drops bytes that belong to documents already returned, keeping the buffer as small as the
    /// document in progress.
    private mutating func compact() {
        let keepFrom = documentStart ?? scanned
        guard keepFrom > 0 else { return }
        buffer.removeFirst(keepFrom)
        scanned -= keepFrom
        if documentStart != nil { documentStart = 0 }
    }
}

/// A watch stream that is not a sequence of JSON documents.
package struct JSONDocumentStreamError: Error, Sendable, Equatable, CustomStringConvertible {
    package var problem: String
    package var description: String { "malformed watch stream: \(problem)" }
}
