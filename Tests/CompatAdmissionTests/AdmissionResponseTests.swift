import CompatAdmission
import CompatCore
import Testing

@Suite struct AdmissionResponseTests {
    @Test func allowWithoutChangeOmitsPatchAndPatchType() {
        let response = AdmissionResponse.allow(uid: "705ab4f5-6393-11e8-b7cc-42010a800002")
        #expect(response.reviewJSON.serialized() == #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"705ab4f5-6393-11e8-b7cc-42010a800002","allowed":true}}"#)
    }

    @Test func allowWithAnEmptyPatchAlsoOmitsThem() {
        #expect(AdmissionResponse.allow(uid: "u", patch: JSONPatch()).reviewJSON["response"]?["patchType"] == nil)
    }

    @Test func allowWithPatchCarriesBase64AndPatchType() throws {
        let patch = JSONPatch([.add(path: JSONPointer(tokens: ["metadata", "labels", "a/b"]), value: "c")])
        let response = AdmissionResponse.allow(uid: "u", patch: patch)
        let body = response.reviewJSON["response"]
        #expect(body?["patchType"] == "JSONPatch")
        #expect(try Base64.decode(try #require(body?["patch"]?.stringValue)) == Array(#"[{"op":"add","path":"/metadata/labels/a~1b","value":"c"}]"#.utf8))
    }

    @Test func denialCarriesStatusWithCodeReasonAndMessage() {
        let response = AdmissionResponse.deny(uid: "u", AdmissionDenial(.invalid, "annotation x is empty"))
        #expect(response.reviewJSON.serialized() == #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u","allowed":false,"status":{"status":"Failure","message":"annotation x is empty","reason":"Invalid","code":422}}}"#)
        #expect(DenialReason.forbidden.code == 403)
        #expect(DenialReason.internalError.code == 500)
    }

    @Test func warningsAreSingleLinesOfAtMost120Characters() {
        let long = String(repeating: "x", count: 130)
        let response = AdmissionResponse.allow(uid: "u", warnings: ["Warning: first\nsecond", long, "  ", "ok"])
        #expect(response.warnings == ["first second", String(repeating: "x", count: 119) + "…", "ok"])
        #expect(response.warnings.allSatisfy { $0.count <= AdmissionResponse.maximumWarningLength })
    }

    @Test func auditAnnotationsAreWrittenSortedByKey() {
        let response = AdmissionResponse.allow(uid: "u", auditAnnotations: ["selected-image": "a:b", "explanation": "e"])
        #expect(response.reviewJSON["response"]?["auditAnnotations"]?.serialized() == #"{"explanation":"e","selected-image":"a:b"}"#)
    }

    @Test func responsesRoundTripThroughTheWireForm() throws {
        let responses = [
            AdmissionResponse.allow(uid: "a", patch: JSONPatch([.replace(path: try JSONPointer("/spec/containers/0/image"), value: "x:1")]),
                                    warnings: ["w"], auditAnnotations: ["k": "v"]),
            AdmissionResponse.deny(uid: "b", AdmissionDenial(.forbidden, "no compatible image"), warnings: ["w2"]),
            AdmissionResponse.allow(uid: "c"),
        ]
        for response in responses {
            #expect(try AdmissionResponse(reviewBytes: response.serializedReview()) == response)
        }
    }

    @Test func foreignDenialsKeepTheirReasonAndCodeRaisedToAtLeast400() throws {
        let conflict = try AdmissionResponse(reviewBytes: Array(#"""
            {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u","allowed":false,
             "status":{"code":409,"reason":"Conflict","message":"busy"}}}
            """#.utf8))
        #expect(conflict.denial == AdmissionDenial(DenialReason(rawValue: "Conflict", code: 409), "busy"))
        let bare = try AdmissionResponse(reviewBytes: Array(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u","allowed":false}}"#.utf8))
        #expect(bare.denial == AdmissionDenial(DenialReason(rawValue: "", code: 400), ""))
    }

    @Test func responsesTheAPIServerWouldRejectFailToDecode() throws {
        let cases: [(String, String)] = [
            (#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u","allowed":true,"patch":"W10="}}"#,
             "invalid AdmissionReview at response: 'patch' without 'patchType'"),
            (#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u","allowed":true,"patchType":"JSONPatch"}}"#,
             "invalid AdmissionReview at response: 'patchType' without 'patch'"),
            (#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u","allowed":true,"patchType":"MergePatch","patch":"e30="}}"#,
             "invalid AdmissionReview at response.patchType: must be 'JSONPatch', found 'MergePatch'"),
            (#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"","allowed":true}}"#,
             "invalid AdmissionReview at response.uid: must not be empty"),
            (#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u"}}"#,
             "invalid AdmissionReview at response: missing required field 'allowed'"),
            (#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u","allowed":true,"patchType":"JSONPatch","patch":"e30="}}"#,
             "invalid AdmissionReview at response.patch: undecodable patch: a JSON Patch must be an array, found an object"),
            (#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u","allowed":true,"patchType":"JSONPatch","patch":"not base64"}}"#,
             "invalid AdmissionReview at response.patch: base64 text must be a multiple of 4 characters long, found 10"),
        ]
        for (body, message) in cases {
            do {
                _ = try AdmissionResponse(reviewBytes: Array(body.utf8))
                Issue.record("accepted \(body)")
            } catch {
                #expect(error.description == message)
            }
        }
    }
}
