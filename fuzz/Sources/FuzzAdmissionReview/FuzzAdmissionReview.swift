import CompatAdmission
import CompatCore

/// A selector that always decides, so fuzzed reviews reach the patch builder too.
struct FixedSelector: AdmissionSelector {
    func decide(_ request: SelectionRequest) throws -> SelectionDecision {
        SelectionDecision(image: "ghcr.io/example/app:fuzz", architecture: "amd64", fluxViewImage: "ghcr.io/example/view:fuzz",
                          nodeSelector: ["node.kubernetes.io/instance-type": "c7a.12xlarge"])
    }
}

let nodes = [
    ClusterNode(name: "a", labels: ["kubernetes.io/arch": "amd64", "node.kubernetes.io/instance-type": "c7a.12xlarge"]),
    ClusterNode(name: "b", labels: ["kubernetes.io/arch": "arm64", "node.kubernetes.io/instance-type": "c7g.16xlarge"]),
]

/// Any bytes as an AdmissionReview body: decoding fails with a typed error or the controller answers;
/// an answer's patch must apply to the request's object.
func fuzzAdmissionReview(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let request = try? AdmissionRequest(reviewBytes: bytes) else { return 0 }
    let outcome = AdmissionController().admit(request, nodes: nodes, selector: FixedSelector())
    if !outcome.response.patch.operations.isEmpty, let object = request.object {
        do {
            _ = try outcome.response.patch.apply(to: object)
        } catch {
            fatalError("the webhook's own patch does not apply to the request's object: \(error)")
        }
    }
    return 0
}
