import Foundation
import Testing
@testable import CompatKube

/// A feature file rewritten with the same entries does not make the directory hold a second copy of them.
@Suite struct StaticFeatureRewriteKeepsHeldEntriesTests {
    static func storage(_ nodes: [KubeNode]?) -> UnsafeRawPointer? {
        nodes?.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    @Test func rewriteWithTheSameEntriesKeepsTheEntriesAlreadyHeld() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let text = #"[{"node.kubernetes.io/instance-type": "hpc7g.16xlarge"}, {"node.kubernetes.io/instance-type": "c7g.16xlarge"}]"#
        try directory.write("a.json", text)
        let features = StaticFeatureDirectory(path: directory.path)
        let first = try #require(features.reload())
        // An atomic write replaces the inode: the file is read and decoded again.
        try directory.write("a.json", text)
        let second = try #require(features.reload())
        #expect(second.entriesByFile == first.entriesByFile)
        #expect(Self.storage(second.entriesByFile["a.json"]) == Self.storage(first.entriesByFile["a.json"]))
    }

    @Test func rewriteWithChangedEntriesReplacesThem() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("a.json", #"[{"node.kubernetes.io/instance-type": "hpc7g.16xlarge"}]"#)
        let features = StaticFeatureDirectory(path: directory.path)
        let first = try #require(features.reload())
        try directory.write("a.json", #"[{"node.kubernetes.io/instance-type": "hpc7a.96xlarge"}]"#)
        let second = try #require(features.reload())
        #expect(first.entriesByFile["a.json"]?.compactMap(\.instanceType) == ["hpc7g.16xlarge"])
        #expect(second.entriesByFile["a.json"]?.compactMap(\.instanceType) == ["hpc7a.96xlarge"])
    }
}
