import CompatCore
import CompatModels
import Foundation
import Testing

@Suite struct ModelCompatibilitySpecTests {
    @Test func decodesTheSharedArtifact() throws {
        let spec = try ModelCompatibilitySpec(decoding: TestData.bytes(TestData.shared.appendingPathComponent("data/model-compatibility-artifact.json")))
        #expect(spec.version == "v1alpha1")
        #expect(spec.compatibilities.map(\.tag) == ["fom", "duration", "fom_per_dollar"])
        let fom = try #require(spec.references(toModel: "fom").first)
        #expect(fom.type == "lasso")
        #expect(fom.direction == .maximize)
        #expect(fom.filename == "lasso_model_fom.joblib")
        #expect(fom.platforms.map(\.architecture) == ["arm64", "amd64"])
        #expect(fom.image(forArchitecture: "arm64") == "ghcr.io/converged-computing/hpcg-matrix:cortex-a72-Os")
        #expect(fom.image(forArchitecture: "riscv64") == nil)
        #expect(spec.references(toModel: "duration").first?.direction == .minimize)
    }

    @Test func roundTripsThroughJSON() throws {
        let spec = try ModelCompatibilitySpec(decoding: TestData.bytes(TestData.shared.appendingPathComponent("data/model-compatibility-artifact.json")))
        #expect(try ModelCompatibilitySpec(from: spec.jsonValue) == spec)
    }

    @Test func acceptsARandomEntryWithoutTypeOrFilename() throws {
        let text = """
            {"version": "v1alpha1", "compatibilities": [{"tag": "random", "rules": [{"matchModel": {"model": {
              "platforms": {"amd64": "img:amd"}, "direction": "random", "name": "random"}}}]}]}
            """
        let model = try #require(try ModelCompatibilitySpec(decoding: Array(text.utf8)).compatibilities.first?.models.first)
        #expect(model.direction == .random)
        #expect(model.type == nil)
        #expect(model.filename == nil)
    }

    @Test func rejectsAFeatureSpecInsteadOfTakingItForAModelSpec() {
        // ocifit-k8s's own feature example shape: its lenient decoder accepts this as a model spec.
        let featureSpec = """
            {"version": "v1alpha1", "compatibilities": [{"tag": "img", "rules": [{"matchFeatures": [{"matchExpressions": [
              {"key": "feature.node.kubernetes.io/cpu-model.vendor_id", "op": "In", "value": ["Intel"]}]}]}]}]}
            """
        #expect(throws: ArtifactDecodingError(
            path: FieldPath([.key("compatibilities"), .index(0), .key("rules"), .index(0)]), problem: "missing required field 'matchModel'"
        )) {
            try ModelCompatibilitySpec(decoding: Array(featureSpec.utf8))
        }
    }

    @Test func rejectsUnknownVersionsDirectionsAndFields() {
        func decode(_ text: String) throws(ArtifactDecodingError) { _ = try ModelCompatibilitySpec(decoding: Array(text.utf8)) }
        let model = #"{"platforms": {"amd64": "i"}, "direction": "maximize", "name": "fom"}"#
        #expect(throws: ArtifactDecodingError(path: FieldPath([.key("version")]), problem: "unsupported version 'v2'; this reader knows v1alpha1")) {
            try decode(#"{"version": "v2", "compatibilities": [{"rules": [{"matchModel": {"model": \#(model)}}]}]}"#)
        }
        #expect(throws: ArtifactDecodingError.self) {
            try decode(#"{"version": "v1alpha1", "compatibilities": [{"rules": [{"matchModel": {"model": {"platforms": {"amd64": "i"}, "direction": "best", "name": "fom"}}}]}]}"#)
        }
        do {
            try decode(#"{"version": "v1alpha1", "compatibilities": [{"rules": [{"matchModel": {"model": \#(model), "threshold": 3}}]}]}"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.path.description == "compatibilities[0].rules[0].matchModel.threshold")
        }
    }

    @Test func theShippedArtifactPointsAtTrainedModelsThatExistAndAgree() throws {
        let spec = try ModelCompatibilitySpec(decoding: TestData.bytes(TestData.packageRoot.appendingPathComponent("models/model-compatibility.json")))
        let shared = try ModelCompatibilitySpec(decoding: TestData.bytes(TestData.shared.appendingPathComponent("data/model-compatibility-artifact.json")))
        let references = spec.compatibilities.flatMap(\.models)
        #expect(references.count >= 5)
        // The random baseline names no model file: it draws uniformly.
        let random = try #require(references.first { $0.name == "random" })
        #expect(random.filename == nil && random.direction == .random)
        for reference in references where reference.name != "random" {
            let filename = try #require(reference.filename)
            let model = try PerformanceModel(decoding: TestData.bytes(TestData.packageRoot.appendingPathComponent("models/" + filename)))
            #expect(model.name == reference.name)
            #expect(SelectionDirection(model.direction) == reference.direction)
            if let published = shared.references(toModel: reference.name).first {
                #expect(reference.platforms == published.platforms)
            }
        }
    }
}
