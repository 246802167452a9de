import CompatAdmission
import CompatCore
import CompatModels

/// An instance chosen by a performance model, and the image for its architecture.
public struct ModelChoice: Sendable {
    public var image: String
    public var architecture: String
    /// The nodeSelector entry that lands the workload on that instance type.
    public var nodeSelector: [String: String]
    public var choice: InstanceChoice

    /// Chooses among `nodes` with the model that `spec` names `modelName`, in the spec's direction.
    ///
    /// A spec entry named `random` without a model file draws uniformly (``SeededRandom``, stream
    /// ``InstanceChooser/randomStream``) among nodes with an instance-type label. Every other name is loaded
    /// from `library` and scored with ``InstanceChooser`` (out-of-distribution guard included).
    ///
    /// With a `memo`, a maximize or minimize choice is computed once per model file and candidate set
    /// (`candidates` names them within the memo's node snapshot) and reused until the snapshot or the
    /// model file changes: it depends on nothing else. Random choices depend on the seed and are always
    /// drawn.
    public static func choose(
        spec: ModelCompatibilitySpec, modelName: String, artifact: String, nodes: @autoclosure () -> [[String: String]], seed: UInt64,
        models: some PerformanceModelProviding, memo: (SnapshotMemo, candidates: CandidateNodeSet)? = nil
    ) throws(SelectionRefusal) -> ModelChoice {
        guard let reference = spec.references(toModel: modelName).first else {
            let named = Set(spec.compatibilities.flatMap(\.models).map(\.name)).sorted().joined(separator: ", ")
            throw SelectionRefusal(
                .invalidRequest,
                "\(artifact) has no entry for model '\(modelName)' (it names \(named)); set annotation "
                    + "oci.image.compatibilities.selection/model to one of those"
            )
        }
        let loaded: LoadedModel
        if modelName == "random" && reference.filename == nil {
            loaded = LoadedModel(PerformanceModel.uniform, identity: ContentIdentity("uniform"))
        } else {
            loaded = try models.load(named: modelName, filename: reference.filename)
        }
        let choice: InstanceChoice
        do throws(InstanceChoiceError) {
            // The label maps are gathered only on a miss: with 10 000 candidates that is most of a hit's cost.
            func compute() throws(InstanceChoiceError) -> InstanceChoice {
                try InstanceChooser.choose(model: loaded.model, nodes: nodes(), direction: reference.direction, seed: seed)
            }
            if let (memo, candidates) = memo, reference.direction != .random {
                choice = try memo.value(for: ChoiceKey(direction: reference.direction, model: loaded.identity, candidates: candidates), compute)
            } else {
                choice = try compute()
            }
        } catch .noNodes {
            throw SelectionRefusal(.noCompatibleChoice, "there are no schedulable nodes for model \(modelName) to choose from")
        } catch {
            throw SelectionRefusal(.noCompatibleChoice, "model \(modelName) could not choose an instance: \(error)")
        }
        let chosen = choice.chosen
        guard let selector = chosen.instanceSelector else {
            throw SelectionRefusal(
                .noCompatibleChoice,
                "model \(modelName) chose node \(chosen.index), which has no instance-type or hostname label to select it by; label the nodes"
            )
        }
        guard let architecture = chosen.architecture else {
            throw SelectionRefusal(
                .noCompatibleChoice, "model \(modelName) chose \(chosen.identity), whose nodes carry no kubernetes.io/arch label; label the nodes"
            )
        }
        guard let image = reference.image(forArchitecture: architecture) else {
            let platforms = reference.platforms.map(\.architecture).joined(separator: ", ")
            throw SelectionRefusal(
                .noCompatibleChoice,
                "model \(modelName) chose \(chosen.identity) (\(architecture)), but \(artifact) has images only for \(platforms); "
                    + "add an \(architecture) image to its platforms"
            )
        }
        return ModelChoice(image: image, architecture: architecture, nodeSelector: [selector: chosen.identity], choice: choice)
    }
}

extension ModelChoice {
    /// A model's maximize or minimize choice among one candidate set.
    struct ChoiceKey: SnapshotMemoKey {
        typealias Value = InstanceChoice
        let direction: SelectionDirection
        let model: ContentIdentity
        let candidates: CandidateNodeSet
    }
}

extension PerformanceModel {
    /// A constant model: every node scores the same and is in distribution, so a random direction draws
    /// uniformly among all candidates (ocifit-k8s's `random` entry, which names no model file).
    static let uniform = PerformanceModel(
        name: "random", target: "none", targetDescription: "uniform choice", direction: .maximize, directionSource: "random entry",
        inputs: [], features: [], terms: [], intercept: 0, provenance: JSONObject(), seenInputCombinations: nil
    )
}
