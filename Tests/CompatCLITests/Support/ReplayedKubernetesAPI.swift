import Foundation

/// A loopback stand-in for kube-apiserver that replays a recorded `kubectl get nodes -o json` in the API's wire
/// format, for a `compat-webhook serve` started as a Deployment would start it (its node cache is the only
/// client): plain HTTP/1.1 on 127.0.0.1 with a bearer token.
///
/// - `GET /api/v1/nodes` (no `watch`): a `NodeList`, compact JSON, `metadata.resourceVersion` the highest item
///   version, items without the per-item `kind`/`apiVersion` kubectl adds when it prints a List; one page
///   (no `continue`), which any `limit` allows.
/// - `GET /api/v1/nodes?watch=1…`: a chunked stream whose first chunk is a BOOKMARK at the list's version, then
///   held open, sending nothing, until ``stop()`` ends it cleanly (as the server's `timeoutSeconds` would).
/// - No or another token: `401` with a `Status`; any other path: `404` with a `Status`.
final class ReplayedKubernetesAPI: @unchecked Sendable {
    let port: UInt16
    let token: String
    let resourceVersion: String
    private let listBody: [UInt8]
    private let listener: Int32
    private let lock = NSLock()
    private var stopped = false
    private var lines: [String] = []
    private var connections: [Int32] = []

    /// `recording`: a `kubectl get nodes -o json` document (`kind: List` of `v1` Nodes).
    init(nodes recording: Data) throws {
        guard let document = try JSONSerialization.jsonObject(with: recording) as? [String: Any],
              let items = document["items"] as? [[String: Any]] else {
            throw LoopbackSocket.Failure(description: "the node recording is not a List document with items")
        }
        var highest = 0
        var wireItems: [[String: Any]] = []
        for var item in items {
            item["kind"] = nil
            item["apiVersion"] = nil
            if let version = (item["metadata"] as? [String: Any])?["resourceVersion"] as? String, let number = Int(version) {
                highest = max(highest, number)
            }
            wireItems.append(item)
        }
        resourceVersion = String(highest)
        let list: [String: Any] = [
            "kind": "NodeList", "apiVersion": "v1", "metadata": ["resourceVersion": resourceVersion], "items": wireItems,
        ]
        listBody = Array(try JSONSerialization.data(withJSONObject: list))
        token = "replay-" + UUID().uuidString
        (listener, port) = try LoopbackSocket.listen()
        Thread { [self] in acceptLoop() }.start()
    }

    /// Request lines seen so far (`GET /api/v1/nodes?limit=500&resourceVersion=0`).
    var requestLines: [String] { lock.withLock { lines } }

    /// A kubeconfig whose current context reaches this server with its token.
    func writeKubeconfig(to path: String) throws {
        let text = """
            apiVersion: v1
            kind: Config
            clusters:
              - name: replayed
                cluster:
                  server: http://127.0.0.1:\(port)
            users:
              - name: compat-webhook
                user:
                  token: \(token)
            contexts:
              - name: replayed
                context:
                  cluster: replayed
                  user: compat-webhook
            current-context: replayed

            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Ends held watches cleanly and stops accepting.
    func stop() {
        let open: [Int32] = lock.withLock {
            stopped = true
            return connections
        }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for fd in open { shutdown(fd, Int32(SHUT_RD)) }
        let deadline = Date().addingTimeInterval(2)
        while Date() < deadline, !lock.withLock({ connections.isEmpty }) { Thread.sleep(forTimeInterval: 0.01) }
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func acceptLoop() {
        while !isStopped {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { return }
            lock.withLock { connections.append(fd) }
            Thread { [self] in
                serve(fd)
                lock.withLock { connections.removeAll { $0 == fd } }
                close(fd)
            }.start()
        }
    }

    /// Answers requests on one keep-alive connection until the client closes it or a watch ends.
    private func serve(_ fd: Int32) {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while !isStopped {
            guard let end = buffer.firstRange(of: Array("\r\n\r\n".utf8)) else {
                let count = recv(fd, &chunk, chunk.count, 0)
                guard count > 0 else { return }
                buffer += chunk[..<count]
                continue
            }
            let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
            buffer.removeSubrange(..<end.upperBound)
            var headerLines = head.components(separatedBy: "\r\n")
            let requestLine = headerLines.removeFirst()
            lock.withLock { lines.append(requestLine) }
            let authorized = headerLines.contains { $0.lowercased().hasPrefix("authorization:") && $0.hasSuffix("Bearer \(token)") }
            let parts = requestLine.split(separator: " ")
            let target = parts.count > 1 ? String(parts[1]) : ""
            let path = String(target.split(separator: "?", maxSplits: 1).first ?? "")
            let query = target.contains("?") ? String(target.split(separator: "?", maxSplits: 1)[1]) : ""
            let watching = query.split(separator: "&").contains { $0 == "watch=1" || $0 == "watch=true" }
            if !authorized {
                guard respond(fd, status: "401 Unauthorized", body: status(401, "Unauthorized", "Unauthorized")) else { return }
            } else if parts.first != "GET" || path != "/api/v1/nodes" {
                guard respond(fd, status: "404 Not Found", body: status(404, "NotFound", "the server could not find the requested resource")) else { return }
            } else if watching {
                holdWatch(fd)
                return
            } else {
                guard respond(fd, status: "200 OK", body: listBody) else { return }
            }
        }
    }

    private func respond(_ fd: Int32, status: String, body: [UInt8]) -> Bool {
        let head = "HTTP/1.1 \(status)\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
        return LoopbackSocket.send(fd, Array(head.utf8) + body)
    }

    private func holdWatch(_ fd: Int32) {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        let bookmark = #"{"type":"BOOKMARK","object":{"kind":"Node","apiVersion":"v1","metadata":{"resourceVersion":"\#(resourceVersion)","creationTimestamp":null},"spec":{},"status":{"daemonEndpoints":{"kubeletEndpoint":{"Port":0}},"nodeInfo":{"machineID":"","systemUUID":"","bootID":"","kernelVersion":"","osImage":"","containerRuntimeVersion":"","kubeletVersion":"","kubeProxyVersion":"","operatingSystem":"","architecture":""}}}}"# + "\n"
        let event = Array(bookmark.utf8)
        guard LoopbackSocket.send(fd, Array(head.utf8) + Array(String(event.count, radix: 16).utf8) + Array("\r\n".utf8) + event + Array("\r\n".utf8)) else { return }
        var probe = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            if isStopped {
                _ = LoopbackSocket.send(fd, Array("0\r\n\r\n".utf8))
                return
            }
            // Readable while held means the client went away (it sends nothing on a watch), or stop() began.
            if poll(&probe, 1, 50) > 0, !isStopped { return }
        }
    }

    private func status(_ code: Int, _ reason: String, _ message: String) -> [UInt8] {
        let body: [String: Any] = [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure", "message": message, "reason": reason, "code": code,
        ]
        return Array((try? JSONSerialization.data(withJSONObject: body)) ?? Data())
    }
}
