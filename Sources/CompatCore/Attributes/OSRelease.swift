/// The contents of `/etc/os-release` (os-release(5)): `KEY=value` lines, values optionally quoted.
public struct OSRelease: Sendable, Hashable {
    public var fields: [String: String]

    /// Parses os-release text. Comment and malformed lines are skipped; double-quoted values undo the
    /// shell escapes `\"`, `\\`, `` \` `` and `\$`; single-quoted values are taken literally.
    public init(parsing text: String) {
        var fields: [String: String] = [:]
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = String(rawLine).trimmingSpaces
            guard !line.isEmpty, !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<equals])
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { continue }
            fields[key] = Self.unquote(String(line[line.index(after: equals)...]))
        }
        self.fields = fields
    }

    private static func unquote(_ value: String) -> String {
        guard let quote = value.first, quote == "\"" || quote == "'", value.count >= 2, value.last == quote else {
            return value
        }
        let inner = value.dropFirst().dropLast()
        guard quote == "\"" else { return String(inner) }
        var out = ""
        var escaping = false
        for c in inner {
            if escaping {
                if !"\"\\`$".contains(c) { out.append("\\") }
                out.append(c)
                escaping = false
            } else if c == "\\" {
                escaping = true
            } else {
                out.append(c)
            }
        }
        if escaping { out.append("\\") }
        return out
    }

    public var id: String? { fields["ID"] }
    public var versionID: String? { fields["VERSION_ID"] }
    public var prettyName: String? { fields["PRETTY_NAME"] }

    /// The file where a vendor writes its point release (compspec reads these for `os.release`);
    /// `nil` for vendors whose os-release `VERSION` already carries it (Ubuntu's `22.04.3 LTS`).
    public static func releaseFilePath(for vendor: OSVendor) -> String? {
        switch vendor {
        case .debian: "/etc/debian_version"
        case .rocky: "/etc/rocky-release"
        case .rhel: "/etc/redhat-release"
        case .centos: "/etc/centos-release"
        case .almalinux: "/etc/almalinux-release"
        case .amzn: "/etc/system-release"
        case .fedora: "/etc/fedora-release"
        default: nil
        }
    }

    /// The operating system, or `nil` without an `ID` and a numeric `VERSION_ID` (rolling releases
    /// such as Debian testing have none).
    ///
    /// `release` is the first version-looking word of the vendor's release file when one is given
    /// (`Rocky Linux release 9.3 (Blue Onyx)` → `9.3`, `12.5` → `12.5`), else the first word of
    /// `VERSION` when it is a version (`22.04.3 LTS (Jammy Jellyfish)` → `22.04.3`), else `VERSION_ID`.
    public func operatingSystem(releaseFileText: String? = nil) -> OperatingSystem? {
        guard let id, let versionText = versionID, let version = Version(versionText) else { return nil }
        let fromReleaseFile = releaseFileText.flatMap { Self.firstVersionWord(in: $0) }
        let fromVersion = fields["VERSION"].flatMap { text in
            text.split(separator: " ").first.flatMap { Self.firstVersionWord(in: String($0)) }
        }
        return OperatingSystem(
            vendor: OSVendor(id: id), version: version,
            release: fromReleaseFile ?? fromVersion ?? versionText, name: prettyName
        )
    }

    /// The first whitespace-separated word that starts with a digit and parses as a version, with
    /// nothing after its numbers (so `9.3` but not `(Blue`).
    private static func firstVersionWord(in text: String) -> String? {
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
            guard let first = word.first, first.isNumber, let version = Version(String(word)), version.suffix.isEmpty else {
                continue
            }
            return String(word)
        }
        return nil
    }
}
