/// A version as NFD's `type: version` comparisons see it: Masterminds semver `NewVersion` (with its
/// default coercion) followed by NFD's removal of the pre-release part.
///
/// Accepted: an optional lower-case `v`, one to three dot-separated decimal numbers (missing ones are
/// zero, leading zeros are allowed: `22.04` is 22.4.0), then an optional `-pre.release` and an optional
/// `+build`, both made of ASCII letters, digits and hyphens. A numeric pre-release identifier with a
/// leading zero (`1.0.0-01`) is rejected, as Masterminds does. Four numbers (`1.2.3.4`), underscores
/// (`…amzn2023.x86_64`) and anything else are not versions.
///
/// Only major, minor and patch take part in comparisons: NFD strips the pre-release, so
/// `6.8.0-1015-aws` equals `6.8.0`, and build metadata never counts in semver.
///
/// CompatCore's ``Version`` serves OS and library versions with different rules; this type exists only
/// to reproduce NFD's behaviour exactly.
struct SemanticVersion: Sendable, Hashable, Comparable {
    var major: UInt64
    var minor: UInt64
    var patch: UInt64

    /// Why a text is not a version, for error messages.
    enum ParseFailure: Error, Equatable {
        case notSemanticVersion
        case numberTooLarge
        case leadingZeroInPreRelease
    }

    init(major: UInt64, minor: UInt64 = 0, patch: UInt64 = 0) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    init<Text: StringProtocol>(parsing text: Text) throws(ParseFailure) {
        let bytes = text.utf8
        var i = bytes.startIndex
        let end = bytes.endIndex

        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        func isIdentifierByte(_ b: UInt8) -> Bool {
            isDigit(b) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D
        }
        /// Decimal digits at `i` as UInt64; nil when there are none.
        func number() throws(ParseFailure) -> UInt64? {
            var value: UInt64 = 0
            var any = false
            while i < end, isDigit(bytes[i]) {
                let (times10, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(UInt64(bytes[i] - 0x30))
                guard !o1, !o2 else { throw .numberTooLarge }
                value = sum
                any = true
                i = bytes.index(after: i)
            }
            return any ? value : nil
        }
        /// Dot-separated non-empty identifiers. Pre-release identifiers that are all digits may not have a
        /// leading zero.
        func identifiers(preRelease: Bool) throws(ParseFailure) {
            while true {
                let start = i
                var allDigits = true
                while i < end, isIdentifierByte(bytes[i]) {
                    allDigits = allDigits && isDigit(bytes[i])
                    i = bytes.index(after: i)
                }
                guard start < i else { throw .notSemanticVersion }
                if preRelease, allDigits, bytes[start] == UInt8(ascii: "0"), bytes.index(after: start) < i {
                    throw .leadingZeroInPreRelease
                }
                guard i < end, bytes[i] == UInt8(ascii: ".") else { return }
                i = bytes.index(after: i)
            }
        }

        if i < end, bytes[i] == UInt8(ascii: "v") { i = bytes.index(after: i) }
        guard let major = try number() else { throw .notSemanticVersion }
        var minor: UInt64 = 0
        var patch: UInt64 = 0
        for component in 0..<2 {
            guard i < end, bytes[i] == UInt8(ascii: ".") else { break }
            i = bytes.index(after: i)
            guard let n = try number() else { throw .notSemanticVersion }
            if component == 0 { minor = n } else { patch = n }
        }
        if i < end, bytes[i] == UInt8(ascii: "-") {
            i = bytes.index(after: i)
            try identifiers(preRelease: true)
        }
        if i < end, bytes[i] == UInt8(ascii: "+") {
            i = bytes.index(after: i)
            try identifiers(preRelease: false)
        }
        guard i == end else { throw .notSemanticVersion }
        self.init(major: major, minor: minor, patch: patch)
    }

    static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }
}

extension SemanticVersion.ParseFailure {
    /// Completes "… is not a version: <explanation>".
    var explanation: String {
        switch self {
        case .notSemanticVersion:
            "expected [v]MAJOR[.MINOR[.PATCH]][-PRERELEASE][+BUILD] with ASCII letters, digits, '-' and '.' only (semver, as NFD parses it)"
        case .numberTooLarge:
            "a version number does not fit in 64 bits"
        case .leadingZeroInPreRelease:
            "a numeric pre-release identifier has a leading zero, which semver forbids"
        }
    }
}
