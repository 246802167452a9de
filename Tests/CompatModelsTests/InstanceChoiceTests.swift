import CompatCore
import CompatModels
import Testing

@Suite struct InstanceChoiceTests {
    /// One input `cpu` with categories a, b, c; prediction 10 for a, 30 for b, 20 for c.
    private let model = PerformanceModel(
        name: "toy", target: "toy", targetDescription: "", direction: .maximize, directionSource: "test",
        inputs: [ModelInput(name: "cpu", kind: .categorical(categories: ["a", "b", "c"]))],
        features: [EncodedFeature(name: "cpu_b", input: 0, encoding: .oneHot(category: "b")), EncodedFeature(name: "cpu_c", input: 0, encoding: .oneHot(category: "c"))],
        terms: [ModelTerm(features: [0], coefficient: 20), ModelTerm(features: [1], coefficient: 10)],
        intercept: 10
    )

    private func node(_ cpu: String?, type: String? = nil, extra: [String: String] = [:]) -> [String: String] {
        var labels = extra
        labels["cpu"] = cpu
        labels["node.kubernetes.io/instance-type"] = type
        return labels
    }

    @Test func maximizeAndMinimizePickTheExtremes() throws {
        let nodes = [node("a", type: "t.a"), node("b", type: "t.b"), node("c", type: "t.c")]
        let highest = try InstanceChooser.choose(model: model, nodes: nodes)
        #expect(highest.direction == .maximize)
        #expect(highest.chosen.identity == "t.b")
        #expect(highest.chosen.score == 30)
        #expect(highest.candidates.map(\.score) == [10, 30, 20])
        let lowest = try InstanceChooser.choose(model: model, nodes: nodes, direction: .minimize)
        #expect(lowest.chosen.identity == "t.a")
        #expect(lowest.reason.hasPrefix("minimize toy: chose t.a (node 0) with prediction 10.0, the lowest among 3 in-distribution nodes"))
    }

    @Test func anExactTieGoesToTheFirstNodeInInputOrder() throws {
        let choice = try InstanceChooser.choose(model: model, nodes: [node("a", type: "x"), node("b", type: "first"), node("b", type: "second")])
        #expect(choice.chosen.identity == "first")
        #expect(choice.chosen.index == 1)
        #expect(choice.reason.contains("2 nodes tie at that value; the first in input order wins"))
    }

    @Test func controlPlaneNodesAreDroppedUnderBothLabels() throws {
        let nodes = [
            node("b", type: "cp", extra: ["node-role.kubernetes.io/control-plane": ""]),
            node("b", type: "legacy", extra: ["node-role.kubernetes.io/master": "true"]),
            node("a", type: "worker"),
        ]
        let choice = try InstanceChooser.choose(model: model, nodes: nodes)
        #expect(choice.controlPlaneNodes == [0, 1])
        #expect(choice.candidates.map(\.identity) == ["worker"])
        #expect(choice.chosen.index == 2)
        #expect(choice.reason.hasSuffix("2 control-plane nodes dropped"))
        #expect(throws: InstanceChoiceError.onlyControlPlaneNodes(count: 2)) {
            try InstanceChooser.choose(model: model, nodes: Array(nodes.prefix(2)))
        }
    }

    @Test func identityFallsBackFromInstanceTypeToBetaLabelToHostnameToPosition() throws {
        let nodes = [
            ["cpu": "a", "node.kubernetes.io/instance-type": "m6i.large", "beta.kubernetes.io/instance-type": "old", "kubernetes.io/hostname": "h0"],
            ["cpu": "a", "beta.kubernetes.io/instance-type": "c5.large", "kubernetes.io/hostname": "h1"],
            ["cpu": "a", "kubernetes.io/hostname": "h2"],
            ["cpu": "b"],
        ]
        let choice = try InstanceChooser.choose(model: model, nodes: nodes)
        #expect(choice.candidates.map(\.identity) == ["m6i.large", "c5.large", "h2", "3"])
        #expect(choice.candidates.map(\.instanceSelector) == [
            "node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type", "kubernetes.io/hostname", nil,
        ])
        #expect(choice.chosen.identity == "3")
        #expect(choice.instanceSelector == nil)
    }

    @Test func aNodeLackingAnInputIsReportedAndTheOthersStillCompete() throws {
        let choice = try InstanceChooser.choose(model: model, nodes: [node(nil, type: "bare"), node("c", type: "ok")])
        #expect(choice.chosen.identity == "ok")
        #expect(choice.candidates[0].score == nil)
        #expect(choice.candidates[0].assessment.inputProblems == [InputProblem(input: "cpu", reason: .missing)])
        #expect(choice.reason.hasSuffix("1 node cannot be scored: bare (node 0): label 'cpu' is missing"))
    }

    @Test func noScorableNodeIsAnErrorListingEveryNode() throws {
        do {
            _ = try InstanceChooser.choose(model: model, nodes: [node(nil, type: "x"), node(nil)])
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "model 'toy' cannot score any of the 2 nodes: x (node 0): label 'cpu' is missing; 1 (node 1): label 'cpu' is missing")
        }
        #expect(throws: InstanceChoiceError.noNodes) { try InstanceChooser.choose(model: model, nodes: []) }
    }

    @Test func anOutOfDistributionNodeNeverWinsWhileAnInDistributionNodeExists() throws {
        // "z" is unknown: encoded as all zeros it predicts 10, so give the guard something to beat.
        let skewed = PerformanceModel(
            name: "skewed", target: "skewed", targetDescription: "", direction: .minimize, directionSource: "test",
            inputs: model.inputs, features: model.features, terms: model.terms, intercept: -1e12
        )
        let choice = try InstanceChooser.choose(model: skewed, nodes: [node("z", type: "odd"), node("b", type: "b"), node("c", type: "c")], direction: .maximize)
        #expect(choice.chosen.identity == "b")
        #expect(!choice.choseOutOfDistribution)
        #expect(choice.unguardedChoice == nil)
        let lowest = try InstanceChooser.choose(model: skewed, nodes: [node("z", type: "odd"), node("b", type: "b")], direction: .minimize)
        #expect(lowest.chosen.identity == "b")
        #expect(lowest.unguardedChoice?.identity == "odd")
        #expect(lowest.reason.contains("1 out-of-distribution node was not eligible: odd (node 0): cpu='z' is not a training category"))
        #expect(lowest.reason.contains("Without the guard odd (node 0) would have won with -1000000000000.0"))
    }

    @Test func withOnlyOutOfDistributionNodesTheChoiceFallsBackAndSaysSo() throws {
        let choice = try InstanceChooser.choose(model: model, nodes: [node("y", type: "one"), node("z", type: "two")])
        #expect(choice.choseOutOfDistribution)
        #expect(choice.chosen.identity == "one")
        #expect(choice.reason.contains("No scorable node is in distribution, so this prediction is an extrapolation: cpu='y' is not a training category"))
    }

    @Test func randomIsReproducibleBySeedAndOnlyPicksInDistributionNodes() throws {
        let nodes = [node("z", type: "odd")] + (0..<6).map { node("a", type: "n\($0)") }
        var picks: Set<String> = []
        for seed in UInt64(0)..<40 {
            let choice = try InstanceChooser.choose(model: model, nodes: nodes, direction: .random, seed: seed)
            let again = try InstanceChooser.choose(model: model, nodes: nodes, direction: .random, seed: seed)
            #expect(choice.chosen.index == again.chosen.index)
            #expect(choice.seed == seed)
            picks.insert(choice.chosen.identity)
        }
        #expect(!picks.contains("odd"))
        #expect(picks.count == 6)
        // The pick is the pool element SeededRandom(seed: 7, stream: "instance-choice") draws.
        var random = SeededRandom(seed: 7, stream: InstanceChooser.randomStream)
        let expected = random.index(below: 6) + 1
        #expect(try InstanceChooser.choose(model: model, nodes: nodes, direction: .random, seed: 7).chosen.index == expected)
    }

    @Test(arguments: TestData.publishedNames)
    func noPublishedModelChoosesTheBottlerocketNode(name: String) throws {
        let model = try TestData.publishedModel(name)
        let choice = try InstanceChooser.choose(model: model, nodes: try TestData.eksNodes())
        #expect(choice.chosen.index != TestData.bottlerocketIndex)
        #expect(choice.chosen.assessment.isInDistribution)
        #expect(choice.candidates.count == 25)
        #expect(choice.instanceSelector == "node.kubernetes.io/instance-type")
    }

    @Test(arguments: ["gflops_per_second_ddot", "gflops_per_second_mg", "gflops_per_second_spmv", "memory_bandwidth_across_kernels_read", "memory_bandwidth_across_kernels_write"])
    func theGuardOverridesPublishedModelsWhoseMaximumIsTheBottlerocketNode(name: String) throws {
        let choice = try InstanceChooser.choose(model: try TestData.publishedModel(name), nodes: try TestData.eksNodes())
        #expect(choice.unguardedChoice?.index == TestData.bottlerocketIndex)
        #expect((choice.unguardedChoice?.score ?? 0) > 1e12)
        #expect(choice.reason.contains("Without the guard g4dn.xlarge (node 15) would have won"))
    }

    @Test func fomChoosesTheFirstOfTheTiedGravitonNodes() throws {
        let choice = try InstanceChooser.choose(model: try TestData.publishedModel("fom"), nodes: try TestData.eksNodes())
        #expect(choice.chosen.identity == "hpc7g.16xlarge")
        #expect(choice.chosen.architecture == "arm64")
        #expect(choice.chosen.score == 31.227516417709687)
        #expect(choice.unguardedChoice == nil)
    }

    @Test func theJSONFormCarriesEveryScoreExactly() throws {
        let choice = try InstanceChooser.choose(model: try TestData.publishedModel("fom"), nodes: try TestData.eksNodes())
        let json = choice.jsonValue
        #expect(json["instance"] == .string("hpc7g.16xlarge"))
        #expect(json["instance-selector"] == .string("node.kubernetes.io/instance-type"))
        #expect(json["score"] == .number("31.227516417709687"))
        let nodes = try #require(json["nodes"]?.arrayValue)
        #expect(nodes.count == 25)
        #expect(nodes[0]["score_hex"] == .string("0x1.f3a3e84155dbep+4"))
        #expect(nodes[15]["in_distribution"] == .bool(false))
        #expect(nodes[15]["out_of_distribution"]?.arrayValue?.count == 4)
    }
}
