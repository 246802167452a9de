import CompatAdmission
import CompatCore
import CompatSimulation
import Foundation

/// One HPCG Pod after admission: the instance type and build the webhook's model chose.
public struct AdmittedHPCGJob: Sendable {
    public var strategy: String
    public var iteration: Int
    public var object: JSONValue
    public var image: String
    public var instance: String
    public var selectionLatencyMilliseconds: Double
}

/// Where an admitted HPCG Pod runs.
public protocol HPCGBackend {
    func run(_ job: AdmittedHPCGJob) throws -> RunRecord
}

/// The aws-performance-study model experiment: for each strategy (a model name, or `random`) and
/// iteration, submit the HPCG Pod to the webhook, which picks the instance type with that model over the
/// cached node features, and run the patched Pod.
public struct ModelExperiment {
    public var template: HPCGPodTemplate
    public var admission: AdmissionRoundTrip
    public var backend: any HPCGBackend

    public init(template: HPCGPodTemplate, admission: AdmissionRoundTrip, backend: any HPCGBackend) {
        self.template = template
        self.admission = admission
        self.backend = backend
    }

    static let podKind = GroupVersionKind(group: "", version: "v1", kind: "Pod")
    static let podResource = GroupVersionResource(group: "", version: "v1", resource: "pods")

    public func run(strategy: String, iteration: Int, seed: UInt64) throws -> RunRecord {
        try backend.run(try admit(strategy: strategy, iteration: iteration, seed: seed))
    }

    public func admit(strategy: String, iteration: Int, seed: UInt64) throws -> AdmittedHPCGJob {
        let pod = template.pod(strategy: strategy, iteration: iteration, seed: Self.requestSeed(seed: seed, strategy: strategy, iteration: iteration))
        let uid = "compat-run-\(seed)-model-\(strategy)-\(iteration)"
        let started = ContinuousClock.now
        let result = try admission.review(pod, uid: uid, kind: Self.podKind, resource: Self.podResource)
        let latency = ContinuousClock.now - started
        guard result.allowed else {
            throw ExperimentError("the webhook denied \(template.name(strategy: strategy, iteration: iteration)): \(result.message ?? "no reason given")")
        }
        guard let image = result.object["spec"]?["containers"]?.arrayValue?.first?["image"]?.stringValue, image != template.placeholder else {
            throw ExperimentError("the webhook admitted \(template.name(strategy: strategy, iteration: iteration)) without choosing an image")
        }
        let selector = result.object["spec"]?["nodeSelector"]?.objectValue
        guard let instance = NodeLabels.instanceTypeLabels.lazy.compactMap({ selector?[$0]?.stringValue }).first else {
            throw ExperimentError("the webhook admitted \(template.name(strategy: strategy, iteration: iteration)) without pinning an instance type")
        }
        return AdmittedHPCGJob(
            strategy: strategy, iteration: iteration, object: result.object, image: image, instance: instance,
            selectionLatencyMilliseconds: latency.inSeconds * 1000
        )
    }

    /// The seed annotation of a strategy's iteration (what a dry run prints, and what is submitted).
    public static func requestSeed(seed: UInt64, strategy: String, iteration: Int) -> UInt64 {
        var random = SeededRandom(seed: seed, stream: "model/\(strategy)/\(iteration)/request")
        return random.next()
    }

}
