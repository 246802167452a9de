/// The C and C++ runtime ABI an OS release ships: the newest `GLIBC_x.y` and `GLIBCXX_3.4.n` symbol
/// versions its `libc.so.6` and `libstdc++.so.6` provide.
///
/// A binary built on one system runs on another only if the other's libraries provide every symbol
/// version the binary references, which in practice means both versions are at least those of the build
/// system. This is exactly how the LAMMPS experiment's runs failed: the Flux view (built on the view's
/// OS) runs with the application image's libc, and a view newer than the image stops with
/// `version 'GLIBC_2.34' not found` or `version 'GLIBCXX_3.4.30' not found`.
public struct OSABI: Sendable, Hashable, CustomStringConvertible {
    /// glibc release, e.g. `2.35` (the `GLIBC_2.35` symbol version).
    public var glibc: Version
    /// The `GLIBCXX_` symbol version, e.g. `3.4.30`.
    public var glibcxx: Version

    public init(glibc: Version, glibcxx: Version) {
        self.glibc = glibc
        self.glibcxx = glibcxx
    }

    /// Whether a binary that needs `requirement` can run on a system with this ABI: both library
    /// versions are at least those required. A requirement without a version places no constraint.
    public func satisfies(_ requirement: RuntimeABIRequirement) -> Bool {
        if let needed = requirement.glibc, glibc < needed { return false }
        if let needed = requirement.glibcxx, glibcxx < needed { return false }
        return true
    }

    public var description: String { "glibc \(glibc), GLIBCXX_\(glibcxx)" }

    /// The glibc version in `confstr(_CS_GNU_LIBC_VERSION)` (`getconf GNU_LIBC_VERSION`) text, which
    /// reads `glibc 2.36`; a bare `2.36` (`gnu_get_libc_version()`) is accepted too. `nil` for other C
    /// libraries (musl has no such setting).
    public static func glibcVersion(fromGNULibcVersion text: String) -> Version? {
        let words = text.trimmingSpaces.split(separator: " ").map(String.init)
        switch words.count {
        case 1: return Version(words[0])
        case 2 where words[0] == "glibc": return Version(words[1])
        default: return nil
        }
    }
}

/// What a binary brought into the container at run time (for example the Flux view that the Flux
/// Operator copies into the application container) needs from the container's C and C++ libraries.
public struct RuntimeABIRequirement: Sendable, Hashable, CustomStringConvertible {
    public var glibc: Version?
    public var glibcxx: Version?

    public init(glibc: Version? = nil, glibcxx: Version? = nil) {
        self.glibc = glibc
        self.glibcxx = glibcxx
    }

    /// No requirement: nothing is injected, the image's own userland runs alone.
    public static let unconstrained = RuntimeABIRequirement()

    /// What a binary built on `os` needs: that release's glibc and GLIBCXX (a conservative bound, since
    /// a binary references at most the versions its build system provides). `nil` when the release is
    /// not in ``OSABITable``.
    public init?(builtOn os: OperatingSystem) {
        guard let abi = OSABITable.abi(of: os) else { return nil }
        self.init(glibc: abi.glibc, glibcxx: abi.glibcxx)
    }

    public var isEmpty: Bool { glibc == nil && glibcxx == nil }

    public var description: String {
        var parts: [String] = []
        if let glibc { parts.append("glibc >= \(glibc)") }
        if let glibcxx { parts.append("GLIBCXX >= \(glibcxx)") }
        return parts.isEmpty ? "no runtime ABI requirement" : parts.joined(separator: ", ")
    }
}

/// The glibc and libstdc++ each supported OS release ships.
///
/// glibc is the version of the release's `libc6` / `glibc` package. GLIBCXX is that of its
/// `libstdc++6` / `libstdc++` package, which comes from the GCC release named, mapped through GCC's
/// symbol-version history (libstdc++ manual, "ABI Policy and Guidelines", `abi.versioning.history`:
/// GCC 4.8.3 → 3.4.19, 7.2 → 3.4.24, 8.1 → 3.4.25, 9.3/10.1 → 3.4.28, 11.1 → 3.4.29, 12.1 → 3.4.30,
/// 14.1 → 3.4.33). Sources: Ubuntu and Debian package pages (launchpad.net/ubuntu/+source/glibc,
/// packages.debian.org); RHEL "Red Hat Enterprise Linux Application Compatibility Guide" for 8 and 9;
/// "Core toolchain packages glibc, gcc, binutils" in the AL2023 user guide (glibc 2.34, gcc 11.2). The
/// LAMMPS experiment's own logs agree at the edges: a Rocky image lacks `GLIBCXX_3.4.30` (rocky 8/9
/// ship 3.4.25/3.4.29) and an Ubuntu 20.04 image lacks `GLIBC_2.32`…`GLIBC_2.34` (focal ships 2.31).
///
/// | release | glibc | libstdc++ from | GLIBCXX |
/// |---|---|---|---|
/// | ubuntu 18.04 | 2.27 | gcc 8.4 | 3.4.25 |
/// | ubuntu 20.04 | 2.31 | gcc 10.5 | 3.4.28 |
/// | ubuntu 22.04 | 2.35 | gcc 12.3 | 3.4.30 |
/// | ubuntu 24.04 | 2.39 | gcc 14.2 | 3.4.33 |
/// | debian 10 | 2.28 | gcc 8.3 | 3.4.25 |
/// | debian 11 | 2.31 | gcc 10.2 | 3.4.28 |
/// | debian 12 | 2.36 | gcc 12.2 | 3.4.30 |
/// | debian 13 | 2.41 | gcc 14.2 | 3.4.33 |
/// | rhel / rocky / almalinux / centos 7 | 2.17 | gcc 4.8.5 | 3.4.19 |
/// | … 8 | 2.28 | gcc 8.5 | 3.4.25 |
/// | … 9 | 2.34 | gcc 11 | 3.4.29 |
/// | … 10 | 2.39 | gcc 14.2 | 3.4.33 |
/// | amzn 2 | 2.26 | gcc 7.3 | 3.4.24 |
/// | amzn 2023 | 2.34 | gcc 11 | 3.4.29 |
public enum OSABITable {
    public struct Entry: Sendable, Hashable {
        public var vendor: OSVendor
        public var releaseLine: Version
        public var abi: OSABI
    }

    public static let entries: [Entry] = [
        entry(.ubuntu, "18.04", glibc: "2.27", glibcxx: "3.4.25"),
        entry(.ubuntu, "20.04", glibc: "2.31", glibcxx: "3.4.28"),
        entry(.ubuntu, "22.04", glibc: "2.35", glibcxx: "3.4.30"),
        entry(.ubuntu, "24.04", glibc: "2.39", glibcxx: "3.4.33"),
        entry(.debian, "10", glibc: "2.28", glibcxx: "3.4.25"),
        entry(.debian, "11", glibc: "2.31", glibcxx: "3.4.28"),
        entry(.debian, "12", glibc: "2.36", glibcxx: "3.4.30"),
        entry(.debian, "13", glibc: "2.41", glibcxx: "3.4.33"),
        entry(.rhel, "7", glibc: "2.17", glibcxx: "3.4.19"),
        entry(.rhel, "8", glibc: "2.28", glibcxx: "3.4.25"),
        entry(.rhel, "9", glibc: "2.34", glibcxx: "3.4.29"),
        entry(.rhel, "10", glibc: "2.39", glibcxx: "3.4.33"),
        entry(.amzn, "2", glibc: "2.26", glibcxx: "3.4.24"),
        entry(.amzn, "2023", glibc: "2.34", glibcxx: "3.4.29"),
    ]

    /// The ABI of `os`'s release line, or `nil` for a release this table does not know (then a caller
    /// can neither promise nor rule out compatibility, and the descriptive mode leaves the image out).
    public static func abi(of os: OperatingSystem) -> OSABI? {
        let vendor: OSVendor = os.vendor.isEnterpriseLinux ? .rhel : os.vendor
        let line = OperatingSystem(vendor: vendor, version: os.version).releaseLine
        return entries.first { $0.vendor == vendor && $0.releaseLine == line }?.abi
    }

    private static func entry(_ vendor: OSVendor, _ line: String, glibc: String, glibcxx: String) -> Entry {
        // The literals above are fixed, well-formed version text; Version(_:) cannot fail on them.
        Entry(vendor: vendor, releaseLine: literal(line), abi: OSABI(glibc: literal(glibc), glibcxx: literal(glibcxx)))
    }

    private static func literal(_ text: String) -> Version {
        Version(text) ?? Version([0])
    }
}
