import ArgumentParser
import CompatCore
import CompatRunner
import Foundation
import Logging

/// `--mode`: a selection mode, or `all` of them. Parsed once, here.
enum ModeArgument: ExpressibleByArgument, Hashable {
    case all
    case mode(SelectionMode)

    init?(argument: String) {
        if argument == "all" {
            self = .all
        } else if let mode = SelectionMode(rawValue: argument) {
            self = .mode(mode)
        } else {
            return nil
        }
    }

    static var allValueStrings: [String] { SelectionMode.allCases.map(\.rawValue) + ["all"] }

    var defaultValueDescription: String {
        switch self {
        case .all: "all"
        case .mode(let mode): mode.rawValue
        }
    }

    /// The modes this argument stands for, in the experiment's order.
    var modes: [SelectionMode] {
        switch self {
        case .all: SelectionMode.allCases
        case .mode(let mode): [mode]
        }
    }
}

/// `--arch`: the LAMMPS cluster's architecture (the experiment ran on amd64 and arm64).
enum ArchitectureArgument: String, ExpressibleByArgument, CaseIterable {
    case amd64, arm64

    var architecture: Architecture {
        switch self {
        case .amd64: .amd64
        case .arm64: .arm64
        }
    }
}

/// `--backend`: where admitted jobs run.
enum BackendArgument: String, ExpressibleByArgument, CaseIterable {
    /// The embedded simulated cluster.
    case sim
    /// A real cluster through its API server.
    case kubernetes
}

/// `--log-level`, swift-log's levels.
enum LogLevelArgument: String, ExpressibleByArgument, CaseIterable {
    case trace, debug, info, notice, warning, error, critical

    var level: Logger.Level {
        switch self {
        case .trace: .trace
        case .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warning: .warning
        case .error: .error
        case .critical: .critical
        }
    }
}

/// How to reach a real cluster (`--backend kubernetes`).
struct KubernetesOptions: ParsableArguments {
    @Option(help: "Kubeconfig (default: KUBECONFIG, the in-cluster service account, ~/.kube/config).")
    var kubeconfig: String?

    @Option(help: "Kubeconfig context (default: its current-context).")
    var context: String?

    @Option(help: "Namespace the MiniClusters and Pods are created in.")
    var namespace = "default"

    @Option(help: "Seconds a job may take to start running on the cluster: scheduling, image pulls.")
    var startTimeout = 600

    @Option(help: "Seconds a started job may run before it is stopped and deleted.")
    var runTimeout = 1800

    func validate() throws {
        guard startTimeout > 0, runTimeout > 0 else { throw ValidationError("--start-timeout and --run-timeout must be positive numbers of seconds") }
    }

    func connect(logger: Logger) throws -> KubernetesBackends {
        let timeouts = KubernetesTimeouts(start: .seconds(startTimeout), run: .seconds(runTimeout))
        return try KubernetesBackends.connect(kubeconfig: kubeconfig, context: context, namespace: namespace, timeouts: timeouts, logger: logger)
    }
}

/// An input that cannot be read or decoded: exit status 2, with the file and the reason.
struct UnreadableInput: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Reads whole input files, failing with the operating system's reason (`No such file or directory`).
enum InputFile {
    static func read(_ path: String, as role: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw UnreadableInput("cannot read \(role) \(path): \(String(cString: strerror(errno)))")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            return Array(try handle.readToEnd() ?? Data())
        } catch {
            let reason = (error as NSError).userInfo[NSUnderlyingErrorKey].map { "\($0)" } ?? error.localizedDescription
            throw UnreadableInput("cannot read \(role) \(path): \(reason)")
        }
    }
}

/// The signal (SIGINT or SIGTERM) that asked the run to stop, set from a dispatch source and read
/// between runs. A second signal ends the process at once.
final class StopRequest: @unchecked Sendable {
    private let lock = NSLock()
    private var received: Int32?
    private var sources: [any DispatchSourceSignal] = []

    var signal: Int32? { lock.withLock { received } }

    /// Stops on SIGINT and SIGTERM from now on.
    static func installed() -> StopRequest {
        let request = StopRequest()
        for number in [SIGINT, SIGTERM] {
            Foundation.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [request] in request.receive(number) }
            source.resume()
            request.sources.append(source)
        }
        return request
    }

    private func receive(_ number: Int32) {
        let first: Bool = lock.withLock {
            guard received == nil else { return false }
            received = number
            return true
        }
        if first {
            FileHandle.standardError.write(Data("\ncompat-run: stopping after the run in progress; the results so far will be written (signal again to quit at once)\n".utf8))
        } else {
            exit(128 + number)
        }
    }
}

/// The git commit of the working directory, for results' provenance.
enum GitRevision {
    /// `git rev-parse HEAD`, with `-dirty` when tracked files have changes; `nil` without git or outside a checkout.
    static func current() -> String? {
        guard let head = git(["rev-parse", "HEAD"])?.trimmingCharacters(in: .whitespacesAndNewlines), !head.isEmpty else { return nil }
        let changes = git(["status", "--porcelain", "--untracked-files=no"]) ?? ""
        return changes.isEmpty ? head : head + "-dirty"
    }

    private static func git(_ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
