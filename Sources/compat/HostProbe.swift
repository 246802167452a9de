import CompatCore
import Foundation
import Glibc

/// Reads this machine's attributes from the running system: the files and commands compspec's
/// extractors read, parsed by CompatCore. Every value comes from the running kernel and userland, none
/// from how this binary was compiled.
struct HostProbe {
    /// How long `mpirun --version` may take before it is stopped (a wedged launcher must not hang us).
    var mpirunTimeout: TimeInterval = 10

    /// Facts that could not be read, as warnings for stderr (extraction reports what it can).
    private(set) var warnings: [String] = []

    mutating func describe() -> HostDescription {
        let architecture = readArchitecture()
        let cpuinfo = CPUInfo(parsing: readText("/proc/cpuinfo") ?? "")
        var cpu = cpuinfo.cpu(architecture: architecture)
        // The target is the microarchitecture archspec detects (zen3, skylake_avx512, neoverse_n1), so
        // that matching can use archspec's relation: builds for it and for its ancestors run here.
        if let detected = MicroarchitectureCatalog.archspec.host(cpuinfo, family: architecture.archspecFamily) {
            cpu.target = CPUTarget(name: detected.name)
        }
        let gpu = GPU.detectNVIDIA(
            deviceNames: (try? FileManager.default.contentsOfDirectory(atPath: "/dev")) ?? [],
            procDriverVersion: readText("/proc/driver/nvidia/version")
        )
        return HostDescription(
            architecture: architecture, operatingSystem: readOperatingSystem(), glibc: readGlibcVersion(),
            mpi: readMPI(), gpu: gpu, cpu: cpu
        )
    }

    /// The running C library's version. Swift's Glibc module does not export `gnu_get_libc_version()`
    /// (it lives in `<gnu/libc-version.h>`); `confstr(_CS_GNU_LIBC_VERSION)` asks the same library.
    private mutating func readGlibcVersion() -> Version? {
        var buffer = [CChar](repeating: 0, count: 64)
        let needed = confstr(Int32(_CS_GNU_LIBC_VERSION), &buffer, buffer.count)
        guard needed > 0, needed <= buffer.count else {
            warnings.append("the C library reports no GNU libc version (not glibc?); glibc is left out")
            return nil
        }
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return OSABI.glibcVersion(fromGNULibcVersion: text)
    }

    /// `uname -m` of the running kernel.
    private mutating func readArchitecture() -> Architecture {
        var names = utsname()
        guard uname(&names) == 0 else {
            warnings.append("uname() failed (errno \(errno)); assuming amd64")
            return .amd64
        }
        let machine = withUnsafeBytes(of: &names.machine) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        guard let architecture = Architecture(normalising: machine) else {
            warnings.append("unknown machine architecture '\(machine)' from uname; assuming amd64")
            return .amd64
        }
        return architecture
    }

    private mutating func readOperatingSystem() -> OperatingSystem? {
        guard let text = readText("/etc/os-release") ?? readText("/usr/lib/os-release") else {
            warnings.append("neither /etc/os-release nor /usr/lib/os-release is readable; the OS is left out")
            return nil
        }
        let release = OSRelease(parsing: text)
        let releaseFile = release.id.flatMap { OSRelease.releaseFilePath(for: OSVendor(id: $0)) }.flatMap(readText)
        guard let os = release.operatingSystem(releaseFileText: releaseFile) else {
            warnings.append("os-release has no ID or numeric VERSION_ID; the OS is left out")
            return nil
        }
        return os
    }

    /// `mpirun --version` when `mpirun` is on PATH; `nil` (no MPI) otherwise, as compspec does.
    private mutating func readMPI() -> MPIImplementation? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let candidates = path.split(separator: ":").map { ($0.isEmpty ? "." : String($0)) + "/mpirun" }
        guard let mpirun = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        guard let output = run(mpirun, ["--version"]) else { return nil }
        guard let mpi = MPIImplementation(mpirunVersionOutput: output) else {
            warnings.append("'\(mpirun) --version' names no known MPI; MPI is left out")
            return nil
        }
        return mpi
    }

    /// Runs a command with a deadline and returns its stdout and stderr together.
    private mutating func run(_ executable: String, _ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do {
            try process.run()
        } catch {
            warnings.append("cannot run '\(executable)': \(error.localizedDescription)")
            return nil
        }
        // Drain the pipe while waiting, so a chatty child cannot block on a full pipe.
        let collected = OutputCollector()
        let reader = DispatchGroup()
        DispatchQueue.global().async(group: reader) {
            collected.set(pipe.fileHandleForReading.readDataToEndOfFile())
        }
        if finished.wait(timeout: .now() + mpirunTimeout) == .timedOut {
            process.terminate()
            if finished.wait(timeout: .now() + 2) == .timedOut { kill(process.processIdentifier, SIGKILL) }
            warnings.append("'\(executable) \(arguments.joined(separator: " "))' did not finish within \(Int(mpirunTimeout)) s and was stopped")
            return nil
        }
        _ = reader.wait(timeout: .now() + 2)
        return String(decoding: collected.data, as: UTF8.self)
    }

    private func readText(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// Output of a child process, handed from the reading thread to the waiting one.
private final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = Data()

    func set(_ data: Data) {
        lock.withLock { stored = data }
    }

    var data: Data { lock.withLock { stored } }
}
