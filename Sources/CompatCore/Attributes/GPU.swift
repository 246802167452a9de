/// Who made a GPU.
public enum GPUVendor: Sendable, Hashable, CustomStringConvertible {
    case nvidia
    case amd
    case intel
    case other(String)

    public init(name: String) {
        switch name.trimmingSpaces.lowercased() {
        case "nvidia", "10de": self = .nvidia
        case "amd", "ati", "1002": self = .amd
        case "intel", "8086": self = .intel
        case let other: self = .other(other)
        }
    }

    public var description: String {
        switch self {
        case .nvidia: "nvidia"
        case .amd: "amd"
        case .intel: "intel"
        case .other(let name): name
        }
    }
}

/// GPU support, of an image (built for a GPU) or of a host (has one).
///
/// In the LAMMPS experiment, a GPU image on a CPU-only host fails at start (`libcuda.so.1: cannot open
/// shared object file`), which is why the descriptive selection modes match availability exactly.
public struct GPU: Sendable, Hashable, CustomStringConvertible {
    public var available: Bool
    public var vendor: GPUVendor?
    /// For an image, the CUDA runtime it was built with; for a host, the newest CUDA its driver supports.
    public var cudaVersion: Version?
    /// The kernel driver's version (hosts).
    public var driverVersion: Version?

    public init(available: Bool, vendor: GPUVendor? = nil, cudaVersion: Version? = nil, driverVersion: Version? = nil) {
        self.available = available
        self.vendor = vendor
        self.cudaVersion = cudaVersion
        self.driverVersion = driverVersion
    }

    /// No GPU.
    public static let unavailable = GPU(available: false)

    /// Parses compspec's availability flag: `yes`/`no` as the LAMMPS artifacts write it, and also
    /// `true`/`false` (what a YAML `yes` becomes) and `1`/`0`. `nil` for anything else.
    public static func availability(fromFlag text: String) -> Bool? {
        switch text.trimmingSpaces.lowercased() {
        case "yes", "true", "1", "on": true
        case "no", "false", "0", "off": false
        default: nil
        }
    }

    /// Whether an image with this GPU support should run on `host`: availability must agree (a GPU
    /// image cannot start without a GPU; a CPU image would leave a GPU node's GPU idle), and when both
    /// sides state a CUDA version the host's driver must support the image's CUDA.
    public func runs(on host: GPU) -> Bool {
        guard available == host.available else { return false }
        guard available else { return true }
        if let imageVendor = vendor, let hostVendor = host.vendor, imageVendor != hostVendor { return false }
        if let needed = cudaVersion {
            guard let supported = host.cudaVersion else { return false }
            return supported >= needed
        }
        return true
    }

    public var description: String {
        guard available else { return "no GPU" }
        var text = "GPU"
        if let vendor { text = "\(vendor) " + text }
        if let cudaVersion { text += " (CUDA \(cudaVersion))" }
        return text
    }

    /// Reads the driver version from `/proc/driver/nvidia/version`, whose first line reads
    /// `NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.104.05  Sat Aug 19 01:15:15 UTC 2023`.
    public static func nvidiaDriverVersion(fromProcVersion text: String) -> Version? {
        guard let line = text.split(separator: "\n").first(where: { $0.contains("NVRM version") }) else { return nil }
        let tokens = line.split(separator: " ")
        guard let module = tokens.firstIndex(of: "Module"), module + 1 < tokens.count else { return nil }
        return Version(String(tokens[module + 1]))
    }

    /// A host's GPU as the Linux device nodes and driver files show it: NVIDIA exposes `/dev/nvidia0`…
    /// (and `/dev/nvidiactl`) once its driver is loaded, and `/proc/driver/nvidia/version`.
    /// `deviceNames` are the entries of `/dev`.
    public static func detectNVIDIA(deviceNames: [String], procDriverVersion: String?) -> GPU {
        let hasDevice = deviceNames.contains { name in
            name.hasPrefix("nvidia") && name.dropFirst("nvidia".count).allSatisfy(\.isNumber) && name != "nvidia"
        }
        let driver = procDriverVersion.flatMap(nvidiaDriverVersion(fromProcVersion:))
        guard hasDevice || driver != nil else { return .unavailable }
        return GPU(available: true, vendor: .nvidia, driverVersion: driver)
    }
}
