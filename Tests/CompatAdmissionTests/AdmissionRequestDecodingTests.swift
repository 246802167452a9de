import CompatAdmission
import CompatCore
import Testing

@Suite struct AdmissionRequestDecodingTests {
    @Test func controllerCreatedPodDecodesWithEmptyNameAndGenerateName() throws {
        let request = try AdmissionFixtures.request("pod-create-init-and-app-containers.json")
        #expect(request.uid == "b6e2c0a4-1f3d-4c5e-9a7b-2d8f6e1c3a90")
        #expect(request.kind == GroupVersionKind(group: "", version: "v1", kind: "Pod"))
        #expect(request.resource == GroupVersionResource(group: "", version: "v1", resource: "pods"))
        #expect(request.requestKind == request.kind)
        #expect(request.subResource == nil)
        #expect(request.name == "")
        #expect(request.generateName == "lammps-7c9d5b8f6d-")
        #expect(request.displayName == "lammps-7c9d5b8f6d-*")
        #expect(request.namespace == "hpc")
        #expect(request.operation == .create)
        #expect(request.userInfo?.username == "system:serviceaccount:kube-system:replicaset-controller")
        #expect(request.userInfo?.groups == ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"])
        #expect(request.oldObject == nil)
        #expect(request.dryRun == false)
        #expect(request.options?["kind"] == "CreateOptions")
    }

    @Test func objectIsKeptExactlyAsReceived() throws {
        let review = try AdmissionFixtures.review("pod-create-init-and-app-containers.json")
        let request = try AdmissionRequest(review: review)
        #expect(request.object == review["request"]?["object"])
        #expect(request.object?["metadata"]?["creationTimestamp"] == .null)
        #expect(request.object?["status"] == .object(JSONObject()))
        #expect(request.object?["metadata"]?["managedFields"]?.arrayValue?.count == 1)
    }

    @Test func everyFixtureDecodes() throws {
        let names = try AdmissionFixtures.names()
        #expect(names.count == 12)
        for name in names {
            let request = try AdmissionFixtures.request(name)
            #expect(!request.uid.isEmpty, "\(name)")
        }
    }

    @Test func deleteCarriesOnlyTheOldObject() throws {
        let request = try AdmissionFixtures.request("pod-delete.json")
        #expect(request.operation == .delete)
        #expect(request.object == nil)
        #expect(request.oldObject?["spec"]?["nodeName"] == "ip-192-168-14-154.ec2.internal")
        #expect(request.name == "lammps-7c9d5b8f6d-8vq4n")
        #expect(request.options?["propagationPolicy"] == "Background")
    }

    @Test func v1beta1ReviewIsRejectedWithTheRegistrationFix() throws {
        var review = try AdmissionFixtures.review("pod-create-not-enabled.json")
        review = try JSONPatch(decoding: try json(#"[{"op":"replace","path":"/apiVersion","value":"admission.k8s.io/v1beta1"}]"#)).apply(to: review)
        #expect(throws: AdmissionReviewDecodingError(
            path: FieldPath(),
            problem: "expected apiVersion 'admission.k8s.io/v1' and kind 'AdmissionReview', found apiVersion "
                + "'admission.k8s.io/v1beta1' and kind 'AdmissionReview'; register the webhook with admissionReviewVersions: [\"v1\"]"
        )) {
            try AdmissionRequest(review: review)
        }
    }

    @Test func wrongKindIsRejected() throws {
        let review = try json(#"{"apiVersion":"admission.k8s.io/v1","kind":"TokenReview","request":{}}"#)
        #expect(throws: AdmissionReviewDecodingError.self) { try AdmissionRequest(review: review) }
    }

    @Test func missingOrEmptyUIDIsRejectedWithItsPath() throws {
        let base = try AdmissionFixtures.review("pod-create-not-enabled.json")
        let without = try JSONPatch(decoding: try json(#"[{"op":"remove","path":"/request/uid"}]"#)).apply(to: base)
        #expect(throws: AdmissionReviewDecodingError(path: FieldPath([.key("request")]), problem: "missing required field 'uid'")) {
            try AdmissionRequest(review: without)
        }
        let empty = try JSONPatch(decoding: try json(#"[{"op":"replace","path":"/request/uid","value":""}]"#)).apply(to: base)
        #expect(throws: AdmissionReviewDecodingError(path: FieldPath([.key("request"), .key("uid")]), problem: "must not be empty")) {
            try AdmissionRequest(review: empty)
        }
    }

    @Test func unknownOperationIsRejected() throws {
        let review = try JSONPatch(decoding: try json(#"[{"op":"replace","path":"/request/operation","value":"PATCH"}]"#))
            .apply(to: try AdmissionFixtures.review("pod-create-not-enabled.json"))
        #expect(throws: AdmissionReviewDecodingError(
            path: FieldPath([.key("request"), .key("operation")]),
            problem: "unknown operation 'PATCH' (expected CREATE, UPDATE, DELETE or CONNECT)"
        )) {
            try AdmissionRequest(review: review)
        }
    }

    @Test func createWithoutAnObjectIsRejected() throws {
        let review = try JSONPatch(decoding: try json(#"[{"op":"replace","path":"/request/object","value":null}]"#))
            .apply(to: try AdmissionFixtures.review("pod-create-not-enabled.json"))
        #expect(throws: AdmissionReviewDecodingError(
            path: FieldPath([.key("request"), .key("object")]), problem: "missing: a CREATE request must carry the object"
        )) {
            try AdmissionRequest(review: review)
        }
    }

    @Test func wronglyTypedMembersAreRejectedWithTheirPath() throws {
        let review = try JSONPatch(decoding: try json(#"[{"op":"replace","path":"/request/dryRun","value":"false"}]"#))
            .apply(to: try AdmissionFixtures.review("pod-create-not-enabled.json"))
        #expect(throws: AdmissionReviewDecodingError(path: FieldPath([.key("request"), .key("dryRun")]), problem: "expected a boolean, found a string")) {
            try AdmissionRequest(review: review)
        }
    }

    @Test func unknownMembersFromNewerAPIServersAreTolerated() throws {
        let review = try JSONPatch(decoding: try json(#"[{"op":"add","path":"/request/futureField","value":{"x":1}}]"#))
            .apply(to: try AdmissionFixtures.review("pod-create-not-enabled.json"))
        #expect(try AdmissionRequest(review: review).uid == "2d7e9a41-6b0c-4f35-8d12-9e4a7c3b5f06")
    }

    @Test func bodyThatIsNotJSONIsRejected() {
        #expect(throws: AdmissionReviewDecodingError.self) { try AdmissionRequest(reviewBytes: Array("{\"apiVersion\":".utf8)) }
    }
}
