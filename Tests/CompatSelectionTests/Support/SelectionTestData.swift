import CompatArtifacts
import CompatCore
import CompatSelection
import Foundation
import Testing

/// The shipped flux views and LAMMPS catalog, and the 25 EKS nodes of `shared/data/node-features.json`.
enum TestData {
    static let packageRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let artifacts = packageRoot + "/artifacts"
    static let nodeFeatures = URL(fileURLWithPath: packageRoot).deletingLastPathComponent().appendingPathComponent("shared/data/node-features.json").path

    static func views() throws -> FluxViewCatalog {
        try FluxViewCatalog(decoding: Array(try Data(contentsOf: URL(fileURLWithPath: artifacts + "/flux-views/views.yaml"))))
    }

    /// The catalog as the webhook's resolver reads it from the repository's folder.
    static func catalog() throws -> ImageCatalog {
        let resolver = ArtifactResolver(registry: nil, fileRoots: FileArtifactRoots([artifacts]))
        guard case .catalog(let catalog) = try resolver.resolve("file://" + artifacts + "/lammps-matrix", deadline: .now + .seconds(5)).artifact else {
            throw TestFailure("the LAMMPS folder did not resolve to a catalog")
        }
        return catalog
    }

    static func labels(ofInstanceType type: String) throws -> [String: String] {
        let nodes = try NodeLabels.decodeList(from: DocumentDecoder.decode(Array(try Data(contentsOf: URL(fileURLWithPath: nodeFeatures)))))
        return try #require(nodes.first { $0["node.kubernetes.io/instance-type"] == type })
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// NFD rules choosing one image per EKS node family (`Tests/Fixtures/eks-rules.yaml`).
let eksRulesSpec = try! String(contentsOfFile: TestData.packageRoot + "/Tests/Fixtures/eks-rules.yaml", encoding: .utf8)

/// The refusal `body` throws, or `nil` when it succeeds.
func refusal<T>(_ body: () throws(SelectionRefusal) -> T) -> SelectionRefusal? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}
