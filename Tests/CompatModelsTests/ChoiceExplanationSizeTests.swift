import CompatCore
import CompatModels
import Testing

/// A choice's explanation becomes an audit annotation and a log field, so it names a few nodes and
/// counts the rest, however many nodes the cluster has.
@Suite struct ChoiceExplanationSizeTests {
    /// One input `cpu` with training categories a and b; b predicts higher.
    private let model = PerformanceModel(
        name: "toy", target: "toy", targetDescription: "", direction: .maximize, directionSource: "test",
        inputs: [ModelInput(name: "cpu", kind: .categorical(categories: ["a", "b"]))],
        features: [EncodedFeature(name: "cpu_b", input: 0, encoding: .oneHot(category: "b"))],
        terms: [ModelTerm(features: [0], coefficient: 20)],
        intercept: 10
    )

    private func node(_ index: Int, cpu: String?) -> [String: String] {
        var labels = ["node.kubernetes.io/instance-type": "t\(index).large"]
        labels["cpu"] = cpu
        return labels
    }

    @Test func tenThousandOutOfDistributionNodesAreCountedNotListed() throws {
        let nodes = [node(0, cpu: "b")] + (1...10_000).map { node($0, cpu: "z\($0)") }
        let choice = try InstanceChooser.choose(model: model, nodes: nodes)
        #expect(choice.chosen.identity == "t0.large")
        #expect(choice.reason.contains("10000 out-of-distribution nodes were not eligible: t1.large (node 1): cpu='z1' is not a training category"))
        #expect(choice.reason.contains("t5.large (node 5)"))
        #expect(!choice.reason.contains("t6.large"))
        #expect(choice.reason.contains("; and 9995 more"))
        #expect(choice.reason.utf8.count < 1_000)
    }

    @Test func unscorableNodesAreCountedBeyondTheLimitToo() throws {
        let nodes = [node(0, cpu: "a")] + (1...7).map { node($0, cpu: nil) }
        let choice = try InstanceChooser.choose(model: model, nodes: nodes)
        #expect(choice.reason.contains("7 nodes cannot be scored: t1.large (node 1): label 'cpu' is missing"))
        #expect(choice.reason.contains("; and 2 more"))
        #expect(!choice.reason.contains("t6.large"))
    }

    @Test func fiveOrFewerAreAllListed() throws {
        let nodes = [node(0, cpu: "b")] + (1...5).map { node($0, cpu: "z") }
        let choice = try InstanceChooser.choose(model: model, nodes: nodes)
        #expect(choice.reason.contains("t5.large (node 5)"))
        #expect(!choice.reason.contains("more"))
    }
}
