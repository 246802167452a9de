import Testing
@testable import CompatCore

/// Masterminds semver `NewVersion` (coercing, v3.4+) plus NFD's pre-release stripping.
@Suite struct SemanticVersionTests {
    static let accepted: [(String, SemanticVersion)] = [
        ("1", SemanticVersion(major: 1)),
        ("1.2", SemanticVersion(major: 1, minor: 2)),
        ("1.2.3", SemanticVersion(major: 1, minor: 2, patch: 3)),
        ("v6.8", SemanticVersion(major: 6, minor: 8)),
        ("22.04", SemanticVersion(major: 22, minor: 4)),
        ("6.8.0-1015-aws", SemanticVersion(major: 6, minor: 8)),
        ("6.1.134-152.225.amzn2023.aarch64", SemanticVersion(major: 6, minor: 1, patch: 134)),
        ("1.0.0-rc.1+build.5", SemanticVersion(major: 1)),
        ("1.2-beta", SemanticVersion(major: 1, minor: 2)),
        ("18446744073709551615", SemanticVersion(major: UInt64.max)),
    ]

    @Test(arguments: zip(accepted.map(\.0), accepted.map(\.1)))
    func parsesWhatNewVersionAccepts(_ text: String, _ expected: SemanticVersion) throws {
        #expect(try SemanticVersion(parsing: text) == expected)
    }

    static let rejected: [(String, SemanticVersion.ParseFailure)] = [
        ("", .notSemanticVersion),
        ("V1.2", .notSemanticVersion),
        ("1.2.3.4", .notSemanticVersion),
        ("6.1.134-152.225.amzn2023.x86_64", .notSemanticVersion),
        ("4.18.0-513.el8.x86_64", .notSemanticVersion),
        (" 1.2", .notSemanticVersion),
        ("1..2", .notSemanticVersion),
        ("1.2.3-", .notSemanticVersion),
        ("1.2.3+", .notSemanticVersion),
        ("1.x", .notSemanticVersion),
        ("1.0.0-01", .leadingZeroInPreRelease),
        ("18446744073709551616", .numberTooLarge),
    ]

    @Test(arguments: zip(rejected.map(\.0), rejected.map(\.1)))
    func rejectsWhatNewVersionRejects(_ text: String, _ failure: SemanticVersion.ParseFailure) {
        #expect(throws: failure) { try SemanticVersion(parsing: text) }
    }

    @Test func comparesMajorMinorPatchOnly() throws {
        let kernel = try SemanticVersion(parsing: "6.8.0-1015-aws")
        #expect(kernel == (try SemanticVersion(parsing: "6.8")))
        #expect(kernel > (try SemanticVersion(parsing: "6.7.99")))
        #expect(kernel < (try SemanticVersion(parsing: "6.10")))
        #expect(try SemanticVersion(parsing: "9.10") > (try SemanticVersion(parsing: "9.9")))
    }
}
