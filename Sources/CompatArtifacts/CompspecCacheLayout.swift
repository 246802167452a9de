import Foundation

/// compspec-go's artifact cache layout (`compspec match --cache DIR`): one file per artifact reference,
/// named after the reference with `/` and `:` replaced by `-`, plus `.json`, e.g.
/// `ghcr.io-rse-ops-lammps-matrix-mpich-ubuntu-22.04-amd64-compspec.json`. Directories filled by
/// compspec-go work unchanged with `compat match --cache` and as a `file://` catalog's `cache/` folder.
public enum CompspecCacheLayout {
    public static func fileName(for reference: String) -> String {
        String(reference.map { $0 == "/" || $0 == ":" ? "-" : $0 }) + ".json"
    }

    /// Where a file for an artifact a catalog list names may be, in the order every tool looks: the cache
    /// directory given (`compat match --cache`), then, for a list in a folder, the path relative to it and
    /// its `cache/` in this layout. Standardized absolute paths; empty when there is nowhere local to look.
    public static func memberFiles(for reference: String, listFolder: String?, cacheDirectory: String?) -> [String] {
        let name = fileName(for: reference)
        var candidates = cacheDirectory.map { [$0 + "/" + name] } ?? []
        if let folder = listFolder {
            candidates += (reference.hasPrefix("/") ? [] : [folder + "/" + reference]) + [folder + "/cache/" + name]
        }
        return candidates.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
    }
}
