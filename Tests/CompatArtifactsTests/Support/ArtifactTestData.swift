import CompatArtifacts
import CompatCore
import CompatSelection
import Foundation

/// Paths to the repository's artifacts.
enum TestPaths {
    static let packageRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let artifacts = packageRoot + "/artifacts"
    static let lammpsCatalog = artifacts + "/lammps-matrix"
    static let models = packageRoot + "/models"
}

enum TestData {
    /// The catalog as the resolver reads it from the repository's folder.
    static func catalog() throws -> ImageCatalog {
        let resolver = ArtifactResolver(registry: nil, fileRoots: FileArtifactRoots([TestPaths.artifacts]))
        guard case .catalog(let catalog) = try resolver.resolve("file://" + TestPaths.lammpsCatalog, deadline: .now + .seconds(5)).artifact else {
            throw TestFailure("the LAMMPS folder did not resolve to a catalog")
        }
        return catalog
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The refusal `body` throws, or `nil` when it succeeds.
func refusal<T>(_ body: () throws(SelectionRefusal) -> T) -> SelectionRefusal? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

/// NFD rules choosing one image per EKS node family (`Tests/Fixtures/eks-rules.yaml`).
let eksRulesSpec = try! String(contentsOfFile: TestPaths.packageRoot + "/Tests/Fixtures/eks-rules.yaml", encoding: .utf8)

/// A fresh temporary directory (under the system temporary folder, an allowed artifact root in tests).
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "compat-webhook-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let target = path + "/" + name
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: target))
        return target
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: path) }
}
