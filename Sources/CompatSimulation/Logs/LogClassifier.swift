import CompatCore

/// What a run's log says about it: the reason it ended, its wall time when LAMMPS finished, and the
/// line that decided, so a person can check the verdict without rereading the log.
public struct LogClassification: Sendable, Hashable {
    public var reason: RunReason
    /// LAMMPS's `Total wall time: H:MM:SS`, in seconds; `nil` when the run did not finish or the time
    /// is not in that form.
    public var wallTimeSeconds: Int?
    /// The first line that matched the deciding rule; `nil` for `unknown`.
    public var evidence: String?

    public init(reason: RunReason, wallTimeSeconds: Int? = nil, evidence: String? = nil) {
        self.reason = reason
        self.wallTimeSeconds = wallTimeSeconds
        self.evidence = evidence
    }
}

/// Classifies Flux Operator MiniCluster logs of LAMMPS runs.
///
/// The first four rules are `get_reason_for_failure` of lammps-matrix's `plot-results.py`, in its order,
/// so every published log gets the label the authors gave it:
/// 1. `Total wall time` → success (LAMMPS prints it only after the run completes);
/// 2. `libcuda.so.1: cannot open shared object file` → missing gpu;
/// 3. `Other MPI error` → mpi error (Intel MPI's `PMPI_Init` failure without its environment script);
/// 4. `GLIBC` and `not found` → os abi issue (also matches `GLIBCXX`).
///
/// Rule 4 is tightened to require both words **on one line**. The script tests the whole log, where
/// every successful run also says `checkpoint.job-manager not found`; a log that mentions GLIBC in
/// passing and some unrelated file "not found" is `unknown` here rather than guessed to be an ABI failure.
///
/// Then the failures the experiment never exercised:
/// 5. `exec format error` → arch mismatch (the kernel refusing a binary for another architecture);
/// 6. the MPI startup failures of an MPI library of another ABI family: the program's `libmpi` soname
///    missing, Open MPI's `MPI_INIT failed` banner, MPICH's `Fatal error in MPI_Init`, or a failed
///    PMIx initialisation → mpi error.
///
/// Anything else is `unknown`: the script dropped into IPython there ("FOUND NEW ISSUE"); this never
/// stops and never guesses.
public enum LogClassifier {
    /// Marks of an MPI library that cannot start because it is not the ABI the launcher or the program
    /// expects (rule 6).
    static let mpiStartupMarkers = [
        "error while loading shared libraries: libmpi",
        "It looks like MPI_INIT failed for some reason",
        "Fatal error in MPI_Init",
        "PMIx_Init failed",
    ]

    public static func classify(_ log: String) -> LogClassification {
        let lines = log.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })

        if let line = lines.first(where: { $0.contains("Total wall time") }) {
            return LogClassification(reason: .success, wallTimeSeconds: wallTimeSeconds(in: line), evidence: String(line))
        }
        if let line = lines.first(where: { $0.contains("libcuda.so.1: cannot open shared object file") }) {
            return LogClassification(reason: .missingGPU, evidence: String(line))
        }
        if let line = lines.first(where: { $0.contains("Other MPI error") }) {
            return LogClassification(reason: .mpiError, evidence: String(line))
        }
        if let line = lines.first(where: { $0.contains("GLIBC") && $0.contains("not found") }) {
            return LogClassification(reason: .osABI, evidence: String(line))
        }
        if let line = lines.first(where: { $0.contains("exec format error") }) {
            return LogClassification(reason: .archMismatch, evidence: String(line))
        }
        if let line = lines.first(where: { line in mpiStartupMarkers.contains { line.contains($0) } }) {
            return LogClassification(reason: .mpiError, evidence: String(line))
        }
        return LogClassification(reason: .unknown)
    }

    /// Seconds in LAMMPS's `Total wall time: H:MM:SS` (hours may have any number of digits; minutes and
    /// seconds must be two digits below 60). `nil` for any other form.
    public static func wallTimeSeconds<S: StringProtocol>(in line: S) -> Int? {
        guard let marker = line.range(of: "Total wall time:") else { return nil }
        let fields = line[marker.upperBound...].trimmingSpaces.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 3,
              fields.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              fields[1].count == 2, fields[2].count == 2,
              fields[0].count <= 9,
              let hours = Int(fields[0]), let minutes = Int(fields[1]), let seconds = Int(fields[2]),
              minutes < 60, seconds < 60
        else { return nil }
        return hours * 3600 + minutes * 60 + seconds
    }
}

extension StringProtocol {
    fileprivate var trimmingSpaces: String { String(self).trimmingSpaces }
}
