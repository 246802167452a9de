/// A dotted numeric version as OS, glibc and MPI releases write them: `22.04`, `8.9`, `2.35`,
/// `4.1.2`, `2021.8`, `3.4.30`.
///
/// Components compare as numbers, so `20.04 < 22.04`, `8.9 < 9.3`, `2.31 < 2.35` and `9.10 > 9.9`.
/// Missing trailing components count as zero (`4.0 == 4`). Text after the numeric part (`4.1.2rc1`,
/// `6.1.134-152.amzn2023`) is kept as `suffix`: a release without a suffix sorts after the same
/// numbers with one (`4.1.2rc1 < 4.1.2`), and two suffixes compare as strings.
public struct Version: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let components: [Int]
    public let suffix: String
    /// The text this version was parsed from.
    public let text: String

    public init?(_ text: String) {
        var s = Substring(text.trimmingSpaces)
        if s.first == "v" || s.first == "V" { s = s.dropFirst() }
        var components: [Int] = []
        var current = ""
        var index = s.startIndex
        while index < s.endIndex {
            let c = s[index]
            if c.isASCII, c.isNumber {
                current.append(c)
            } else if c == ".", !current.isEmpty {
                let next = s.index(after: index)
                // A dot must be followed by a digit to continue the numeric part ("4.1.x" stops at "x").
                guard next < s.endIndex, s[next].isASCII, s[next].isNumber else { break }
                guard let n = Int(current) else { return nil }
                components.append(n)
                current = ""
            } else {
                break
            }
            index = s.index(after: index)
        }
        guard !current.isEmpty, let last = Int(current) else { return nil }
        components.append(last)
        self.components = components
        self.suffix = String(s[index...])
        self.text = text
    }

    public init(_ components: [Int], suffix: String = "") {
        self.components = components
        self.suffix = suffix
        self.text = components.map(String.init).joined(separator: ".") + suffix
    }

    public var major: Int { components[0] }
    public var minor: Int { components.count > 1 ? components[1] : 0 }

    public var description: String { text }

    private func component(_ i: Int) -> Int { i < components.count ? components[i] : 0 }

    public static func == (lhs: Version, rhs: Version) -> Bool {
        let n = max(lhs.components.count, rhs.components.count)
        for i in 0..<n where lhs.component(i) != rhs.component(i) { return false }
        return lhs.suffix == rhs.suffix
    }

    public func hash(into hasher: inout Hasher) {
        var trimmed = components
        while trimmed.count > 1, trimmed.last == 0 { trimmed.removeLast() }
        hasher.combine(trimmed)
        hasher.combine(suffix)
    }

    public static func < (lhs: Version, rhs: Version) -> Bool {
        let n = max(lhs.components.count, rhs.components.count)
        for i in 0..<n {
            let a = lhs.component(i)
            let b = rhs.component(i)
            if a != b { return a < b }
        }
        if lhs.suffix.isEmpty != rhs.suffix.isEmpty { return !lhs.suffix.isEmpty }
        return lhs.suffix < rhs.suffix
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines (no Foundation needed).
    public var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = lastIndex(where: { !isSpace($0) })!
        return String(self[first...last])
    }
}
