import Testing

@Suite struct VersionFlagTests {
    @Test func compatPrintsItsVersion() throws {
        let result = try CommandRunner.run("compat", ["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == "0.1.0\n")
    }
}
