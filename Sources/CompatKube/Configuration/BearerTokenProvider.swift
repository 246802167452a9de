import CompatCore
import Foundation
import Synchronization

/// Supplies the bearer token for each request and refreshes it the way its source needs.
///
/// - `file`: re-read every `refreshInterval` (client-go's cached file token source re-reads every
///   minute) and immediately after a 401, because kubelet rotates projected service-account tokens
///   well before they expire and a token read once at startup is eventually rejected.
/// - `exec`: the plugin runs when there is no token, when the token's `expirationTimestamp` has passed,
///   or after a 401.
/// - `literal`: never changes.
///
/// Reads are serialised by a lock; a refresh is a file read or one plugin run.
final class BearerTokenProvider: Sendable {
    let source: BearerTokenSource
    private let refreshInterval: Duration
    private let execTimeout: Duration
    private let clusterInfo: JSONValue?

    private struct Cached {
        var token: String
        var fetchedAt: ContinuousClock.Instant
        var expiration: Date?
    }

    private let cached = Mutex<Cached?>(nil)

    init(source: BearerTokenSource, refreshInterval: Duration = .seconds(60), execTimeout: Duration = .seconds(60), clusterInfo: JSONValue? = nil) {
        self.source = source
        self.refreshInterval = refreshInterval
        self.execTimeout = execTimeout
        self.clusterInfo = clusterInfo
    }

    /// Whether a retry after a 401 can send anything different.
    var canRefresh: Bool {
        if case .literal = source { return false }
        return true
    }

    /// The token to send now.
    func token() throws(KubeCredentialError) -> String {
        if case .literal(let token) = source { return token }
        return try cached.withLock { (cached: inout Cached?) throws(KubeCredentialError) -> String in
            let now = ContinuousClock.now
            if let current = cached, isFresh(current, now: now) { return current.token }
            let fresh = try fetch(now: now)
            cached = fresh
            return fresh.token
        }
    }

    /// Forgets the cached token after the server rejected it, so the next ``token()`` fetches anew.
    func invalidate() {
        cached.withLock { $0 = nil }
    }

    private func isFresh(_ current: Cached, now: ContinuousClock.Instant) -> Bool {
        switch source {
        case .literal:
            return true
        case .file:
            return now - current.fetchedAt < refreshInterval
        case .exec:
            guard let expiration = current.expiration else { return true }
            return Date() < expiration
        }
    }

    private func fetch(now: ContinuousClock.Instant) throws(KubeCredentialError) -> Cached {
        switch source {
        case .literal(let token):
            return Cached(token: token, fetchedAt: now)
        case .file(let path):
            return Cached(token: try Self.readTokenFile(path), fetchedAt: now)
        case .exec(let plugin):
            let credential = try ExecPluginRunner(plugin: plugin, timeout: execTimeout, clusterInfo: clusterInfo).run()
            return Cached(token: credential.token, fetchedAt: now, expiration: credential.expiration)
        }
    }

    static func readTokenFile(_ path: String) throws(KubeCredentialError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KubeCredentialError("token file \(path) is missing or unreadable; check the service-account token mount")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            throw KubeCredentialError("token file \(path) is empty")
        }
        return token
    }
}

/// Credentials could not be obtained.
package struct KubeCredentialError: Error, Sendable, Equatable, CustomStringConvertible {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}

/// Runs an exec credential plugin once, non-interactively, with a deadline.
struct ExecPluginRunner {
    let plugin: KubeConfig.ExecPlugin
    let timeout: Duration
    let clusterInfo: JSONValue?

    func run() throws(KubeCredentialError) -> ExecCredential {
        let environment = ProcessInfo.processInfo.environment
        guard let executable = Self.locate(plugin.command, path: environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin") else {
            var message = "exec credential plugin '\(plugin.command)' was not found on PATH"
            if let hint = plugin.installHint { message += "; \(hint.trimmingCharacters(in: .whitespacesAndNewlines))" }
            throw KubeCredentialError(message)
        }
        var childEnvironment = environment
        for variable in plugin.env { childEnvironment[variable.name] = variable.value }
        childEnvironment["KUBERNETES_EXEC_INFO"] = execInfo().serialized()

        let scratch = FileManager.default.temporaryDirectory
        let stdoutURL = scratch.appendingPathComponent("compat-exec-\(UUID().uuidString).out")
        let stderrURL = scratch.appendingPathComponent("compat-exec-\(UUID().uuidString).err")
        defer {
            try? FileManager.default.removeItem(at: stdoutURL)
            try? FileManager.default.removeItem(at: stderrURL)
        }
        let status: Int32
        do {
            guard FileManager.default.createFile(atPath: stdoutURL.path, contents: nil),
                  FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
            else {
                throw KubeCredentialError("cannot create scratch files in \(scratch.path) for the exec credential plugin's output")
            }
            let stdout = try FileHandle(forWritingTo: stdoutURL)
            let stderr = try FileHandle(forWritingTo: stderrURL)
            defer {
                try? stdout.close()
                try? stderr.close()
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = plugin.args
            process.environment = childEnvironment
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = stdout
            process.standardError = stderr
            let exited = DispatchSemaphore(value: 0)
            process.terminationHandler = { _ in exited.signal() }
            try process.run()
            let seconds = timeout.inSeconds
            if exited.wait(timeout: .now() + seconds) == .timedOut {
                // SIGKILL: a plugin may block or ignore SIGTERM, and the caller must not hang.
                kill(process.processIdentifier, SIGKILL)
                exited.wait()
                throw KubeCredentialError("exec credential plugin '\(plugin.command)' did not finish within \(timeout); it was stopped")
            }
            status = process.terminationStatus
        } catch let error as KubeCredentialError {
            throw error
        } catch {
            throw KubeCredentialError("exec credential plugin '\(plugin.command)' could not be started: \(error)")
        }
        let output = (try? Data(contentsOf: stdoutURL)) ?? Data()
        let errorText = String(decoding: (try? Data(contentsOf: stderrURL)) ?? Data(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard status == 0 else {
            throw KubeCredentialError(
                "exec credential plugin '\(plugin.command)' exited with status \(status)" + (errorText.isEmpty ? "" : ": \(errorText.prefix(500))"))
        }
        do {
            return try ExecCredential(parsing: output, expectedAPIVersion: plugin.apiVersion)
        } catch {
            throw KubeCredentialError("exec credential plugin '\(plugin.command)' printed an unusable ExecCredential: \(error)")
        }
    }

    /// `KUBERNETES_EXEC_INFO`: tells the plugin the API version expected and that no terminal is attached.
    private func execInfo() -> JSONValue {
        var spec = JSONObject([("interactive", .bool(false))])
        if plugin.provideClusterInfo, let clusterInfo { spec["cluster"] = clusterInfo }
        return .object(JSONObject([
            ("kind", "ExecCredential"), ("apiVersion", .string(plugin.apiVersion)), ("spec", .object(spec)),
        ]))
    }

    private static func locate(_ command: String, path: String) -> String? {
        if command.contains("/") {
            return FileManager.default.isExecutableFile(atPath: command) ? command : nil
        }
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(command)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
