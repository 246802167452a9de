import CompatAdmission
import CompatCore
import Foundation

/// Writes an image's set-up commands (Intel MPI's `vars.sh`) into the MiniCluster containers that
/// received it: `spec.containers[i].commands.pre`, the Flux Operator's per-container shell snippet run
/// before the application. Without it, Intel MPI images fail in `PMPI_Init` (the LAMMPS pilot's
/// "mpi error").
///
/// The operations are appended to the admission controller's patch and computed against the object
/// that patch produces. A command already present as a line of `pre` is not added again, so a user's
/// own snippet is kept and nothing is duplicated.
public enum PreCommandPatch {
    /// `outcome` with the commands added, or unchanged when nothing is missing. A `pre` that is not a
    /// string (which the CRD would reject anyway) is left alone with a warning.
    public static func apply(_ commands: [String], to containers: [ContainerImageSlot], in outcome: AdmissionOutcome) -> AdmissionOutcome {
        guard !commands.isEmpty, outcome.response.allowed, let patched = outcome.patchedObject else { return outcome }
        var builder = JSONPatchBuilder(document: patched)
        var warnings: [String] = []
        for slot in containers {
            guard let container = slot.pointer.parent else { continue }
            let pre = container.appending("commands").appending("pre")
            let existing = pre.value(in: builder.document)
            let current: String
            switch existing {
            case nil, .null?: current = ""
            case .string(let text)?: current = text
            case let other?:
                warnings.append("\(pre) is \(other.typeName), not a string; add '\(commands[0])' to it yourself")
                continue
            }
            let lines = current.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            let missing = commands.filter { !lines.contains($0) }
            guard !missing.isEmpty else { continue }
            let updated = (current.isEmpty || current.hasSuffix("\n") ? current : current + "\n") + missing.joined(separator: "\n")
            do {
                try builder.set(.string(updated), at: pre)
            } catch {
                warnings.append("could not add '\(missing[0])' to \(pre): \(error)")
            }
        }
        var result = outcome
        result.response.patch = JSONPatch(outcome.response.patch.operations + builder.patch.operations)
        result.response.warnings += warnings
        result.patchedObject = builder.document
        return result
    }
}
