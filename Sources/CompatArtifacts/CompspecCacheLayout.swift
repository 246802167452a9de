/// compspec-go's artifact cache layout (`compspec match --cache DIR`): one file per artifact reference,
/// named after the reference with `/` and `:` replaced by `-`, plus `.json`, e.g.
/// `ghcr.io-rse-ops-lammps-matrix-mpich-ubuntu-22.04-amd64-compspec.json`. Directories filled by
/// compspec-go work unchanged with `compat match --cache` and as a `file://` catalog's `cache/` folder.
public enum CompspecCacheLayout {
    public static func fileName(for reference: String) -> String {
        String(reference.map { $0 == "/" || $0 == ":" ? "-" : $0 }) + ".json"
    }
}
