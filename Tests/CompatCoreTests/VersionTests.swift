import Testing
@testable import CompatCore

@Suite struct VersionTests {
    @Test(arguments: [
        ("20.04", "22.04"), ("8.9", "9.3"), ("2.31", "2.35"), ("9.9", "9.10"), ("3.4.29", "3.4.30"),
        ("4.1.2rc1", "4.1.2"), ("2021.8", "2021.10"), ("4.0.3", "4.1"),
    ])
    func ordersNumerically(lower: String, higher: String) throws {
        let a = try #require(Version(lower))
        let b = try #require(Version(higher))
        #expect(a < b)
        #expect(!(b < a))
        #expect(a != b)
    }

    @Test func padsMissingComponentsWithZero() throws {
        #expect(try #require(Version("4.0")) == #require(Version("4")))
        #expect(try #require(Version("v1.2")).components == [1, 2])
        #expect(try #require(Version("6.1.134-152.amzn2023")).suffix == "-152.amzn2023")
    }

    @Test(arguments: ["", "abc", ".5", "v"])
    func rejectsNonVersions(text: String) {
        #expect(Version(text) == nil)
    }
}
