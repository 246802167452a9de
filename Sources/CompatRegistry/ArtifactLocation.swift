import CompatCore
import Foundation

/// Where a compatibility artifact comes from: a registry reference, or a `file://` path to an artifact
/// file or to a catalog directory (compspec-go's `--cache` layout).
public enum ArtifactLocation: Sendable, Hashable, CustomStringConvertible {
    case registry(ImageReference)
    /// A local file or catalog directory; which one is decided when it is read.
    case local(path: String)

    /// `file:///abs/path`, `file://relative/path` (relative to the working directory) or
    /// `file://localhost/abs/path`; anything else is parsed as a registry reference.
    public static func parse(_ text: String) throws(ImageReferenceError) -> ArtifactLocation {
        guard text.lowercased().hasPrefix("file://") else { return .registry(try ImageReference.parse(text)) }
        var path = String(text.dropFirst("file://".count))
        if path.hasPrefix("localhost/") { path.removeFirst("localhost".count) }
        guard !path.isEmpty else {
            throw .invalid(text, "the file:// URL has no path (use file:///absolute/path or file://relative/path)")
        }
        return .local(path: path.removingPercentEncoding ?? path)
    }

    public var description: String {
        switch self {
        case .registry(let reference): return reference.description
        case .local(let path): return "file://" + path
        }
    }
}

/// A compatibility artifact read from the local file system.
public struct LocalArtifact: Sendable, Equatable {
    public let bytes: [UInt8]
    /// The file that was read.
    public let path: String
}

/// Reads `file://` artifacts: a file as-is, or from a catalog directory the file compspec-go's
/// `--cache` stores for an artifact reference (`/` and `:` replaced by `-`, plus `.json`).
public enum LocalArtifacts {
    /// compspec-go's cache file name for `reference`, e.g.
    /// `ghcr.io-rse-ops-lammps-matrix-mpich-ubuntu-22.04-amd64-compspec.json`.
    public static func catalogFileName(for reference: String) -> String {
        String(reference.map { $0 == "/" || $0 == ":" ? "-" : $0 }) + ".json"
    }

    /// Reads `path`; when it is a directory, reads the catalog entry for `reference`.
    public static func read(path: String, reference: String? = nil, maxBytes: Int = 16 << 20) throws(RegistryError) -> LocalArtifact {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RegistryError(.localArtifact, "file://" + path, "no such file or directory")
        }
        var file = path
        if isDirectory.boolValue {
            guard let reference else {
                throw RegistryError(.localArtifact, "file://" + path, "is a catalog directory; give the artifact reference to look up in it")
            }
            file = (path as NSString).appendingPathComponent(catalogFileName(for: reference))
            guard FileManager.default.fileExists(atPath: file) else {
                throw RegistryError(.localArtifact, "file://" + path, "the catalog has no entry for '\(reference)' (expected file '\(catalogFileName(for: reference))')")
            }
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: file)
        if let size = attributes?[.size] as? Int, size > maxBytes {
            throw RegistryError(.tooLarge, "file://" + file, "the artifact has \(size) bytes, above the \(maxBytes)-byte limit")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw RegistryError(.localArtifact, "file://" + file, "cannot read the file (permissions?)")
        }
        return LocalArtifact(bytes: Array(data), path: file)
    }
}
