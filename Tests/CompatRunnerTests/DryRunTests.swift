import CompatCore
import CompatRunner
import CompatSimulation
import Foundation
import Testing

/// A transport that records every AdmissionReview and denies it, so a test sees exactly what a run
/// submits without running it.
final class RecordingTransport: AdmissionTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [JSONValue] = []

    var objects: [JSONValue] { lock.withLock { recorded } }

    func post(review: [UInt8]) throws -> [UInt8] {
        let document = try JSONParser().parse(review)
        lock.withLock { recorded.append(document["request"]?["object"] ?? .null) }
        let answer: JSONValue = [
            "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "response": ["uid": document["request"]?["uid"] ?? .null, "allowed": false, "status": ["message": "recorded"]],
        ]
        return answer.serializedBytes()
    }
}

/// `--dry-run` prints every run of the plan with the seed a real run submits.
@Suite struct DryRunTests {
    static func seeds(in text: String, prefix: String) -> [UInt64] {
        text.split(separator: "\n").filter { $0.hasPrefix(prefix) }.compactMap { line in
            line.split(separator: " ").drop { $0 != "seed" }.dropFirst().first.flatMap { UInt64($0.trimmingCharacters(in: CharacterSet(charactersIn: ","))) }
        }
    }

    @Test func everyIterationIsPrintedWithTheSeedItsSubmissionCarries() throws {
        let options = SessionOptions(seed: 77, paths: RunnerTestPaths.paths, webhook: inProcessWebhook, logger: quietLogger)
        let session = ExperimentSession(options: options)
        let plan = ExperimentPlan(seed: 77, entries: [
            ExperimentPlan.Entry(selections: [.mode(.basic), .mode(.descriptiveBasic)], iterations: 3, batches: 2, architecture: .amd64, nodes: 2),
            ExperimentPlan.Entry(selections: [.model("fom")], iterations: 2, architecture: nil, nodes: 1),
        ])
        let text = try session.dryRun(plan)
        #expect(text.contains("# experiments[0] basic, descriptive-basic, batch 1 of 2: 2 node(s) of c2d-standard-8"))
        #expect(text.contains("# experiments[0] basic, descriptive-basic, batch 2 of 2: 2 node(s) of c2d-standard-8"))
        #expect(text.contains("# basic iteration 5: seed "))
        let printedBasic = Self.seeds(in: text, prefix: "# basic iteration ")
        let printedDescriptive = Self.seeds(in: text, prefix: "# descriptive-basic iteration ")
        let printedModel = Self.seeds(in: text, prefix: "# model fom iteration ")
        #expect(printedBasic.count == 6 && printedDescriptive.count == 6 && printedModel.count == 2)
        #expect(!printedBasic.contains(0))

        // What the experiment submits for the same iterations (first draw; the recorder denies each).
        let transport = RecordingTransport()
        let paths = RunnerTestPaths.paths
        let experiment = LAMMPSExperiment(
            template: session.lammpsTemplate, catalog: try paths.loadCatalog(), views: try paths.loadFluxViews(),
            admission: AdmissionRoundTrip(transport: transport), backend: SimulatedLAMMPSBackend(node: .amd64CPU, seed: 77)
        )
        for iteration in 0..<6 {
            _ = try? experiment.admit(mode: .basic, iteration: iteration, architecture: .amd64, seed: 77)
        }
        let submitted = transport.objects.compactMap { $0["metadata"]?["annotations"]?["oci.image.compatibilities.selection/seed"]?.stringValue.flatMap { UInt64($0) } }
        #expect(submitted == printedBasic)
        // The printed object is the submitted one.
        let first = try #require(transport.objects.first)
        #expect(text.contains(first.serialized(pretty: true)))

        let model = ModelExperiment(template: session.hpcgTemplate, admission: AdmissionRoundTrip(transport: transport), backend: NoHPCGBackend())
        for iteration in 0..<2 { _ = try? model.admit(strategy: "fom", iteration: iteration, seed: 77) }
        let modelSeeds = transport.objects.suffix(2).compactMap { $0["metadata"]?["annotations"]?["oci.image.compatibilities.selection/seed"]?.stringValue.flatMap { UInt64($0) } }
        #expect(modelSeeds == printedModel)
    }
}

/// Never reached: the recorder denies every Pod.
struct NoHPCGBackend: HPCGBackend {
    func run(_ job: AdmittedHPCGJob) throws -> RunRecord {
        throw ExperimentError("not run")
    }
}
