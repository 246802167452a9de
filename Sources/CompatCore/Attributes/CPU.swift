/// What code a CPU runs, as `io.archspec.cpu.target` names it.
///
/// compspec artifacts write the architecture there (`amd64`, `arm64`); archspec itself writes a
/// microarchitecture (`x86_64_v3`, `neoverse_n1`, `zen3`). Both spellings are understood so that an
/// image built for "any amd64" runs on a host identified as `x86_64_v3`.
public enum CPUTarget: Sendable, Hashable, CustomStringConvertible {
    /// Any CPU of the architecture.
    case architecture(Architecture)
    /// An x86-64 psABI microarchitecture level 2…4 (archspec's generic `x86_64_v2`…`x86_64_v4`).
    case x86_64Level(Int)
    /// A named microarchitecture (`neoverse_n1`, `zen3`), with its architecture when known.
    case microarchitecture(String, Architecture?)

    /// Parses a target name; never fails (unknown names become a microarchitecture of unknown
    /// architecture, which only matches itself).
    public init(name: String) {
        let text = name.trimmingSpaces
        if let architecture = Architecture(normalising: text) {
            self = .architecture(architecture)
        } else if text.lowercased().hasPrefix("x86_64_v"), let level = Int(text.dropFirst("x86_64_v".count)), (1...4).contains(level) {
            self = level == 1 ? .architecture(.amd64) : .x86_64Level(level)
        } else {
            let lowered = text.lowercased()
            // The architecture of an archspec microarchitecture is its graph's root (zen3 → x86_64 → amd64).
            let family = MicroarchitectureCatalog.archspec.family(of: lowered)
            self = .microarchitecture(lowered, family.flatMap { Architecture(normalising: $0) })
        }
    }

    public var architecture: Architecture? {
        switch self {
        case .architecture(let architecture): architecture
        case .x86_64Level: .amd64
        case .microarchitecture(_, let architecture): architecture
        }
    }

    /// The name written into an artifact.
    public var name: String {
        switch self {
        case .architecture(let architecture): architecture.ociName
        case .x86_64Level(let level): "x86_64_v\(level)"
        case .microarchitecture(let name, _): name
        }
    }

    /// Whether a host CPU identified as `self` runs code built for `imageTarget`: an architecture-wide
    /// image runs on any CPU of that architecture; otherwise archspec's relation decides: a build for a
    /// microarchitecture (or an x86-64 level) runs on that one and on every one that descends from it
    /// (`x86_64_v3` and `zen2` builds run on `zen3`, a `zen4` build does not; see
    /// ``MicroarchitectureCatalog/runs(host:target:)``). Names archspec does not know only match
    /// themselves.
    public func runs(_ imageTarget: CPUTarget) -> Bool {
        if case .architecture(let needed) = imageTarget { return architecture == needed }
        return MicroarchitectureCatalog.archspec.runs(host: archspecName, target: imageTarget.archspecName)
    }

    /// The name of this target in archspec's graph: the family root for an architecture (`x86_64`),
    /// else ``name``.
    var archspecName: String {
        if case .architecture(let architecture) = self { return architecture.archspecFamily }
        return name
    }

    public var description: String { name }
}

/// A CPU as `io.archspec.cpu.*` describes it.
public struct CPU: Sendable, Hashable {
    /// `GenuineIntel`, `AuthenticAMD`, `ARM`…
    public var vendor: String?
    /// `Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz`, or an ARM part name.
    public var model: String?
    public var target: CPUTarget?

    public init(vendor: String? = nil, model: String? = nil, target: CPUTarget? = nil) {
        self.vendor = vendor
        self.model = model
        self.target = target
    }
}

/// The first processor's block of `/proc/cpuinfo`, and what it says about the CPU.
///
/// x86 kernels write `vendor_id`, `model name` and `flags`; arm64 kernels write `CPU implementer`,
/// `CPU part` and `Features` and no model name.
public struct CPUInfo: Sendable, Hashable {
    /// `key: value` pairs of the first processor block, keys as written.
    public var fields: [String: String]

    public init(parsing text: String) {
        var fields: [String: String] = [:]
        var sawProcessor = false
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(rawLine).trimmingSpaces
            if line.isEmpty {
                if !fields.isEmpty { break }
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = String(line[..<colon]).trimmingSpaces
            let value = String(line[line.index(after: colon)...]).trimmingSpaces
            if key == "processor" {
                if sawProcessor { break }
                sawProcessor = true
            }
            if fields[key] == nil { fields[key] = value }
        }
        self.fields = fields
    }

    /// `flags` (x86) or `Features` (arm64), as a set.
    public var features: Set<String> {
        let text = fields["flags"] ?? fields["Features"] ?? ""
        return Set(text.split(separator: " ").map(String.init))
    }

    /// The ARM `CPU implementer` code, e.g. `0x41`.
    public var implementer: Int? { fields["CPU implementer"].flatMap(Self.hex) }
    /// The ARM `CPU part` code, e.g. `0xd0c`.
    public var part: Int? { fields["CPU part"].flatMap(Self.hex) }

    private static func hex(_ text: String) -> Int? {
        let lowered = text.lowercased()
        return lowered.hasPrefix("0x") ? Int(lowered.dropFirst(2), radix: 16) : Int(lowered)
    }

    /// Implementer codes from the Arm Architecture Reference Manual's MIDR_EL1 table (as the kernel's
    /// `cputype.h` and compspec's normalisation use them).
    private static let armImplementers: [Int: String] = [
        0x41: "ARM", 0x42: "Broadcom", 0x43: "Cavium", 0x46: "Fujitsu", 0x48: "HiSilicon", 0x4E: "NVIDIA",
        0x50: "APM", 0x51: "Qualcomm", 0x61: "Apple", 0xC0: "Ampere",
    ]

    /// (implementer, part) → (model name, archspec microarchitecture), from the kernel's `cputype.h`.
    private static let armParts: [Int: (model: String, target: String)] = [
        0x41_D08: ("Cortex-A72", "cortex_a72"),
        0x41_D0C: ("Neoverse-N1", "neoverse_n1"),
        0x41_D40: ("Neoverse-V1", "neoverse_v1"),
        0x41_D49: ("Neoverse-N2", "neoverse_n2"),
        0x41_D4F: ("Neoverse-V2", "neoverse_v2"),
        0x43_0AF: ("ThunderX2", "thunderx2"),
        0x46_001: ("A64FX", "a64fx"),
    ]

    /// The x86-64 psABI level the flags reach (1…4), from the feature lists of the x86-64 psABI
    /// ("Micro-Architecture Levels") in their `/proc/cpuinfo` spellings (`pni` is SSE3, `abm` is LZCNT).
    public var x86_64Level: Int {
        let flags = features
        let v2: Set<String> = ["cx16", "lahf_lm", "popcnt", "pni", "sse4_1", "sse4_2", "ssse3"]
        let v3: Set<String> = ["avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"]
        let v4: Set<String> = ["avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"]
        guard v2.isSubset(of: flags) else { return 1 }
        guard v3.isSubset(of: flags) else { return 2 }
        guard v4.isSubset(of: flags) else { return 3 }
        return 4
    }

    /// The CPU on a host of `architecture` (which comes from the running kernel, not from this text).
    public func cpu(architecture: Architecture) -> CPU {
        switch architecture {
        case .amd64:
            let level = x86_64Level
            return CPU(
                vendor: fields["vendor_id"], model: fields["model name"],
                target: level >= 2 ? .x86_64Level(level) : .architecture(.amd64)
            )
        case .arm64:
            let known = implementer.flatMap { code in part.flatMap { Self.armParts[code << 12 | $0] } }
            return CPU(
                vendor: implementer.map { Self.armImplementers[$0] ?? fields["CPU implementer"] ?? "" },
                model: known?.model ?? fields["model name"] ?? fields["CPU part"],
                target: known.map { .microarchitecture($0.target, .arm64) } ?? .architecture(.arm64)
            )
        default:
            return CPU(
                vendor: fields["vendor_id"] ?? fields["vendor"], model: fields["model name"] ?? fields["cpu"],
                target: .architecture(architecture)
            )
        }
    }
}
