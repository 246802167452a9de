import CompatAdmission
import CompatCore
import Testing

@Suite struct JSONPatchBuilderTests {
    @Test func missingParentsAreCreatedByOneAddOfTheNestedMap() throws {
        var builder = JSONPatchBuilder(document: try json(#"{"spec":{"size":2}}"#))
        try builder.set("flux-view:arm-9", at: try JSONPointer("/spec/flux/container/image"))
        #expect(builder.patch.jsonValue == (try json(#"[{"op":"add","path":"/spec/flux","value":{"container":{"image":"flux-view:arm-9"}}}]"#)))
        #expect(builder.document == (try json(#"{"spec":{"size":2,"flux":{"container":{"image":"flux-view:arm-9"}}}}"#)))
    }

    @Test func laterSetsSeeParentsCreatedByEarlierOnes() throws {
        var builder = JSONPatchBuilder(document: try json(#"{"metadata":{}}"#))
        try builder.set("a", at: try JSONPointer("/spec/flux/container/image"))
        try builder.set("b", at: try JSONPointer("/spec/pod/nodeSelector/node.kubernetes.io~1instance-type"))
        try builder.set("c", at: try JSONPointer("/spec/flux/container/name"))
        let expected = try json(#"""
            [{"op":"add","path":"/spec","value":{"flux":{"container":{"image":"a"}}}},
             {"op":"add","path":"/spec/pod","value":{"nodeSelector":{"node.kubernetes.io/instance-type":"b"}}},
             {"op":"add","path":"/spec/flux/container/name","value":"c"}]
            """#)
        #expect(builder.patch.jsonValue == expected)
        #expect(builder.patch.operations.filter { $0.path == (try? JSONPointer("/spec")) }.count == 1)
        #expect(try builder.patch.apply(to: try json(#"{"metadata":{}}"#)) == builder.document)
    }

    @Test func aNullParentIsReplacedByTheNestedMap() throws {
        var builder = JSONPatchBuilder(document: try json(#"{"spec":{"nodeSelector":null}}"#))
        try builder.set("c7g.16xlarge", at: JSONPointer(tokens: ["spec", "nodeSelector", "node.kubernetes.io/instance-type"]))
        #expect(builder.patch.serialized() == #"[{"op":"replace","path":"/spec/nodeSelector","value":{"node.kubernetes.io/instance-type":"c7g.16xlarge"}}]"#)
    }

    @Test func anExistingMapGetsOnlyTheMemberAddedAndKeepsItsOtherKeys() throws {
        let document = try json(#"{"spec":{"nodeSelector":{"kubernetes.io/os":"linux"}}}"#)
        var builder = JSONPatchBuilder(document: document)
        try builder.set("hpc7g.16xlarge", at: JSONPointer(tokens: ["spec", "nodeSelector", "node.kubernetes.io/instance-type"]))
        #expect(builder.patch.serialized() == #"[{"op":"add","path":"/spec/nodeSelector/node.kubernetes.io~1instance-type","value":"hpc7g.16xlarge"}]"#)
        #expect(builder.document == (try json(#"{"spec":{"nodeSelector":{"kubernetes.io/os":"linux","node.kubernetes.io/instance-type":"hpc7g.16xlarge"}}}"#)))
    }

    @Test func equalValuesEmitNothingAndDifferentOnesAreReplaced() throws {
        var builder = JSONPatchBuilder(document: try json(#"{"spec":{"containers":[{"image":"a"},{"image":"b"}]}}"#))
        try builder.set("a", at: try JSONPointer("/spec/containers/0/image"))
        #expect(builder.patch.isEmpty)
        try builder.set("c", at: try JSONPointer("/spec/containers/1/image"))
        #expect(builder.patch.serialized() == #"[{"op":"replace","path":"/spec/containers/1/image","value":"c"}]"#)
    }

    @Test func arrayElementsAreNeverInvented() throws {
        var builder = JSONPatchBuilder(document: try json(#"{"spec":{"containers":[]}}"#))
        #expect(throws: JSONPatchBuildError(pointer: try JSONPointer("/spec/containers/0/image"), problem: "'/spec/containers' has 0 elements, so '0' does not name one")) {
            try builder.set("x", at: try JSONPointer("/spec/containers/0/image"))
        }
        #expect(builder.patch.isEmpty)
    }

    @Test func aScalarAncestorIsAnErrorNotOverwritten() throws {
        var builder = JSONPatchBuilder(document: try json(#"{"spec":{"pod":"oops"}}"#))
        #expect(throws: JSONPatchBuildError(pointer: try JSONPointer("/spec/pod/nodeSelector/a"), problem: "'/spec/pod' is a string, not an object")) {
            try builder.set("x", at: try JSONPointer("/spec/pod/nodeSelector/a"))
        }
    }
}
