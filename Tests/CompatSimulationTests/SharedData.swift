import CompatSimulation
import Foundation

/// Paths to the real data in `shared/` beside the package root (three levels above this file).
enum SharedData {
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var shared: URL { packageRoot.deletingLastPathComponent().appendingPathComponent("shared") }

    static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: shared.appendingPathComponent(relativePath), encoding: .utf8)
    }

    /// The 25 pilot logs of one lammps-matrix mode, by file name.
    static func pilotLogs(mode: String) throws -> [(name: String, text: String)] {
        let folder = shared.appendingPathComponent("data/lammps-matrix/logs/\(mode)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".log") }.sorted()
        return try names.map { ($0, try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8)) }
    }

    /// A file shipped with the package (`artifacts/...`).
    static func artifact(_ relativePath: String) throws -> [UInt8] {
        Array(try Data(contentsOf: packageRoot.appendingPathComponent(relativePath)))
    }
}

extension SharedData {
    /// A gzip file of `shared/`, decompressed with the system's `gzip -dc` (the library takes text; the
    /// caller decompresses).
    static func gunzippedText(_ relativePath: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", shared.appendingPathComponent(relativePath).path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// `features_hpcg_fom.csv`, parsed.
    static func hpcgFOM() throws -> HPCGMeasurements {
        try HPCGMeasurements(csv: try gunzippedText("data/hpcg-training/features_hpcg_fom.csv.gz"))
    }
}
