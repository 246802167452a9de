/// Why a LAMMPS run ended the way it did: the categories of lammps-matrix's `plot-results.py`, plus the
/// two failures the experiment never hit (an image built for another architecture, and an MPI library
/// of another ABI family) and `unknown` for logs no rule recognises.
///
/// The raw values are the labels `plot-results.py` writes into `lammps-times.csv`, so tables and charts
/// from this package line up with the published ones.
public enum RunReason: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case success = "success"
    case missingGPU = "missing gpu"
    case mpiError = "mpi error"
    case osABI = "os abi issue"
    case archMismatch = "arch mismatch"
    case unknown = "unknown"

    /// Whether the run produced a result.
    public var succeeded: Bool { self == .success }

    /// The failure reasons in the order charts stack them and summaries list them.
    public static let failures: [RunReason] = [.osABI, .missingGPU, .mpiError, .archMismatch, .unknown]

    /// A shorter label for summary lines (`os abi 14`), where "issue" adds nothing.
    public var shortLabel: String {
        self == .osABI ? "os abi" : rawValue
    }

    public var description: String { rawValue }
}
