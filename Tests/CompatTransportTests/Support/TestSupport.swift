import CompatTransport
import Foundation
import Logging
import Synchronization

/// A logger that keeps what it is given, for asserting on log output without bootstrapping the logging system.
final class LogRecorder: Sendable {
    struct Entry: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: Logger.Metadata
    }

    private let entries = Mutex<[Entry]>([])

    var logger: Logger {
        Logger(label: "test") { _ in RecordingHandler(recorder: self) }
    }

    var recorded: [Entry] { entries.withLock { $0 } }

    func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }

    private struct RecordingHandler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            recorder.append(Entry(level: event.level, message: event.message.description, metadata: merged))
        }
    }
}

/// A logger that drops everything.
let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

/// A fresh temporary directory, removed by `cleanUp()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "compat-transport-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let target = file(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: target))
        return target
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: path) }
}

/// A CA and a serving certificate for `localhost` and 127.0.0.1.
struct TestPKI {
    let authority: CertificateAuthority
    let server: IssuedCertificate

    init() throws {
        authority = try CertificateAuthority.generate(commonName: "compat test CA")
        server = try authority.issueServingCertificate(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
    }

    func store() throws -> TLSCertificateStore {
        try TLSCertificateStore(certificatePEM: server.certificatePEM, privateKeyPEM: server.privateKeyPEM)
    }

    /// A client that trusts only this CA.
    func client(timeout: Duration = .seconds(10)) -> CurlClient {
        CurlClient(configuration: .init(trust: .caPEM(authority.certificatePEM), timeout: timeout), logger: quietLogger)
    }
}

/// Starts a TLS server with `handler` on an ephemeral loopback port.
func startTLSServer(
    _ store: TLSCertificateStore, maxBody: Int = 1 << 20, logger: Logger = quietLogger,
    handler: @escaping @Sendable (HTTPServerRequest) -> HTTPServerResponse
) throws -> HTTPSServer {
    try HTTPSServer(
        configuration: .init(security: .tls(store), maxRequestBodyBytes: maxBody), logger: logger, handler: handler
    )
}

func startPlainServer(handler: @escaping @Sendable (HTTPServerRequest) -> HTTPServerResponse) throws -> HTTPSServer {
    try HTTPSServer(configuration: .init(security: .plainHTTP), logger: quietLogger, handler: handler)
}

/// Runs a program and returns its exit status and combined output.
func run(_ executable: String, _ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    let stdin = Pipe()
    process.standardInput = stdin
    try process.run()
    if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
    try stdin.fileHandleForWriting.close()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Waits (bounded) until `condition` holds; false when the deadline passed first.
func eventually(within limit: Duration = .seconds(10), _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.01)
    }
    return condition()
}
