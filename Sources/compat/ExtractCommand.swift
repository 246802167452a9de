import ArgumentParser
import CompatCore
import Foundation

/// `compat extract`: this machine's attributes as a compspec compatibility artifact.
struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Describe this host (OS, glibc, architecture, CPU, MPI, GPU) as a compspec artifact.",
        discussion: """
            Reads /etc/os-release and the vendor's release file, uname, gnu_get_libc_version(), \
            'mpirun --version' when mpirun is on PATH, /dev/nvidia* and /proc/driver/nvidia/version, and \
            /proc/cpuinfo. io.archspec.cpu.target is the microarchitecture archspec detects from /proc/cpuinfo \
            (x86_64_v3, zen3, neoverse_n1; archspec's data is compiled in, see artifacts/archspec/), and \
            'compat match' runs builds for it and for every microarchitecture it descends from. Without --json, \
            prints one <namespace>.<key>=<value> line per attribute, the form 'compat match --match' takes. \
            Facts that cannot be read are left out, with a warning on stderr.
            """
    )

    @Flag(help: "Print the compspec artifact as JSON.")
    var json = false

    @Option(name: .shortAndLong, help: "Write the output to this file instead of stdout.")
    var output: String?

    @Option(help: "The artifact's metadata.name.")
    var name = "host"

    func run() throws {
        try reportingFailures {
            var probe = HostProbe()
            let spec = CompatibilitySpec(describing: probe.describe(), name: name)
            for warning in probe.warnings {
                FileHandle.standardError.write(Data("compat: warning: \(warning)\n".utf8))
            }
            let text: String
            if json {
                text = spec.jsonValue.serialized(pretty: true) + "\n"
            } else {
                text = spec.compatibilities.flatMap { group in
                    group.attributes.map { "\(group.name).\($0.key)=\($0.value)\n" }
                }.joined()
            }
            guard let output else {
                FileHandle.standardOutput.write(Data(text.utf8))
                return
            }
            guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8)) else {
                throw CLIFailure.unreadableInput("cannot write '\(output)': check that its directory exists and is writable")
            }
        }
    }
}
