import CompatTransport
import Foundation
import Logging

let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

/// The real Debian `docker-registry` (distribution 2.8) serving on 127.0.0.1 and a free port, with its
/// storage in a temporary directory; stopped and removed by ``stop()``.
final class RegistryProcess {
    let port: UInt16
    let directory: String
    private let process = Process()

    /// `127.0.0.1:<port>`, as it appears in references.
    var host: String { "127.0.0.1:\(port)" }
    var storage: String { directory + "/data" }

    init() throws {
        directory = NSTemporaryDirectory() + "compat-registry-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        port = try freeLoopbackPort()
        let config = """
        version: 0.1
        log: {level: warn}
        storage:
          filesystem: {rootdirectory: \(directory)/data}
          delete: {enabled: true}
        http:
          addr: 127.0.0.1:\(port)
        """
        try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/config.yml"))
        _ = FileManager.default.createFile(atPath: directory + "/registry.log", contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/registry.log"))
        process.executableURL = URL(fileURLWithPath: "/usr/bin/docker-registry")
        process.arguments = ["serve", directory + "/config.yml"]
        process.standardOutput = log
        process.standardError = log
        try process.run()

        let client = CurlClient(configuration: .init(connectTimeout: .seconds(1)), logger: quietLogger)
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            guard process.isRunning else { break }
            if let response = try? client.send(HTTPClientRequest(url: "http://\(host)/v2/", timeout: .seconds(1))), response.status == 200 { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let output = (try? String(contentsOfFile: directory + "/registry.log", encoding: .utf8)) ?? ""
        stop()
        throw RegistrySetupError(message: "docker-registry did not answer /v2/ on \(port): \(output)")
    }

    /// Kills the registry (it is a test peer, nothing to flush) and deletes its storage.
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Stops the process but keeps the storage (a registry outage).
    func kill() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// Where the filesystem driver keeps a blob's bytes.
    func blobDataPath(_ digest: String) -> String {
        let hex = String(digest.dropFirst("sha256:".count))
        return "\(storage)/docker/registry/v2/blobs/sha256/\(hex.prefix(2))/\(hex)/data"
    }
}

struct RegistrySetupError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// A loopback port free at the time of the call.
func freeLoopbackPort() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw RegistrySetupError(message: "socket failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw RegistrySetupError(message: "bind failed") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return UInt16(bigEndian: address.sin_port)
}
