import CompatCore
import Testing
@testable import CompatSimulation

@Suite struct ExperimentPlanTests {
    static let models = ["fom", "duration", "random"]

    static func plan(_ yaml: String) throws(ArtifactDecodingError) -> ExperimentPlan {
        try ExperimentPlan(decoding: Array(yaml.utf8), models: models)
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
              - model: [fom, random]
                iterations: 30
                nodes: 1
                filter-instance-types: 6
                max-instance-types: 3
            """)
        #expect(plan.seed == 42)
        #expect(plan.entries == [
            .init(selections: [.mode(.descriptiveBasic)], iterations: 25, batches: 5, architecture: .amd64, nodes: 2, gpu: false, instanceTypes: .named("c2d-standard-8")),
            .init(selections: [.model("fom"), .model("random")], iterations: 30, batches: 1, architecture: nil, nodes: 1, gpu: false, instanceTypes: .cheapest(filter: 6, perBatch: 3)),
        ])
        #expect(plan.entries.map(\.label) == ["descriptive-basic", "model fom, random"])
        // batches × selections × iterations
        #expect(plan.entries.map(\.runs) == [125, 60])
        #expect(plan.runs == 185)
    }

    @Test func scheduleRunsBatchBySelectionAndNumbersIterationsOnAcrossEntries() throws {
        let plan = try Self.plan("""
            experiments:
              - {mode: [basic, platform], iterations: 2, batches: 2, arch: amd64, nodes: 1}
              - {mode: basic, iterations: 1, arch: amd64, nodes: 1}
            """)
        let schedule = plan.schedule.map { "\($0.entry)/\($0.batch)/\($0.selection.group)/\($0.iteration)" }
        #expect(schedule == [
            "0/0/basic/0", "0/0/basic/1", "0/0/platform/0", "0/0/platform/1",
            "0/1/basic/2", "0/1/basic/3", "0/1/platform/2", "0/1/platform/3",
            "1/0/basic/4",
        ])
    }

    @Test func pendingRunsAreThoseNoRecordHas() throws {
        let plan = try Self.plan("experiments:\n  - {mode: [basic, platform], iterations: 2, arch: amd64, nodes: 1}")
        let done = [
            RunRecord(experiment: .lammps, group: "basic", iteration: 1, image: "i", node: "n", reason: .success),
            RunRecord(experiment: .lammps, group: "platform", iteration: 0, image: "i", node: "n", reason: .osABI),
            // Another experiment's group of the same name is not this plan's run.
            RunRecord(experiment: .model, group: "basic", iteration: 0, image: "i", node: "n", reason: .success),
        ]
        #expect(plan.pendingRuns(after: done).map { "\($0.selection.group)/\($0.iteration)" } == ["basic/0", "platform/1"])
        #expect(plan.pendingRuns(after: []).count == 4)
    }

    @Test(arguments: [
        ("experiments: []", "experiments: a plan needs at least one experiment"),
        ("experiments:\n  - {mode: basic, model: fom, iterations: 1, arch: amd64, nodes: 1}", "experiments[0]: an experiment has either 'mode' or 'model', not both"),
        ("experiments:\n  - {iterations: 1, arch: amd64, nodes: 1}", "experiments[0]: an experiment needs 'mode' (LAMMPS selection modes) or 'model' (model-experiment strategies)"),
        ("experiments:\n  - {mode: fastest, iterations: 1, arch: amd64, nodes: 1}", "experiments[0].mode: unknown mode 'fastest' (known modes: basic, platform, platform-version, descriptive-basic, descriptive)"),
        ("experiments:\n  - {mode: [basic, basic], iterations: 1, arch: amd64, nodes: 1}", "experiments[0].mode[1]: 'basic' is listed twice"),
        ("experiments:\n  - {model: flops, iterations: 1, arch: amd64, nodes: 1}", "experiments[0].model: unknown model 'flops' (known models: fom, duration, random)"),
        ("experiments:\n  - {mode: basic, iterations: 0, arch: amd64, nodes: 1}", "experiments[0].iterations: iterations must be between 1 and 100000, found 0"),
        ("experiments:\n  - {mode: basic, iterations: 4, batches: 0, arch: amd64, nodes: 1}", "experiments[0].batches: batches must be between 1 and 10000, found 0"),
        ("experiments:\n  - {mode: basic, iterations: 4, arch: s390x, nodes: 1}", "experiments[0].arch: arch must be amd64 or arm64, found 's390x'"),
        ("experiments:\n  - {mode: basic, iterations: 4, nodes: 1}", "experiments[0]: missing required field 'arch'"),
        ("experiments:\n  - {mode: basic, iterations: 4, arch: amd64, nodes: 0}", "experiments[0].nodes: nodes must be between 1 and 1000, found 0"),
        ("experiments:\n  - {mode: basic, iterations: 4, arch: amd64, nodes: 1, gpu: 'yes please'}", "experiments[0].gpu: expected a boolean, found a string"),
        ("experiments:\n  - {mode: basic, iterations: 4, arch: amd64, nodes: 1, filter-instance-types: 3}", "experiments[0].filter-instance-types: a LAMMPS cluster is of one node type; name it with 'instance' (instance-type filters apply to model entries)"),
        ("experiments:\n  - {model: fom, iterations: 4, nodes: 1, max-instance-types: 3}", "experiments[0].max-instance-types: max-instance-types needs filter-instance-types (how many of the cheapest to choose from)"),
        ("experiments:\n  - {model: fom, iterations: 4, nodes: 1, filter-instance-types: 2, max-instance-types: 3}", "experiments[0].max-instance-types: max-instance-types must be between 1 and filter-instance-types (2), found 3"),
        ("experiments:\n  - {model: fom, iterations: 4, nodes: 1, instance: t3.2xlarge, filter-instance-types: 2}", "experiments[0].instance: give either 'instance' or 'filter-instance-types'/'max-instance-types', not both"),
        ("experiments:\n  - {mode: basic, iterations: 100000, batches: 11, arch: amd64, nodes: 1}", "experiments: the plan asks for 1100000 runs, more than 1000000"),
        ("seed: -1\nexperiments:\n  - {mode: basic, iterations: 4, arch: amd64, nodes: 1}", "seed: seed must be a whole number from 0 to 18446744073709551615"),
        ("experiment:\n  - {mode: basic, iterations: 4, arch: amd64, nodes: 1}", "missing required field 'experiments'"),
    ])
    func invalidPlansAreRejectedWithTheirPath(yaml: String, message: String) {
        #expect(Self.error(yaml) == message)
    }

    @Test func unknownFieldsListTheKnownOnes() {
        #expect(Self.error("experiments:\n  - {mode: basic, iterations: 4, arch: amd64, nodes: 1, node: 2}")?.hasPrefix("experiments[0].node: unknown field 'node'") == true)
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

/// Instance types of a model-experiment cluster: 18 of the types the study measured HPCG on.
let modelCluster = [
    "c6a.16xlarge", "c6i.16xlarge", "c6id.12xlarge", "c6in.12xlarge", "c7a.12xlarge", "c7g.16xlarge", "d3.4xlarge", "hpc6a.48xlarge",
    "hpc7g.16xlarge", "m6a.12xlarge", "m6g.12xlarge", "m6i.12xlarge", "m6id.12xlarge", "m7g.16xlarge", "r6a.12xlarge", "r6i.8xlarge",
    "r7iz.8xlarge", "t3.2xlarge",
]

@Suite struct PlanResolutionTests {
    @Test func filterKeepsTheCheapestAndEachBatchDrawsItsOwnReproducibleSubset() throws {
        let plan = try ExperimentPlanTests.plan("experiments:\n  - {model: [fom, random], iterations: 2, batches: 4, arch: amd64, nodes: 1, filter-instance-types: 4, max-instance-types: 2}")
        let resolved = try PlanResolver.resolve(plan, prices: try PriceTableTests.shipped(), modelCluster: modelCluster)
        // amd64 by price: t3.2xlarge 0.3328, d3.4xlarge 1.998, r6i.8xlarge 2.016, m6a.12xlarge 2.0736, …
        #expect(resolved[0].candidates.map(\.name) == ["t3.2xlarge", "d3.4xlarge", "r6i.8xlarge", "m6a.12xlarge"])
        #expect(resolved[0].nodeTypesLabel == "2 of cheapest 4 amd64")
        let batches = (0..<4).map { resolved[0].instanceTypes(batch: $0, seed: 7) }
        #expect(batches.allSatisfy { $0.count == 2 && Set($0).isSubset(of: Set(resolved[0].candidates.map(\.name))) })
        #expect(batches == (0..<4).map { resolved[0].instanceTypes(batch: $0, seed: 7) })
        #expect(Set(batches).count > 1, "batches draw different subsets")
    }

    @Test(arguments: [
        ("experiments:\n  - {mode: basic, iterations: 2, arch: amd64, nodes: 1, instance: n2-standard-8}", "experiments[0] (basic): node type 'n2-standard-8' has no price in the price table; add it or choose one of: "),
        ("experiments:\n  - {mode: basic, iterations: 2, arch: arm64, nodes: 1, gpu: true}", "experiments[0] (basic): node type 'g2-standard-8' is amd64, the experiment is arm64; change 'arch' or 'instance'"),
        // The README's example before this check: an amd64 entry naming an arm64 instance.
        ("experiments:\n  - {model: fom, iterations: 30, arch: amd64, nodes: 1, instance: hpc7g.16xlarge}", "experiments[0] (model fom): node type 'hpc7g.16xlarge' is arm64, the experiment is amd64; change 'arch' or 'instance'"),
        ("experiments:\n  - {model: fom, iterations: 30, nodes: 1, instance: c2d-standard-8}", "experiments[0] (model fom): the cluster has no 'c2d-standard-8' nodes; its instance types are c6a.16xlarge"),
        ("experiments:\n  - {model: fom, iterations: 3, arch: arm64, nodes: 1, filter-instance-types: 5}", "experiments[0] (model fom): filter-instance-types is 5, but the cluster has only 4 arm64 instance types"),
    ])
    func plansThatCannotRunAreErrorsNamingTheEntry(yaml: String, message: String) throws {
        let plan = try ExperimentPlanTests.plan(yaml)
        #expect {
            try PlanResolver.resolve(plan, prices: try PriceTableTests.shipped(), modelCluster: modelCluster)
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }
}

@Suite struct CostEstimatorTests {
    @Test func pricesEachEntryAndTheTotal() throws {
        let plan = try ExperimentPlanTests.plan("""
            experiments:
              - {mode: [basic, platform], iterations: 25, batches: 1, arch: amd64, nodes: 5}
              - {model: fom, iterations: 30, batches: 3, arch: arm64, nodes: 2, instance: hpc7g.16xlarge}
              - {model: [fom, random], iterations: 10, batches: 2, nodes: 1, filter-instance-types: 3, max-instance-types: 2}
            """)
        let estimate = try CostEstimator.estimate(plan, prices: try PriceTableTests.shipped(), modelCluster: modelCluster)
        // basic, platform: 5 nodes × 1 batch × (10 + 2 × 25 × 1) min = 300 node-min = 5 node-h × $0.3632 = $1.816
        // fom: 2 nodes × 3 batches × (10 + 30) min = 240 node-min = 4 node-h × $1.6832 = $6.7328
        // fom, random: 1 node × 2 batches × (10 + 2 × 10) min = 60 node-min = 1 node-h; cheapest 3 of the
        // cluster: t3.2xlarge 0.3328, hpc7g.16xlarge 1.6832, m6g.12xlarge 1.848 → mean 1.288, at most 1.848
        #expect(estimate.lines.map(\.nodeHours) == [5, 4, 1])
        #expect(abs(estimate.lines[0].expectedUSD - 1.816) < 1e-9)
        #expect(abs(estimate.lines[1].maximumUSD - 6.7328) < 1e-9)
        #expect(abs(estimate.lines[2].expectedUSD - (0.3328 + 1.6832 + 1.848) / 3) < 1e-9)
        #expect(estimate.lines[2].maximumUSD == 1.848)
        #expect(estimate.table == """
            experiment         node types       nodes  batches  runs  node-hours  USD/hour (mean-max)  USD (mean)  USD (at most)
            basic, platform    c2d-standard-8       5        1    50           5               0.3632        1.82           1.82
            model fom          hpc7g.16xlarge       2        3    90           4               1.6832        6.73           6.73
            model fom, random  2 of cheapest 3      1        2    40           1          1.288-1.848        1.29           1.85
            total                                                180          10                             9.84          10.40
            Approximate on-demand list prices read 2024-06; no discounts, storage or traffic.

            """)
    }
}
