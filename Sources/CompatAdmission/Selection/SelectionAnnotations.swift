import CompatCore

/// The opt-in label and the annotations that drive selection, compatible with ocifit-k8s.
///
/// Users opt an object in with the label ``enabledLabel`` set to `"true"` and describe what to choose in
/// annotations. ``imageReference``, ``targetImage`` and ``model`` mean what they mean in ocifit-k8s;
/// ``mode`` and ``seed`` are additions; ``selectedImage`` is written by the webhook itself, so that a
/// repeated call on its own output can recognise finished work.
public enum SelectionAnnotations {
    public static let prefix = "oci.image.compatibilities.selection"
    /// Label (not annotation) that opts an object in; only the value ``enabledValue`` counts.
    public static let enabledLabel = prefix + "/enabled"
    public static let enabledValue = "true"
    /// OCI reference of the compatibility artifact or image catalog to choose from.
    public static let imageReference = prefix + "/image-ref"
    /// The image containers name to ask for a choice; ``defaultTargetImage`` when absent.
    public static let targetImage = prefix + "/target-image"
    public static let defaultTargetImage = "placeholder:latest"
    /// Name of the model for model-based choice of instance type (and image).
    public static let model = prefix + "/model"
    /// One of the ``SelectionMode`` raw values (`basic`, `platform`, `platform-version`,
    /// `descriptive-basic`, `descriptive`).
    public static let mode = prefix + "/mode"
    /// Decimal `UInt64` seed making the random choices of a request reproducible.
    public static let seed = prefix + "/seed"
    /// What the job needs from the image's MPI, for mode `descriptive`: an implementation (`openmpi`,
    /// `mpich`, `intel-mpi`, `mvapich`) or an ABI family (`abi:openmpi`, `abi:mpich`).
    public static let mpi = prefix + "/mpi"
    /// Written by the webhook: the image it chose.
    public static let selectedImage = prefix + "/selected-image"
}

/// What an opted-in object asks for, read from its annotations.
public struct SelectionContract: Sendable, Hashable {
    public var imageReference: String?
    public var model: String?
    /// `nil` when the annotation is absent: the selector's default applies.
    public var mode: SelectionMode?
    /// `nil` when the annotation is absent.
    public var seed: UInt64?
    /// The image string that marks a container for replacement (exact string comparison).
    public var placeholder: String
    /// What the job needs from the image's MPI (``MPIRequirement/any`` when the annotation is absent).
    public var mpi: MPIRequirement

    public init(imageReference: String? = nil, model: String? = nil, mode: SelectionMode? = nil, seed: UInt64? = nil,
                placeholder: String = SelectionAnnotations.defaultTargetImage, mpi: MPIRequirement = .any) {
        self.imageReference = imageReference
        self.model = model
        self.mode = mode
        self.seed = seed
        self.placeholder = placeholder
        self.mpi = mpi
    }

    /// Parses the ``SelectionAnnotations/mpi`` value: `abi:<family>` or an implementation name.
    public static func mpiRequirement(_ text: String) -> MPIRequirement? {
        let lowered = text.lowercased()
        if lowered.hasPrefix("abi:") {
            return MPIABIFamily(rawValue: String(lowered.dropFirst(4)).trimmingSpaces).map(MPIRequirement.family)
        }
        switch MPIKind(name: lowered) {
        case .other: return nil
        case let kind: return .implementation(kind)
        }
    }

    /// Reads the contract, denying (`Invalid`) with a message naming the annotation and the fix when
    /// a value is empty or unusable, or when neither ``SelectionAnnotations/imageReference`` nor
    /// ``SelectionAnnotations/model`` says what to choose from.
    public init(annotations: [String: String]) throws(AdmissionDenial) {
        func present(_ key: String, _ meaning: String) throws(AdmissionDenial) -> String? {
            guard let value = annotations[key] else { return nil }
            let trimmed = value.trimmingSpaces
            guard !trimmed.isEmpty else {
                throw AdmissionDenial(.invalid, "annotation \(key) is empty; set it to \(meaning), or remove it")
            }
            return trimmed
        }
        imageReference = try present(SelectionAnnotations.imageReference, "the OCI reference of the compatibility artifact")
        model = try present(SelectionAnnotations.model, "the name of the model that chooses the instance type")
        placeholder = try present(SelectionAnnotations.targetImage, "the placeholder image your containers name")
            ?? SelectionAnnotations.defaultTargetImage
        guard imageReference != nil || model != nil else {
            throw AdmissionDenial(
                .invalid,
                "the object is labelled \(SelectionAnnotations.enabledLabel)=true but has neither annotation "
                    + "\(SelectionAnnotations.imageReference) (the OCI reference of the compatibility artifact to choose "
                    + "an image from) nor \(SelectionAnnotations.model); add one, or remove the label to opt out"
            )
        }
        if let text = try present(SelectionAnnotations.mode, "a selection mode") {
            guard let mode = SelectionMode(rawValue: text) else {
                let valid = SelectionMode.allCases.map(\.rawValue).joined(separator: ", ")
                throw AdmissionDenial(
                    .invalid, "annotation \(SelectionAnnotations.mode) is '\(text)', which is not a selection mode; use one of \(valid)"
                )
            }
            self.mode = mode
        } else {
            mode = nil
        }
        if let text = try present(SelectionAnnotations.seed, "a decimal integer") {
            guard let seed = UInt64(text) else {
                throw AdmissionDenial(
                    .invalid, "annotation \(SelectionAnnotations.seed) is '\(text)'; use a decimal integer from 0 to \(UInt64.max)"
                )
            }
            self.seed = seed
        } else {
            seed = nil
        }
        if let text = try present(SelectionAnnotations.mpi, "the MPI the job needs") {
            guard let requirement = Self.mpiRequirement(text) else {
                throw AdmissionDenial(
                    .invalid,
                    "annotation \(SelectionAnnotations.mpi) is '\(text)'; use an implementation (openmpi, mpich, intel-mpi, mvapich) "
                        + "or an ABI family (abi:openmpi, abi:mpich)"
                )
            }
            mpi = requirement
        } else {
            mpi = .any
        }
    }
}
