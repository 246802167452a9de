/// A Linux distribution, by the `ID` it writes in `/etc/os-release` (which compspec copies into
/// `org.supercontainers.os.vendor`).
public enum OSVendor: Sendable, Hashable, CustomStringConvertible {
    case ubuntu
    case debian
    case rocky
    case rhel
    case centos
    case almalinux
    case amzn
    case fedora
    case opensuseLeap
    case sles
    case alpine
    /// Any other `ID`, kept lower-cased so that exact matching still works.
    case other(String)

    /// The vendors with a case of their own.
    public static let named: [OSVendor] = [
        .ubuntu, .debian, .rocky, .rhel, .centos, .almalinux, .amzn, .fedora, .opensuseLeap, .sles, .alpine,
    ]

    /// Parses an os-release `ID` (case-insensitive, surrounding spaces ignored). Never fails: unknown
    /// vendors become ``other(_:)``.
    public init(id: String) {
        let normalised = id.trimmingSpaces.lowercased()
        self = Self.named.first { $0.id == normalised } ?? .other(normalised)
    }

    /// The os-release `ID`.
    public var id: String {
        switch self {
        case .ubuntu: "ubuntu"
        case .debian: "debian"
        case .rocky: "rocky"
        case .rhel: "rhel"
        case .centos: "centos"
        case .almalinux: "almalinux"
        case .amzn: "amzn"
        case .fedora: "fedora"
        case .opensuseLeap: "opensuse-leap"
        case .sles: "sles"
        case .alpine: "alpine"
        case .other(let id): id
        }
    }

    /// Enterprise Linux rebuilds share Red Hat's ABI release for release: a Rocky 9 userland has the
    /// same glibc and libstdc++ as RHEL 9 or AlmaLinux 9.
    public var isEnterpriseLinux: Bool {
        switch self {
        case .rocky, .rhel, .centos, .almalinux: true
        default: false
        }
    }

    /// Whether a release line is named by major and minor (`ubuntu 22.04`) rather than by major alone
    /// (`rocky 9`, whose point releases `9.3`, `9.4` keep the same ABI).
    public var releaseLineUsesMinor: Bool {
        switch self {
        case .ubuntu, .opensuseLeap, .alpine: true
        default: false
        }
    }

    public var description: String { id }
}

/// An operating system release as compspec describes it: vendor, version (`VERSION_ID`), and the
/// optional finer release and human name.
public struct OperatingSystem: Sendable, Hashable, CustomStringConvertible {
    public var vendor: OSVendor
    /// `VERSION_ID`: `22.04`, `8.9`, `12`, `2023`.
    public var version: Version
    /// The vendor's point release (`22.04.3`, `9.3`), when known.
    public var release: String?
    /// `PRETTY_NAME`, e.g. `Rocky Linux 9.3 (Blue Onyx)`.
    public var name: String?

    public init(vendor: OSVendor, version: Version, release: String? = nil, name: String? = nil) {
        self.vendor = vendor
        self.version = version
        self.release = release
        self.name = name
    }

    /// The release line that decides ABI and which host runtime pairs with it: `22.04` for Ubuntu,
    /// the major version (`8` for `8.9`) for vendors whose point releases keep one ABI.
    public var releaseLine: Version {
        let count = vendor.releaseLineUsesMinor ? 2 : 1
        return Version(Array(version.components.prefix(count)))
    }

    /// Whether two systems are the same vendor on the same release line (`rocky 8.9` and `rocky 8.10`
    /// are; `ubuntu 20.04` and `ubuntu 22.04` are not).
    public func sharesReleaseLine(with other: OperatingSystem) -> Bool {
        vendor == other.vendor && releaseLine == other.releaseLine
    }

    public var description: String { "\(vendor) \(version)" }
}
