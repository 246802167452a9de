import CompatCore
import CompatModels
import Foundation

/// Real data the tests read: the package's `models/` and `../shared/` beside the package.
enum TestData {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")

    /// The 14 published model names, in file-name order.
    static let publishedNames = [
        "duration", "fom", "fom_per_dollar", "gflops_per_second_ddot", "gflops_per_second_mg", "gflops_per_second_spmv",
        "gflops_per_second_waxpby", "memory_bandwidth_across_kernels_read", "memory_bandwidth_across_kernels_total",
        "memory_bandwidth_across_kernels_write", "memory_used_data_total_gbytes", "mpi_allreduce_avg", "mpi_allreduce_max",
        "total_cg_iterations",
    ]

    static func bytes(_ url: URL) throws -> [UInt8] {
        Array(try Data(contentsOf: url))
    }

    static func publishedModel(_ name: String) throws -> PerformanceModel {
        try PerformanceModel(decoding: bytes(packageRoot.appendingPathComponent("models/published/\(name).json")))
    }

    /// The trained models shipped in `models/trained/`, by name.
    static func trainedModels() throws -> [PerformanceModel] {
        let directory = packageRoot.appendingPathComponent("models/trained")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        return try files.map { try PerformanceModel(decoding: bytes(directory.appendingPathComponent($0))) }
    }

    /// The 25 EKS nodes of `shared/data/node-features.json`, in file order.
    static func eksNodes() throws -> [[String: String]] {
        try NodeFeatureMatrix(decoding: bytes(shared.appendingPathComponent("data/node-features.json"))).nodes
    }

    /// Position of the Bottlerocket g4dn.xlarge node (its OS and kernel labels never occurred in training).
    static let bottlerocketIndex = 15
    /// Position of the g5.xlarge node (cpu-model.id 49, unknown to the 13 models fitted on EKS data only).
    static let g5Index = 11
}
