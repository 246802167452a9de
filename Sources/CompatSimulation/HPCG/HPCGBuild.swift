import CompatCore

/// A GCC optimisation level, ordered by how much the compiler is allowed to transform the code.
///
/// The order follows GCC's own definitions ("Options That Control Optimization"): `-Og` enables a
/// subset of `-O1`; `-Os` is `-O2` without the size-increasing passes; `-Ofast` is `-O3` plus
/// standards-breaking ones such as `-ffast-math`. So: O0 < Og < O1 < Os < O2 < O3 < Ofast. The distance
/// between two levels in this ladder is what "nearest optimisation level" means in ``HPCGMeasurements``.
public enum OptimizationLevel: String, Sendable, Hashable, CaseIterable, Comparable {
    case O0, Og, O1, Os, O2, O3, Ofast

    var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }

    /// Steps between two levels in the ladder.
    public func distance(to other: Self) -> Int { abs(rank - other.rank) }
}

/// One image of the HPCG matrix (`ghcr.io/converged-computing/hpcg-matrix:<micro-arch>-<level>`): HPCG
/// compiled for a GCC `-march` target at an optimisation level, e.g. `cortex-a72-Os`, `x86-64-v3-O2`.
public struct HPCGBuild: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The `-march` target as archspec and GCC name it (`znver3`, `neoverse-v1`, `generic`, `native`).
    public var microArchitecture: String
    public var optimization: OptimizationLevel

    public init(microArchitecture: String, optimization: OptimizationLevel) {
        self.microArchitecture = microArchitecture
        self.optimization = optimization
    }

    /// Parses `<micro-arch>-<level>` (the level is after the last `-`); `nil` when the level is not one
    /// of ``OptimizationLevel`` or the micro-architecture is empty.
    public init?(name: String) {
        guard let dash = name.lastIndex(of: "-"),
              let level = OptimizationLevel(rawValue: String(name[name.index(after: dash)...])),
              dash > name.startIndex
        else { return nil }
        self.init(microArchitecture: String(name[..<dash]), optimization: level)
    }

    /// The image tag: `cortex-a72-Os`.
    public var name: String { "\(microArchitecture)-\(optimization.rawValue)" }

    public var description: String { name }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.microArchitecture, lhs.optimization.rank) < (rhs.microArchitecture, rhs.optimization.rank)
    }

    /// The instruction sets whose CPUs can run code built for this target: one architecture for a
    /// named CPU, both for `generic` and `native` (GCC's portable default and "the build host", which
    /// the HPCG matrix built on each architecture). `nil` for a target this table does not know.
    public var architectures: Set<Architecture>? {
        if Self.portableTargets.contains(microArchitecture) { return [.amd64, .arm64] }
        if Self.x86Targets.contains(microArchitecture) { return [.amd64] }
        if Self.armTargets.contains(microArchitecture) { return [.arm64] }
        return nil
    }

    /// GCC `-march` names of x86-64 CPUs and levels in the HPCG matrix.
    static let x86Targets: Set<String> = [
        "bdver4", "broadwell", "btver2", "haswell", "icelake-server", "ivybridge", "sandybridge", "sapphirerapids",
        "skylake", "skylake-avx512", "x86-64-v2", "x86-64-v3", "x86-64-v4", "znver1", "znver2", "znver3", "znver4",
    ]
    /// GCC `-mcpu`/`-march` names of AArch64 CPUs in the HPCG matrix.
    static let armTargets: Set<String> = [
        "a64fx", "ampere1", "cortex-a53", "cortex-a57", "cortex-a72", "cortex-a76", "cortex-x1",
        "neoverse-n1", "neoverse-n2", "neoverse-v1", "neoverse-v2",
    ]
    static let portableTargets: Set<String> = ["generic", "native"]
}
