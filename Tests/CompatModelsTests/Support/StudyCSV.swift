import CompatModels
import Foundation

/// Study CSV files for training tests.
enum StudyCSV {
    /// The real fom CSV, inflated with the system's gzip (the package's zlib reader lives in another module
    /// and has its own tests).
    static func realFom() throws -> TrainingData {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", TestData.shared.appendingPathComponent("data/hpcg-training/features_hpcg_fom.csv.gz").path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try TrainingData(table: CSVTable(parsing: Array(data)))
    }

    /// A small study with an exactly additive truth: y = 10 + 5·[cpu=b] + 2·[os=y], each type's runs at
    /// mean ± 1 (so every type's mean is exact). Types t5 and t6 repeat the label tuples of t1 and t4.
    static let additiveText: String = {
        let types: [(String, String, String)] = [
            ("t1.large", "a", "x"), ("t2.large", "a", "y"), ("t3.large", "b", "x"),
            ("t4.large", "b", "y"), ("t5.large", "a", "x"), ("t6.large", "b", "y"),
        ]
        var lines = [",feature.node.kubernetes.io/cpu,feature.node.kubernetes.io/os,optimization,y_actual"]
        for (type, cpu, os) in types {
            let mean = 10 + (cpu == "b" ? 5.0 : 0) + (os == "y" ? 2.0 : 0)
            for run in 0..<4 {
                lines.append("\(type).build-O\(run).0.0,\(cpu),\(os),O\(run),\(mean + (run % 2 == 0 ? 1 : -1))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    static func additive() throws -> TrainingData {
        try TrainingData(table: CSVTable(parsing: Array(additiveText.utf8)))
    }
}
