import CompatCore
import CompatKube
import CompatTransport
import Foundation
import Logging
import Synchronization

/// A loopback stand-in for kube-apiserver, scripted request by request, for the runner's Kubernetes
/// backends: it answers `METHOD path` from a queue of replies in the API's wire format (JSON objects
/// and `Status` bodies, chunked `text/plain` log streams) and records every request it saw.
final class ReplayedKubeAPI: Sendable {
    struct Request: Sendable, Equatable {
        var method: String
        var path: String
        var query: [String: String]
        var body: [UInt8]

        /// `POST /api/v1/namespaces/hpc/pods`
        var line: String { "\(method) \(path)" }
        var json: JSONValue? { try? JSONParser().parse(body) }
    }

    enum Reply: Sendable {
        /// A complete answer with a JSON body.
        case json(status: Int, body: JSONValue)
        /// `201 Created` with the posted object as the API server stores it (uid, resourceVersion,
        /// generation and creationTimestamp added).
        case created
        /// A `200` chunked `text/plain` body (a pod log), written in pieces of `pieceSize` bytes.
        case log(String, pieceSize: Int)
        /// A `200` log stream that sends `prefix` and then stays open, sending nothing, until the client
        /// goes away: a container that never ends.
        case endlessLog(prefix: String)
    }

    private struct State {
        var requests: [Request] = []
        var queues: [String: [Reply]] = [:]
        var repeating: [String: Reply] = [:]
    }

    /// The script and the record, shared with the server's handler threads.
    private final class Conversation: Sendable {
        let state = Mutex(State())
    }

    private let conversation = Conversation()
    private let server: HTTPSServer
    let baseURL: String

    init() throws {
        let conversation = self.conversation
        server = try HTTPSServer(
            configuration: HTTPSServer.Configuration(bindAddress: "127.0.0.1", port: 0, security: .plainHTTP, threadPoolSize: 2),
            logger: quietLogger
        ) { request in
            Self.answer(request, conversation: conversation)
        }
        baseURL = "http://127.0.0.1:\(server.port)"
    }

    /// A client for this server with test-sized request timeouts.
    func client() throws -> KubeClient {
        try KubeClient(connection: KubeConnection(server: baseURL), logger: quietLogger, requestTimeout: .seconds(5))
    }

    func stop() { server.stop(gracePeriod: .seconds(2)) }

    /// Queues replies for `METHOD path` (path without query), answered in order.
    func enqueue(_ method: String, _ path: String, _ replies: Reply...) {
        conversation.state.withLock { $0.queues["\(method) \(path)", default: []] += replies }
    }

    /// The reply for `METHOD path` once its queue is empty, however often it is asked.
    func always(_ method: String, _ path: String, _ reply: Reply) {
        conversation.state.withLock { $0.repeating["\(method) \(path)"] = reply }
    }

    var requests: [Request] { conversation.state.withLock { $0.requests } }
    var requestLines: [String] { requests.map(\.line) }

    private static func answer(_ request: HTTPServerRequest, conversation: Conversation) -> HTTPServerResponse {
        var query: [String: String] = [:]
        for item in request.query where query[item.name] == nil { query[item.name] = item.value }
        let recorded = Request(method: request.method, path: request.path, query: query, body: request.body)
        let reply: Reply? = conversation.state.withLock { state in
            state.requests.append(recorded)
            if var queue = state.queues[recorded.line], !queue.isEmpty {
                let next = queue.removeFirst()
                state.queues[recorded.line] = queue
                return next
            }
            return state.repeating[recorded.line]
        }
        switch reply {
        case .json(let status, let body)?:
            return .json(status, body.serializedBytes())
        case .created?:
            guard let object = recorded.json else {
                return .json(400, KubeFixtures.status(code: 400, reason: "BadRequest", message: "the body of the request was in an unknown format").serializedBytes())
            }
            return .json(201, KubeFixtures.stored(object).serializedBytes())
        case .log(let text, let pieceSize)?:
            let bytes = Array(text.utf8)
            return HTTPServerResponse(status: 200, headers: ["Content-Type": "text/plain"], body: .stream { writer in
                for start in stride(from: 0, to: bytes.count, by: pieceSize) {
                    guard writer.write(Array(bytes[start..<min(start + pieceSize, bytes.count)])), writer.waitWhileOpen(for: .milliseconds(1)) else { return }
                }
            })
        case .endlessLog(let prefix)?:
            return HTTPServerResponse(status: 200, headers: ["Content-Type": "text/plain"], body: .stream { writer in
                guard writer.write(Array(prefix.utf8)) else { return }
                while writer.waitWhileOpen(for: .milliseconds(50)) {}
            })
        case nil:
            return .json(500, KubeFixtures.status(code: 500, reason: "InternalError", message: "replay has no reply for \(recorded.line)").serializedBytes())
        }
    }
}
