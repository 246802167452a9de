import Testing
@testable import CompatCore

@Suite struct ExactMatchTests {
    private func criteria(_ arguments: String...) throws -> [MatchCriterion] {
        try arguments.map { try MatchCriterion(parsing: $0) }
    }

    @Test func noCriteriaMatchEveryImageInManifestOrder() throws {
        let catalog = try LAMMPSMatrixData.catalog()
        let matches = try ExactMatcher.match([], in: catalog).get()
        #expect(matches.map(\.name) == catalog.images.map(\.name))
        #expect(matches.count == 18)
    }

    @Test func intersectsTheExperimentsDescriptiveCriteria() throws {
        let matches = try ExactMatcher.match(try criteria(
            "org.supercontainers.os.vendor=ubuntu", "org.supercontainers.os.version=22.04",
            "org.supercontainers.hardware.gpu.available=no", "io.archspec.cpu.target=amd64"
        ), in: try LAMMPSMatrixData.catalog()).get()
        #expect(LAMMPSMatrixData.tags(matches) == ["openmpi-ubuntu-22.04-amd64", "mpich-ubuntu-22.04-amd64"])
    }

    @Test func anUnknownValueNamesTheFieldAndTheValuesPresent() throws {
        let result = ExactMatcher.match(try criteria("org.supercontainers.os.version=21.04"), in: try LAMMPSMatrixData.catalog())
        #expect(throws: ExactMatchFailure.unknownValue(
            MatchCriterion(key: "org.supercontainers.os.version", value: "21.04"), knownValues: ["20.04", "22.04", "8.9", "9.3"]
        )) { try result.get() }
    }

    @Test func anUnknownKeyIsReportedAsSuch() throws {
        let result = ExactMatcher.match(try criteria("org.supercontainers.os.versoin=22.04"), in: try LAMMPSMatrixData.catalog())
        guard case .failure(.unknownKey(let criterion, let keys)) = result else {
            Issue.record("expected unknownKey, got \(result)")
            return
        }
        #expect(criterion.key == "org.supercontainers.os.versoin")
        #expect(keys.contains("org.supercontainers.os.version"))
    }

    @Test func anEmptyIntersectionNamesTheFieldThatEmptiedIt() throws {
        let result = ExactMatcher.match(try criteria(
            "io.archspec.cpu.target=arm64", "org.supercontainers.os.vendor=rocky", "org.supercontainers.hardware.gpu.available=no"
        ), in: try LAMMPSMatrixData.catalog())
        guard case .failure(let failure) = result, case .emptied(let criterion, let before, let values) = failure else {
            Issue.record("expected emptied, got \(result)")
            return
        }
        #expect(criterion == MatchCriterion(key: "org.supercontainers.hardware.gpu.available", value: "no"))
        #expect(before == ["openmpi-rocky-gpu-9-arm64", "openmpi-rocky-gpu-8-arm64"].map { LAMMPSMatrixData.imagePrefix + $0 })
        #expect(values == ["yes"])
        #expect(failure.description.hasPrefix("adding field 'org.supercontainers.hardware.gpu.available=no' empties the match set: 2 image(s)"))
    }

    @Test func criterionParsingSplitsAtTheFirstEquals() throws {
        #expect(try MatchCriterion(parsing: "a.b=c=d") == MatchCriterion(key: "a.b", value: "c=d"))
        #expect(try MatchCriterion(parsing: "a.b=") == MatchCriterion(key: "a.b", value: ""))
    }

    @Test func criterionWithoutEqualsIsAnErrorNotACrash() {
        #expect(throws: MatchCriterionError.self) { try MatchCriterion(parsing: "org.supercontainers.os.version") }
        #expect(throws: MatchCriterionError.self) { try MatchCriterion(parsing: "=22.04") }
    }
}
