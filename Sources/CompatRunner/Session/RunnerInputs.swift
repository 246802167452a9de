import CompatArtifacts
import CompatCore
import CompatModels
import CompatSelection
import CompatSimulation
import CompatTransport
import Foundation

/// Why the runner's inputs could not be loaded; names the file and the flag that points elsewhere.
public struct RunnerInputError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Where the runner reads what the repository ships: the LAMMPS catalog, the flux views, the prices,
/// the HPCG measurements, the performance models and the EKS node features.
public struct RunnerPaths: Sendable {
    public var artifacts: String
    public var models: String
    public var nodeFeatures: String

    public init(artifacts: String = "artifacts", models: String = "models", nodeFeatures: String = "webhook/node-features/node-features.json") {
        self.artifacts = Self.absolute(artifacts)
        self.models = Self.absolute(models)
        self.nodeFeatures = Self.absolute(nodeFeatures)
    }

    public var catalogFolder: String { artifacts + "/lammps-matrix" }
    public var fluxViews: String { artifacts + "/flux-views/views.yaml" }
    public var prices: String { artifacts + "/prices.yaml" }
    public var hpcgMeasurements: String { artifacts + "/hpcg/features_hpcg_fom.csv.gz" }
    public var modelCompatibility: String { models + "/model-compatibility.json" }

    static func absolute(_ path: String) -> String {
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true))
        return url.standardizedFileURL.path
    }

    func read(_ path: String, _ what: String, flag: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RunnerInputError("cannot read \(what) at \(path); run from the repository root or pass \(flag)")
        }
        return Array(data)
    }

    public func loadFluxViews() throws -> FluxViewCatalog {
        do {
            return try FluxViewCatalog(decoding: try read(fluxViews, "the flux view catalog", flag: "--artifacts DIR"))
        } catch let error as ArtifactDecodingError {
            throw RunnerInputError("\(fluxViews): \(error)")
        }
    }

    public func loadPrices() throws -> PriceTable {
        do {
            return try PriceTable(decoding: try read(prices, "the price table", flag: "--artifacts DIR"))
        } catch let error as ArtifactDecodingError {
            throw RunnerInputError("\(prices): \(error)")
        }
    }

    /// The LAMMPS catalog, resolved the way the webhook resolves it (the same decoder and checks).
    public func loadCatalog() throws -> ImageCatalog {
        _ = try read(catalogFolder + "/manifests.yaml", "the LAMMPS catalog", flag: "--artifacts DIR")
        let resolver = ArtifactResolver(registry: nil, fileRoots: FileArtifactRoots([artifacts]))
        do {
            guard case .catalog(let catalog) = try resolver.resolve("file://" + catalogFolder, deadline: .now + .seconds(10)).artifact else {
                throw RunnerInputError("\(catalogFolder) is not an image catalog (manifests.yaml with compspec artifacts)")
            }
            return catalog
        } catch let refusal as SelectionRefusal {
            throw RunnerInputError("the LAMMPS catalog in \(catalogFolder): \(refusal.message)")
        }
    }

    public func loadMeasurements() throws -> HPCGMeasurements {
        let compressed = try read(hpcgMeasurements, "the HPCG measurements", flag: "--artifacts DIR")
        do {
            return try HPCGMeasurements(csv: String(decoding: try Gzip.decompress(compressed), as: UTF8.self))
        } catch {
            throw RunnerInputError("\(hpcgMeasurements): \(error)")
        }
    }

    /// The model names the model-compatibility spec has entries for, in spec order.
    public func loadModelNames() throws -> [String] {
        let bytes = try read(modelCompatibility, "the model-compatibility spec", flag: "--models DIR")
        do {
            var names: [String] = []
            for name in try ModelCompatibilitySpec(decoding: bytes).compatibilities.flatMap(\.models).map(\.name) where !names.contains(name) {
                names.append(name)
            }
            return names
        } catch {
            throw RunnerInputError("\(modelCompatibility): \(error)")
        }
    }

    /// Node label maps (a JSON array of label maps or Node objects), as `kubectl get nodes` exports them.
    public func loadNodeFeatures() throws -> [[String: String]] {
        let bytes = try read(nodeFeatures, "the node features", flag: "--node-features FILE")
        do {
            return try NodeLabels.decodeList(from: DocumentDecoder.decode(bytes))
        } catch {
            throw RunnerInputError("\(nodeFeatures): \(error)")
        }
    }
}

extension NodeType {
    /// The labels a node of this type carries in the simulated cluster: what the kubelet sets, and the
    /// NVIDIA GPU operator's labels on GPU nodes.
    public var nodeLabels: [String: String] {
        var labels = [
            "kubernetes.io/arch": architecture.rawValue,
            "kubernetes.io/os": "linux",
            "node.kubernetes.io/instance-type": name,
        ]
        if gpu.available {
            labels["nvidia.com/gpu.present"] = "true"
            labels["nvidia.com/gpu.count"] = "1"
        }
        return labels
    }
}
