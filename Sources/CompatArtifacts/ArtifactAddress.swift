import CompatSelection
import Foundation

/// Where the `…/image-ref` annotation points: an OCI reference, or (when the webhook allows local
/// artifacts) a `file://` path to one artifact or to a catalog folder.
public enum ArtifactAddress: Sendable, Hashable, CustomStringConvertible {
    case registry(String)
    /// An absolute, standardized path.
    case file(String)

    public static let fileScheme = "file://"

    /// Parses an annotation value. `file://` must be followed by an absolute path
    /// (`file:///srv/catalog`); anything else is taken as an OCI reference, which the registry layer parses.
    public init(_ text: String) throws(SelectionRefusal) {
        guard text.hasPrefix(Self.fileScheme) else {
            self = .registry(text)
            return
        }
        let path = String(text.dropFirst(Self.fileScheme.count))
        guard path.hasPrefix("/") else {
            throw SelectionRefusal(
                .invalidRequest, "artifact reference '\(text)' is not an absolute file URL; write file:///absolute/path"
            )
        }
        self = .file(Self.standardized(path))
    }

    /// An absolute path with `.`, `..` and repeated or trailing slashes removed, lexically (symlinks are
    /// resolved later, when the path is admitted under a root). `..` at the root stays at the root, as
    /// POSIX path resolution does.
    static func standardized(_ path: String) -> String {
        var components: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..": _ = components.popLast()
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }

    public var description: String {
        switch self {
        case .registry(let reference): reference
        case .file(let path): Self.fileScheme + path
        }
    }
}

/// The directories `file://` artifacts may come from. Annotations are written by whoever creates Pods,
/// so without this bound any user could make the webhook read any file it can read.
public struct FileArtifactRoots: Sendable, Hashable {
    /// Resolved (symlink-free) absolute directories.
    public let directories: [String]

    public init(_ directories: [String]) {
        self.directories = directories.map(Self.resolved)
    }

    public static let none = FileArtifactRoots([])

    /// `path` with symlinks resolved, if it lies inside a root; `nil` otherwise.
    public func admit(_ path: String) -> String? {
        let real = Self.resolved(path)
        return directories.contains { real == $0 || real.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") } ? real : nil
    }

    static func resolved(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
    }
}
