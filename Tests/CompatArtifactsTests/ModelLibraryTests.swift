import CompatArtifacts
import CompatModels
import CompatSelection
import Testing

@Suite struct ModelLibraryTests {
    @Test func modelLibraryRefusesPathsAndListsWhatExists() throws {
        let library = ModelLibrary(directory: TestPaths.models)
        #expect(throws: Never.self) { _ = try library.model(named: "fom") }
        let traversal = refusal { () throws(SelectionRefusal) in try library.model(named: "../published/fom") }
        #expect(traversal?.category == .invalidRequest)
        let missing = refusal { () throws(SelectionRefusal) in try library.model(named: "nope") }
        #expect(missing?.message.contains("available: duration, fom, fom_per_dollar") == true)
    }

    @Test func specFilenameChoosesTheTrainedModelOverThePublishedOne() throws {
        let library = ModelLibrary(directory: TestPaths.models)
        let trained = try library.model(named: "fom", filename: "trained/fom.json")
        let published = try library.model(named: "fom")
        #expect(trained.provenance["cross_validation"]?["folds"] == .number("20"))
        #expect(published.provenance["cross_validation"] == nil)
        let joblib = try library.model(named: "fom", filename: "lasso_model_fom.joblib")
        #expect(joblib.provenance["cross_validation"] == nil)
        let escape = refusal { () throws(SelectionRefusal) in try library.model(named: "fom", filename: "../models/trained/fom.json") }
        #expect(escape?.category == .artifactInvalid)
        let absent = refusal { () throws(SelectionRefusal) in try library.model(named: "fom", filename: "trained/absent.json") }
        #expect(absent?.message == "performance model file trained/absent.json for model 'fom' is not in \(TestPaths.models); install it there")
    }
}
