import CompatCore
import CompatModels

/// A compatibility artifact decoded by its declared kind: what an `…/image-ref` annotation can name.
public enum SelectionArtifact: Sendable {
    /// An NFD or ocifit-k8s image-compatibility spec: rules whose winning set's `tag` is the image.
    case rules(ImageCompatibilitySpec)
    /// A compspec image catalog: `manifests.yaml` and the artifacts it names.
    case catalog(ImageCatalog)
    /// A model-compatibility spec: models that choose the instance, and the image per architecture.
    case models(ModelCompatibilitySpec)

    /// The kind with its article, for messages.
    public var kindDescription: String {
        switch self {
        case .rules: "an image-compatibility spec"
        case .catalog: "an image catalog"
        case .models: "a model-compatibility spec"
        }
    }
}

/// The identity of an artifact's or model's content (a registry layer digest; a file's device, inode,
/// size and modification time; a catalog's list and member identities). Equal identities mean equal
/// content, so what is derived from one may be reused for the other.
public struct ContentIdentity: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }
}

/// A value and the identity of the content it was decoded from: an artifact (``ResolvedArtifact``) or a
/// performance model (``LoadedModel``).
public struct Identified<Value: Sendable>: Sendable {
    public let value: Value
    public let identity: ContentIdentity

    public init(_ value: Value, identity: ContentIdentity) {
        self.value = value
        self.identity = identity
    }
}

/// An artifact and the identity of its content.
public typealias ResolvedArtifact = Identified<SelectionArtifact>

/// A performance model and the identity of the file it came from.
public typealias LoadedModel = Identified<PerformanceModel>

extension Identified where Value == SelectionArtifact {
    public var artifact: SelectionArtifact { value }
}

extension Identified where Value == PerformanceModel {
    public var model: PerformanceModel { value }
}

/// Where selection gets the artifact an annotation names. CompatArtifacts' `ArtifactResolver` reads
/// files and registries; selection itself does no I/O.
public protocol ArtifactProviding: Sendable {
    /// The decoded artifact at `reference`; fetches must finish by `deadline`. Failures are refusals
    /// whose message names the reference and what to do.
    func resolve(_ reference: String, deadline: ContinuousClock.Instant) throws(SelectionRefusal) -> ResolvedArtifact
}

/// Where selection gets performance models by name (CompatArtifacts' `ModelLibrary`).
public protocol PerformanceModelProviding: Sendable {
    /// The model called `name`, from `filename` when the model-compatibility spec names one.
    func load(named name: String, filename: String?) throws(SelectionRefusal) -> LoadedModel
}
