import CompatCore
import CompatModels
import Testing

@Suite struct PerformanceModelDecodingTests {
    /// fom.json as a mutable document.
    private func fomDocument() throws -> JSONObject {
        let value = try DocumentDecoder.decode(TestData.bytes(TestData.packageRoot.appendingPathComponent("models/published/fom.json")))
        return try #require(value.objectValue)
    }

    private func decodingError(_ document: JSONObject) -> ArtifactDecodingError? {
        do {
            _ = try PerformanceModel(from: .object(document))
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: TestData.publishedNames)
    func everyPublishedModelDecodes(name: String) throws {
        let model = try TestData.publishedModel(name)
        #expect(model.name == name)
        #expect(model.inputs.count == 11)
        #expect(model.inputs.allSatisfy { $0.name.hasPrefix("feature.node.kubernetes.io/") })
        #expect(model.seenInputCombinations == nil)
    }

    @Test func readsFomsShapeAndExactCoefficients() throws {
        let model = try TestData.publishedModel("fom")
        #expect(model.direction == .maximize)
        #expect(model.features.count == 20)
        #expect(model.terms.count == 29)
        #expect(model.terms[0].coefficient == -0x1.51aeddf92a9a6p+43)
        #expect(model.terms[12].features == [0, 3])
        #expect(model.intercept == 24.899879698959687)
        #expect(model.inputs[1].categories == ["23", "25", "31", "6", "63"])
        #expect(model.features[2].encoding == .oneHot(category: "31"))
        #expect(model.hasInteractions)
    }

    @Test func encodingAndDecodingGiveTheSameModelBitForBit() throws {
        for name in TestData.publishedNames {
            let model = try TestData.publishedModel(name)
            let again = try PerformanceModel(decoding: Array(model.jsonValue.serialized().utf8))
            #expect(again == model)
            #expect(again.terms.map(\.coefficient.bitPattern) == model.terms.map(\.coefficient.bitPattern))
        }
    }

    @Test func rejectsAnUnknownFieldNamingItsPath() throws {
        var document = try fomDocument()
        var terms = try #require(document["terms"]?.arrayValue)
        var term = try #require(terms[3].objectValue)
        term["weight"] = .number("1")
        terms[3] = .object(term)
        document["terms"] = .array(terms)
        let error = try #require(decodingError(document))
        #expect(error.path.description == "terms[3].weight")
        #expect(error.problem.hasPrefix("unknown field 'weight'"))
    }

    @Test func rejectsAnUnknownFormatVersion() throws {
        var document = try fomDocument()
        document["format_version"] = .number("2")
        #expect(decodingError(document) == ArtifactDecodingError(
            path: FieldPath([.key("format_version")]), problem: "unsupported format version 2; this reader knows version 1"
        ))
    }

    @Test func rejectsAWrongType() throws {
        var document = try fomDocument()
        document["intercept_hex"] = .number("24.9")
        #expect(decodingError(document) == ArtifactDecodingError(path: FieldPath([.key("intercept_hex")]), problem: "expected a string, found a number"))
    }

    @Test func rejectsADecimalThatDisagreesWithTheHexCoefficient() throws {
        var document = try fomDocument()
        var terms = try #require(document["terms"]?.arrayValue)
        var term = try #require(terms[0].objectValue)
        term["coefficient"] = .number("-11602702092628.82")  // one part in 1e15 away
        terms[0] = .object(term)
        document["terms"] = .array(terms)
        let error = try #require(decodingError(document))
        #expect(error.path.description == "terms[0].coefficient")
        #expect(error.problem.contains("must give the same double"))
    }

    @Test func rejectsATermThatReadsAMissingColumn() throws {
        var document = try fomDocument()
        var terms = try #require(document["terms"]?.arrayValue)
        var term = try #require(terms[1].objectValue)
        term["features"] = .array([.number("0"), .number("20")])
        terms[1] = .object(term)
        document["terms"] = .array(terms)
        #expect(decodingError(document) == ArtifactDecodingError(
            path: FieldPath([.key("terms"), .index(1), .key("features"), .index(1)]),
            problem: "feature index 20 is out of range (the model has 20 features)"
        ))
    }

    @Test func rejectsBehavioursTheFormatDoesNotDefine() throws {
        var document = try fomDocument()
        document["summation"] = .string("pairwise")
        #expect(decodingError(document)?.path.description == "summation")
        document = try fomDocument()
        document["unknown_category"] = .string("error")
        #expect(decodingError(document)?.path.description == "unknown_category")
    }

    @Test func rejectsAOneHotCategoryOutsideTheInputsCategories() throws {
        var document = try fomDocument()
        var features = try #require(document["features"]?.arrayValue)
        var feature = try #require(features[2].objectValue)
        feature["category"] = .string("32")
        features[2] = .object(feature)
        document["features"] = .array(features)
        #expect(decodingError(document)?.path.description == "features[2].category")
    }

    @Test func rejectsARecordedCombinationOfTheWrongWidth() throws {
        var document = try fomDocument()
        document["seen_input_combinations"] = .array([.array([.string("false")])])
        #expect(decodingError(document) == ArtifactDecodingError(
            path: FieldPath([.key("seen_input_combinations"), .index(0)]), problem: "expected 11 values (one per input), found 1"
        ))
    }
}
