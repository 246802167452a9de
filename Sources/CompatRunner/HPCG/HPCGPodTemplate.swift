import CompatAdmission
import CompatCore

/// The HPCG Pod of the aws-performance-study model experiment, annotated so that the webhook's
/// performance model chooses the instance type (and the build image for its architecture).
public struct HPCGPodTemplate: Sendable {
    /// Where the webhook finds the model-compatibility spec, e.g. `file:///…/models/model-compatibility.json`.
    public var specReference: String
    public var namespace: String
    public var placeholder: String

    public init(specReference: String, namespace: String = "default", placeholder: String = SelectionAnnotations.defaultTargetImage) {
        self.specReference = specReference
        self.namespace = namespace
        self.placeholder = placeholder
    }

    /// `hpcg-<strategy>-<iteration>`, with `_` (allowed in model names, not in object names) as `-`.
    public func name(strategy: String, iteration: Int) -> String {
        "hpcg-\(strategy.lowercased().replacingOccurrences(of: "_", with: "-"))-\(iteration)"
    }

    public func pod(strategy: String, iteration: Int, seed: UInt64) -> JSONValue {
        let name = name(strategy: strategy, iteration: iteration)
        return [
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": [
                "name": .string(name),
                "namespace": .string(namespace),
                "labels": [SelectionAnnotations.enabledLabel: .string(SelectionAnnotations.enabledValue), "app": "hpcg"],
                "annotations": [
                    SelectionAnnotations.imageReference: .string(specReference),
                    SelectionAnnotations.targetImage: .string(placeholder),
                    SelectionAnnotations.model: .string(strategy),
                    SelectionAnnotations.seed: .string(String(seed)),
                ],
            ],
            "spec": [
                "restartPolicy": "Never",
                "containers": [[
                    "name": "hpcg",
                    "image": .string(placeholder),
                    // xhpcg writes its report to a file; print it so the log carries the official rating
                    // ("Final Summary::HPCG result is VALID with a GFLOP/s rating of=…").
                    "command": ["/bin/sh", "-c", "/opt/hpcg/xhpcg && cat HPCG-Benchmark*.txt"],
                ]],
            ],
        ]
    }
}
