import CompatCore

/// Decides AdmissionReview requests for image-compatibility selection: which objects to touch, what to
/// ask the selector, and the exact JSON Patch that applies its decision. Pure: the caller passes the
/// request, the current node list and the selector, and sends back ``AdmissionOutcome/response``.
///
/// ## Flow
/// 1. Only `CREATE` and `UPDATE` of a `v1` Pod, a `flux-framework.org/v1alpha2` MiniCluster or a
///    `kubeflow.org/v2beta1` MPIJob that carries the label ``SelectionAnnotations/enabledLabel`` = `"true"`
///    is considered (subresources other than `ephemeralcontainers` are not).
/// 2. Image fields that name the placeholder (``SelectionAnnotations/targetImage``, default
///    `placeholder:latest`, compared as ``PlaceholderImage``) are found in every image field of the kind
///    (``AdmittedObject``). With none, there is nothing to choose.
/// 3. The annotations are read into a ``SelectionContract``, the nodeSelector into the nodes it can run on
///    (``NodeFeatureResolver``), the seed from the workload, and the ``AdmissionSelector`` decides.
/// 4. The decision becomes one patch against the JSON received, in one builder pass: placeholder images
///    replaced, nodeSelector entries set (the map added whole when absent; both templates of an MPIJob), a
///    MiniCluster's `spec.flux.container.image` set (parents created in one `add`),
///    ``SelectionAnnotations/selectedImage`` recorded, and the image's set-up commands added to a
///    MiniCluster's `commands.pre`.
///
/// ## Error policy
/// Allowed unchanged, never denied — objects that are not ours or need nothing:
/// - operations other than `CREATE`/`UPDATE`, subresources (except `ephemeralcontainers`), other kinds,
///   MiniCluster and MPIJob versions other than `v1alpha2` and `v2beta1` (with a warning when labelled),
///   objects without the label;
/// - labelled objects with no placeholder container left. This makes reinvocation on the webhook's own
///   output a no-op; a warning is added unless ``SelectionAnnotations/selectedImage`` shows that the
///   webhook did the work earlier.
///
/// Denied — labelled objects that still name the placeholder, so the user never silently runs with it:
/// - `Invalid` (422): a missing, empty or unknown annotation value; a placeholder in a field that cannot take
///   the chosen image (a MiniCluster's `spec.services[]`, or its flux view when the view is kept); a
///   nodeSelector that is not a map of strings; for artifact-based choice (no ``SelectionAnnotations/model``),
///   nodes that cannot be resolved (no match, all cordoned, or, unless the selector judges them itself,
///   matches that differ or no nodeSelector on a mixed cluster); a
///   decision that contradicts the object's own nodeSelector, or that would change a Pod's nodeSelector on
///   `UPDATE` (immutable after creation); a patch that cannot be built without destroying user data.
/// - Whatever ``AdmissionDenial`` the selector throws (typically `Forbidden`: no compatible image).
/// - `InternalError` (500): any other selector error (registry unreachable, model failure), and decisions
///   that are unusable (empty image, the placeholder itself, an image for another architecture).
///
/// Not decided here: an AdmissionReview that cannot be decoded throws ``AdmissionReviewDecodingError``,
/// which the webhook answers with HTTP 400 (there is no trustworthy uid to deny with; the API server then
/// applies the webhook's `failurePolicy`).
public struct AdmissionController: Sendable {
    public var nodeResolver: NodeFeatureResolver

    public init(nodeResolver: NodeFeatureResolver = NodeFeatureResolver()) {
        self.nodeResolver = nodeResolver
    }

    /// Decodes an AdmissionReview body and decides it.
    public func admit(
        reviewBytes: some Collection<UInt8>, nodes: [ClusterNode], selector: some AdmissionSelector
    ) throws(AdmissionReviewDecodingError) -> AdmissionOutcome {
        admit(try AdmissionRequest(reviewBytes: reviewBytes), nodes: nodes, selector: selector)
    }

    public func admit(_ request: AdmissionRequest, nodes: [ClusterNode], selector: some AdmissionSelector) -> AdmissionOutcome {
        admit(request, nodes: ClusterNodeSet(nodes), selector: selector)
    }

    /// Decides against a node snapshot, reusing what earlier admissions derived from it.
    public func admit(_ request: AdmissionRequest, nodes: ClusterNodeSet, selector: some AdmissionSelector) -> AdmissionOutcome {
        func unchanged(_ summary: String, warnings: [String] = []) -> AdmissionOutcome {
            AdmissionOutcome(
                response: .allow(uid: request.uid, warnings: warnings), disposition: .allowedUnchanged, summary: summary
            )
        }
        guard request.operation == .create || request.operation == .update else {
            return unchanged("\(request.operation.rawValue) is never mutated")
        }
        if let subResource = request.subResource, subResource != "ephemeralcontainers" {
            return unchanged("subresource \(subResource) is never mutated")
        }
        guard let kind = Self.admittedKind(request.kind) else {
            return unchanged("\(request.kind) is not a selectable kind")
        }
        guard let object = request.object else {
            return unchanged("the request carries no object")
        }
        let target = AdmittedObject(kind: kind, object: object)
        guard target.isEnabled else {
            return unchanged("not labelled \(SelectionAnnotations.enabledLabel)=\(SelectionAnnotations.enabledValue)")
        }
        if let supported = kind.supportedVersion, request.kind.version != supported {
            return unchanged(
                "\(kind.rawValue) \(request.kind.version) is not supported",
                warnings: ["only \(request.kind.group)/\(supported) \(kind.rawValue)s get an image chosen; this one is \(request.kind.version)"]
            )
        }

        let annotations = target.annotations
        let containers = target.containers
        let placeholder = PlaceholderImage.named(
            annotations[SelectionAnnotations.targetImage].map(\.trimmingSpaces).flatMap { $0.isEmpty ? nil : $0 }
                ?? SelectionAnnotations.defaultTargetImage
        )
        let placeholders = containers.filter { placeholder.matches($0.image) }
        guard !placeholders.isEmpty else {
            if let selected = annotations[SelectionAnnotations.selectedImage] {
                return unchanged("already selected \(selected)")
            }
            return unchanged(
                "no placeholder container",
                warnings: ["no container uses placeholder image '\(placeholder.text)', so no image was selected"]
            )
        }

        do {
            return try select(request: request, target: target, annotations: annotations, containers: containers,
                              placeholder: placeholder, placeholders: placeholders, nodes: nodes, selector: selector)
        } catch {
            return AdmissionOutcome(
                response: .deny(uid: request.uid, error), disposition: .denied, summary: error.message
            )
        }
    }

    private func select(
        request: AdmissionRequest, target: AdmittedObject, annotations: [String: String], containers: [ContainerImageSlot],
        placeholder: PlaceholderImage, placeholders: [ContainerImageSlot], nodes: ClusterNodeSet, selector: some AdmissionSelector
    ) throws(AdmissionDenial) -> AdmissionOutcome {
        let contract = try SelectionContract(annotations: annotations)
        if let service = placeholders.first(where: { $0.role == .service }) {
            throw AdmissionDenial(
                .invalid,
                "\(service.field) names the placeholder image '\(service.image)', but a service runs its own image, not the "
                    + "application image the selection chooses; set \(service.field) to the service's image"
            )
        }
        let location = target.nodeSelectorLocation
        let nodeSelector = try target.nodeSelector(at: location)
        let resolution = nodeResolver.resolve(
            nodeSelector: nodeSelector, selectorField: location.field, in: nodes, explainingDifferences: contract.model == nil
        )
        // Nodes that disagree are the selector's to judge: they may differ only in what this choice does not read.
        if contract.model == nil, let problem = resolution.problem, !(problem.reason.isDisagreement && selector.judgesDisagreeingNodes) {
            throw AdmissionDenial(.invalid, problem.description)
        }
        let (seed, seedSource) = contract.seed.map { ($0, SeedSource.annotation) }
            ?? target.workloadSeed(namespace: request.namespace, requestUID: request.uid)
        let selectionRequest = SelectionRequest(
            requestUID: request.uid, kind: target.kind, operation: request.operation, namespace: request.namespace,
            objectName: request.displayName, contract: contract, annotations: annotations, nodeSelector: nodeSelector,
            nodeFeatures: resolution, containers: containers, placeholderContainers: placeholders.filter(\.role.receivesChosenImage),
            seed: seed, seedSource: seedSource, mpi: contract.mpi == .any ? target.declaredMPI : contract.mpi,
            fluxView: target.fluxView(placeholder: placeholder), snapshot: nodes
        )
        let decision: SelectionDecision
        do {
            decision = try selector.decide(selectionRequest)
        } catch let denial as AdmissionDenial {
            throw denial
        } catch {
            throw AdmissionDenial(
                .internalError,
                "image selection failed for \(target.kind.rawValue) \(request.displayName), so it would keep the placeholder "
                    + "image '\(contract.placeholder)': \(error)"
            )
        }

        var warnings = try check(decision, request: selectionRequest, target: target, placeholder: placeholder, nodes: nodes)
        if let view = placeholders.first(where: { $0.role == .fluxView }), decision.fluxViewImage == nil {
            throw AdmissionDenial(
                .invalid,
                "\(view.field) names the placeholder image '\(view.image)', but this selection keeps the flux view instead of choosing "
                    + "one; set \(view.field) to a flux view image (or remove it to use the Flux Operator's default), or use mode "
                    + "platform or platform-version, which choose the view"
            )
        }
        var builder = JSONPatchBuilder(document: target.object)
        var preCommandWarnings: [String] = []
        do throws(JSONPatchBuildError) {
            for slot in selectionRequest.placeholderContainers {
                try builder.set(.string(decision.image), at: slot.pointer)
            }
            for location in target.nodeSelectorLocations {
                for (key, value) in decision.nodeSelector.sorted(by: { $0.key < $1.key }) {
                    try builder.set(.string(value), at: location.pointer.appending(key))
                }
            }
            if let fluxView = decision.fluxViewImage {
                if target.kind == .miniCluster {
                    try builder.set(.string(fluxView), at: AdmittedObject.fluxViewImagePointer)
                } else {
                    warnings.append("flux view image \(fluxView) ignored: only MiniClusters have a flux view")
                }
            }
            try builder.set(.string(decision.image), at: AdmittedObject.selectedImageAnnotationPointer)
            preCommandWarnings = writePreCommands(decision.preCommands, into: selectionRequest.placeholderContainers, of: target.kind, with: &builder)
        } catch {
            throw AdmissionDenial(.invalid, "the selection cannot be written into this \(target.kind.rawValue): \(error)")
        }

        var audit = ["selected-image": decision.image]
        if let explanation = decision.explanation { audit["selection-explanation"] = explanation }
        let patch = builder.patch
        let placement = decision.nodeSelector.sorted { $0.key < $1.key }.map { " on \($0.key)=\($0.value)" }.joined()
        return AdmissionOutcome(
            response: .allow(uid: request.uid, patch: patch, warnings: warnings + decision.warnings + preCommandWarnings, auditAnnotations: audit),
            disposition: patch.isEmpty ? .allowedUnchanged : .mutated,
            summary: "selected \(decision.image)\(placement)",
            decision: decision,
            seed: (seed, seedSource),
            patchedObject: builder.document
        )
    }

    /// Writes the image's set-up commands into `commands.pre` of each MiniCluster container that receives
    /// it (the Flux Operator's per-container snippet, run before the application; without Intel MPI's
    /// `vars.sh` the job fails in `PMPI_Init`). A command already present as a line is not added again, so
    /// a user's own snippet is kept and reinvocation adds nothing. A `pre` that cannot hold them (not a
    /// string, which the CRD rejects anyway) is left alone with a warning. A Pod has no such field: it
    /// gets a warning naming the command. Returns the warnings.
    private func writePreCommands(
        _ commands: [String], into slots: [ContainerImageSlot], of kind: AdmittedKind, with builder: inout JSONPatchBuilder
    ) -> [String] {
        guard let first = commands.first else { return [] }
        guard kind == .miniCluster else { return ["run '\(first)' before the application: the chosen image needs it"] }
        var warnings: [String] = []
        for slot in slots {
            guard let container = slot.pointer.parent else { continue }
            let pre = container.appending("commands").appending("pre")
            let current: String
            switch pre.value(in: builder.document) {
            case nil, .null?: current = ""
            case .string(let text)?: current = text
            case let other?:
                warnings.append("\(pre) is \(other.typeName), not a string; add '\(first)' to it yourself")
                continue
            }
            let lines = current.split(separator: "\n").map { String($0).trimmingSpaces }
            let missing = commands.filter { !lines.contains($0) }
            guard !missing.isEmpty else { continue }
            let separator = current.isEmpty || current.hasSuffix("\n") ? "" : "\n"
            do {
                try builder.set(.string(current + separator + missing.joined(separator: "\n")), at: pre)
            } catch {
                warnings.append("could not add '\(missing[0])' to \(pre): \(error)")
            }
        }
        return warnings
    }

    /// Rejects decisions that would leave the object broken, returning warnings for doubtful ones.
    private func check(
        _ decision: SelectionDecision, request: SelectionRequest, target: AdmittedObject, placeholder: PlaceholderImage, nodes: ClusterNodeSet
    ) throws(AdmissionDenial) -> [String] {
        for (role, image) in [("image", decision.image), ("flux view image", decision.fluxViewImage)] {
            guard let image else { continue }
            guard !image.isEmpty, !Self.containsSpaceOrControl(image) else {
                throw AdmissionDenial(.internalError, "the selector returned an unusable \(role) reference '\(image)'")
            }
            guard !placeholder.matches(image) else {
                throw AdmissionDenial(.internalError, "the selector returned the placeholder '\(image)' itself as the \(role)")
            }
        }
        // The deciding selector is already read; an MPIJob's launcher template has its own.
        let deciding = target.nodeSelectorLocation.field
        let selectors = try [(deciding, request.nodeSelector)] + target.nodeSelectorLocations.filter { $0.field != deciding }.map {
            location throws(AdmissionDenial) in (location.field, try target.nodeSelector(at: location))
        }
        for (key, value) in decision.nodeSelector.sorted(by: { $0.key < $1.key }) {
            guard !key.isEmpty else { throw AdmissionDenial(.internalError, "the selector returned an empty nodeSelector key") }
            for (field, selector) in selectors {
                if let existing = selector[key], existing != value {
                    throw AdmissionDenial(
                        .invalid,
                        "the selection needs \(key)=\(value), but \(field) sets \(key)=\(existing); remove that entry to let the "
                            + "selection choose, or remove annotation \(SelectionAnnotations.model) to keep it"
                    )
                }
            }
            if request.kind == .pod, request.operation == .update, request.nodeSelector[key] == nil {
                throw AdmissionDenial(
                    .invalid,
                    "the selection needs \(key)=\(value) in spec.nodeSelector, which cannot change after a Pod is created; "
                        + "delete the Pod and create it again"
                )
            }
        }

        var warnings: [String] = []
        let finalSelector = request.nodeSelector.merging(decision.nodeSelector) { $1 }
        let placement = finalSelector.isEmpty
            ? request.nodeFeatures.candidates
            : nodes.nodes(matching: finalSelector).filter { !$0.unschedulable }
        if placement.isEmpty && !decision.nodeSelector.isEmpty {
            warnings.append("no schedulable node matches the chosen nodeSelector yet; the workload waits until one joins")
        }
        if let architecture = decision.architecture {
            let mismatched = placement.filter { node in node.labels["kubernetes.io/arch"].map { $0 != architecture } ?? false }
            if let first = mismatched.first {
                let names = mismatched.prefix(3).map(\.name).joined(separator: ", ")
                    + (mismatched.count > 3 ? " and \(mismatched.count - 3) more" : "")
                throw AdmissionDenial(
                    .internalError,
                    "the selector chose \(decision.image), built for \(architecture), but this \(request.kind.rawValue) can run on "
                        + "\(first.labels["kubernetes.io/arch"] ?? "other") nodes (\(names)), where it would fail to start"
                )
            }
        }
        return warnings
    }

    /// Whether an image reference has white space or a control character, which no reference may have.
    /// ASCII (every real reference) is checked byte by byte; anything else by Unicode properties.
    static func containsSpaceOrControl(_ text: String) -> Bool {
        let bytes = text.utf8
        if bytes.allSatisfy({ $0 < 0x80 }) { return bytes.contains { $0 <= 0x20 } }
        return text.unicodeScalars.contains { $0.properties.isWhitespace || $0.value < 0x20 }
    }

    static func admittedKind(_ kind: GroupVersionKind) -> AdmittedKind? {
        switch (kind.group, kind.kind) {
        case ("", "Pod") where kind.version == "v1": .pod
        case ("flux-framework.org", "MiniCluster"): .miniCluster
        case ("kubeflow.org", "MPIJob"): .mpiJob
        default: nil
        }
    }
}

/// What happened to one request, for the response and for logs and metrics.
public struct AdmissionOutcome: Sendable {
    public var response: AdmissionResponse
    public var disposition: AdmissionDisposition
    /// One line for logs: why nothing changed, what was selected, or the denial message.
    public var summary: String
    /// The selector's decision, when it was asked.
    public var decision: SelectionDecision?
    /// The seed of the decision's random draws and where it came from, when a decision was made: logged,
    /// so that an annotation `…/seed` with this value reproduces the choice.
    public var seed: (value: UInt64, source: SeedSource)?
    /// The object with the patch applied, when a decision was written.
    public var patchedObject: JSONValue?

    public init(
        response: AdmissionResponse, disposition: AdmissionDisposition, summary: String,
        decision: SelectionDecision? = nil, seed: (value: UInt64, source: SeedSource)? = nil, patchedObject: JSONValue? = nil
    ) {
        self.response = response
        self.disposition = disposition
        self.summary = summary
        self.decision = decision
        self.seed = seed
        self.patchedObject = patchedObject
    }
}

/// The outcome class, spelled as the webhook's `outcome` metric label.
public enum AdmissionDisposition: String, Sendable, Hashable, CaseIterable {
    case allowedUnchanged = "allowed_unchanged"
    case mutated
    case denied
}
