import Foundation
import Testing

@Suite struct ModelCommandTests {
    static let fomCSV = "../shared/data/hpcg-training/features_hpcg_fom.csv.gz"

    /// Additive truth y = 10 + 5·[cpu=b] + 2·[os=y] over four instance types, runs at mean ± 1.
    static let studyCSV: String = {
        var lines = [",feature.node.kubernetes.io/cpu,feature.node.kubernetes.io/os,y_actual"]
        for (type, cpu, os) in [("t1.large", "a", "x"), ("t2.large", "a", "y"), ("t3.large", "b", "x"), ("t4.large", "b", "y"), ("t5.large", "a", "x")] {
            let mean = 10 + (cpu == "b" ? 5.0 : 0) + (os == "y" ? 2.0 : 0)
            for run in 0..<4 { lines.append("\(type).O\(run).0.0,\(cpu),\(os),\(mean + (run % 2 == 0 ? 1 : -1))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    private func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("compat-model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    private func json(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func trainsFromAGzipCSVAndWritesAPortableModel() throws {
        let dir = try scratch()
        let csv = dir.appendingPathComponent("study.csv")
        try Data(Self.studyCSV.utf8).write(to: csv)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = [csv.path]
        try gzip.run()
        gzip.waitUntilExit()
        let out = dir.appendingPathComponent("toy.json")
        let result = try CommandRunner.run("compat", [
            "model", "train", "--csv", csv.path + ".gz", "--target", "toy", "--out", out.path, "--penalty", "ridge", "--folds", "5",
        ])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("wrote \(out.path): toy, ridge alpha="))
        #expect(result.stdout.contains("grouped CV (5 folds by instance type): R2 "))
        let model = try json(try Data(contentsOf: out))
        #expect(model["format"] as? String == "ocifit-linear-model")
        #expect(model["direction"] as? String == "maximize")
        #expect((model["seen_input_combinations"] as? [[String]])?.count == 4)
        let training = try #require((model["provenance"] as? [String: Any])?["training_data"] as? [String: Any])
        #expect(training["file"] as? String == "study.csv.gz")
        #expect(training["rows"] as? Int == 20)
        #expect((training["sha256"] as? String)?.count == 64)

        let evaluation = try CommandRunner.run("compat", ["model", "evaluate", "--model", out.path, "--csv", csv.path + ".gz", "--json"])
        #expect(evaluation.status == 0)
        let report = try json(Data(evaluation.stdout.utf8))
        #expect(report["rows"] as? Int == 20)
        #expect((report["all_types"] as? [String: Any])?["chosen"] as? String == "t4.large")
        #expect(report["recorded_cv_r2"] is Double)
    }

    @Test func evaluatesThePublishedFomModelOnItsCSV() throws {
        let result = try CommandRunner.run("compat", ["model", "evaluate", "--model", "models/published/fom.json", "--csv", Self.fomCSV])
        #expect(result.status == 0)
        #expect(result.stdout == """
            fom (maximize) on features_hpcg_fom.csv.gz: 4992 of 4992 rows scored, 0 out of distribution
            R2 0.8874, MAE 2.603
            all 20 instance types: chose hpc6a.48xlarge, best hpc6a.48xlarge, regret 0%
            pairs: best chosen in 168 of 190, mean regret 1.733%, worst 57.71%

            """)
    }

    @Test func unreadableDataExitsTwoAndUnfittableDataExitsOne() throws {
        let dir = try scratch()
        let ragged = dir.appendingPathComponent("ragged.csv")
        try Data(",feature.node.kubernetes.io/a,y_actual\nt.x.b.0,1\n".utf8).write(to: ragged)
        let out = dir.appendingPathComponent("m.json").path
        let broken = try CommandRunner.run("compat", ["model", "train", "--csv", ragged.path, "--target", "m", "--out", out])
        #expect(broken.status == 2)
        #expect(broken.stderr == "compat: training CSV '\(ragged.path)': CSV line 2: 2 fields, but the header has 3\n")
        let missing = try CommandRunner.run("compat", ["model", "evaluate", "--model", "models/published/fom.json", "--csv", dir.appendingPathComponent("none.csv").path])
        #expect(missing.status == 2)
        let csv = dir.appendingPathComponent("study.csv")
        try Data(Self.studyCSV.utf8).write(to: csv)
        let tooManyFolds = try CommandRunner.run("compat", ["model", "train", "--csv", csv.path, "--target", "m", "--out", out, "--folds", "9"])
        #expect(tooManyFolds.status == 1)
        #expect(tooManyFolds.stderr == "compat: --folds must be between 2 and the number of instance types (5), found 9\n")
        #expect(!FileManager.default.fileExists(atPath: out))
        let wrongInputs = try CommandRunner.run("compat", ["model", "evaluate", "--model", "models/published/fom.json", "--csv", csv.path])
        #expect(wrongInputs.status == 1)
        #expect(wrongInputs.stderr.hasPrefix("compat: model 'fom' cannot score any row: label 'feature.node.kubernetes.io/cpu-hardware_multithreading' is missing"))
    }

    @Test func anUnknownPenaltyIsAUsageError() throws {
        let result = try CommandRunner.run("compat", ["model", "train", "--csv", Self.fomCSV, "--target", "fom", "--out", "/dev/null", "--penalty", "elastic"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("penalty must be ridge or lasso, not 'elastic'"))
    }
}
