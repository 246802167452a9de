import CompatCore
import Foundation
import Synchronization

/// What the replayed API server answers, request by request, and what it was asked.
///
/// Node lists and node watches each take the next reply from their own queue, so a test writes the
/// conversation in order: "first list: these pages; first watch: these events, then drop; second
/// watch: ...". Other requests are answered from per-route queues. Every request is recorded with its
/// query and `Authorization` header for assertions.
final class ReplayScript: Sendable {
    struct RecordedRequest: Sendable, Equatable {
        var method: String
        var path: String
        var query: [String: String]
        var authorization: String?
        var body: [UInt8]

        var isNodeWatch: Bool { path == "/api/v1/nodes" && query["watch"] == "1" }
        var isNodeList: Bool { path == "/api/v1/nodes" && query["watch"] == nil }
    }

    enum Reply: Sendable {
        /// A complete response with a JSON body.
        case json(status: Int, body: String)
        /// `200` with a chunked body written piece by piece.
        case stream([StreamPiece])
    }

    enum StreamPiece: Sendable, Equatable {
        /// One write of the chunked body (one HTTP chunk).
        case bytes([UInt8])
        /// End the response here, typically after half an event: the connection was cut mid-stream.
        case endMidEvent
        /// Keep the stream open, sending nothing, until the server stops or ``ReplayScript/releaseHeldStreams()``.
        case hold
    }

    private struct State {
        var requests: [RecordedRequest] = []
        var nodeLists: [Reply] = []
        var nodeWatches: [Reply] = []
        var routes: [String: [Reply]] = [:]
        /// When set, requests whose bearer token is not in the set get 401.
        var acceptedTokens: Set<String>?
        var releaseGeneration = 0
    }

    private let state = Mutex(State())

    var requests: [RecordedRequest] { state.withLock { $0.requests } }
    var nodeListRequests: [RecordedRequest] { requests.filter(\.isNodeList) }
    var nodeWatchRequests: [RecordedRequest] { requests.filter(\.isNodeWatch) }

    func enqueueNodeList(_ replies: Reply...) { state.withLock { $0.nodeLists += replies } }
    func enqueueNodeLists(_ replies: [Reply]) { state.withLock { $0.nodeLists += replies } }
    func enqueueNodeWatch(_ replies: Reply...) { state.withLock { $0.nodeWatches += replies } }

    /// Queues replies for `METHOD path` (path without query).
    func enqueue(_ method: String, _ path: String, _ replies: Reply...) {
        state.withLock { $0.routes["\(method) \(path)", default: []] += replies }
    }

    func acceptOnly(tokens: Set<String>?) { state.withLock { $0.acceptedTokens = tokens } }

    /// Ends every `.hold` in progress (they finish the body cleanly, like a watch timeout).
    func releaseHeldStreams() { state.withLock { $0.releaseGeneration += 1 } }
    var releaseGeneration: Int { state.withLock { $0.releaseGeneration } }

    /// Records the request and picks its reply.
    func reply(to request: RecordedRequest) -> Reply {
        state.withLock { state in
            state.requests.append(request)
            if let accepted = state.acceptedTokens {
                let token = request.authorization.flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
                if token.map(accepted.contains) != true {
                    return .json(status: 401, body: APIFixtures.unauthorizedStatusBody)
                }
            }
            if request.isNodeWatch {
                // An exhausted watch script idles like a quiet cluster until the test ends.
                return state.nodeWatches.isEmpty ? .stream([.hold]) : state.nodeWatches.removeFirst()
            }
            if request.isNodeList {
                return state.nodeLists.isEmpty ? Self.exhausted("node list") : state.nodeLists.removeFirst()
            }
            let key = "\(request.method) \(request.path)"
            guard var queue = state.routes[key], !queue.isEmpty else { return Self.exhausted(key) }
            let next = queue.removeFirst()
            state.routes[key] = queue
            return next
        }
    }

    private static func exhausted(_ what: String) -> Reply {
        .json(status: 500, body: #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"replay script has no reply for "#
            + what + #"","reason":"InternalError","code":500}"#)
    }

    // MARK: Building replies

    /// A node list split into pages of `pageSize` with continue tokens, all at `resourceVersion`, as the
    /// API server pages a consistent list. The tokens are opaque base64 like the real ones.
    static func nodeListPages(_ items: [JSONValue], pageSize: Int, resourceVersion: String) -> [Reply] {
        var pages: [Reply] = []
        var start = 0
        repeat {
            let end = min(start + pageSize, items.count)
            let remaining = items.count - end
            let token = remaining > 0
                ? Data(#"{"v":"meta.k8s.io/v1","rv":\#(resourceVersion),"start":"\#(end)"}"#.utf8).base64EncodedString()
                : nil
            let list = APIFixtures.nodeList(
                items: Array(items[start..<end]), resourceVersion: resourceVersion, continueToken: token, remaining: remaining > 0 ? remaining : nil)
            pages.append(.json(status: 200, body: list.serialized()))
            start = end
        } while start < items.count
        return pages
    }

    /// Watch lines cut into pieces of `pieceSize` bytes, so that objects straddle chunk boundaries.
    static func pieces(_ text: String, size: Int) -> [StreamPiece] {
        let bytes = Array(text.utf8)
        return stride(from: 0, to: bytes.count, by: size).map { .bytes(Array(bytes[$0..<min($0 + size, bytes.count)])) }
    }
}
