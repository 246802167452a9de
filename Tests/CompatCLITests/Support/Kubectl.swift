import Foundation
import Testing

/// kubectl as the tests use it, offline: rendering kustomizations, and decoding YAML the way `kubectl apply`
/// does before it sends objects to the API server (`patch --local` with an empty merge patch prints each
/// object as JSON, unchanged, without contacting a server).
enum Kubectl {
    /// The kubectl on PATH, if any.
    static let path: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin")
        .split(separator: ":").map { $0 + "/kubectl" }.first { FileManager.default.isExecutableFile(atPath: $0) }

    static var isInstalled: Bool { path != nil }

    /// Why a test that needs kubectl is skipped.
    static let missing: Comment = "kubectl is not on PATH: these tests render the kustomizations with `kubectl kustomize` (kubectl 1.32 includes kustomize); install kubectl to run them"

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func run(_ arguments: [String]) throws -> CommandResult {
        guard let path else { throw Failure(description: "kubectl is not installed") }
        return try ChildProcess.run(path, arguments)
    }

    /// `kubectl kustomize DIRECTORY`: the rendered YAML.
    static func kustomize(_ directory: String) throws -> String {
        let result = try run(["kustomize", directory])
        guard result.status == 0 else { throw Failure(description: "kubectl kustomize \(directory) failed: \(result.stderr)") }
        return result.stdout
    }

    /// Every object of a YAML file (one or more documents), as kubectl decodes it.
    static func objects(fromYAMLFile file: String) throws -> [[String: Any]] {
        let result = try run(["patch", "--local", "--type", "merge", "-p", "{}", "-o", "json", "-f", file])
        guard result.status == 0 else { throw Failure(description: "kubectl could not read \(file): \(result.stderr)") }
        // One pretty-printed object after another: each ends with a closing brace alone on its line.
        var objects: [[String: Any]] = []
        var current: [Substring] = []
        for line in result.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            current.append(line)
            guard line == "}" else { continue }
            guard let object = try JSONSerialization.jsonObject(with: Data(current.joined(separator: "\n").utf8)) as? [String: Any] else {
                throw Failure(description: "kubectl printed a non-object for \(file)")
            }
            objects.append(object)
            current = []
        }
        return objects
    }

    /// Every object of YAML text, as kubectl decodes it.
    static func objects(fromYAML text: String, scratch: String) throws -> [[String: Any]] {
        let file = scratch + "/kubectl-input-\(UUID().uuidString).yaml"
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        return try objects(fromYAMLFile: file)
    }
}
