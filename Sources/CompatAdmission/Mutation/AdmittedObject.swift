import CompatCore

/// Where, in each admitted kind, the things selection reads and writes live.
///
/// Supported levels (a deliberate choice): a Pod is mutated when the Pod carries the label; a MiniCluster
/// is mutated when the MiniCluster's own `metadata.labels` carries it, once, so that its flux view, app
/// images and `spec.pod.nodeSelector` are chosen together and every pod the operator creates agrees.
/// Labels placed only under `spec.pod.labels` (ocifit-k8s's examples) reach the operator's pods instead,
/// which are then mutated one by one through the Pod path, without a flux view choice.
struct AdmittedObject {
    let kind: AdmittedKind
    let object: JSONValue

    static let fluxViewImagePointer = JSONPointer(tokens: ["spec", "flux", "container", "image"])
    static let selectedImageAnnotationPointer = JSONPointer(tokens: ["metadata", "annotations", SelectionAnnotations.selectedImage])

    private var containerRoles: [ContainerImageSlot.Role] {
        switch kind {
        case .pod: ContainerImageSlot.Role.allCases
        case .miniCluster: [.container]
        }
    }

    /// A MiniCluster's `spec.flux.container.image`; `nil` when unset or for other kinds.
    var fluxViewImage: String? {
        kind == .miniCluster ? Self.fluxViewImagePointer.value(in: object)?.stringValue : nil
    }

    var isEnabled: Bool {
        object["metadata"]?["labels"]?[SelectionAnnotations.enabledLabel]?.stringValue == SelectionAnnotations.enabledValue
    }

    /// String-valued `metadata.annotations` (the API server guarantees strings; anything else is skipped).
    var annotations: [String: String] {
        var result: [String: String] = [:]
        for (key, value) in object["metadata"]?["annotations"]?.objectValue?.members ?? [] {
            if let text = value.stringValue { result[key] = text }
        }
        return result
    }

    /// Every container's image, in document order per role. Containers without a string `image` are
    /// skipped: they cannot hold the placeholder.
    var containers: [ContainerImageSlot] {
        var slots: [ContainerImageSlot] = []
        for role in containerRoles {
            let list = JSONPointer(tokens: ["spec", role.rawValue])
            for (index, container) in (list.value(in: object)?.arrayValue ?? []).enumerated() {
                guard let image = container["image"]?.stringValue else { continue }
                slots.append(ContainerImageSlot(
                    role: role, index: index, name: container["name"]?.stringValue ?? "", image: image,
                    pointer: list.appending(index).appending("image")
                ))
            }
        }
        return slots
    }

    /// The nodeSelector map; absent and `null` are empty. Anything but an object of strings is denied.
    func nodeSelector() throws(AdmissionDenial) -> [String: String] {
        guard let value = kind.nodeSelectorPointer.value(in: object), value != .null else { return [:] }
        guard case .object(let map) = value else {
            throw AdmissionDenial(.invalid, "\(kind.nodeSelectorField) must be a map of label keys to values, found \(value.typeName)")
        }
        var selector: [String: String] = [:]
        for (key, member) in map.members {
            guard let text = member.stringValue else {
                throw AdmissionDenial(.invalid, "\(kind.nodeSelectorField)[\"\(key)\"] must be a string, found \(member.typeName)")
            }
            selector[key] = text
        }
        return selector
    }
}

extension AdmittedKind {
    /// The nodeSelector map's location.
    var nodeSelectorPointer: JSONPointer {
        switch self {
        case .pod: JSONPointer(tokens: ["spec", "nodeSelector"])
        case .miniCluster: JSONPointer(tokens: ["spec", "pod", "nodeSelector"])
        }
    }

    /// The nodeSelector's field path as users write it.
    var nodeSelectorField: String {
        switch self {
        case .pod: "spec.nodeSelector"
        case .miniCluster: "spec.pod.nodeSelector"
        }
    }
}
