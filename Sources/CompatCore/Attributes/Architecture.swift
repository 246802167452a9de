/// A CPU instruction-set architecture, normalised across the spellings that tools use for it.
///
/// `uname -m`, archspec and the Linux kernel say `x86_64` and `aarch64`; Go, OCI image indexes and
/// compspec artifacts say `amd64` and `arm64`. Matching on the raw strings treats the two as different
/// platforms, so every source is normalised to one case here.
public enum Architecture: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case amd64
    case arm64
    case i386
    case ppc64le
    case s390x
    case riscv64

    /// Parses any common spelling (case-insensitive): `x86_64`, `x86-64`, `amd64`, `aarch64`, `arm64`,
    /// `armv8`, `i386`…`i686`, `x86`, `ppc64le`, `powerpc64le`, `s390x`, `riscv64`. `nil` for anything else.
    public init?(normalising text: String) {
        switch text.trimmingSpaces.lowercased() {
        case "amd64", "x86_64", "x86-64", "x64": self = .amd64
        case "arm64", "aarch64", "arm64v8", "armv8", "armv8l", "aarch64_be": self = .arm64
        case "i386", "i486", "i586", "i686", "x86", "386": self = .i386
        case "ppc64le", "powerpc64le", "ppc64el": self = .ppc64le
        case "s390x": self = .s390x
        case "riscv64": self = .riscv64
        default: return nil
        }
    }

    /// The OCI / Go name (`amd64`, `arm64`), which compspec artifacts write in `io.archspec.cpu.target`.
    public var ociName: String { rawValue }

    /// The name archspec and the kernel use for the architecture family (`x86_64`, `aarch64`).
    public var archspecFamily: String {
        switch self {
        case .amd64: "x86_64"
        case .arm64: "aarch64"
        case .i386: "x86"
        case .ppc64le: "ppc64le"
        case .s390x: "s390x"
        case .riscv64: "riscv64"
        }
    }

    public var description: String { rawValue }
}
