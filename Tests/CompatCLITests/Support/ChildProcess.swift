import Foundation

/// Everything read so far from one pipe, filled by its own thread, so a test can wait for output that a
/// long-running child (the webhook, an `openssl s_client`) has not finished writing.
final class StreamCollector: @unchecked Sendable {
    private let condition = NSCondition()
    private var buffer = Data()
    private var ended = false

    init(_ handle: FileHandle) {
        Thread { [self] in
            while true {
                let chunk = handle.availableData
                condition.lock()
                if chunk.isEmpty { ended = true } else { buffer.append(chunk) }
                condition.broadcast()
                condition.unlock()
                if chunk.isEmpty { return }
            }
        }.start()
    }

    var data: Data {
        condition.lock()
        defer { condition.unlock() }
        return buffer
    }

    /// Waits until `extract` returns a value for what was read (it also learns whether the stream
    /// ended), or `timeout` seconds pass; `nil` then.
    func wait<T>(timeout: Double, _ extract: (_ data: Data, _ ended: Bool) -> T?) -> T? {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let value = extract(buffer, ended) { return value }
            if ended || !condition.wait(until: deadline) { return extract(buffer, ended) }
        }
    }

    /// Drops the first `count` bytes (a response that was read).
    func consume(_ count: Int) {
        condition.lock()
        buffer = Data(buffer.dropFirst(count))
        condition.unlock()
    }
}

/// A child process the test talks to while it runs: stdin written on demand, stdout and stderr collected
/// as they arrive.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    private let input = Pipe()
    let stdout: StreamCollector
    let stderr: StreamCollector

    init(_ executable: URL, _ arguments: [String], currentDirectory: URL = CommandRunner.packageRoot) throws {
        let out = Pipe()
        let err = Pipe()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = currentDirectory
        process.standardInput = input
        process.standardOutput = out
        process.standardError = err
        try process.run()
        stdout = StreamCollector(out.fileHandleForReading)
        stderr = StreamCollector(err.fileHandleForReading)
    }

    var pid: Int32 { process.processIdentifier }

    /// Runs `executable` to the end (bound its time with its own options) and returns what it printed.
    static func run(_ executable: String, _ arguments: [String]) throws -> CommandResult {
        let child = try ChildProcess(URL(fileURLWithPath: executable), arguments)
        try child.input.fileHandleForWriting.close()
        child.process.waitUntilExit()
        let out = child.stdout.wait(timeout: 10) { data, ended in ended ? data : nil } ?? child.stdout.data
        let err = child.stderr.wait(timeout: 10) { data, ended in ended ? data : nil } ?? child.stderr.data
        return CommandResult(
            status: child.process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self)
        )
    }

    func write(_ bytes: [UInt8]) {
        input.fileHandleForWriting.write(Data(bytes))
    }

    /// `true` once the process has exited, waiting at most `timeout` seconds.
    func waitForExit(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.01)
        }
        process.waitUntilExit()
        return true
    }

    /// Cleanup after a failed expectation: SIGKILL this child (only this pid) if it still runs.
    func killIfRunning() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// One HTTP/1.1 response read off a raw TLS connection.
struct RawHTTPResponse {
    var status: Int
    var headers: [String: String]
    var body: Data
}

/// A client TLS connection through `openssl s_client`, for what curl cannot do: keep one connection open
/// across the test's steps, and send a request in two parts with a pause between them (a slow client).
final class RawTLSConnection: @unchecked Sendable {
    let child: ChildProcess

    init(port: UInt16, serverName: String, caFile: String) throws {
        child = try ChildProcess(URL(fileURLWithPath: "/usr/bin/openssl"), [
            "s_client", "-connect", "127.0.0.1:\(port)", "-servername", serverName, "-verify_hostname", serverName,
            "-CAfile", caFile, "-verify_return_error", "-quiet", "-nocommands",
        ])
    }

    func send(_ text: String) { child.write(Array(text.utf8)) }
    func send(_ bytes: [UInt8]) { child.write(bytes) }

    /// The next complete response (`Content-Length` framed), or `nil` when the connection closed or
    /// `timeout` passed first.
    func readResponse(timeout: Double) -> RawHTTPResponse? {
        let separator = Data("\r\n\r\n".utf8)
        let parsed: (RawHTTPResponse, Int)? = child.stdout.wait(timeout: timeout) { data, _ in
            guard let end = data.range(of: separator) else { return nil }
            let head = String(decoding: data[data.startIndex..<end.lowerBound], as: UTF8.self)
            var lines = head.components(separatedBy: "\r\n")
            let statusLine = lines.removeFirst().split(separator: " ")
            guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
            var headers: [String: String] = [:]
            for line in lines {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            let length = headers["content-length"].flatMap { Int($0) } ?? 0
            let bodyStart = end.upperBound
            guard data.endIndex - bodyStart >= length else { return nil }
            let body = data[bodyStart..<(bodyStart + length)]
            return (RawHTTPResponse(status: status, headers: headers, body: Data(body)), bodyStart + length - data.startIndex)
        }
        guard let (response, consumed) = parsed else { return nil }
        child.stdout.consume(consumed)
        return response
    }

    /// `true` once the server closed the connection (s_client then exits), within `timeout`.
    func waitUntilClosed(timeout: Double) -> Bool { child.waitForExit(timeout: timeout) }

    func close() { child.killIfRunning() }
}
