import CompatTransport
import Foundation
import Synchronization
import Testing

/// Chunked responses produced on their own thread, read line by line as a Kubernetes watch is.
@Suite struct StreamingResponseTests {
    /// Sends `count` JSON lines, pausing between them, then ends the response.
    static func watchServer(lines count: Int, pause: Duration = .milliseconds(20)) throws -> HTTPSServer {
        try startPlainServer { request in
            HTTPServerResponse(status: 200, headers: ["Content-Type": "application/json"], body: .stream { writer in
                for i in 0..<count {
                    guard writer.writeLine(#"{"type":"ADDED","object":{"n":\#(i)}}"#) else { return }
                    guard writer.waitWhileOpen(for: pause) else { return }
                }
            })
        }
    }

    @Test func linesArriveInOrderAndTheStreamEndsWhenTheProducerReturns() throws {
        let server = try Self.watchServer(lines: 5)
        defer { server.stop() }
        var lines: [String] = []
        var status = 0

        let outcome = try CurlClient(logger: quietLogger).streamLines(
            HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/api/v1/nodes?watch=1"),
            onHead: { head in status = head.status; return true },
            onLine: { line in lines.append(String(decoding: line, as: UTF8.self)); return true }
        )
        #expect(status == 200)
        #expect(outcome.end == .serverClosed)
        #expect(outcome.head?.headers["Content-Type"] == "application/json")
        #expect(lines == (0..<5).map { #"{"type":"ADDED","object":{"n":\#($0)}}"# })
    }

    @Test func returningFalseStopsTheStreamAsANormalEnd() throws {
        let server = try Self.watchServer(lines: 1000)
        defer { server.stop() }
        var seen = 0

        let outcome = try CurlClient(logger: quietLogger).streamLines(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/watch")) { _ in
            seen += 1
            return seen < 3
        }
        #expect(outcome.end == .stoppedByCaller)
        #expect(seen == 3)
        // The producer notices the closed connection and the server is left with nothing in flight.
        #expect(eventually { server.requestsInFlight == 0 })
    }

    @Test func cancellationFromAnotherThreadEndsAnIdleStream() throws {
        let server = try startPlainServer { _ in
            HTTPServerResponse(status: 200, body: .stream { writer in
                writer.writeLine("first")
                _ = writer.waitWhileOpen(for: .seconds(60))
            })
        }
        defer { server.stop(gracePeriod: .seconds(1)) }
        let flag = CancellationFlag()
        var lines: [String] = []

        let outcome = try CurlClient(logger: quietLogger).streamLines(
            HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/idle"), cancellation: flag
        ) { line in
            lines.append(String(decoding: line, as: UTF8.self))
            flag.cancel()
            return true
        }
        #expect(outcome.end == .cancelled)
        #expect(lines == ["first"])
    }

    @Test func stoppingTheServerEndsOpenStreamsCleanly() throws {
        let server = try startPlainServer { _ in
            HTTPServerResponse(status: 200, body: .stream { writer in
                var n = 0
                while writer.writeLine("tick \(n)") {
                    n += 1
                    _ = writer.waitWhileOpen(for: .milliseconds(50))
                }
            })
        }
        let port = server.port
        let received = Mutex<[String]>([])
        let ended = ResultBox()
        Thread.detachNewThread {
            ended.set(Result {
                let outcome = try CurlClient(logger: quietLogger).streamLines(HTTPClientRequest(url: "http://127.0.0.1:\(port)/ticks")) { line in
                    received.withLock { $0.append(String(decoding: line, as: UTF8.self)) }
                    return true
                }
                return "\(outcome.end)"
            })
        }
        #expect(eventually { received.withLock { $0.count } >= 2 })
        server.stop(gracePeriod: .seconds(5))
        #expect(eventually { ended.get() != nil })
        #expect(try ended.get()?.get() == "serverClosed")
        #expect(received.withLock { $0.first } == "tick 0")
    }

    @Test func finalLineWithoutNewlineIsDelivered() throws {
        let server = try startPlainServer { _ in .text(200, "one\r\ntwo\nthree") }
        defer { server.stop() }
        var lines: [String] = []
        _ = try CurlClient(logger: quietLogger).streamLines(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/")) { line in
            lines.append(String(decoding: line, as: UTF8.self))
            return true
        }
        #expect(lines == ["one", "two", "three"])
    }

    @Test func errorStatusHeadIsSeenBeforeTheBody() throws {
        let server = try startPlainServer { _ in .json(410, Array(#"{"kind":"Status","code":410,"reason":"Expired"}"#.utf8)) }
        defer { server.stop() }
        var status = 0
        var body: [String] = []
        let outcome = try CurlClient(logger: quietLogger).streamLines(
            HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/watch"),
            onHead: { status = $0.status; return true },
            onLine: { body.append(String(decoding: $0, as: UTF8.self)); return true }
        )
        #expect(status == 410)
        #expect(outcome.head?.status == 410)
        #expect(body == [#"{"kind":"Status","code":410,"reason":"Expired"}"#])
    }

    @Test func chunksStreamOverTLS() throws {
        let pki = try TestPKI()
        let server = try startTLSServer(try pki.store()) { _ in
            HTTPServerResponse(status: 200, body: .stream { writer in
                for i in 0..<3 { writer.write(Array(repeating: UInt8(0x61 + i), count: 40_000)) }
            })
        }
        defer { server.stop() }
        var received: [UInt8] = []
        let outcome = try pki.client().stream(HTTPClientRequest(url: "https://localhost:\(server.port)/blob")) { chunk in
            received += chunk
            return true
        }
        #expect(outcome.end == .serverClosed)
        #expect(received == Array(repeating: 0x61, count: 40_000) + Array(repeating: 0x62, count: 40_000) + Array(repeating: 0x63, count: 40_000))
    }
}
