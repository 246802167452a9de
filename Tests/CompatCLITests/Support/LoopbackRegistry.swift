import Foundation

/// The real Debian `docker-registry` (distribution 2.8) serving on 127.0.0.1 at a free port, with its storage
/// in a temporary folder; ``stop()`` ends it and removes the storage. CompatRegistryTests' `RegistryProcess`
/// does the same through the project's HTTP client; this target runs binaries only, so curl asks `/v2/`.
final class LoopbackRegistry {
    let port: UInt16
    let directory: String
    private let process = Process()

    /// `127.0.0.1:<port>`, as it appears in references and in `--plain-http`/`--registry-insecure`.
    var host: String { "127.0.0.1:\(port)" }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("compat-cli-registry-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        port = try LoopbackSocket.freePort()
        let config = """
            version: 0.1
            log: {level: warn}
            storage:
              filesystem: {rootdirectory: \(directory)/data}
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
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, process.isRunning {
            let probe = try ChildProcess.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "1", "http://\(host)/v2/"])
            if probe.stdout == "200" { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let output = (try? String(contentsOfFile: directory + "/registry.log", encoding: .utf8)) ?? ""
        stop()
        throw LoopbackSocket.Failure(description: "docker-registry did not answer /v2/ on \(host): \(output)")
    }

    /// Ends the registry (a test peer: nothing to flush) and deletes its storage.
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
