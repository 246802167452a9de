import CompatCore
import Testing
@testable import CompatSimulation

@Suite struct ExperimentPlanTests {
    static let modes = ["basic", "platform", "platform-version", "descriptive-basic"]
    static let models = ["fom", "duration"]

    static func plan(_ yaml: String) throws(ArtifactDecodingError) -> ExperimentPlan {
        try ExperimentPlan(decoding: Array(yaml.utf8), modes: modes, models: models)
    }

    static func error(_ yaml: String) -> String? {
        do {
            _ = try plan(yaml)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func decodesModesAndModelsWithDefaults() throws {
        let plan = try Self.plan("""
            seed: 42
            experiments:
              - mode: descriptive-basic
                iterations: 25
                batches: 5
                arch: x86_64
                nodes: 2
                instance: c2d-standard-8
              - model: fom
                iterations: 30
                arch: arm64
                nodes: 1
                gpu: false
            """)
        #expect(plan.seed == 42)
        #expect(plan.entries == [
            .init(kind: .mode("descriptive-basic"), iterations: 25, batches: 5, architecture: .amd64, nodes: 2, gpu: false, instance: "c2d-standard-8"),
            .init(kind: .model("fom"), iterations: 30, batches: 1, architecture: .arm64, nodes: 1, gpu: false, instance: nil),
        ])
        #expect(plan.entries.map(\.label) == ["descriptive-basic", "model fom"])
    }

    @Test(arguments: [
        ("experiments: []", "experiments: a plan needs at least one experiment"),
        ("experiments:\n  - {mode: basic, model: fom, iterations: 1, arch: amd64, nodes: 1}", "experiments[0]: an experiment has either 'mode' or 'model', not both"),
        ("experiments:\n  - {iterations: 1, arch: amd64, nodes: 1}", "experiments[0]: an experiment needs 'mode' (a LAMMPS selection mode) or 'model' (a performance model)"),
        ("experiments:\n  - {mode: descriptive, iterations: 1, arch: amd64, nodes: 1}", "experiments[0].mode: unknown mode 'descriptive' (known modes: basic, platform, platform-version, descriptive-basic)"),
        ("experiments:\n  - {model: flops, iterations: 1, arch: amd64, nodes: 1}", "experiments[0].model: unknown model 'flops' (known models: fom, duration)"),
        ("experiments:\n  - {mode: basic, iterations: 0, arch: amd64, nodes: 1}", "experiments[0].iterations: iterations must be between 1 and 100000, found 0"),
        ("experiments:\n  - {mode: basic, iterations: 4, batches: 5, arch: amd64, nodes: 1}", "experiments[0].batches: batches must be between 1 and the number of iterations (4), found 5"),
        ("experiments:\n  - {mode: basic, iterations: 4, arch: s390x, nodes: 1}", "experiments[0].arch: arch must be amd64 or arm64, found 's390x'"),
        ("experiments:\n  - {mode: basic, iterations: 4, arch: amd64, nodes: 0}", "experiments[0].nodes: nodes must be between 1 and 1000, found 0"),
        ("experiments:\n  - {mode: basic, iterations: 4, arch: amd64, nodes: 1, gpu: 'yes please'}", "experiments[0].gpu: expected a boolean, found a string"),
        ("experiments:\n  - {mode: basic, iterations: 4, arch: amd64, nodes: 1, node: 2}", "experiments[0].node: unknown field 'node' (known fields here: 'arch', 'batches', 'gpu', 'instance', 'iterations', 'mode', 'model', 'nodes')"),
        ("seed: -1\nexperiments:\n  - {mode: basic, iterations: 4, arch: amd64, nodes: 1}", "seed: seed must be a whole number from 0 to 18446744073709551615"),
        ("experiment:\n  - {mode: basic, iterations: 4, arch: amd64, nodes: 1}", "missing required field 'experiments'"),
    ])
    func invalidPlansAreRejectedWithTheirPath(yaml: String, message: String) {
        #expect(Self.error(yaml) == message)
    }
}

@Suite struct PriceTableTests {
    static func shipped() throws -> PriceTable {
        try PriceTable(decoding: try SharedData.artifact("artifacts/prices.yaml"))
    }

    @Test func shippedTableCoversTheClustersAndEveryHPCGInstance() throws {
        let prices = try Self.shipped()
        #expect(prices.currency == "USD")
        #expect(prices.retrieved == "2024-06")
        #expect(prices.instance(named: "c2d-standard-8")?.usdPerHour == 0.3632)
        #expect(prices.instance(named: "t2a-standard-8")?.architecture == .arm64)
        #expect(prices.defaultInstance(architecture: .arm64, gpu: false) == "t2a-standard-8")
        #expect(prices.defaultInstance(architecture: .amd64, gpu: true) == "g2-standard-8")
        let hpcg = try SharedData.hpcgFOM()
        for instance in hpcg.instances {
            #expect(prices.instance(named: instance)?.architecture == hpcg.instanceArchitectures[instance], "\(instance)")
        }
    }

    @Test func badTablesAreRejected() {
        func message(_ yaml: String) -> String? {
            do {
                _ = try PriceTable(decoding: Array(yaml.utf8))
                return nil
            } catch { return error.description }
        }
        let head = "currency: USD\nretrieved: 2024-06\ndefaults: {amd64: a, arm64: a, gpu: a}\n"
        #expect(message(head + "instances:\n  - {name: a, provider: p, region: r, architecture: amd64, vcpus: 8, usdPerHour: 0}") == "instances[0].usdPerHour: price must be a positive number of dollars per hour, found 0.0")
        #expect(message(head + "instances:\n  - {name: b, provider: p, region: r, architecture: amd64, vcpus: 8, usdPerHour: 1}") == "defaults.amd64: default 'a' is not one of the listed instances")
        #expect(message(head + "instances:\n  - {name: a, provider: p, region: r, architecture: mips, vcpus: 8, usdPerHour: 1}") == "instances[0].architecture: unknown architecture 'mips' (expected amd64 or arm64)")
        #expect(message(head + "instances:\n  - {name: a, provider: p, region: r, architecture: amd64, vcpus: 8, usdPerHour: 1}\n  - {name: a, provider: p, region: r, architecture: amd64, vcpus: 8, usdPerHour: 1}") == "instances[1].name: instance 'a' is listed twice")
        #expect(message(head + "instances:\n  - {name: a, provider: p, region: r, architecture: amd64, vcpus: 8, usdPerHour: 1, spot: 0.3}")?.hasPrefix("instances[0].spot: unknown field 'spot'") == true)
    }
}

@Suite struct CostEstimatorTests {
    @Test func pricesNodeHoursOfEachEntry() throws {
        let plan = try ExperimentPlanTests.plan("""
            experiments:
              - {mode: basic, iterations: 25, batches: 1, arch: amd64, nodes: 5}
              - {model: fom, iterations: 30, batches: 3, arch: arm64, nodes: 2, instance: hpc7g.16xlarge}
            """)
        let estimate = try CostEstimator.estimate(plan, prices: try PriceTableTests.shipped())
        // basic: 5 nodes × (10 + 25 × 1) min = 175 node-min = 2.9167 node-h × $0.3632 = $1.0593
        // fom: 2 nodes × (3 × 10 + 30 × 1) min = 120 node-min = 2 node-h × $1.6832 = $3.3664
        #expect(estimate.lines.map(\.instance) == ["c2d-standard-8", "hpc7g.16xlarge"])
        #expect(abs(estimate.lines[0].nodeHours - 175.0 / 60) < 1e-12)
        #expect(abs(estimate.lines[0].usd - 175.0 / 60 * 0.3632) < 1e-12)
        #expect(estimate.lines[1].nodeHours == 2)
        #expect(estimate.lines[1].usd == 3.3664)
        #expect(estimate.table == """
            experiment  node type       nodes  node-hours  USD/hour   USD
            basic       c2d-standard-8      5        2.92    0.3632  1.06
            model fom   hpc7g.16xlarge      2           2    1.6832  3.37
            total                                    4.92            4.43
            Approximate on-demand list prices read 2024-06; no discounts, storage or traffic.

            """)
    }

    @Test func unpricedOrMismatchedNodeTypesAreErrors() throws {
        let prices = try PriceTableTests.shipped()
        let unknown = try ExperimentPlanTests.plan("experiments:\n  - {mode: basic, iterations: 2, arch: amd64, nodes: 1, instance: n2-standard-8}")
        #expect(throws: CostEstimateError.self) { try CostEstimator.estimate(unknown, prices: prices) }
        let armGPU = try ExperimentPlanTests.plan("experiments:\n  - {mode: basic, iterations: 2, arch: arm64, nodes: 1, gpu: true}")
        do {
            _ = try CostEstimator.estimate(armGPU, prices: prices)
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "experiments[0] (basic): node type 'g2-standard-8' is amd64, the experiment is arm64")
        }
    }
}
