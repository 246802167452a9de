import CompatCore
import CompatRegistry
import Testing

@Suite struct OCIDocumentTests {
    static let digestA = "sha256:" + String(repeating: "a", count: 64)

    @Test func manifestDecodesAndIgnoresUnknownFieldsAsTheSpecRequires() throws {
        let text = """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","futureField":{"x":1},
         "artifactType":"application/org.supercontainers.compspec",
         "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"\(Self.digestA)","size":2,"data":"e30="},
         "layers":[{"mediaType":"application/org.supercontainers.compspec","digest":"\(Self.digestA)","size":123,
                    "annotations":{"org.opencontainers.image.title":"spec.json"}}],
         "annotations":{"org.opencontainers.image.created":"2024-05-01T10:00:00Z"}}
        """
        guard case .manifest(let manifest) = try OCIDocument.decode(Array(text.utf8), contentType: nil) else {
            Issue.record("expected a manifest")
            return
        }
        #expect(manifest.artifactType == CompatibilityMediaType.supercontainersCompspec)
        #expect(manifest.config.data == "e30=")
        #expect(manifest.layers == [OCIDescriptor(
            mediaType: CompatibilityMediaType.supercontainersCompspec, digest: Self.digestA, size: 123,
            annotations: [OCIAnnotation.title: "spec.json"]
        )])
        #expect(manifest.annotations[OCIAnnotation.created] == "2024-05-01T10:00:00Z")
    }

    @Test func indexIsRecognisedByContentTypeWhenMediaTypeIsAbsent() throws {
        let text = #"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\#(Self.digestA)","size":7,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}}]}"#
        guard case .index(let index) = try OCIDocument.decode(Array(text.utf8), contentType: "application/vnd.oci.image.index.v1+json") else {
            Issue.record("expected an index")
            return
        }
        #expect(index.manifests.first?.platform == OCIPlatform(architecture: "arm64", os: "linux", variant: "v8"))
    }

    @Test func wrongTypeIsAnErrorNamingItsPath() {
        let text = #"{"schemaVersion":2,"config":{"mediaType":"x","digest":"\#(Self.digestA)","size":"2"},"layers":[]}"#
        #expect(throws: ArtifactDecodingError(path: FieldPath([.key("config"), .key("size")]), problem: "expected an integer, found a string")) {
            try OCIDocument.decode(Array(text.utf8), contentType: nil)
        }
    }

    @Test func malformedDigestInADescriptorIsAnError() {
        let text = #"{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:abc","size":2},"layers":[]}"#
        #expect {
            try OCIDocument.decode(Array(text.utf8), contentType: nil)
        } throws: { error in
            (error as? ArtifactDecodingError)?.path == FieldPath([.key("config"), .key("digest")])
        }
    }

    @Test func encodedManifestDecodesToItself() throws {
        let manifest = OCIManifest(
            artifactType: CompatibilityMediaType.nfdArtifact,
            config: OCIDescriptor(mediaType: OCIMediaType.emptyJSON, digest: Self.digestA, size: 2, data: "e30="),
            layers: [OCIDescriptor(mediaType: CompatibilityMediaType.nfdSpec, digest: Self.digestA, size: 9, annotations: ["b": "2", "a": "1"])],
            subject: OCIDescriptor(mediaType: OCIMediaType.imageIndex, digest: Self.digestA, size: 100),
            annotations: [OCIAnnotation.created: "2025-01-01T00:00:00Z"]
        )
        let bytes = manifest.encoded()
        #expect(try OCIDocument.decode(bytes, contentType: nil) == .manifest(manifest))
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix(#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"#))
        #expect(String(decoding: bytes, as: UTF8.self).contains(#""annotations":{"a":"1","b":"2"}"#))
    }
}
